/**
 * Network faults between the uploader and SQS: a TCP fault proxy (blackhole, connection resets,
 * 500 ms latency, a slow link) and an HTTP one answering 500, 503 and throttling. During each fault
 * the gateway keeps ingesting into its buffer; after it, no frame is lost, none is doubled at the
 * sink, the uplink is back within 2 s, and while the link failed the uploader did not hammer it.
 */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { GeneratorSource, DEFAULT_GENERATOR } from "../../src/source/GeneratorSource.ts";
import { tempDir } from "../helpers/cli.ts";
import { startTestSqs } from "../helpers/sqs.ts";
import { FaultProxy } from "../helpers/FaultProxy.ts";
import { HttpFaultProxy, type HttpFault } from "../helpers/HttpFaultProxy.ts";
import { drainToSink, rowKey, sinkRows, startConsumer, startGateway, waitFor } from "../helpers/pipeline.ts";
import { record, scale } from "./ledger.ts";

const FAULT_S = scale(3, 30);
/** Calls per second of fault the uploader may make to a failing endpoint (probes and backoff). */
const MAX_CALLS_PER_S = 6;

interface Fault {
  name: string;
  /** True when the fault makes calls fail (then they must be bounded). */
  failing: boolean;
  start(sqsEndpoint: string): { endpoint: string; on(): void; off(): void; stop(): void };
}

const tcp = (name: string, failing: boolean, on: (p: FaultProxy) => void): Fault => ({
  name,
  failing,
  start(endpoint) {
    const u = new URL(endpoint);
    const p = new FaultProxy({ host: u.hostname, port: Number(u.port) }).start();
    return {
      endpoint: p.endpoint,
      on: () => on(p),
      off: () => {
        p.latencyMs = 0;
        p.bytesPerSecond = 0;
        p.set("pass");
      },
      stop: () => p.stop(),
    };
  },
});

const http = (mode: HttpFault): Fault => ({
  name: mode === "throttle" ? "SQS throttling (HTTP 400 ThrottlingException)" : `HTTP ${mode} answers`,
  failing: true,
  start(endpoint) {
    const p = new HttpFaultProxy(endpoint).start();
    return { endpoint: p.endpoint, on: () => (p.mode = mode), off: () => (p.mode = "pass"), stop: () => p.stop() };
  },
});

const FAULTS: Fault[] = [
  tcp("blackhole (packets dropped)", true, (p) => p.set("blackhole")),
  tcp("connection resets", true, (p) => p.set("reset")),
  tcp("500 ms latency each way", false, (p) => (p.latencyMs = 500)),
  tcp("slow link (16 KiB/s)", false, (p) => (p.bytesPerSecond = 16 << 10)),
  http("500"),
  http("503"),
  http("throttle"),
];

for (const fault of FAULTS) {
  test(`${fault.name} for ${FAULT_S} s: nothing lost, back within 2 s, no hammering`, async () => {
    const sqs = await startTestSqs(`chaos-net`);
    const link = fault.start(sqs.endpoint);
    const dir = tempDir("chaos-net");
    const consumer = startConsumer(dir, sqs);
    const source = new GeneratorSource({ ...DEFAULT_GENERATOR, rate: 10_000, buses: ["can0", "can1"], batchFrames: 100 });
    const gw = startGateway(dir, { endpoint: link.endpoint, queueUrl: sqs.queueUrl }, source);
    const uploader = gw.gateway.uploader!;
    const acks: number[] = [];
    uploader.on("acked", (_chunks, at) => acks.push(at));

    await Bun.sleep(1000);
    const callsBefore = uploader.stats.sendCalls;
    link.on();
    await Bun.sleep(FAULT_S * 1000);
    const callsDuring = uploader.stats.sendCalls - callsBefore;
    link.off();
    const endedAt = Date.now();
    await waitFor("an acknowledgement after the fault", () => acks.some((a) => a >= endedAt), 10_000);
    const backAfterMs = acks.find((a) => a >= endedAt)! - endedAt;
    const generated = await drainToSink(gw, source, dir, 60_000);
    await gw.stop();
    await consumer.stop();
    link.stop();
    await sqs.stop();

    const rows = sinkRows(join(dir, "sink.db"));
    const distinct = new Set(rows.map(rowKey)).size;
    const callsPerS = callsDuring / FAULT_S;
    const ok = rows.length === generated && distinct === generated && backAfterMs < 2000 && (!fault.failing || callsPerS <= MAX_CALLS_PER_S);
    record({
      suite: "network faults",
      injected: `${fault.name}, ${FAULT_S} s, between uploader and SQS`,
      times: 1,
      framesIn: generated,
      framesOut: distinct,
      duplicates: rows.length - distinct,
      figures: { back_after_fault_ms: backAfterMs, send_calls_per_s_during_fault: +callsPerS.toFixed(1) },
      result: ok ? "pass" : "fail",
    });
    console.log(`${fault.name}: ${callsPerS.toFixed(1)} send calls/s during the fault; first acknowledgement ${backAfterMs} ms after it ended`);
    expect(rows.length).toBe(generated);
    expect(distinct).toBe(generated);
    expect(backAfterMs).toBeLessThan(2000);
    if (fault.failing) expect(callsPerS).toBeLessThanOrEqual(MAX_CALLS_PER_S);
  }, scale(60_000, 180_000));
}
