/** Real CAN frames in bulk for the benchmarks: a recorded capture repeated, with timestamps moved on. */
import { join } from "node:path";
import type { CanFrame } from "../../src/frame/CanFrame.ts";
import { parseCandumpLine } from "../../src/source/candump/candumpLine.ts";
import { ROOT } from "./processes.ts";

/** The frames of a candump log under test/fixtures, e.g. fixtureFrames("savvycan", "candump.log"). */
export async function fixtureFrames(...path: string[]): Promise<CanFrame[]> {
  const text = await Bun.file(join(ROOT, "test", "fixtures", ...path)).text();
  return text.split("\n").flatMap((l) => {
    const r = parseCandumpLine(l);
    return r.kind === "frame" ? [r.frame] : [];
  });
}

/** `total` frames on `bus`, in chunks of `perChunk`, at `rate` frames/s ending now. */
export function* repeatedChunks(base: CanFrame[], total: number, perChunk: number, bus: string, rate: number): Generator<CanFrame[]> {
  const startUs = Date.now() * 1000 - (total / rate) * 1e6;
  for (let n = 0; n < total; ) {
    const size = Math.min(perChunk, total - n);
    const chunk = new Array<CanFrame>(size);
    for (let k = 0; k < size; k++, n++) {
      const f = base[n % base.length]!;
      chunk[k] = { ...f, bus, tsUs: Math.round(startUs + (n * 1e6) / rate) };
    }
    yield chunk;
  }
}
