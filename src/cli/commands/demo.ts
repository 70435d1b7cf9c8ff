import { join } from "node:path";
import type { Command } from "../Command.ts";
import { UsageError } from "../Command.ts";
import { parseConfig } from "../../config/configFile.ts";
import { createLogger } from "../../log/logger.ts";
import { openGateway } from "../../gateway/openGateway.ts";
import { openConsumer } from "../../consumer/openConsumer.ts";
import { startLocalSqs } from "../../uplink/localSqs.ts";
import { createQueuePair } from "../../uplink/queueSetup.ts";
import { createSqsClient, DEFAULT_SQS } from "../../uplink/sqsClient.ts";
import { onStopSignals } from "../signals.ts";
import { StatusLine } from "../StatusLine.ts";
import { PromMetrics } from "../../metrics/promMetrics.ts";
import { serveStatus } from "../../status/serveStatus.ts";

/**
 * A real recorded capture shipped with canferry (SavvyCAN's candump example, MIT; see its LICENSE).
 * Imported as a file so a compiled canferry carries it inside.
 */
import demoLog from "../../../test/fixtures/savvycan/candump.log" with { type: "file" };
export const DEMO_LOG: string = demoLog;

/** How long a stopping demo waits for the consumer to take the last uploads out of the queue. */
const CONSUMER_CATCH_UP_MS = 5000;

export const demoCommand: Command = {
  usage: "demo [--data DIR] [--speed X] [--duration SECONDS] [--port N]",
  help: `Starts a local SQS server (fauxqs, 127.0.0.1 only) with a queue and its dead-letter queue, a gateway
replaying a recorded CAN log in real time on a loop, the uploader, and a consumer writing candump files
under DIR/sink. Prints a status line every second. Ctrl-C stops it cleanly.

options:
  --data DIR            where the buffer and the sink live (default data/demo)
  --speed X             replay X times faster than recorded (default 1)
  --duration SECONDS    stop by itself after this long (default: run until Ctrl-C)
  --port N              local SQS port (default: any free port)
  --status HOST:PORT    the status endpoint (default 127.0.0.1:8080)`,
  flags: { data: { type: "string" }, speed: { type: "string" }, duration: { type: "string" }, port: { type: "string" }, status: { type: "string" } },
  async run(v) {
    const data = typeof v.data === "string" ? v.data : join("data", "demo");
    const duration = v.duration === undefined ? 0 : Number(v.duration);
    if (!(duration >= 0)) throw new UsageError(`--duration must be a number of seconds (got ${String(v.duration)})`);
    const port = v.port === undefined ? 0 : Number(v.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0..65535 (got ${String(v.port)})`);

    const sqs = await startLocalSqs(port);
    const setup = createSqsClient({ ...DEFAULT_SQS, endpoint: sqs.endpoint });
    const { queueUrl, dlqUrl } = await createQueuePair(setup, { name: "canferry-demo", maxReceiveCount: 3, visibilityTimeoutS: 30 });
    setup.destroy();
    const config = parseConfig("", "demo", process.env, [
      { section: "gateway", key: "id", flag: "demo", value: "demo-gateway" },
      { section: "gateway", key: "pace", flag: "demo", value: "realtime" },
      { section: "gateway", key: "speed", flag: "--speed", value: v.speed },
      { section: "gateway", key: "loop", flag: "demo", value: true },
      { section: "buffer", key: "path", flag: "--data", value: join(data, "buffer.db") },
      { section: "sqs", key: "endpoint", flag: "demo", value: sqs.endpoint },
      { section: "sqs", key: "queue_url", flag: "demo", value: queueUrl },
      { section: "consumer", key: "wait_time", flag: "demo", value: "5s" },
      { section: "sink", key: "type", flag: "demo", value: "candump" },
      { section: "sink", key: "path", flag: "--data", value: join(data, "sink") },
      { section: "status", key: "bind", flag: "--status", value: v.status },
      { section: "metrics", key: "dir", flag: "--data", value: join(data, "metrics") },
    ]);
    const log = createLogger("demo", "warn");
    process.stdout.write(
      `canferry demo: local SQS at ${sqs.endpoint}, queue ${queueUrl} (dead letters: ${dlqUrl})\n` +
        `replaying ${DEMO_LOG} in real time; buffer ${config.buffer.path}, sink ${config.sink.path}. Ctrl-C stops.\n`,
    );
    const consumer = openConsumer(config, log, false);
    const gateway = await openGateway(config, `candump:${DEMO_LOG}`, log, false);
    /**
     * The gateway first: it commits and uploads what it has; then the consumer, once it has taken all
     * of that out of the queue (the queue lives in this process and goes away with it), within a bound.
     */
    const stopAll = async () => {
      gateway.gateway.stop();
      await gateway.done;
      const uploaded = gateway.gateway.uploader?.stats.framesAcked ?? 0;
      const until = Date.now() + CONSUMER_CATCH_UP_MS;
      while (consumer.consumer.stats.framesProcessed < uploaded && Date.now() < until) await Bun.sleep(20);
      consumer.consumer.stop();
      await consumer.done;
    };
    const prom = PromMetrics.merged(gateway.status.prom, consumer.status.prom);
    let served;
    try {
      served = serveStatus(
      {
        ready: () => gateway.status.ready() && consumer.status.ready(),
        status: () => ({ ...consumer.status.status(), process: "demo", gateway: gateway.status.status(), consumer: consumer.status.status() }),
        metrics: () => prom.text(),
        statusLine: () => `${gateway.status.statusLine()}; ${consumer.status.statusLine()}`,
        // One timeline for the page: both sides' samples, taken together every 10 s.
        history: () => consumer.status.history().map((c, i) => ({ ...gateway.status.history()[i], ...c })),
      },
      [gateway.status.sla, consumer.status.sla],
      [gateway.status.recorder, consumer.status.recorder],
      config,
      log,
      );
    } catch (e) {
      await stopAll();
      await sqs.stop();
      throw e;
    }
    process.stdout.write(`status: ${served.url}/status (JSON), ${served.url}/metrics (Prometheus); canferry status --url ${served.url}\n`);
    const status = new StatusLine(gateway.gateway, consumer.consumer);
    let stopped: Promise<void> | undefined;
    const stop = () => {
      status.stop();
      stopped ??= stopAll();
    };
    const off = onStopSignals(stop);
    const timer = duration > 0 ? setTimeout(stop, duration * 1000) : undefined;
    try {
      await Promise.all([gateway.done, consumer.done]);
      await stopped;
    } finally {
      clearTimeout(timer);
      off();
      await served.stop();
      await sqs.stop();
    }
    status.printFinal();
    return 0;
  },
};
