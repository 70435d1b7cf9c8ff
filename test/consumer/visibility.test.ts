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
import { startTestSqs } from "../helpers/sqs.ts";
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

test("visibility is extended while a slow sink works, so a second consumer never gets the message", async () => {
  const sqs = await startTestSqs("visibility", { visibilityTimeoutS: 2 });
  const dir = tempDir("visibility");
  // One chunk in the queue.
  const gw = startGateway(dir, sqs, new CandumpSource({ path: fixture("python-can", "transcribed.log"), pace: { mode: "fast" }, loop: false, batchFrames: 4096 }), {
    chunker: { maxFrames: 100 },
  });
  await waitFor("the chunks acknowledged", () => gw.buffer.stats().acked.frames === 12, 10_000);
  const chunks = gw.buffer.stats().acked.chunks;
  await gw.stop();

  const client = createSqsClient({ ...DEFAULT_SQS, endpoint: sqs.endpoint, requestTimeoutMs: 30_000 });
  const slow = new Consumer(client, new SlowSink(new SqliteSink(join(dir, "slow.db")), 4500), {
    ...DEFAULT_CONSUMER,
    queueUrl: sqs.queueUrl,
    waitTimeSeconds: 1,
    visibilityTimeoutS: 2,
    pollers: 1,
    workers: 8,
  });
  const running = slow.run();
  await waitFor("the slow consumer holds every message", () => slow.stats.messagesReceived === chunks, 10_000);
  // A second consumer polls the same queue the whole time the first one works (4.5 s > 2 s timeout).
  const other = startConsumer(dir, sqs, { visibilityTimeoutS: 2, waitTimeSeconds: 1 });
  await waitFor("the slow consumer done", () => slow.stats.messagesProcessed === chunks, 20_000);
  await Bun.sleep(500);
  // Nobody received the messages again: not the other consumer, not the slow one's own poller.
  expect(other.consumer.stats.messagesReceived).toBe(0);
  expect(slow.stats.messagesReceived).toBe(chunks);
  expect(slow.stats.visibilityCalls).toBeGreaterThan(0);
  // The outcome above is a race the extension can win by a millisecond; the margin shows whether it
  // was won safely. Extensions are due at half the timeout and swept every quarter, so at least a
  // quarter (500 ms) is left, less the timer's lateness on a loaded machine.
  expect(slow.stats.visibilityMarginMinMs).toBeGreaterThan(300);
  slow.stop();
  await running;
  await other.stop();
  client.destroy();
  await sqs.stop();
}, 60_000);
