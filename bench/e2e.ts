/**
 * End to end on this machine, for canferry or one of the designs it is compared with: generated
 * traffic on several buses through the edge process, a local SQS server process and the consumer
 * process. Prints latency percentiles, queue age, SQS calls and billed requests per million frames,
 * bytes per frame on the wire, CPU and RSS of both sides, and whether the design kept up.
 *
 * Usage: bun bench/e2e.ts [--design canferry|naive|sqs-consumer] [--rate 20000] [--buses 4] [--seconds 60]
 *                         [--linger 100ms] [--gateway-env NAME=VALUE] [--gateway-from deployed|source]
 *                         [--drain 30] [--series FILE]
 * Designs: canferry with its defaults; `naive`, the design canferry replaces (one frame per SQS
 * message sent as it arrives, a single-threaded consumer polling every 5 s); `sqs-consumer`, the same
 * edge with bbc's sqs-consumer library in its fastest configuration (bench/baselines/).
 * canferry's gateway runs as deployed by default: the executable `npm run build` makes for this
 * machine, with the runtime settings of systemd/canferry-gateway.service. `--gateway-from source` runs
 * it with `bun src/cli/main.ts` and Bun's defaults instead; --gateway-env adds to either.
 * The chunk linger is canferry's latency/cost setting: shorter means fresher data and more SQS calls.
 * A design keeps up ("sustained") when at least 99 % of the frames reach the sink by the end of the
 * drain (--drain seconds after the edge stops) and the end-to-end P95 is within the 5 s SLA.
 * --series FILE writes both processes' RSS over time (JSON) for the charts.
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { createSqsClient, DEFAULT_SQS } from "../src/uplink/sqsClient.ts";
import { DEFAULT_CHUNKER } from "../src/chunker/Chunker.ts";
import { DEFAULT_CONFIG } from "../src/config/settings.ts";
import { type Child, deployed, logLine, RssSampler, spawnBun, spawnCli, waitForLine } from "./lib/processes.ts";

const DESIGNS = ["canferry", "naive", "sqs-consumer"] as const;
type Design = (typeof DESIGNS)[number];

const { values } = parseArgs({
  options: {
    design: { type: "string", default: "canferry" },
    rate: { type: "string", default: "20000" },
    buses: { type: "string", default: "4" },
    seconds: { type: "string", default: "60" },
    linger: { type: "string" },
    "gateway-env": { type: "string", multiple: true, default: [] },
    "gateway-from": { type: "string", default: "deployed" },
    drain: { type: "string", default: "30" },
    series: { type: "string" },
  },
});
const design = values.design as Design;
if (!DESIGNS.includes(design)) usage(`--design must be one of ${DESIGNS.join(", ")}, not '${values.design}'`);
if (!["deployed", "source"].includes(values["gateway-from"]!)) usage(`--gateway-from must be deployed or source, not '${values["gateway-from"]}'`);
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const source = `gen:rate=${rate},buses=${Array.from({ length: Number(values.buses) }, (_, i) => `can${i}`).join("+")}`;
const dir = mkdtempSync(join(tmpdir(), "canferry-bench-e2e-"));

function usage(message: string): never {
  console.error(message);
  process.exit(2);
}

const sqsProc = spawnCli(["local-sqs", "--port", "0", "--queue", "bench"]);
const { endpoint, queueUrl } = JSON.parse(await waitForLine(sqsProc, (l) => l.startsWith("{")));
const baseline = ["--endpoint", endpoint, "--queue-url", queueUrl];

/** The consumer side of the design, started first so it is polling when the data comes. */
async function startConsumer(): Promise<Child> {
  if (design === "naive") return spawnBun("bench/baselines/pollingConsumer.ts", [...baseline, "--out", join(dir, "sink.log")]);
  if (design === "sqs-consumer") return spawnBun("bench/baselines/libraryConsumer.ts", [...baseline, "--out", join(dir, "sink.log")]);
  await Bun.write(join(dir, "consumer.toml"), `${common()}[sink]\ntype = "candump"\npath = "${join(dir, "sink")}"\n`);
  return spawnCli(["consumer", "--config", join(dir, "consumer.toml")]);
}

function common(): string {
  return `[sqs]\nqueue_url = "${queueUrl}"\nendpoint = "${endpoint}"\n[status]\nbind = "127.0.0.1:0"\n[metrics]\ndir = "${join(dir, "metrics")}"\n`;
}

/** The edge side; for canferry also how it was run. */
async function startEdge(): Promise<{ child: Child; env: Record<string, string>; from?: "deployed" | "source" }> {
  if (design !== "canferry") return { child: spawnBun("bench/baselines/naiveProducer.ts", [...baseline, "--source", source]), env: {} };
  await Bun.write(
    join(dir, "gateway.toml"),
    `${common()}[gateway]\nid = "bench"\n[buffer]\npath = "${join(dir, "buffer.db")}"\n` + (values.linger ? `[chunker]\nlinger = "${values.linger}"\n` : ""),
  );
  const build = values["gateway-from"] === "source" ? undefined : await deployed("canferry-gateway.service");
  const env = { ...build?.env, ...Object.fromEntries((values["gateway-env"] as string[]).map((kv) => kv.split("=", 2) as [string, string])) };
  const child = spawnCli(["gateway", "--config", join(dir, "gateway.toml"), "--source", source], env, build?.bin);
  return { child, env, from: build ? "deployed" : "source" };
}

