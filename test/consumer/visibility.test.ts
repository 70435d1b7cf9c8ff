/** A message that takes longer than its visibility timeout stays invisible to other consumers while held. */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { Consumer } from "../../src/consumer/Consumer.ts";
import { DEFAULT_CONSUMER } from "../../src/consumer/ConsumerOptions.ts";
import { SqliteSink } from "../../src/sink/SqliteSink.ts";
import type { ChunkDelivery, FrameSink } from "../../src/sink/FrameSink.ts";
import { createSqsClient, DEFAULT_SQS } from "../../src/uplink/sqsClient.ts";
import { CandumpSource } from "../../src/source/CandumpSource.ts";
import { fixture, tempDir } from "../helpers/cli.ts";
import { startTestSqs, type TestSqs } from "../helpers/sqs.ts";
import { HttpFaultProxy } from "../helpers/HttpFaultProxy.ts";
import { startConsumer, startGateway, waitFor } from "../helpers/pipeline.ts";

/** A sink that takes its time, like a slow database. */
class SlowSink implements FrameSink {
  readonly kind = "slow";
  constructor(
    private readonly inner: FrameSink,
    private readonly ms: number,
  ) {}
  async write(d: ChunkDelivery): Promise<boolean> {
    await Bun.sleep(this.ms);
    return this.inner.write(d);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

/** A queue holding the chunks of a short log, and a consumer of it whose sink takes `sinkMs` per chunk. */
async function slowConsumerOfOneLog(name: string, visibilityTimeoutS: number, sinkMs: number, endpoint?: (sqs: TestSqs) => string) {
  const sqs = await startTestSqs(name, { visibilityTimeoutS });
  const dir = tempDir(name);
  const gw = startGateway(dir, sqs, new CandumpSource({ path: fixture("python-can", "transcribed.log"), pace: { mode: "fast" }, loop: false, batchFrames: 4096 }), {
    chunker: { maxFrames: 100 },
  });
  await waitFor("the chunks acknowledged", () => gw.buffer.stats().acked.frames === 12, 10_000);
  const chunks = gw.buffer.stats().acked.chunks;
  await gw.stop();

  const client = createSqsClient({ ...DEFAULT_SQS, endpoint: endpoint?.(sqs) ?? sqs.endpoint, requestTimeoutMs: 30_000 });
  const consumer = new Consumer(client, new SlowSink(new SqliteSink(join(dir, "slow.db")), sinkMs), {
    ...DEFAULT_CONSUMER,
    queueUrl: sqs.queueUrl,
    waitTimeSeconds: 1,
    visibilityTimeoutS,
    pollers: 1,
    workers: 8,
  });
  const running = consumer.run();
  await waitFor("the slow consumer holds every message", () => consumer.stats.messagesReceived === chunks, 10_000);
  return {
    sqs,
    dir,
    chunks,
    consumer,
    async stop() {
      consumer.stop();
      await running;
      client.destroy();
      await sqs.stop();
    },
  };
}

test("visibility is extended while a slow sink works, so a second consumer never gets the message", async () => {
  const slow = await slowConsumerOfOneLog("visibility", 2, 4500);
  // A second consumer polls the same queue the whole time the first one works (4.5 s > 2 s timeout).
  const other = startConsumer(slow.dir, slow.sqs, { visibilityTimeoutS: 2, waitTimeSeconds: 1 });
  await waitFor("the slow consumer done", () => slow.consumer.stats.messagesProcessed === slow.chunks, 20_000);
  await Bun.sleep(500);
  // Nobody received the messages again: not the other consumer, not the slow one's own poller.
  expect(other.consumer.stats.messagesReceived).toBe(0);
  expect(slow.consumer.stats.messagesReceived).toBe(slow.chunks);
  expect(slow.consumer.stats.visibilityCalls).toBeGreaterThan(0);
  // The outcome above is a race the extension can win by a millisecond; the margin shows whether it
  // was won safely. Extensions are due at half the timeout and swept every quarter, so at least a
  // quarter (500 ms) is left, less the timer's lateness on a loaded machine.
  expect(slow.consumer.stats.visibilityMarginMinMs).toBeGreaterThan(300);
  await other.stop();
  await slow.stop();
}, 60_000);

test("on a link whose answers come late, a held message has one extension on its way at a time", async () => {
  let proxy: HttpFaultProxy | undefined;
  // Timeout 4 s: swept every second, due after 2 s. Each answer takes 2.5 s, so every sweep until it
  // comes would send the same extension again (5 calls over the 7 s the sink works).
  const slow = await slowConsumerOfOneLog("visibility-slow-answers", 4, 7000, (sqs) => {
    proxy = new HttpFaultProxy(sqs.endpoint).start();
    proxy.slowAnswers.set("ChangeMessageVisibilityBatch", 2500);
    return proxy.endpoint;
  });
  await waitFor("the slow consumer done", () => slow.consumer.stats.messagesProcessed === slow.chunks, 20_000);
  const s = slow.consumer.stats;
  await slow.stop();
  proxy!.stop();
  expect(s.messagesReceived).toBe(slow.chunks);
  expect(s.visibilityCalls).toBeGreaterThanOrEqual(1);
  expect(s.visibilityCalls).toBeLessThanOrEqual(2);
}, 60_000);
