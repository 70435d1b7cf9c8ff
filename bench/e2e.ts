/**
 * End to end on this machine: generated traffic on four buses through a gateway process, a local SQS
 * server process and a consumer process. Prints latency percentiles, queue age, SQS calls and billed
 * requests per million frames, and the gateway's RSS.
 *
 * Usage: bun bench/e2e.ts [--rate 20000] [--buses 4] [--seconds 60] [--linger 100ms] [--gateway-env NAME=VALUE]
 *                         [--gateway-from deployed|source]
 * The gateway runs as deployed by default: the executable `npm run build` makes for this machine, with
 * the runtime settings of systemd/canferry-gateway.service (the JIT off). `--gateway-from source` runs
 * it with `bun src/cli/main.ts` and Bun's defaults instead; --gateway-env adds to either.
 * The chunk linger is the latency/cost setting: shorter means fresher data and more SQS calls.
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { createSqsClient, DEFAULT_SQS } from "../src/uplink/sqsClient.ts";
import { DEFAULT_CHUNKER } from "../src/chunker/Chunker.ts";
import { deployed, logLine, RssSampler, spawnCli, waitForLine } from "./lib/processes.ts";

const { values } = parseArgs({
  options: {
    rate: { type: "string", default: "20000" },
    buses: { type: "string", default: "4" },
    seconds: { type: "string", default: "60" },
    linger: { type: "string" },
    "gateway-env": { type: "string", multiple: true, default: [] },
    "gateway-from": { type: "string", default: "deployed" },
  },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const buses = Array.from({ length: Number(values.buses) }, (_, i) => `can${i}`);
const dir = mkdtempSync(join(tmpdir(), "canferry-bench-e2e-"));

const sqsProc = spawnCli(["local-sqs", "--port", "0", "--queue", "bench"]);
const { endpoint, queueUrl } = JSON.parse(await waitForLine(sqsProc, (l) => l.startsWith("{")));
const common = `[sqs]\nqueue_url = "${queueUrl}"\nendpoint = "${endpoint}"\n[status]\nbind = "127.0.0.1:0"\n[metrics]\ndir = "${join(dir, "metrics")}"\n`;
await Bun.write(
  join(dir, "gateway.toml"),
  `${common}[gateway]\nid = "bench"\n[buffer]\npath = "${join(dir, "buffer.db")}"\n` +
    (values.linger ? `[chunker]\nlinger = "${values.linger}"\n` : ""),
);
await Bun.write(join(dir, "consumer.toml"), `${common}[sink]\ntype = "candump"\npath = "${join(dir, "sink")}"\n`);

const consumer = spawnCli(["consumer", "--config", join(dir, "consumer.toml")]);
await Bun.sleep(500);
if (!["deployed", "source"].includes(values["gateway-from"]!)) {
  console.error(`--gateway-from must be deployed or source, not '${values["gateway-from"]}'`);
  process.exit(2);
}
const from = values["gateway-from"] === "source" ? undefined : await deployed("canferry-gateway.service");
const gatewayEnv = {
  ...from?.env,
  ...Object.fromEntries((values["gateway-env"] as string[]).map((kv) => kv.split("=", 2) as [string, string])),
};
const gateway = spawnCli(["gateway", "--config", join(dir, "gateway.toml"), "--source", `gen:rate=${rate},buses=${buses.join("+")}`], gatewayEnv, from?.bin);
const rss = new RssSampler(gateway.pid, 1000);
const linger = values.linger ?? `${DEFAULT_CHUNKER.lingerMs}ms (default)`;
process.stderr.write(`e2e: ${rate} frames/s on ${buses.length} buses for ${seconds} s, linger ${linger}\n`);
await Bun.sleep(seconds * 1000);
gateway.kill("SIGTERM");
const g = await logLine(gateway, "gateway stopped");
rss.stop();
// Let the consumer finish what is in the queue before stopping it.
const client = createSqsClient({ ...DEFAULT_SQS, endpoint });
for (let i = 0; i < 100; i++) {
  const a = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }),
  );
  if (Number(a.Attributes!.ApproximateNumberOfMessages) + Number(a.Attributes!.ApproximateNumberOfMessagesNotVisible) === 0) break;
  await Bun.sleep(100);
}
client.destroy();
consumer.kill("SIGTERM");
const c = await logLine(consumer, "consumer stopped");
sqsProc.kill("SIGTERM");
await sqsProc.exited;
rmSync(dir, { recursive: true, force: true });

const frames = g.framesIn!;
const perMillion = (n: number) => Math.round((n / frames) * 1e6);
const calls = g.sendCalls! + c.receiveCalls! + c.deleteCalls! + c.visibilityCalls!;
const callsWithoutEmpty = calls - c.emptyReceives!;
const result = {
  offered_frames_per_s: rate,
  frames_in: frames,
  frames_consumed: c.framesProcessed!,
  frames_lost: frames - c.framesProcessed!,
  e2e_p50_ms: +c.e2eP50Ms!.toFixed(1),
  e2e_p95_ms: +c.e2eP95Ms!.toFixed(1),
  e2e_p99_ms: +c.e2eP99Ms!.toFixed(1),
  queue_age_p95_ms: +c.queueAgeP95Ms!.toFixed(1),
  sqs_calls_per_million_frames: perMillion(calls),
  sqs_calls_per_million_frames_without_empty_receives: perMillion(callsWithoutEmpty),
  empty_receives_per_million_frames: perMillion(c.emptyReceives!),
  send_calls_per_million_frames: perMillion(g.sendCalls!),
  receive_calls_per_million_frames: perMillion(c.receiveCalls! - c.emptyReceives!),
  delete_calls_per_million_frames: perMillion(c.deleteCalls!),
  billed_requests_per_million_frames: perMillion(g.billedRequests! + c.billedRequests!),
  gateway_rss_peak_mb: +rss.peak.toFixed(1),
  gateway_rss_anon_peak_mb: +rss.peakAnon.toFixed(1),
  gateway_rss_file_peak_mb: +rss.peakFile.toFixed(1),
  gateway_cpu_percent: +((100 * rss.cpu) / seconds).toFixed(1),
  linger: linger,
  gateway_from: from ? "deployed" : "source",
  gateway_env: Object.entries(gatewayEnv).map(([k, v]) => `${k}=${v}`).join(" ") || "none",
};
console.log(
  `e2e: ${frames} frames in, ${c.framesProcessed} consumed; e2e p50/p95/p99 ${result.e2e_p50_ms}/${result.e2e_p95_ms}/${result.e2e_p99_ms} ms, ` +
    `queue age p95 ${result.queue_age_p95_ms} ms; ${result.sqs_calls_per_million_frames} SQS calls per million frames ` +
    `(${result.sqs_calls_per_million_frames_without_empty_receives} without empty receives), ${result.billed_requests_per_million_frames} billed; gateway RSS peak ${result.gateway_rss_peak_mb} MB`,
);
console.log(JSON.stringify(result));
