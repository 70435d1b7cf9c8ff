/**
 * Replay after an outage. A backlog of 10 minutes at 20,000 frames/s (12 million real CAN frames) is
 * built into the buffer as fast as the chunker allows while the link is down; then a gateway process
 * runs with live input at 20,000 frames/s and its link (a TCP proxy) comes back. Prints the drain rate
 * into SQS as a multiple of real time, the time from the link's return to the first acknowledged
 * upload, and the end-to-end P95 of live frames during the drain.
 * Usage: bun bench/outage.ts [--backlog-frames 12000000] [--rate 20000] [--series FILE]
 * --series FILE writes the backlog left over time and the gateway's RSS (JSON) for the charts.
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { BufferStore } from "../src/buffer/BufferStore.ts";
import { Ingestor } from "../src/gateway/Ingestor.ts";
import { DEFAULT_CHUNKER } from "../src/chunker/Chunker.ts";
import { DEFAULT_CONFIG, defaultBufferOptions } from "../src/config/settings.ts";
import { Consumer } from "../src/consumer/Consumer.ts";
import { DEFAULT_CONSUMER } from "../src/consumer/ConsumerOptions.ts";
import { openSink } from "../src/sink/openSink.ts";
import { createSqsClient, DEFAULT_SQS } from "../src/uplink/sqsClient.ts";
import { SlidingHistogram } from "../src/metrics/SlidingHistogram.ts";
import { nowUs, newCounters, type FrameBatch, type FrameSource } from "../src/source/FrameSource.ts";
import type { ChunkDelivery, FrameSink } from "../src/sink/FrameSink.ts";
import { FaultProxy } from "../test/helpers/FaultProxy.ts";
import { findLog, logRecords, spawnCli, waitForLine, RssSampler } from "./lib/processes.ts";
import { fixtureFrames, repeatedChunks } from "./lib/backlog.ts";

const { values } = parseArgs({
  options: { "backlog-frames": { type: "string", default: "12000000" }, rate: { type: "string", default: "20000" }, series: { type: "string" } },
});
const backlogFrames = Number(values["backlog-frames"]);
const rate = Number(values.rate);
const dir = mkdtempSync(join(tmpdir(), "canferry-bench-outage-"));
const bufferPath = join(dir, "buffer.db");

/** The recorded capture as a source, four buses, timestamps spread over the outage. */
class BacklogSource implements FrameSource {
  readonly name = "backlog";
  readonly counters = newCounters();
  constructor(private readonly chunks: Generator<FrameBatch["frames"]>) {}
  stop(): void {}
  async *batches(): AsyncGenerator<FrameBatch> {
    for (const frames of this.chunks) {
      this.counters.frames += frames.length;
      yield { frames };
    }
  }
}

