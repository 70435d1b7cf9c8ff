/**
 * Memory while draining a large backlog: a buffer holding a long outage's worth of frames (6 million
 * in CI; 50 million, over 40 minutes at 20,000 frames/s, in the long version) is drained by a gateway
 * process with live input, into SQS and on through a consumer process; every frame must come out
 * once. The gateway streams the backlog chunk by chunk, so its memory must not grow with the backlog:
 * its peak RSS is compared with a gateway draining a backlog a tenth (or a hundredth) that size, both
 * with JavaScriptCore's JIT off (see below).
 */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { canferry, tempDir, watchedCanferry } from "../helpers/cli.ts";
import { startTestSqs } from "../helpers/sqs.ts";
import { waitFor } from "../helpers/pipeline.ts";
import { findLog, parseLogRecords, RssSampler } from "../../bench/lib/processes.ts";
import { record, scale } from "./ledger.ts";

const BACKLOG = scale(6_000_000, 50_000_000);
const SMALL = scale(600_000, 500_000);
/** MB the larger backlog's peak RSS may exceed the smaller one's (JIT and heap timing vary). */
const FLAT_MB = 24;

/** Builds a backlog of `frames`, drains it through a gateway and a consumer process; what came out. */
async function drain(frames: number) {
  const dir = tempDir("chaos-memory");
  const db = join(dir, "buffer.db");
  // The backlog: generated frames on four buses, committed while there was no link.
  const built = await canferry(["ingest", `gen:count=${frames},rate=0,buses=can0+can1+can2+can3,data=counter`, "--db", db, "--cap", "4GiB", "--quiet"]);
  if (built.code !== 0) throw new Error(`building the backlog failed: ${built.stderr}`);
  const sqs = await startTestSqs("chaos-memory");
  const common = `[sqs]\nqueue_url = "${sqs.queueUrl}"\nendpoint = "${sqs.endpoint}"\n[metrics]\ndir = "${join(dir, "metrics")}"\n[status]\nbind = "127.0.0.1:0"\n`;
  await Bun.write(join(dir, "gateway.toml"), `${common}[gateway]\nid = "mem"\nsource = "gen:rate=2000,buses=live"\n[buffer]\npath = "${db}"\ncap = "4GiB"\n`);
  await Bun.write(join(dir, "consumer.toml"), `${common}[sink]\ntype = "candump"\npath = "${join(dir, "sink")}"\n`);
  const consumer = watchedCanferry(["consumer", "--config", join(dir, "consumer.toml")], { CANFERRY_LOG_FORMAT: "json" });
  const t0 = Date.now();
  // With the JIT off: its code memory grows with how much code gets hot under load (measured: 96 MB
  // peak for 0.5 M frames, 179 MB for 50 M), which would hide what the backlog itself costs.
  const gateway = watchedCanferry(["gateway", "--config", join(dir, "gateway.toml")], { CANFERRY_LOG_FORMAT: "json", BUN_JSC_useJIT: "0" });
  // Sampled from the start: the drain begins as soon as the uplink is up.
  const rss = new RssSampler(gateway.proc.pid, 100);
  await gateway.waitFor("status endpoint listening", 30_000);
  const url = JSON.parse(gateway.output().split("\n").find((l) => l.includes("status endpoint listening"))!).url as string;
  const backlog = async () => ((await (await fetch(`${url}/status`)).json()) as { buffer: { backlogFrames: number } }).buffer.backlogFrames;
  await waitFor("the backlog drained", async () => (await backlog()) < 50_000, scale(120_000, 1_800_000));
  const drainS = (Date.now() - t0) / 1000;
  // A little live running after the drain, in the same process, so both runs are measured alike.
  await Bun.sleep(2000);
  rss.stop();
  gateway.proc.kill("SIGTERM");
  await gateway.finished();
  const g = findLog(parseLogRecords(gateway.output()), "gateway stopped");
  await waitFor("the queue empty", async () => (await sqs.depth(sqs.queueUrl)) === 0, scale(120_000, 1_800_000));
  consumer.proc.kill("SIGTERM");
  await consumer.finished();
  await sqs.stop();
  const c = findLog(parseLogRecords(consumer.output()), "consumer stopped");
  return { framesIn: frames + g.framesIn!, framesOut: c.framesProcessed!, duplicates: c.duplicates!, peakMb: rss.peak, drainS };
}

test(`a ${BACKLOG.toLocaleString("en-US")}-frame backlog drained: every frame once, the gateway's peak RSS as for a small one`, async () => {
  const small = await drain(SMALL);
  const big = await drain(BACKLOG);
  const growth = big.peakMb - small.peakMb;
  const ok = big.framesOut === big.framesIn && small.framesOut === small.framesIn && growth <= FLAT_MB;
  record({
    suite: "memory",
    injected: `a ${BACKLOG.toLocaleString("en-US")}-frame backlog drained with live input (gateway JIT off)`,
    times: 1,
    framesIn: big.framesIn,
    framesOut: big.framesOut,
    duplicates: big.duplicates,
    figures: {
      drain_s: +big.drainS.toFixed(1),
      drain_frames_per_s: Math.round(BACKLOG / big.drainS),
      gateway_rss_peak_mb: +big.peakMb.toFixed(1),
      [`gateway_rss_peak_mb_for_${SMALL}_frames`]: +small.peakMb.toFixed(1),
    },
    result: ok ? "pass" : "fail",
  });
  console.log(`memory: ${BACKLOG} frames drained in ${big.drainS.toFixed(1)} s, gateway RSS peak ${big.peakMb.toFixed(1)} MB; ${SMALL} frames: ${small.peakMb.toFixed(1)} MB`);
  expect(big.framesOut).toBe(big.framesIn);
  expect(small.framesOut).toBe(small.framesIn);
  expect(growth).toBeLessThanOrEqual(FLAT_MB);
}, scale(300_000, 3_600_000));
