/** The pipeline under faults: a dead link, a refused one, poison messages, a replay. */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { GeneratorSource, DEFAULT_GENERATOR } from "../../src/source/GeneratorSource.ts";
import { CandumpSource } from "../../src/source/CandumpSource.ts";
import { encodeMessage } from "../../src/uplink/wireFormat.ts";
import { fixture, tempDir } from "../helpers/cli.ts";
import { startTestSqs } from "../helpers/sqs.ts";
import { FaultProxy, type ProxyMode } from "../helpers/FaultProxy.ts";
import { drainToSink, rowKey, sinkCount, sinkRows, startConsumer, startGateway, waitFor } from "../helpers/pipeline.ts";

for (const fault of ["blackhole", "refuse"] as ProxyMode[]) {
  test(`${fault}: zero frames lost, recovery within 2 s of the link's return, live chunks before the backlog`, async () => {
    const sqs = await startTestSqs(`outage-${fault}`);
    const proxy = new FaultProxy({ host: "127.0.0.1", port: sqs.port }).start();
    const dir = tempDir(`outage-${fault}`);
    const consumer = startConsumer(dir, sqs);
    const source = new GeneratorSource({ ...DEFAULT_GENERATOR, rate: 10_000, buses: ["can0", "can1"], batchFrames: 100 });
    const gw = startGateway(dir, { endpoint: proxy.endpoint, queueUrl: sqs.queueUrl }, source, { chunker: { maxFrames: 20 } });
    const uploader = gw.gateway.uploader!;
    const acks: { seq: number; at: number }[] = [];
    uploader.on("acked", (chunks, at) => acks.push(...chunks.map((c) => ({ seq: c.seq, at }))));
    let recoveredAt = 0;
    let live = 0;
    uploader.on("recovered", () => {
      recoveredAt = Date.now();
      live = uploader.liveFromSeq;
    });
    let outageAt = 0;
    uploader.on("outage", () => (outageAt = Date.now()));

    await Bun.sleep(1000);
    proxy.set(fault);
    await Bun.sleep(3000);
    const backlogAtReturn = gw.buffer.backlog().frames;
    proxy.set("pass");
    const returnedAt = Date.now();
    await waitFor("recovery", () => recoveredAt > 0, 5000);
    const firstAckAfterReturn = acks.find((a) => a.at >= returnedAt)!.at;
    await Bun.sleep(1500);
    const generated = await drainToSink(gw, source, dir, 20_000);
    await gw.stop();
    await consumer.stop();
    proxy.stop();
    await sqs.stop();

    expect(outageAt).toBeGreaterThan(0);
    expect(backlogAtReturn).toBeGreaterThan(10_000); // the buffer held the data through the outage
    console.log(`${fault}: first acknowledgement ${firstAckAfterReturn - returnedAt} ms after the link returned; ${backlogAtReturn} frames were buffered`);
    expect(firstAckAfterReturn - returnedAt).toBeLessThan(2000);
    const rows = sinkRows(join(dir, "sink.db"));
    expect(rows.length).toBe(generated);
    // Exactly once: generated frames have distinct times, so distinct rows are distinct frames.
    expect(new Set(rows.map(rowKey)).size).toBe(generated);
    // Live first: a chunk committed after the return was acknowledged before the backlog was through.
    expect(live).toBeGreaterThan(0);
    const firstLive = acks.find((a) => a.seq >= live && a.at >= returnedAt);
    const lastBacklog = acks.filter((a) => a.seq < live && a.at >= returnedAt).at(-1);
    expect(firstLive).toBeDefined();
    expect(lastBacklog).toBeDefined();
    expect(firstLive!.at).toBeLessThanOrEqual(lastBacklog!.at);
  }, 60_000);
}

test("poison messages go to the dead-letter queue and the consumer keeps going", async () => {
  const sqs = await startTestSqs("poison");
  const dir = tempDir("poison");
  const consumer = startConsumer(dir, sqs);
  const good = encodeMessage(
    { gateway: "g", epoch: "e", bus: "can0", seq: [1, 1], ts: [1, 1], frames: 1, codec: "zstd-columns-v1", raw: 10 },
    new Uint8Array([1, 2, 3]),
  );
  const bomb = JSON.parse(good.body);
  bomb.data = Buffer.from(Bun.zstdCompressSync(new Uint8Array(32 << 20))).toString("base64");
  bomb.raw = 1000;
  for (const body of ["not json at all", JSON.stringify({ canferry: 99 }), good.body, JSON.stringify(bomb)])
    await sqs.client.send(new SendMessageCommand({ QueueUrl: sqs.queueUrl, MessageBody: body }));
  await waitFor("four dead letters", async () => (await sqs.depth(sqs.dlqUrl)) === 4, 20_000);
  // Real data after the poison still flows.
  const log = fixture("savvycan", "candump.log");
  const gw = startGateway(dir, sqs, new CandumpSource({ path: log, pace: { mode: "fast" }, loop: false, batchFrames: 4096 }));
  await waitFor("the log at the sink", () => sinkCount(join(dir, "sink.db")) === 12974, 20_000);
  expect(consumer.consumer.stats.poison).toBeGreaterThanOrEqual(4);
  await waitFor("the main queue empty", async () => (await sqs.depth(sqs.queueUrl)) === 0, 5000);
  await gw.stop();
  await consumer.stop();
  await sqs.stop();
}, 60_000);

test("a replayed range is sent again and the sink still holds each frame once", async () => {
  const sqs = await startTestSqs("replay");
  const dir = tempDir("replay");
  const consumer = startConsumer(dir, sqs);
  const log = fixture("savvycan", "candump.log");
  const gw = startGateway(dir, sqs, new CandumpSource({ path: log, pace: { mode: "fast" }, loop: false, batchFrames: 4096 }), {
    chunker: { maxFrames: 1000 },
  });
  await waitFor("all acknowledged", () => gw.buffer.stats().acked.frames === 12974, 20_000);
  await waitFor("all at the sink", () => sinkCount(join(dir, "sink.db")) === 12974, 20_000);
  const replayed = gw.buffer.replayAcked({ fromUs: 167_000_000, toUs: 168_000_000 });
  expect(replayed.length).toBeGreaterThan(0);
  gw.gateway.uploader!.notify();
  await waitFor("replay acknowledged", () => gw.buffer.countUnacked(replayed) === 0, 20_000);
  await waitFor("duplicates seen by the consumer", () => consumer.consumer.stats.duplicates === replayed.length, 20_000);
  expect(sinkCount(join(dir, "sink.db"))).toBe(12974);
  await gw.stop();
  await consumer.stop();
  await sqs.stop();
}, 60_000);

test("an uploader that was idle for a while does not take its next call for an outage", async () => {
  const sqs = await startTestSqs("idle");
  const dir = tempDir("idle");
  const log = fixture("python-can", "transcribed.log");
  const gw = startGateway(dir, sqs, new CandumpSource({ path: log, pace: { mode: "fast" }, loop: false, batchFrames: 4096 }));
  await waitFor("the log acknowledged", () => gw.buffer.stats().acked.frames === 12, 10_000);
  await Bun.sleep(1500); // three probe intervals without a call
  const seqs = gw.buffer.replayAcked({});
  gw.gateway.uploader!.notify();
  await waitFor("the replay acknowledged", () => gw.buffer.countUnacked(seqs) === 0, 10_000);
  expect(gw.gateway.uploader!.stats.outages).toBe(0);
  await gw.stop();
  await sqs.stop();
}, 30_000);
