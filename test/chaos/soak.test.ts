/**
 * Soak: four generated buses at their physical maximum together (85,000 frames/s: 1 Mbit/s classic
 * CAN with 8-byte frames carries about 8,700 frames/s per bus, and CAN FD buses more) through the whole
 * pipeline: a gateway process, the local SQS server and a consumer process, on this machine's two
 * cores, for 30 s in CI and 10 minutes in the long version. Nothing lost, the end-to-end P95 inside
 * the SLA (5 s by default), and the gateway's RSS flat over the second half.
 */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { tempDir, watchedCanferry } from "../helpers/cli.ts";
import { startTestSqs } from "../helpers/sqs.ts";
import { waitFor } from "../helpers/pipeline.ts";
import { findLog, parseLogRecords, RssSampler } from "../../bench/lib/processes.ts";
import { record, scale } from "./ledger.ts";

const SECONDS = scale(30, 600);
const RATE = 85_000;
const SLA_MS = 5000;
/** MB the gateway's RSS may rise from the first half of the run to the second. */
const FLAT_MB = 24;

test(`${RATE.toLocaleString("en-US")} frames/s on four buses for ${SECONDS} s through the whole pipeline`, async () => {
  const dir = tempDir("chaos-soak");
  const sqs = await startTestSqs("chaos-soak");
  const common = `[sqs]\nqueue_url = "${sqs.queueUrl}"\nendpoint = "${sqs.endpoint}"\n[metrics]\ndir = "${join(dir, "metrics")}"\n[status]\nbind = "127.0.0.1:0"\n`;
  await Bun.write(join(dir, "gateway.toml"), `${common}[gateway]\nid = "soak"\nsource = "gen:rate=${RATE},buses=can0+can1+can2+can3"\n[buffer]\npath = "${join(dir, "buffer.db")}"\n`);
  await Bun.write(join(dir, "consumer.toml"), `${common}[sink]\ntype = "candump"\npath = "${join(dir, "sink")}"\n`);
  const consumer = watchedCanferry(["consumer", "--config", join(dir, "consumer.toml")], { CANFERRY_LOG_FORMAT: "json" });
  const gateway = watchedCanferry(["gateway", "--config", join(dir, "gateway.toml")], { CANFERRY_LOG_FORMAT: "json" });
  const rss = new RssSampler(gateway.proc.pid, 1000);
  await Bun.sleep(SECONDS * 1000);
  rss.stop();
  gateway.proc.kill("SIGTERM");
  await gateway.finished();
  const g = findLog(parseLogRecords(gateway.output()), "gateway stopped");
  await waitFor("the queue empty", async () => (await sqs.depth(sqs.queueUrl)) === 0, 120_000);
  consumer.proc.kill("SIGTERM");
  await consumer.finished();
  await sqs.stop();
  const c = findLog(parseLogRecords(consumer.output()), "consumer stopped");

  const half = Math.floor(rss.series.length / 2);
  const first = Math.max(...rss.series.slice(0, half).map((s) => s.mb));
  const second = Math.max(...rss.series.slice(half).map((s) => s.mb));
  const achieved = g.framesIn! / SECONDS;
  const ok = c.framesProcessed === g.framesIn && c.e2eP95Ms! <= SLA_MS && second - first <= FLAT_MB;
  record({
    suite: "soak",
    injected: `${RATE.toLocaleString("en-US")} frames/s offered on 4 buses, ${SECONDS} s, gateway + local SQS + consumer on 2 cores`,
    times: 1,
    framesIn: g.framesIn!,
    framesOut: c.framesProcessed!,
    duplicates: c.duplicates!,
    figures: {
      achieved_frames_per_s: Math.round(achieved),
      e2e_p95_ms: +c.e2eP95Ms!.toFixed(1),
      e2e_p99_ms: +c.e2eP99Ms!.toFixed(1),
      gateway_rss_first_half_mb: +first.toFixed(1),
      gateway_rss_second_half_mb: +second.toFixed(1),
      gateway_cpu_percent: +((100 * rss.cpu) / SECONDS).toFixed(1),
    },
    result: ok ? "pass" : "fail",
  });
  console.log(
    `soak: ${g.framesIn} frames in (${Math.round(achieved)} frames/s), ${c.framesProcessed} out; e2e p95 ${c.e2eP95Ms!.toFixed(1)} ms; gateway RSS ${first.toFixed(1)} then ${second.toFixed(1)} MB`,
  );
  expect(c.framesProcessed).toBe(g.framesIn);
  expect(c.e2eP95Ms).toBeLessThanOrEqual(SLA_MS);
  expect(second - first).toBeLessThanOrEqual(FLAT_MB);
}, scale(180_000, 900_000));
