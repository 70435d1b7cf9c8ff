/**
 * SIGTERM during heavy ingest and upload: after the gateway exits, every frame its buffer accepted is
 * either still in the buffer or at the sink.
 */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { BufferStore } from "../../src/buffer/BufferStore.ts";
import { tempDir, watchedCanferry } from "../helpers/cli.ts";
import { startTestSqs } from "../helpers/sqs.ts";
import { sinkCount, startConsumer, waitFor } from "../helpers/pipeline.ts";

test("SIGTERM under load loses nothing the buffer accepted", async () => {
  const sqs = await startTestSqs("sigterm");
  const dir = tempDir("sigterm");
  const consumer = startConsumer(dir, sqs);
  const config = join(dir, "gateway.toml");
  await Bun.write(
    config,
    `[buffer]\npath = "${join(dir, "buffer.db")}"\n[sqs]\nqueue_url = "${sqs.queueUrl}"\nendpoint = "${sqs.endpoint}"\n` +
      `[uplink]\ndrain_on_stop = "0ms"\n[status]\nbind = "127.0.0.1:0"\n[metrics]\ndir = "${join(dir, "m")}"\n`,
  );
  // Unpaced generation on four buses: far more than SQS takes, so a backlog builds, and the stop does
  // not wait for it (drain_on_stop = 0).
  const gw = watchedCanferry(["gateway", "--config", config, "--source", "gen:rate=0,buses=a+b+c+d"]);
  await gw.waitFor("gateway started");
  await Bun.sleep(2500);
  gw.proc.kill("SIGTERM");
  expect(await gw.finished()).toBe(0);
  const stopped = JSON.parse(gw.output().split("\n").find((l) => l.includes("gateway stopped"))!);
  expect(stopped.framesCommitted).toBe(stopped.framesIn);
  expect(stopped.framesIn).toBeGreaterThan(100_000);
  const store = BufferStore.inspect(join(dir, "buffer.db"));
  const s = store.stats();
  store.close();
  // Whatever SQS acknowledged reaches the sink; whatever it did not is still pending in the buffer.
  await waitFor("the acknowledged frames at the sink", () => sinkCount(join(dir, "sink.db")) >= s.acked.frames, 30_000);
  await consumer.stop();
  await sqs.stop();
  expect(s.inFlight.frames).toBe(0);
  expect(s.pending.frames).toBeGreaterThan(0);
  expect(s.acked.frames).toBeGreaterThan(0);
  expect(s.acked.frames + s.pending.frames).toBe(stopped.framesIn);
  expect(sinkCount(join(dir, "sink.db"))).toBe(s.acked.frames);
  console.log(`SIGTERM under load: ${stopped.framesIn} frames accepted, ${s.acked.frames} at the sink, ${s.pending.frames} still buffered`);
}, 60_000);