/** Waits until the queue holds nothing, visible or in flight, for at most `ms`. */
async function drained(ms: number): Promise<void> {
  const client = createSqsClient({ ...DEFAULT_SQS, endpoint });
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const a = await client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }));
    if (Number(a.Attributes!.ApproximateNumberOfMessages) + Number(a.Attributes!.ApproximateNumberOfMessagesNotVisible) === 0) break;
    await Bun.sleep(100);
  }
  client.destroy();
}

const consumer = await startConsumer();
const consumerRss = new RssSampler(consumer.pid, 1000);
await Bun.sleep(500);
const edge = await startEdge();
const edgeRss = new RssSampler(edge.child.pid, 1000);
const linger = design === "canferry" ? (values.linger ?? `${DEFAULT_CHUNKER.lingerMs}ms (default)`) : "none";
process.stderr.write(`e2e: ${design}, ${rate} frames/s (${source}) for ${seconds} s\n`);
await Bun.sleep(seconds * 1000);
edge.child.kill("SIGTERM");
const g = await logLine(edge.child, "gateway stopped");
edgeRss.stop();
await drained(Number(values.drain) * 1000);
consumer.kill("SIGTERM");
const c = await logLine(consumer, "consumer stopped");
consumerRss.stop();
sqsProc.kill("SIGTERM");
await sqsProc.exited;
rmSync(dir, { recursive: true, force: true });
if (values.series) await Bun.write(values.series, JSON.stringify({ design, rate, gateway_rss_mb: edgeRss.series, consumer_rss_mb: consumerRss.series }));

const frames = g.framesIn!;
const perMillion = (n: number) => Math.round((n / frames) * 1e6);
const calls = g.sendCalls! + c.receiveCalls! + c.deleteCalls! + c.visibilityCalls!;
const deliveredShare = c.framesProcessed! / frames;
const result = {
  design,
  offered_frames_per_s: rate,
  seconds,
  frames_in: frames,
  frames_consumed: c.framesProcessed!,
  frames_undelivered: frames - c.framesProcessed!,
  delivered_frames_per_s: Math.round(c.framesProcessed! / seconds),
  sustained: deliveredShare >= 0.99 && c.e2eP95Ms! <= DEFAULT_CONFIG.sla.threshold,
  e2e_p50_ms: +c.e2eP50Ms!.toFixed(1),
  e2e_p95_ms: +c.e2eP95Ms!.toFixed(1),
  e2e_p99_ms: +c.e2eP99Ms!.toFixed(1),
  queue_age_p95_ms: +c.queueAgeP95Ms!.toFixed(1),
  sqs_calls_per_million_frames: perMillion(calls),
  sqs_calls_per_million_frames_without_empty_receives: perMillion(calls - c.emptyReceives!),
  empty_receives_per_million_frames: perMillion(c.emptyReceives!),
  send_calls_per_million_frames: perMillion(g.sendCalls!),
  receive_calls_per_million_frames: perMillion(c.receiveCalls! - c.emptyReceives!),
  delete_calls_per_million_frames: perMillion(c.deleteCalls!),
  billed_requests_per_million_frames: perMillion(g.billedRequests! + c.billedRequests!),
  sqs_bytes_per_frame: +(g.bytesSent! / Math.max(1, g.framesAcked!)).toFixed(2),
  gateway_rss_peak_mb: +edgeRss.peak.toFixed(1),
  gateway_rss_anon_peak_mb: +edgeRss.peakAnon.toFixed(1),
  gateway_rss_file_peak_mb: +edgeRss.peakFile.toFixed(1),
  gateway_cpu_percent: +((100 * edgeRss.cpu) / seconds).toFixed(1),
  consumer_rss_peak_mb: +consumerRss.peak.toFixed(1),
  consumer_cpu_percent: +((100 * consumerRss.cpu) / seconds).toFixed(1),
  linger,
  gateway_from: edge.from ?? "n/a",
  gateway_env: Object.entries(edge.env).map(([k, v]) => `${k}=${v}`).join(" ") || "none",
};
console.log(
  `e2e: ${design}, ${frames} frames in, ${c.framesProcessed} consumed (${result.sustained ? "kept up" : "did NOT keep up"}); ` +
    `e2e p50/p95/p99 ${result.e2e_p50_ms}/${result.e2e_p95_ms}/${result.e2e_p99_ms} ms, queue age p95 ${result.queue_age_p95_ms} ms; ` +
    `${result.sqs_calls_per_million_frames} SQS calls per million frames (${result.sqs_calls_per_million_frames_without_empty_receives} without empty receives), ` +
    `${result.billed_requests_per_million_frames} billed; gateway RSS peak ${result.gateway_rss_peak_mb} MB`,
);
console.log(JSON.stringify(result));
