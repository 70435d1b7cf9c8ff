/** What a consumer reports on its status endpoint: SLA (end to end per frame), queue age, work. */
import type { Consumer } from "../consumer/Consumer.ts";
import type { FrameSink } from "../sink/FrameSink.ts";
import { PromMetrics } from "../metrics/promMetrics.ts";
import { SlaTracker, type SlaOptions } from "../metrics/SlaTracker.ts";
import { processReport, type ProcessReport } from "./ProcessReport.ts";
import { latencyGauge, slaMetrics } from "./slaMetrics.ts";
import { buildInfo } from "./buildInfo.ts";
import { MetricsHistory, type HistoryOptions } from "../metrics/MetricsHistory.ts";
import { rateOf } from "../metrics/rateOf.ts";

export function consumerStatus(consumer: Consumer, sink: FrameSink, slaOptions: SlaOptions, workers: number, history: HistoryOptions): ProcessReport {
  const sla = new SlaTracker(slaOptions, Date.now, consumer.e2e);
  const m = new PromMetrics();
  const s = () => consumer.stats;
  slaMetrics(m, sla, "canferry_sla", "canferry_e2e_latency_seconds", "Processed minus capture time, per frame, by window.");
  latencyGauge(m, "canferry_queue_age_seconds", "Received minus SentTimestamp, per message, by window.", consumer.queueAge);
  latencyGauge(m, "canferry_processing_seconds", "Decode and sink write, per message, by window.", consumer.processing);
  m.counter("canferry_consumer_frames_total", "Frames written to the sink.", () => s().framesProcessed);
  m.counter("canferry_consumer_messages_total", "Messages processed.", () => s().messagesProcessed);
  m.counter("canferry_consumer_duplicates_total", "Chunks delivered again and skipped by the sink.", () => s().duplicates);
  m.counter("canferry_consumer_dead_lettered_total", "Undecodable messages left to the dead-letter queue.", () => s().poison);
  m.counter("canferry_consumer_sqs_calls_total", "SQS calls by kind.", () => [
    [{ call: "receive" }, s().receiveCalls - s().emptyReceives],
    [{ call: "receive_empty" }, s().emptyReceives],
    [{ call: "delete" }, s().deleteCalls],
    [{ call: "visibility" }, s().visibilityCalls],
  ]);
  m.counter("canferry_consumer_errors_total", "Errors by code.", () => Object.entries(s().errorsByCode).map(([code, n]) => [{ code }, n]));
  const sinkCounts = () => sink.counts?.() ?? {};
  m.counter("canferry_sink_counts_total", "What the sink counts as it writes, by count (the signal sink's decoded and undefined frames, signals).", () =>
    Object.entries(sinkCounts()).map(([count, n]) => [{ count }, n]),
  );
  m.gauge("canferry_consumer_worker_utilization_ratio", "Busy workers over all workers.", () => s().busyWorkers / workers);
  m.gauge("canferry_consumer_visibility_margin_min_seconds", "The least time a held message had left before another consumer could receive it, when its extension was sent.", () => {
    const ms = s().visibilityMarginMinMs;
    return ms === null ? [] : [[{}, ms / 1000]];
  });
  m.gauge("canferry_consumer_held_messages", "Messages received and not yet deleted.", () => s().held);
  const rate = rateOf(() => consumer.stats.framesProcessed);
  const recorder = new MetricsHistory(() => {
    const e = consumer.e2e.summary("1m");
    const v = sla.verdict("1m");
    return {
      e2e_p50_s: e.p50Ms / 1000,
      e2e_p95_s: e.p95Ms / 1000,
      e2e_p99_s: e.p99Ms / 1000,
      queue_age_p95_s: consumer.queueAge.summary("1m").p95Ms / 1000,
      sla_compliance: v.compliance,
      sla_violations: v.violations,
      frames: e.count,
      consumed_frames_per_s: rate(),
    };
  }, history);
  return processReport({
    sla,
    recorder,
    prom: m,
    statusLine: () => {
      const v = sla.verdict("1m");
      return `${s().framesProcessed} frames consumed, P${slaOptions.percentile} end to end ${v.valueMs.toFixed(0)} ms (${v.ok ? "within" : "OVER"} ${slaOptions.thresholdMs} ms), ${s().held} messages held`;
    },
    ready: () => consumer.running,
    status: () => ({
      process: "consumer",
      build: buildInfo(),
      sla: { measure: "processed minus capture time, per frame", ...sla.report() },
      queueAge: consumer.queueAge.summary("1m"),
      processing: consumer.processing.summary("1m"),
      consumer: { ...s(), workerUtilization: +(s().busyWorkers / workers).toFixed(3) },
      sink: { kind: sink.kind, ...sinkCounts() },
    }),
  });
}
