/** What one process (gateway or consumer) reports, with the parts the demo merges across two of them. */
import type { PromMetrics } from "../metrics/promMetrics.ts";
import type { SlaTracker } from "../metrics/SlaTracker.ts";
import type { MetricsHistory } from "../metrics/MetricsHistory.ts";
import type { StatusSource } from "./StatusServer.ts";

export interface ProcessReport extends StatusSource {
  sla: SlaTracker;
  prom: PromMetrics;
  recorder: MetricsHistory;
}

/** /history and /metrics are always the recorder's hour and the registry's text. */
export function processReport(parts: Omit<ProcessReport, "history" | "metrics">): ProcessReport {
  return { ...parts, history: () => parts.recorder.hour(), metrics: () => parts.prom.text() };
}
