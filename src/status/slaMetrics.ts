/** The SLA figures as Prometheus metrics, shared by the gateway's and the consumer's /metrics. */
import type { PromMetrics } from "../metrics/promMetrics.ts";
import type { SlaTracker } from "../metrics/SlaTracker.ts";
import type { SlidingHistogram } from "../metrics/SlidingHistogram.ts";

const WINDOWS = ["1m", "5m", "1h"] as const;

/** Quantiles of a sliding histogram per window, in seconds. */
export function latencyGauge(m: PromMetrics, name: string, help: string, h: SlidingHistogram): void {
  m.gauge(
    name,
    help,
    () =>
      WINDOWS.flatMap((window) => {
        const s = h.summary(window);
        return [
          [{ window, quantile: "0.5" }, s.p50Ms / 1000],
          [{ window, quantile: "0.95" }, s.p95Ms / 1000],
          [{ window, quantile: "0.99" }, s.p99Ms / 1000],
        ] as [Record<string, string>, number][];
      }),
  );
}

/** `prefix` names the SLA's measure, e.g. canferry_sla (end to end) or canferry_uplink_sla. */
export function slaMetrics(m: PromMetrics, sla: SlaTracker, prefix: string, latencyName: string, latencyHelp: string): void {
  latencyGauge(m, latencyName, latencyHelp, sla.e2e);
  m.gauge(`${prefix}_threshold_seconds`, "The SLA's latency threshold.", () => sla.options.thresholdMs / 1000);
  m.gauge(`${prefix}_compliance_ratio`, "Share of frames within the SLA threshold, per window.", () =>
    WINDOWS.map((window) => [{ window }, sla.verdict(window).compliance]),
  );
  m.gauge(`${prefix}_violation_frames`, "Frames over the SLA threshold, per window.", () =>
    WINDOWS.map((window) => [{ window }, sla.verdict(window).violations]),
  );
  m.gauge(`${prefix}_violated`, "1 while the SLA percentile of the last minute is over the threshold.", () => (sla.report().violated ? 1 : 0));
}
