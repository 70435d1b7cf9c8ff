/** Builds a running consumer from the config, with its events logged. */
import type { CanferryConfig } from "../config/configFile.ts";
import { ConfigError } from "../config/configFile.ts";
import { consumerOptions, sqsSettings } from "../config/settings.ts";
import type { Logger } from "../log/logger.ts";
import { openSink } from "../sink/openSink.ts";
import { createSqsClient } from "../uplink/sqsClient.ts";
import { Consumer } from "./Consumer.ts";
import type { ProcessReport } from "../status/ProcessReport.ts";
import { consumerStatus } from "../status/consumerStatus.ts";
import { serveStatus } from "../status/serveStatus.ts";

export interface OpenedConsumer {
  consumer: Consumer;
  status: ProcessReport;
  done: Promise<void>;
}

/** `serve`: start the status endpoint (the demo serves one for both sides instead). */
export function openConsumer(config: CanferryConfig, log: Logger, serve = true): OpenedConsumer {
  const queueUrl = config.sqs.queue_url;
  if (!queueUrl) throw new ConfigError("no queue: set sqs.queue_url in the config (or CANFERRY_SQS_QUEUE_URL)");
  const sink = openSink(config.sink);
  const client = createSqsClient(sqsSettings(config, config.consumer.wait_time));
  const consumer = new Consumer(client, sink, consumerOptions(config, queueUrl));
  consumer.on("poison", (messageId, reason) => log.warn({ messageId, reason }, "undecodable message left to the dead-letter queue"));
  consumer.on("error", (e) => log.error({ err: e.message }, "sink write failed; the message will be retried"));
  const report = consumerStatus(
    consumer,
    sink,
    { thresholdMs: config.sla.threshold, percentile: config.sla.percentile },
    config.consumer.workers,
    { dir: config.metrics.dir, retainDays: config.metrics.retain_days, process: "consumer" },
  );
  let served;
  try {
    served = serve ? serveStatus(report, [report.sla], [report.recorder], config, log) : undefined;
  } catch (e) {
    void sink.close();
    client.destroy();
    throw e;
  }
  log.info({ queueUrl, sink: config.sink.type, path: config.sink.path }, "consumer started");
  const done = consumer.run().finally(async () => {
    await served?.stop();
    await sink.close();
    client.destroy();
  });
  return { consumer, status: report, done };
}
