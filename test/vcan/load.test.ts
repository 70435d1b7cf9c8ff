/**
 * Sustained load with counter payloads (cangen -D i): the buffer holds every frame, or, where the
 * socket's receive buffer overflowed, the kernel's drop counter (SO_RXQ_OVFL) accounts exactly for
 * the frames missing (stored + dropped = sent). At full speed (cangen -g 0, 10 s) vcan outruns the
 * ingest under emulation, so frames are dropped and every one is counted; at 30,000 frames/s in
 * bursts of 300 the default receive buffer (4 MiB) loses nothing, while a 64 KiB one drops. Rates per
 * buffer size: bench/socketcan.ts, docs/benchmarks.md.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { tempDir } from "../helpers/cli.ts";
import { exported, ingest, txPackets, vcanMissing } from "./vcan.ts";
import { tracked } from "../helpers/watchedProcess.ts";

const missing = vcanMissing();

/** The little-endian counter cangen -D i writes into each payload. */
function counter(data: Uint8Array): number {
  let v = 0;
  for (let i = Math.min(data.length, 6) - 1; i >= 0; i--) v = v * 256 + data[i]!;
  return v;
}

async function cangen(iface: string, args: string[], seconds: number): Promise<void> {
  // cangen with a gap never ends by itself; SIGINT at the deadline, as Ctrl-C.
  const p = tracked(Bun.spawn(["cangen", iface, ...args, "-I", "123", "-L", "8", "-D", "i"], { stdout: "ignore", stderr: "ignore" }));
  await Bun.sleep(seconds * 1000);
  p.kill("SIGINT");
  await p.exited;
}

const CASES = [
  { name: "full speed for 10 s, default receive buffer: every drop counted", args: ["-g", "0", "-p", "10"], seconds: 10, receiveBuffer: "4MiB", lossless: false },
  { name: "bursts at 30,000 frames/s, 64 KiB receive buffer: drops, all counted", args: ["-g", "10", "-c", "300"], seconds: 5, receiveBuffer: "64KiB", lossless: false },
  { name: "bursts at 30,000 frames/s, default receive buffer: nothing lost", args: ["-g", "10", "-c", "300"], seconds: 5, receiveBuffer: "4MiB", lossless: true },
];

describe.skipIf(missing !== undefined)("sustained load on vcan0", () => {
  for (const c of CASES) {
    test(c.name, async () => {
      const dir = tempDir("vcan-load");
      const db = join(dir, "b.db");
      const gw = await ingest(["vcan0"], db, ["--receive-buffer", c.receiveBuffer]);
      const tx0 = await txPackets("vcan0");
      await cangen("vcan0", c.args, c.seconds);
      // The drop count travels with the next frame the socket receives: send a last, slow one.
      await Bun.sleep(500);
      await Bun.spawn(["cansend", "vcan0", "7FF#FF"]).exited;
      const sent = (await txPackets("vcan0")) - tx0;
      await Bun.sleep(500);
      const counters = await gw.stop();
      const { frames } = await exported(db);
      const seq = frames.filter((f) => f.id === 0x123).map((f) => counter(f.data));
      console.log(`${c.name}: ${sent} frames sent, ${frames.length} stored, ${counters.kernelDrops} dropped by the kernel`);
      expect(seq.every((v, i) => i === 0 || v > seq[i - 1]!)).toBe(true);
      expect(frames.length + counters.kernelDrops!).toBe(sent);
      expect(counters.queueDrops).toBe(0);
      if (c.lossless) expect(counters.kernelDrops).toBe(0);
      else expect(counters.kernelDrops).toBeGreaterThan(0);
    }, 120_000);
  }
});
