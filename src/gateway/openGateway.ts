/** Builds a running gateway from the config: buffer, source, uplink, with its events logged. */
import { BufferStore } from "../buffer/BufferStore.ts";
import { recoveryMessage } from "../buffer/BufferRecovery.ts";
import type { CanferryConfig } from "../config/configFile.ts";
import { ConfigError } from "../config/configFile.ts";
import { bufferOptions, chunkerOptions, sqsSettings, uploaderOptions } from "../config/settings.ts";
import type { Logger } from "../log/logger.ts";
import { openBufferedSource } from "./openBufferedSource.ts";
import { createSqsClient } from "../uplink/sqsClient.ts";
import { Gateway } from "./Gateway.ts";
import type { ProcessReport } from "../status/ProcessReport.ts";
import { gatewayStatus } from "../status/gatewayStatus.ts";
import { serveStatus } from "../status/serveStatus.ts";

const STATUS_EVERY_MS = 10_000;


export interface OpenedGateway {
  gateway: Gateway;
  status: ProcessReport;
  /** Resolves when the gateway has stopped and its buffer is closed. */
  done: Promise<void>;
}

/** `serve`: start the status endpoint (the demo serves one for both sides instead). */
export async function openGateway(config: CanferryConfig, sourceSpec: string | undefined, log: Logger, serve = true): Promise<OpenedGateway> {
  const spec = sourceSpec ?? config.gateway.source;
  if (!spec) throw new ConfigError("no source: set gateway.source in the config or pass --source (e.g. socketcan:can0)");
  const queueUrl = config.sqs.queue_url;
  if (!queueUrl) throw new ConfigError("no queue: set sqs.queue_url in the config (or CANFERRY_SQS_QUEUE_URL)");
  const buffer = BufferStore.open(bufferOptions(config));
  if (buffer.recovered) log.error({ recovery: buffer.recovered }, recoveryMessage(buffer.recovered));
  const source = await openBufferedSource(spec, config, buffer, log, {
    pace: config.gateway.pace === "fast" ? { mode: "fast" } : { mode: "realtime", speed: config.gateway.speed },
    loop: config.gateway.loop,
  });
  const client = createSqsClient(sqsSettings(config));
  const gateway = new Gateway(source, buffer, {
    chunker: chunkerOptions(config),
    uplink: { client, options: uploaderOptions(config, queueUrl) },
    pruneIntervalMs: 10_000,
    drainOnStopMs: config.uplink.drain_on_stop,
  });
  gateway.uploader!.on("outage", (since, error) => log.warn({ since: new Date(since).toISOString(), error }, "uplink down; buffering"));
  gateway.uploader!.on("recovered", (downMs) => log.info({ downMs }, "uplink back; draining the backlog"));
  log.info({ gateway: config.gateway.id, source: source.name, buffer: buffer.options.path, epoch: buffer.epoch, queueUrl }, "gateway started");
  // The backlog, its age and how fast it drains, in the journal every STATUS_EVERY_MS.
  const status = setInterval(() => {
    const b = buffer.backlog();
    const up = gateway.uploader!.stats;
    log.info(
      {
        framesIn: gateway.ingestor.stats.framesIn,
        backlogFrames: b.frames,
        backlogChunks: b.chunks,
        oldestPendingAgeS: +b.oldestAgeS.toFixed(1),
        drainFps: Math.round(up.ackRateFps),
        framesAcked: up.framesAcked,
        outageSince: up.outageSince && new Date(up.outageSince).toISOString(),
      },
      "gateway status",
    );
  }, STATUS_EVERY_MS);
  status.unref?.();
  const report = gatewayStatus(
    config.gateway.id,
    gateway,
    { thresholdMs: config.sla.threshold, percentile: config.sla.percentile },
    { dir: config.metrics.dir, retainDays: config.metrics.retain_days, process: "gateway" },
  );
  let served;
  try {
    served = serve ? serveStatus(report, [report.sla], [report.recorder], config, log) : undefined;
  } catch (e) {
    buffer.close();
    throw e;
  }
  const done = gateway.run().finally(async () => {
    clearInterval(status);
    await served?.stop();
    buffer.close();
    client.destroy();
  });
  return { gateway, status: report, done };
}
