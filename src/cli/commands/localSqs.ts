import type { Command } from "../Command.ts";
import { UsageError } from "../Command.ts";
import { startLocalSqs } from "../../uplink/localSqs.ts";
import { createQueuePair } from "../../uplink/queueSetup.ts";
import { createSqsClient, DEFAULT_SQS } from "../../uplink/sqsClient.ts";
import { onStopSignals } from "../signals.ts";

export const localSqsCommand: Command = {
  usage: "local-sqs [--port N] [--queue NAME] [--visibility-timeout S] [--max-receives N]",
  help: `For running canferry gateway and canferry consumer separately on one machine. Prints one JSON line
with the endpoint and queue URLs (put them in sqs.endpoint and sqs.queue_url), then serves until Ctrl-C.
State is in memory.

options:
  --port N                 default 4566 (0: any free port)
  --queue NAME             default canferry (a name ending in .fifo makes FIFO queues)
  --visibility-timeout S   default 30
  --max-receives N         receives before a message moves to the dead-letter queue, default 3`,
  flags: { port: { type: "string" }, queue: { type: "string" }, "visibility-timeout": { type: "string" }, "max-receives": { type: "string" } },
  async run(v) {
    const port = v.port === undefined ? 4566 : Number(v.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0..65535 (got ${String(v.port)})`);
    const visibility = v["visibility-timeout"] === undefined ? 30 : Number(v["visibility-timeout"]);
    const receives = v["max-receives"] === undefined ? 3 : Number(v["max-receives"]);
    if (!(Number.isInteger(visibility) && visibility >= 0 && visibility <= 43200)) throw new UsageError("--visibility-timeout must be 0..43200 seconds");
    if (!(Number.isInteger(receives) && receives >= 1 && receives <= 1000)) throw new UsageError("--max-receives must be 1..1000");
    const sqs = await startLocalSqs(port);
    const client = createSqsClient({ ...DEFAULT_SQS, endpoint: sqs.endpoint });
    const pair = await createQueuePair(client, {
      name: typeof v.queue === "string" ? v.queue : "canferry",
      maxReceiveCount: receives,
      visibilityTimeoutS: visibility,
    });
    client.destroy();
    process.stdout.write(`${JSON.stringify({ endpoint: sqs.endpoint, queueUrl: pair.queueUrl, dlqUrl: pair.dlqUrl })}\n`);
    await new Promise<void>((resolve) => onStopSignals(resolve));
    await sqs.stop();
    return 0;
  },
};
