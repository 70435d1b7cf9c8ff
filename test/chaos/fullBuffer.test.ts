/**
 * Full buffer: the smallest cap during a long outage. Eviction follows the policy (the oldest
 * pending chunks go first; chunks in flight when the link died are not pending and stay), and the
 * buffer's count of evicted undelivered frames equals exactly the frames missing at the sink once the
 * link is back.
 */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { GeneratorSource, DEFAULT_GENERATOR } from "../../src/source/GeneratorSource.ts";
import { MIN_CAP_BYTES } from "../../src/buffer/BufferStore.ts";
import { tempDir } from "../helpers/cli.ts";
import { startTestSqs } from "../helpers/sqs.ts";
import { FaultProxy } from "../helpers/FaultProxy.ts";
import { sinkCount, sinkRows, startConsumer, startGateway, waitFor } from "../helpers/pipeline.ts";
import { record, scale } from "./ledger.ts";

const OUTAGE_S = scale(5, 60);

test(`a ${MIN_CAP_BYTES >> 20} MiB cap through a ${OUTAGE_S} s outage: the oldest evicted, every missing frame counted`, async () => {
  const sqs = await startTestSqs("chaos-full");
  const proxy = new FaultProxy({ host: "127.0.0.1", port: sqs.port }).start();
  proxy.set("blackhole");
  const dir = tempDir("chaos-full");
  const source = new GeneratorSource({ ...DEFAULT_GENERATOR, rate: 300_000, buses: ["can0", "can1"], batchFrames: 1000 });
  const gw = startGateway(dir, { endpoint: proxy.endpoint, queueUrl: sqs.queueUrl }, source, { buffer: { capBytes: MIN_CAP_BYTES } });
  await Bun.sleep(OUTAGE_S * 1000);
  gw.gateway.ingestor.stop();
  proxy.set("pass");
  const consumer = startConsumer(dir, sqs);
  await waitFor("backlog drained", () => gw.buffer.backlog().chunks === 0, 120_000);
  const generated = source.counters.frames;
  const byReason = gw.buffer.stats().evictedFrames;
  // Frames lost, as the buffer counts them: undelivered chunks evicted under the cap (and a full disk).
  const lost = byReason.cap_pending + byReason.disk_full;
  await waitFor("the rest at the sink", () => sinkCount(join(dir, "sink.db")) >= generated - lost, 60_000);
  await gw.stop();
  await consumer.stop();
  proxy.stop();
  await sqs.stop();

  const rows = sinkRows(join(dir, "sink.db"));
  const distinct = new Set(rows.map((r) => `${r.bus} ${r.ts_us}`)).size;
  // The generator stamps frame n at start + n / rate. Eviction takes the oldest pending chunks, so the
  // newest data survives whole: counted back from the last frame, the delivered timeline has no hole
  // for most of what the buffer held. (Older survivors are chunks that were in flight when the
  // evictions ran: not pending, so not evicted.)
  const step = 1e6 / 300_000;
  const times = rows.map((r) => r.ts_us).sort((a, b) => a - b);
  let newestRun = 1;
  while (newestRun < times.length && times.at(-newestRun)! - times.at(-newestRun - 1)! <= 2 * step) newestRun++;
  const missing = generated - distinct;
  const ok = lost > 0 && missing === lost && distinct === rows.length && newestRun >= distinct / 2;
  record({
    suite: "full buffer",
    injected: `a ${MIN_CAP_BYTES >> 20} MiB cap, ${OUTAGE_S} s outage at 300,000 frames/s`,
    times: 1,
    framesIn: generated,
    framesOut: distinct,
    duplicates: rows.length - distinct,
    figures: { evicted_pending_frames: byReason.cap_pending, evicted_acked_frames: byReason.cap_acked, missing_at_sink_frames: missing, newest_unbroken_run_frames: newestRun },
    result: ok ? "pass" : "fail",
  });
  console.log(`full buffer: ${generated} generated, evicted ${JSON.stringify(byReason)}, ${distinct} at the sink, the newest ${newestRun} without a hole`);
  expect(lost).toBeGreaterThan(generated / 4);
  expect(missing).toBe(lost);
  expect(rows.length).toBe(distinct);
  expect(newestRun).toBeGreaterThanOrEqual(distinct / 2);
}, scale(120_000, 600_000));
