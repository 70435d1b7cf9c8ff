/**
 * The signal sink in a real consumer process: chunks from SQS decoded with the DBC files the config
 * names per bus, one NDJSON line per signal value, frames with no definition counted and passed
 * through raw. The expected lines come from the decoder itself, checked against cantools and canmatrix
 * in test/decode/.
 */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { CandumpSource } from "../../src/source/CandumpSource.ts";
import { parseCandumpLine } from "../../src/source/candump/candumpLine.ts";
import { FrameDecoder } from "../../src/decode/FrameDecoder.ts";
import { loadDbcFile } from "../../src/decode/loadDbcFile.ts";
import type { CanFrame } from "../../src/frame/CanFrame.ts";
import { PartitionedFileSink } from "../../src/sink/PartitionedFileSink.ts";
import { SignalLines } from "../../src/sink/SignalLines.ts";
import { BusDecoders } from "../../src/decode/BusDecoders.ts";
import { canferry, fixture, tempDir, watchedCanferry } from "../helpers/cli.ts";
import { startTestSqs, type TestSqs } from "../helpers/sqs.ts";
import { startGateway, waitFor } from "../helpers/pipeline.ts";

const PCAN = fixture("kona-ev-dbc", "pcan.dbc");
const MOTOHAWK = fixture("cantools", "dbc", "motohawk.dbc");

/** Every file under `dir` with this extension, recursively. */
function filesUnder(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p, ext) : p.endsWith(ext) ? [p] : [];
  });
}

function consumerConfig(dir: string, sqs: TestSqs, sink: string): string {
  return `[sqs]
queue_url = "${sqs.queueUrl}"
endpoint = "${sqs.endpoint}"
[consumer]
wait_time = "1s"
[status]
bind = "127.0.0.1:0"
[metrics]
dir = "${join(dir, "metrics")}"
${sink}`;
}

test("a consumer with the signal sink writes every signal of every defined frame, and passes the rest through raw", async () => {
  const dir = tempDir("signal-sink");
  // The Kona EV P-CAN log on can0 (pcan.dbc), cantools' motohawk frame on can1 (motohawk.dbc), and
  // a bus no DBC is named for (can2).
  const extra = ["(1965.000000) can1 1F0#C006E00000000000", "(1965.000001) can1 1F0#0100200000000000", "(1965.000002) can2 123#DEADBEEF"];
  const log = join(dir, "mixed.log");
  await Bun.write(log, (await Bun.file(fixture("kona-ev", "pcan.log")).text()) + extra.join("\n") + "\n");
  const frames: CanFrame[] = (await Bun.file(log).text()).split("\n").flatMap((l) => {
    const r = parseCandumpLine(l);
    return r.kind === "frame" ? [r.frame] : [];
  });

  const sqs = await startTestSqs("signal-sink");
  const gw = startGateway(join(dir, "gw"), sqs, new CandumpSource({ path: log, pace: { mode: "fast" }, loop: false, batchFrames: 4096 }));
  await waitFor("every frame acknowledged", () => gw.buffer.stats().acked.frames === frames.length, 30_000);
  await gw.stop();

  const sinkDir = join(dir, "signals");
  const config = join(dir, "consumer.toml");
  await Bun.write(
    config,
    consumerConfig(dir, sqs, `[sink]\ntype = "signals"\npath = "${sinkDir}"\nraw_undefined = true\n[sink.dbc]\ncan0 = ["${PCAN}"]\ncan1 = ["${MOTOHAWK}"]\n`),
  );
  const consumer = watchedCanferry(["consumer", "--config", config]);
  await consumer.waitFor("status endpoint listening");
  const url = JSON.parse(consumer.output().split("\n").find((l) => l.includes("status endpoint listening"))!).url as string;
  const sinkStatus = async () => ((await (await fetch(new URL("/status", url))).json()) as { sink: Record<string, unknown> }).sink;
  await waitFor("every frame through the sink", async () => {
    const s = await sinkStatus();
    return (s.decoded_frames as number) + (s.undefined_frames as number) === frames.length;
  }, 30_000);
  const status = await sinkStatus();
  consumer.proc.kill("SIGTERM");
  expect(await consumer.finished()).toBe(0);
  await sqs.stop();

  // What the sink should hold: the same frames through the same decoders.
  const decoders = new Map([
    ["can0", new FrameDecoder([loadDbcFile(PCAN)])],
    ["can1", new FrameDecoder([loadDbcFile(MOTOHAWK)])],
  ]);
  const wantSignals: string[] = [];
  const wantRaw: string[] = [];
  let truncated = 0;
  for (const f of frames) {
    const d = decoders.get(f.bus)?.decode(f);
    if (!d) {
      wantRaw.push(`${f.tsUs} ${f.bus} ${f.id.toString(16)} ${Buffer.from(f.data).toString("hex")}`);
      continue;
    }
    if (d.missing.length) truncated++;
    const units = new Map(d.message.signals.map((s) => [s.name, s.unit]));
    for (const [signal, value] of d.values) {
      const choice = d.choices.get(signal);
      wantSignals.push(JSON.stringify({ ts_us: f.tsUs, gateway: "gw-test", bus: f.bus, message: d.message.name, signal, unit: units.get(signal), value: Number(value), ...(choice === undefined ? {} : { choice }) }));
    }
  }

  const lines = filesUnder(sinkDir, ".ndjson").flatMap((p) => readFileSync(p, "utf8").trim().split("\n"));
  const rows = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const gotSignals = rows.filter((r) => "signal" in r).map((r) => JSON.stringify(r));
  const gotRaw = rows.filter((r) => "data" in r).map((r) => `${r.ts_us} ${r.bus} ${(r.id as number).toString(16)} ${r.data}`);
  expect(rows.length).toBe(gotSignals.length + gotRaw.length);
  expect(gotSignals.sort()).toEqual(wantSignals.sort());
  // Kona's one frame with no message (0x51B) and the can2 frame.
  expect(gotRaw.sort()).toEqual(wantRaw.sort());
  expect(wantRaw.length).toBe(2);
  expect(status).toEqual({ kind: "signals", decoded_frames: frames.length - 2, undefined_frames: 2, truncated_frames: truncated, signals: wantSignals.length });
  // The motohawk frames by value, units and value-table names included.
  expect(rows.filter((r) => r.bus === "can1" && r.signal === "Enable").map((r) => r.choice)).toEqual(["Enabled", "Disabled"]);
  expect(rows.find((r) => r.bus === "can1" && r.signal === "Temperature")).toMatchObject({ value: 250.55, unit: "degK" });
}, 90_000);

