/** What a gateway reports on its status endpoint: SLA (capture to SQS acknowledgement), buffer, uplink, source. */
import type { Gateway } from "../gateway/Gateway.ts";
import { PromMetrics } from "../metrics/promMetrics.ts";
import { SlaTracker, type SlaOptions } from "../metrics/SlaTracker.ts";
import { processReport, type ProcessReport } from "./ProcessReport.ts";
import { slaMetrics } from "./slaMetrics.ts";
import { buildInfo } from "./buildInfo.ts";
import { MetricsHistory, type HistoryOptions } from "../metrics/MetricsHistory.ts";
import { rateOf } from "../metrics/rateOf.ts";

export function gatewayStatus(id: string, gateway: Gateway, slaOptions: SlaOptions, history: HistoryOptions): ProcessReport {
  // Read once: it changes only when the buffer is opened.
  const recovery = gateway.buffer.lastRecovery();
  const sla = new SlaTracker(slaOptions);
  gateway.uploader?.on("acked", (chunks, atMs) => {
    for (const c of chunks) sla.e2e.recordMs(Math.max(0, atMs - c.firstTsUs / 1000), c.frameCount);
  });
  const buffer = gateway.buffer;
  const m = new PromMetrics();
  slaMetrics(m, sla, "canferry_uplink_sla", "canferry_uplink_latency_seconds", "Capture to SQS acknowledgement, per frame, by window.");
  m.counter("canferry_frames_ingested_total", "Frames read from the source.", () => gateway.ingestor.stats.framesIn);
  m.counter("canferry_frames_committed_total", "Frames committed to the buffer.", () => gateway.ingestor.stats.framesCommitted);
  m.counter("canferry_source_malformed_total", "Malformed input lines.", () => gateway.source.counters.malformed);
  m.counter("canferry_source_dropped_frames_total", "Frames lost before canferry read them, by reason.", () => [
    [{ reason: "kernel" }, gateway.source.counters.kernelDrops],
    [{ reason: "queue" }, gateway.source.counters.queueDrops],
  ]);
  m.gauge("canferry_buffer_backlog_frames", "Frames not yet acknowledged by SQS.", () => buffer.backlog().frames);
  m.gauge("canferry_buffer_backlog_chunks", "Chunks not yet acknowledged by SQS.", () => buffer.backlog().chunks);
  m.gauge("canferry_buffer_backlog_bytes", "Stored bytes not yet acknowledged by SQS.", () => buffer.backlog().bytes);
  m.gauge("canferry_buffer_oldest_pending_age_seconds", "Age of the oldest frame waiting for the uplink.", () => buffer.backlog().oldestAgeS);
  m.counter("canferry_buffer_evicted_frames_total", "Frames removed by the cap or retention, by reason.", () =>
    Object.entries(buffer.stats().evictedFrames).map(([reason, n]) => [{ reason }, n]),
  );
  const up = () => gateway.uploader?.stats;
  m.counter("canferry_uplink_frames_acked_total", "Frames SQS accepted.", () => up()?.framesAcked ?? 0);
  m.counter("canferry_uplink_send_calls_total", "SendMessageBatch calls.", () => up()?.sendCalls ?? 0);
  m.counter("canferry_uplink_billed_requests_total", "SQS requests as AWS bills them (64 KiB units).", () => up()?.billedRequests ?? 0);
  m.counter("canferry_uplink_errors_total", "SQS errors by code.", () => Object.entries(up()?.errorsByCode ?? {}).map(([code, n]) => [{ code }, n]));
  m.gauge("canferry_uplink_outage", "1 while the uplink is down.", () => (up()?.outageSince ? 1 : 0));
  m.gauge("canferry_uplink_drain_frames_per_second", "Frames acknowledged per second, last 5 s.", () => up()?.ackRateFps ?? 0);
  const ingestRate = rateOf(() => gateway.ingestor.stats.framesIn);
  const recorder = new MetricsHistory(() => {
    const u = sla.e2e.summary("1m");
    const b = buffer.backlog();
    return {
      uplink_p50_s: u.p50Ms / 1000,
      uplink_p95_s: u.p95Ms / 1000,
      uplink_p99_s: u.p99Ms / 1000,
      sla_compliance: sla.verdict("1m").compliance,
      backlog_frames: b.frames,
      backlog_age_s: b.oldestAgeS,
      ingest_frames_per_s: ingestRate(),
      drain_frames_per_s: up()?.ackRateFps ?? 0,
    };
  }, history);
  return processReport({
    sla,
    recorder,
    prom: m,
    statusLine: () => {
      const b = buffer.backlog();
      const u = up();
      const p = sla.verdict("1m");
      return `${gateway.ingestor.stats.framesIn} frames in, backlog ${b.frames} frames (oldest ${b.oldestAgeS.toFixed(1)} s), uplink ${u?.outageSince ? "DOWN" : "up"}, P${slaOptions.percentile} to SQS ${p.valueMs.toFixed(0)} ms`;
    },
    ready: () => gateway.running,
    status: () => {
      const b = buffer.backlog();
      const u = up();
      return {
        process: "gateway",
        gateway: id,
        build: buildInfo(),
        sla: { measure: "capture to SQS acknowledgement, per frame", ...sla.report() },
        buffer: {
          path: buffer.options.path,
          epoch: buffer.epoch,
          backlogFrames: b.frames,
          backlogChunks: b.chunks,
          backlogBytes: b.bytes,
          oldestPendingAgeS: +b.oldestAgeS.toFixed(3),
          evictedFrames: buffer.stats().evictedFrames,
          lastRecovery: recovery ?? null,
        },
        uplink: u && {
          ...u,
          outageSince: u.outageSince && new Date(u.outageSince).toISOString(),
          backlogDrainSeconds: u.ackRateFps > 0 ? +(b.frames / u.ackRateFps).toFixed(1) : null,
        },
        source: { name: gateway.source.name, running: gateway.running, ...gateway.source.counters },
        ingest: gateway.ingestor.stats,
      };
    },
  });
}
