/**
 * Signals decoded per second on one core: the Kona EV P-CAN log (24,263 real frames) with its DBC,
 * decoded over and over for --seconds.
 * Usage: bun bench/decode.ts [--seconds 5]
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { parseDbc } from "../src/decode/parseDbc.ts";
import { FrameDecoder } from "../src/decode/FrameDecoder.ts";
import { parseCandumpLine } from "../src/source/candump/candumpLine.ts";
import type { CanFrame } from "../src/frame/CanFrame.ts";
import { ROOT } from "./lib/processes.ts";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "5" } } });
const fixtures = join(ROOT, "test", "fixtures");
const t0 = performance.now();
const db = parseDbc(await Bun.file(join(fixtures, "kona-ev-dbc", "pcan.dbc")).text());
const decoder = new FrameDecoder([db]);
const loadMs = performance.now() - t0;
const frames: CanFrame[] = (await Bun.file(join(fixtures, "kona-ev", "pcan.log")).text()).split("\n").flatMap((l) => {
  const r = parseCandumpLine(l);
  return r.kind === "frame" ? [r.frame] : [];
});

let signals = 0;
let decoded = 0;
const until = performance.now() + Number(values.seconds) * 1000;
const start = performance.now();
while (performance.now() < until) {
  for (const f of frames) {
    const d = decoder.decode(f);
    if (d) {
      signals += d.values.size;
      decoded++;
    }
  }
}
const seconds = (performance.now() - start) / 1000;
const result = {
  signals_per_s: Math.round(signals / seconds),
  frames_per_s: Math.round(decoded / seconds),
  signals_per_frame: +(signals / decoded).toFixed(2),
  frames_without_definition_share: +(decoder.undefinedFrames / (decoder.undefinedFrames + decoded)).toFixed(3),
  dbc_load_ms: +loadMs.toFixed(1),
  seconds: +seconds.toFixed(2),
};
console.log(`decode: ${result.signals_per_s.toLocaleString("en-US")} signals/s (${result.frames_per_s.toLocaleString("en-US")} frames/s) on the Kona EV P-CAN log`);
console.log(JSON.stringify(result));
