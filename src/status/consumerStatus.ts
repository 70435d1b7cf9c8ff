/** What a consumer reports on its status endpoint: SLA (end to end per frame), queue age, work. */
import type { Consumer } from "../consumer/Consumer.ts";
import type { Registry } from "prom-client";
import { PromMetrics } from "../metrics/promMetrics.ts";
import { SlaTracker, type SlaOptions } from "../metrics/SlaTracker.ts";
import type { StatusSource } from "./StatusServer.ts";
import { latencyGauge, slaMetrics } from "./slaMetrics.ts";
import { buildInfo } from "./buildInfo.ts";

export interface ConsumerStatus extends StatusSource {
  sla: SlaTracker;
  registry: Registry;
}

export function consumerStatus(consumer: Consumer, slaOptions: SlaOptions, workers: number): ConsumerStatus {
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
  ], ["call"]);
  m.counter("canferry_consumer_errors_total", "Errors by code.", () => Object.entries(s().errorsByCode).map(([code, n]) => [{ code }, n]), ["code"]);
  m.gauge("canferry_consumer_worker_utilization_ratio", "Busy workers over all workers.", () => s().busyWorkers / workers);
  m.gauge("canferry_consumer_held_messages", "Messages received and not yet deleted.", () => s().held);
  return {
    sla,
    ready: () => consumer.running,
    registry: m.registry,
    metrics: () => m.text(),
    status: () => ({
      process: "consumer",
      build: buildInfo(),
      sla: { measure: "processed minus capture time, per frame", ...sla.report() },
      queueAge: consumer.queueAge.summary("1m"),
      processing: consumer.processing.summary("1m"),
      consumer: { ...s(), workerUtilization: +(s().busyWorkers / workers).toFixed(3) },
    }),
  };
}