test("the signal sink's config errors name the key and the file", async () => {
  const dir = tempDir("signal-sink-config");
  const sqs = { queueUrl: "http://127.0.0.1:1/000000000000/q", endpoint: "http://127.0.0.1:1" } as TestSqs;
  const cases: [string, RegExp][] = [
    [`[sink]\ntype = "signals"\n`, /sink\.dbc \(not set\): type = "signals" needs DBC files/],
    [`[sink]\ntype = "ndjson"\n[sink.dbc]\ncan0 = ["${PCAN}"]\n`, /sink\.dbc = \{"can0":.*\}: DBC files are for type = "signals", not "ndjson"/],
    [`[sink]\ntype = "signals"\n[sink.dbc]\ncan0 = ["${join(dir, "missing.dbc")}"]\n`, /sink\.dbc: .*missing\.dbc: no such file/],
    [`[sink]\ntype = "signals"\n[sink.dbc]\ncan0 = ["${fixture("kona-ev", "pcan.log")}"]\n`, /sink\.dbc: .*pcan\.log: line 1: /],
  ];
  for (const [sink, message] of cases) {
    const config = join(dir, "consumer.toml");
    await Bun.write(config, consumerConfig(dir, sqs, sink));
    const r = await canferry(["consumer", "--config", config]);
    expect({ code: r.code, stderr: r.stderr }).toMatchObject({ code: 2, stderr: expect.stringMatching(message) });
  }
});

test("values JSON numbers cannot hold: every digit of a 64-bit integer, NaN as a string", async () => {
  const dir = tempDir("signal-lines");
  const dbc = join(dir, "wide.dbc");
  await Bun.write(dbc, 'BO_ 1 Wide: 12 N\n SG_ Big : 0|64@1+ (1,0) [0|0] "" N\n SG_ F : 64|32@1- (1,0) [0|0] "V" N\nSIG_VALTYPE_ 1 F : 1;\n');
  const sink = new PartitionedFileSink(join(dir, "out"), new SignalLines(new BusDecoders({ "*": [dbc] }), false));
  const data = new Uint8Array([0xef, 0xbe, 0xad, 0xde, 0xef, 0xbe, 0xad, 0xde, 0x00, 0x00, 0xc0, 0x7f]);
  await sink.write({ gateway: "g", epoch: "e", seq: 1, bus: "vcan9", frames: [{ bus: "vcan9", tsUs: 5, tsNs: 0, id: 1, flags: 0, dlc: 12, data }] });
  await sink.close();
  const [text] = filesUnder(join(dir, "out"), ".ndjson").map((p) => readFileSync(p, "utf8"));
  expect(text).toBe(
    '{"ts_us":5,"gateway":"g","bus":"vcan9","message":"Wide","signal":"Big","unit":"","value":16045690984833335023}\n' +
      '{"ts_us":5,"gateway":"g","bus":"vcan9","message":"Wide","signal":"F","unit":"V","value":"NaN"}\n',
  );
});
