import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { CandumpSource } from "../../src/source/CandumpSource.ts";
import { parseCandumpLine } from "../../src/source/candump/candumpLine.ts";
import { fixture, tempDir } from "../helpers/cli.ts";
import { startTestSqs, type TestSqs } from "../helpers/sqs.ts";
import { frameKey, rowKey, sinkCount, sinkRows, startConsumer, startGateway, waitFor } from "../helpers/pipeline.ts";

let sqs: TestSqs;
beforeAll(async () => {
  sqs = await startTestSqs("pipeline");
});
afterAll(async () => {
  await sqs.stop();
});

async function logFrames(path: string) {
  const text = await Bun.file(path).text();
  return text.split("\n").flatMap((l) => {
    const r = parseCandumpLine(l);
    return r.kind === "frame" ? [r.frame] : [];
  });
}

describe("gateway -> SQS (fauxqs over HTTP) -> consumer -> sink", () => {
  test("every frame of a real log reaches the sink exactly once, bit-exact", async () => {
    const dir = tempDir("pipeline");
    const log = fixture("savvycan", "candump.log");
    const want = (await logFrames(log)).map(frameKey).sort();
    const consumer = startConsumer(dir, sqs);
    const gw = startGateway(dir, sqs, new CandumpSource({ path: log, pace: { mode: "fast" }, loop: false, batchFrames: 4096 }), {
      chunker: { maxFrames: 500 },
    });
    await waitFor("all frames at the sink", () => sinkCount(join(dir, "sink.db")) >= want.length, 30_000);
    await waitFor("buffer fully acknowledged", () => gw.buffer.stats().acked.frames === want.length, 10_000);
    await Bun.sleep(300); // a duplicate, if any, would land now
    await gw.stop();
    await consumer.stop();
    const got = sinkRows(join(dir, "sink.db")).map(rowKey).sort();
    expect(got.length).toBe(want.length);
    expect(got).toEqual(want);
    expect(await sqs.depth(sqs.queueUrl)).toBe(0);
    expect(consumer.consumer.stats.duplicates).toBe(0);
    expect(consumer.consumer.e2e.count).toBe(want.length);
  }, 60_000);
});

describe("FIFO queues", () => {
  test("a .fifo queue carries every frame exactly once, in order per bus", async () => {
    const fifo = await startTestSqs("pipeline.fifo");
    const dir = tempDir("fifo");
    const log = fixture("python-can", "transcribed.log");
    const want = (await logFrames(log)).map(frameKey).sort();
    const consumer = startConsumer(dir, fifo);
    const gw = startGateway(dir, fifo, new CandumpSource({ path: log, pace: { mode: "fast" }, loop: false, batchFrames: 4096 }), {
      chunker: { maxFrames: 1 },
    });
    await waitFor("all frames at the sink", () => sinkCount(join(dir, "sink.db")) >= want.length, 30_000);
    await gw.stop();
    await consumer.stop();
    await fifo.stop();
    const rows = sinkRows(join(dir, "sink.db"));
    expect(rows.map(rowKey).sort()).toEqual(want);
    // One message group per gateway and bus: within a bus, chunks arrive in sequence order.
    const seqsByBus = new Map<string, number[]>();
    for (const r of rows) seqsByBus.set(r.bus, [...(seqsByBus.get(r.bus) ?? []), Number(r.chunk.split("/")[2])]);
    for (const seqs of seqsByBus.values()) expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  }, 60_000);
});
