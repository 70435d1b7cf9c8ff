/** Real consumer processes: SIGKILLed mid-stream, and several sharing one queue. */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { CandumpSource } from "../../src/source/CandumpSource.ts";
import { fixture, spawnCanferry, tempDir, watchedCanferry } from "../helpers/cli.ts";
import { startTestSqs, type TestSqs } from "../helpers/sqs.ts";
import { sinkCount, sinkRows, startGateway, waitFor } from "../helpers/pipeline.ts";

const LOG = fixture("savvycan", "candump.log");
const FRAMES = 12974;

/** Fills the queue with the SavvyCAN capture in chunks of `perChunk` frames (copies: times). */
async function preload(sqs: TestSqs, dir: string, perChunk: number, copies = 1): Promise<number> {
  let chunks = 0;
  for (let k = 0; k < copies; k++) {
    const gw = startGateway(join(dir, `gw${k}`), sqs, new CandumpSource({ path: LOG, pace: { mode: "fast" }, loop: false, batchFrames: 4096 }), {
      chunker: { maxFrames: perChunk },
    });
    await waitFor("preload acknowledged", () => gw.buffer.stats().acked.frames === FRAMES, 20_000);
    chunks += gw.buffer.stats().acked.chunks;
    await gw.stop();
  }
  return chunks;
}

async function writeConfig(dir: string, sqs: TestSqs, extra = ""): Promise<string> {
  const path = join(dir, "consumer.toml");
  await Bun.write(
    path,
    `[sqs]
queue_url = "${sqs.queueUrl}"
endpoint = "${sqs.endpoint}"
[consumer]
pollers = 2
workers = 1
prefetch = 10
wait_time = "1s"
visibility_timeout = "2s"
shutdown_timeout = "5s"
[status]
bind = "127.0.0.1:0"
[metrics]
dir = "${join(dir, "metrics")}"
[sink]
type = "sqlite"
path = "${join(dir, "sink.db")}"
${extra}`,
  );
  return path;
}

test("a consumer SIGKILLed mid-stream: another takes over after the visibility timeout, every frame once", async () => {
  const sqs = await startTestSqs("consumer-crash", { visibilityTimeoutS: 2 });
  const dir = tempDir("consumer-crash");
  const chunks = await preload(sqs, dir, 50);
  const config = await writeConfig(dir, sqs);
  const sink = join(dir, "sink.db");

  const first = spawnCanferry(["consumer", "--config", config]);
  await waitFor("the first consumer to write something", () => sinkCount(sink) > 0, 20_000);
  first.kill("SIGKILL");
  await first.exited;
  const before = sinkCount(sink);
  expect(before).toBeLessThan(FRAMES); // killed mid-stream, with messages received and not deleted

  const second = spawnCanferry(["consumer", "--config", config]);
  await waitFor("every frame at the sink", () => sinkCount(sink) >= FRAMES, 30_000);
  await waitFor("the queue empty", async () => (await sqs.depth(sqs.queueUrl)) === 0, 10_000);
  second.kill("SIGTERM");
  expect(await second.exited).toBe(0);
  await sqs.stop();

  const rows = sinkRows(sink);
  expect(rows.length).toBe(FRAMES);
  expect(new Set(rows.map((r) => r.chunk)).size).toBe(chunks);
  // Every chunk written once: no chunk holds more frames than the gateway put in it.
  const perChunk = new Map<string, number>();
  for (const r of rows) perChunk.set(r.chunk, (perChunk.get(r.chunk) ?? 0) + 1);
  expect([...perChunk.values()].reduce((a, b) => a + b, 0)).toBe(FRAMES);
  expect(Math.max(...perChunk.values())).toBeLessThanOrEqual(50);
}, 90_000);

test("two consumer processes on one queue share the work, and the sink holds every frame once", async () => {
  const sqs = await startTestSqs("scale-out");
  const dir = tempDir("scale-out");
  const config = await writeConfig(dir, sqs);
  const sink = join(dir, "sink.db");
  // Both consumers are polling before the data arrives, so each gets a share.
  const consumers = [watchedCanferry(["consumer", "--config", config]), watchedCanferry(["consumer", "--config", config])];
  for (const c of consumers) await c.waitFor("consumer started");
  const chunks = await preload(sqs, dir, 20, 2);
  await waitFor("every frame at the sink", () => sinkCount(sink) >= 2 * FRAMES, 60_000);
  for (const c of consumers) c.proc.kill("SIGTERM");
  const codes = await Promise.all(consumers.map((c) => c.finished()));
  expect(codes).toEqual([0, 0]);
  const processed = consumers.map(
    (c) => JSON.parse(c.output().split("\n").find((l) => l.includes("consumer stopped"))!).messagesProcessed as number,
  );
  await sqs.stop();
  expect(processed[0]! + processed[1]!).toBeGreaterThanOrEqual(chunks);
  expect(Math.min(...processed)).toBeGreaterThan(0);
  expect(new Set(sinkRows(sink).map((r) => r.chunk)).size).toBe(chunks);
  expect(sinkCount(sink)).toBe(2 * FRAMES);
}, 120_000);