// 1. The backlog, while the link is down.
const base = await fixtureFrames("savvycan", "candump.log");
function* fourBuses() {
  const perBus = backlogFrames / 4;
  const gens = [0, 1, 2, 3].map((b) => repeatedChunks(base, perBus, 4096, `can${b}`, rate / 4));
  for (let done = 0; done < 4; ) {
    done = 0;
    for (const g of gens) {
      const n = g.next();
      if (n.done) done++;
      else yield n.value;
    }
  }
}
const t0 = performance.now();
const store = BufferStore.open({ ...defaultBufferOptions(bufferPath), capBytes: 8 * 1024 ** 3 });
await new Ingestor(new BacklogSource(fourBuses()), store, DEFAULT_CHUNKER).run();
const built = store.backlog();
store.close();
process.stderr.write(`outage: backlog of ${built.frames} frames (${(built.bytes / 2 ** 20).toFixed(0)} MiB) built in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);

// 2. SQS, a dead link in front of it, the consumer, and the gateway with live input.
const sqsProc = spawnCli(["local-sqs", "--port", "0", "--queue", "outage"]);
const { endpoint, queueUrl } = JSON.parse(await waitForLine(sqsProc, (l) => l.startsWith("{")));
const proxy = new FaultProxy({ host: "127.0.0.1", port: Number(new URL(endpoint).port) }).start();
proxy.set("blackhole");

/** Measures live frames' latency as the sink gets them. */
class LiveLatencySink implements FrameSink {
  readonly kind = "measured";
  readonly live = new SlidingHistogram();
  backlogDone = 0;
  lastBacklogAt = 0;
  measuring = false;
  /** Live means captured after the link returned; what piled up during the outage is backlog. */
  liveFromUs = Number.POSITIVE_INFINITY;
  constructor(private readonly inner: FrameSink) {}
  async write(d: ChunkDelivery): Promise<boolean> {
    const fresh = await this.inner.write(d);
    const now = nowUs();
    if (d.bus.startsWith("live")) {
      if (this.measuring) for (const f of d.frames) if (f.tsUs >= this.liveFromUs) this.live.recordMs((now - f.tsUs) / 1000);
    } else if (fresh) {
      this.backlogDone += d.frames.length;
      this.lastBacklogAt = performance.now();
    }
    return fresh;
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
const sink = new LiveLatencySink(openSink({ ...DEFAULT_CONFIG.sink, type: "candump", path: join(dir, "sink") }));
const client = createSqsClient({ ...DEFAULT_SQS, endpoint, requestTimeoutMs: 30_000 });
const consumer = new Consumer(client, sink, { ...DEFAULT_CONSUMER, queueUrl, waitTimeSeconds: 1 });
const consuming = consumer.run();

await Bun.write(
  join(dir, "gateway.toml"),
  `[gateway]\nid = "outage"\n[buffer]\npath = "${bufferPath}"\ncap = "8GiB"\n[status]\nbind = "127.0.0.1:0"\n[metrics]\ndir = "${join(dir, "metrics")}"\n[sqs]\nqueue_url = "${queueUrl}"\nendpoint = "${proxy.endpoint}"\n`,
);
const gateway = spawnCli(["gateway", "--config", join(dir, "gateway.toml"), "--source", `gen:rate=${rate},buses=live0+live1+live2+live3`]);
const rss = new RssSampler(gateway.pid, 500);
await Bun.sleep(3000); // live input accumulates behind the dead link too
const returnedAtMs = Date.now();
const returned = performance.now();
sink.liveFromUs = returnedAtMs * 1000;
sink.measuring = true;
proxy.set("pass");
const drain: { t_s: number; backlog_frames: number }[] = [];
let sampledAt = -Infinity;
while (sink.backlogDone < built.frames && performance.now() - returned < 300_000) {
  if (performance.now() - sampledAt >= 250) {
    sampledAt = performance.now();
    drain.push({ t_s: +((sampledAt - returned) / 1000).toFixed(2), backlog_frames: built.frames - sink.backlogDone });
  }
  await Bun.sleep(50);
}
drain.push({ t_s: +((sink.lastBacklogAt - returned) / 1000).toFixed(2), backlog_frames: built.frames - sink.backlogDone });
const drainSeconds = (sink.lastBacklogAt - returned) / 1000;
sink.measuring = false;
gateway.kill("SIGTERM");
const logs = await logRecords(gateway);
findLog(logs, "gateway stopped");
// The uploader logs the first acknowledged batch after an outage; the last such line is this return.
const back = logs.filter((r) => r.msg === "uplink back; draining the backlog").at(-1);
rss.stop();
consumer.stop();
await consuming;
await sink.close();
client.destroy();
proxy.stop();
sqsProc.kill("SIGTERM");
await sqsProc.exited;

rmSync(dir, { recursive: true, force: true });
if (values.series) await Bun.write(values.series, JSON.stringify({ backlog: drain, gateway_rss_mb: rss.series }));

const drainFps = built.frames / drainSeconds;
const result = {
  backlog_frames: built.frames,
  backlog_mib: +(built.bytes / 2 ** 20).toFixed(1),
  drain_seconds: +drainSeconds.toFixed(2),
  drain_frames_per_s: Math.round(drainFps),
  drain_x_realtime: +(drainFps / rate).toFixed(1),
  first_ack_after_return_ms: back ? back.time - returnedAtMs : null,
  live_e2e_p50_during_drain_ms: +sink.live.percentileMs(50).toFixed(1),
  live_e2e_p95_during_drain_ms: +sink.live.percentileMs(95).toFixed(1),
  gateway_rss_peak_mb: +rss.peak.toFixed(1),
};
console.log(
  `outage: ${built.frames} backlog frames drained in ${result.drain_seconds} s = ${result.drain_x_realtime}x real time; ` +
    `first ack ${result.first_ack_after_return_ms} ms after the link returned; live e2e p95 during the drain ${result.live_e2e_p95_during_drain_ms} ms`,
);
console.log(JSON.stringify(result));
