/**
 * Consumer throughput: a local SQS server (its own process) preloaded with chunk messages of real CAN
 * frames, drained by the consumer into a sink. Prints frames/s.
 * Usage: bun bench/consume.ts [--frames 5000000] [--per-chunk 8192] [--sink candump|sqlite|ndjson|signals] [--workers 4]
 * (signals: the Kona EV P-CAN log decoded with its DBC, one line per signal)
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import { encodeChunk, ChunkCodec } from "../src/chunker/chunkCodec.ts";
import { CODEC_NAMES, encodeMessage } from "../src/uplink/wireFormat.ts";
import { createSqsClient, DEFAULT_SQS } from "../src/uplink/sqsClient.ts";
import { Consumer } from "../src/consumer/Consumer.ts";
import { DEFAULT_CONSUMER } from "../src/consumer/ConsumerOptions.ts";
import { openSink } from "../src/sink/openSink.ts";
import { DEFAULT_CONFIG } from "../src/config/settings.ts";
import { ROOT, spawnCli, waitForLine } from "./lib/processes.ts";
import { fixtureFrames, repeatedChunks } from "./lib/backlog.ts";

const { values } = parseArgs({
  options: {
    frames: { type: "string", default: "5000000" },
    "per-chunk": { type: "string", default: "8192" },
    sink: { type: "string", default: "candump" },
    workers: { type: "string", default: "4" },
  },
});
const total = Number(values.frames);
const perChunk = Number(values["per-chunk"]);
const dir = mkdtempSync(join(tmpdir(), "canferry-bench-consume-"));
const sqsProc = spawnCli(["local-sqs", "--port", "0", "--queue", "consume"]);
const { endpoint, queueUrl } = JSON.parse(await waitForLine(sqsProc, (l) => l.startsWith("{")));
const client = createSqsClient({ ...DEFAULT_SQS, endpoint, requestTimeoutMs: 60_000 });

// Preload: chunks of real frames over four buses, ten per SendMessageBatch.
// The signal sink decodes the Kona EV P-CAN log with its DBC; the others take the SavvyCAN capture.
const signals = values.sink === "signals";
const base = signals ? await fixtureFrames("kona-ev", "pcan.log") : await fixtureFrames("savvycan", "candump.log");
const t0 = performance.now();
let seq = 0;
let batch: { Id: string; MessageBody: string }[] = [];
const pending: Promise<unknown>[] = [];
for (let b = 0; b < 4; b++)
  for (const frames of repeatedChunks(base, total / 4, perChunk, `can${b}`, 5000)) {
    seq++;
    const enc = encodeChunk(`can${b}`, frames);
    const m = encodeMessage(
      {
        gateway: "bench",
        epoch: "consume",
        bus: `can${b}`,
        seq: [seq, seq],
        ts: [frames[0]!.tsUs, frames.at(-1)!.tsUs],
        frames: frames.length,
        codec: CODEC_NAMES[ChunkCodec.ZSTD_COLUMNS_V1]!,
        raw: enc.rawBytes,
      },
      enc.payload,
    );
    batch.push({ Id: String(seq), MessageBody: m.body });
    if (batch.length === 10) {
      pending.push(client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: batch })));
      batch = [];
      if (pending.length >= 8) await Promise.all(pending.splice(0));
    }
  }
if (batch.length) pending.push(client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: batch })));
await Promise.all(pending);
process.stderr.write(`consume: preloaded ${total} frames in ${seq} messages in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);

const sink = openSink({
  ...DEFAULT_CONFIG.sink,
  type: values.sink as "candump",
  path: join(dir, "sink"),
  dbc: signals ? { "*": [join(ROOT, "test", "fixtures", "kona-ev-dbc", "pcan.dbc")] } : {},
});
const consumer = new Consumer(client, sink, { ...DEFAULT_CONSUMER, queueUrl, waitTimeSeconds: 1, workers: Number(values.workers) });
const start = performance.now();
let last = start;
consumer.on("processed", () => (last = performance.now()));
const running = consumer.run();
while (consumer.stats.framesProcessed < total) await Bun.sleep(20);
const seconds = (last - start) / 1000;
consumer.stop();
await running;
await sink.close();
client.destroy();
sqsProc.kill("SIGTERM");
await sqsProc.exited;
rmSync(dir, { recursive: true, force: true });
const fps = Math.round(consumer.stats.framesProcessed / seconds);
console.log(`consume: ${consumer.stats.framesProcessed} frames from ${consumer.stats.messagesProcessed} messages into the ${values.sink} sink in ${seconds.toFixed(2)} s = ${fps} frames/s`);
console.log(
  JSON.stringify({
    frames_per_s: fps,
    frames: consumer.stats.framesProcessed,
    seconds: +seconds.toFixed(3),
    messages: consumer.stats.messagesProcessed,
    frames_per_message: perChunk,
    sink: values.sink,
    ...(signals ? { signals_per_s: Math.round((sink.counts?.().signals ?? 0) / seconds) } : {}),
    rss_mb: +(process.memoryUsage().rss / 2 ** 20).toFixed(1),
  }),
);
