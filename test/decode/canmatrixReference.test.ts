/**
 * canferry's decoder against an independent implementation: canmatrix (Debian's python3-canmatrix)
 * decodes the same candump logs with the same DBC files, and every signal value must match. Where
 * canmatrix is known to be wrong or stricter, the test says so and checks exactly that difference.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { parseDbc } from "../../src/decode/parseDbc.ts";
import { type DecodedFrame, FrameDecoder } from "../../src/decode/FrameDecoder.ts";
import type { SignalValue } from "../../src/decode/MessageDecoder.ts";
import { parseCandumpLine } from "../../src/source/candump/candumpLine.ts";
import { ROOT, fixture, tempDir } from "../helpers/cli.ts";

const PYTHON = "/usr/bin/python3";
const hasCanmatrix = spawnSync(PYTHON, ["-c", "import canmatrix"]).status === 0;
if (!hasCanmatrix) console.log("canmatrix reference test: skipped, needs /usr/bin/python3 with python3-canmatrix (apt-get install python3-canmatrix)");

type ReferenceValue = string | { num: string };
type Reference = { line: number; signals?: [string, ReferenceValue][]; refused?: string };

/** canmatrix's decode of a log, one entry per frame its DBC defines. */
function canmatrixDecode(dbc: string, log: string): Reference[] {
  const r = spawnSync(PYTHON, [join(ROOT, "test", "decode", "canmatrix_decode.py"), dbc, log], { encoding: "utf8", maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`canmatrix_decode.py failed: ${r.stderr}`);
  return r.stdout.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Reference);
}

/** canferry's decode of the same log: values by name for each frame line a DBC defines. */
async function canferryDecode(dbc: string, log: string) {
  const decoder = new FrameDecoder([parseDbc(await Bun.file(dbc).text())]);
  const byLine = new Map<number, DecodedFrame>();
  (await Bun.file(log).text()).split("\n").forEach((text, i) => {
    const r = parseCandumpLine(text);
    if (r.kind !== "frame") return;
    const d = decoder.decode(r.frame);
    if (d) byLine.set(i + 1, d);
  });
  return byLine;
}

/** Equal as values: names exactly, integers exactly, other numbers to a relative 1e-9. */
function sameValue(ours: SignalValue | string, theirs: ReferenceValue): boolean {
  if (typeof theirs === "string") return ours === theirs;
  if (typeof ours === "string") return false;
  if (typeof ours === "bigint") return /^-?\d+$/.test(theirs.num) && BigInt(theirs.num) === ours;
  const t = Number(theirs.num);
  return ours === t || Math.abs(ours - t) <= 1e-9 * Math.max(Math.abs(ours), Math.abs(t));
}

describe.skipIf(!hasCanmatrix)("canmatrix, an independent decoder, on the same logs", () => {
  test("the Kona EV P-CAN log with its DBC: every signal of every frame canmatrix decodes is equal", async () => {
    const dbc = fixture("kona-ev-dbc", "pcan.dbc");
    const log = fixture("kona-ev", "pcan.log");
    const reference = canmatrixDecode(dbc, log);
    const ours = await canferryDecode(dbc, log);
    let compared = 0;
    const mismatches: string[] = [];
    const refusedIds = new Map<string, number>();
    for (const ref of reference) {
      const mine = ours.get(ref.line);
      if (!mine) throw new Error(`line ${ref.line}: canmatrix decodes it, canferry finds no message`);
      if (ref.refused) {
        refusedIds.set(ref.refused, (refusedIds.get(ref.refused) ?? 0) + 1);
        continue;
      }
      expect([...mine.values.keys()].sort()).toEqual(ref.signals!.map(([n]) => n).sort());
      for (const [name, v] of ref.signals!) {
        compared++;
        const value = mine.choices.get(name) ?? mine.values.get(name)!;
        if (!sameValue(value, v)) mismatches.push(`line ${ref.line} ${name}: canferry ${String(value)}, canmatrix ${JSON.stringify(v)}`);
      }
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
    // Every frame the DBC defines, both decoders; 24,263 frames in the log, one id (0x51B) undefined.
    expect(reference.length).toBe(ours.size);
    expect(compared).toBe(150_793);
    // canmatrix refuses a frame whose length differs from the DBC's (0x490 sent with 7 bytes where
    // the DBC says 8; FATC_5F5 sent with 8 where the reverse-engineered DBC says 64); canferry decodes
    // what the payload holds, like cantools' allow_truncated, and names the signals that did not fit.
    expect(Object.fromEntries(refusedIds)).toEqual({
      "DecodingFrameLength: Received message 0x00000490 with length 7, expected 8": 217,
      "DecodingFrameLength: Received message 0x000005F5 with length 8, expected 64": 65,
    });
    for (const d of reference.filter((r) => r.refused).map((r) => ours.get(r.line)!)) {
      expect(d.values.size).toBeGreaterThan(0);
      expect(d.values.size + d.missing.length).toBe(d.message.signals.length);
    }
  });

  test("extended multiplexing with two top-level multiplexers: canmatrix follows only one of them", async () => {
    // canmatrix 0.9.5 walks a single multiplexer chain, so the signals under the other top-level
    // multiplexer (S0's tree in multiplex_2's Extended message, MUX_A's in issue_184's independent
    // multiplexers) are missing from its decode. cantools' signal trees for these files include both
    // (dbc.test.ts checks canferry against those); here everything canmatrix does decode must agree.
    const cases = [
      { file: "multiplex_2", id: "0C00FEFE", payloads: ["2010270001210000", "0064881302160000", "3100000001040300"], dropped: ["S0", "S1", "S2", "S3", "S4", "S5"] },
      { file: "issue_184_extended_mux_independent_multiplexors", id: "00000002", payloads: ["0000010000000000", "0100020000000000"], dropped: ["MUX_A", "muxed_A_0", "muxed_A_1"] },
    ];
    const dir = tempDir("canmatrix");
    for (const c of cases) {
      const log = join(dir, `${c.file}.log`);
      await Bun.write(log, c.payloads.map((p) => `(1.000000) can0 ${c.id}#${p}\n`).join(""));
      const dbc = fixture("cantools", "dbc", `${c.file}.dbc`);
      const reference = canmatrixDecode(dbc, log);
      const ours = await canferryDecode(dbc, log);
      expect(reference.length).toBe(c.payloads.length);
      for (const ref of reference) {
        const mine = ours.get(ref.line)!;
        for (const [name, v] of ref.signals!) expect(sameValue(mine.choices.get(name) ?? mine.values.get(name)!, v)).toBe(true);
        const onlyOurs = [...mine.values.keys()].filter((n) => !ref.signals!.some(([m]) => m === n));
        expect(onlyOurs.length).toBeGreaterThan(0);
        expect(onlyOurs.every((n) => c.dropped.includes(n))).toBe(true);
      }
    }
  });
});
