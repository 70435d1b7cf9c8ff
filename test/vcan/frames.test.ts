/**
 * Frames on a real kernel's vcan bus reach the buffer bit-exact: cangen sends them, candump -L
 * records the same bus, and `canferry buffer export` of the buffer must list the same frames (bus,
 * id, flags, length, data, kernel timestamp to the microsecond) in the same order.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { FrameFlag } from "../../src/frame/CanFrame.ts";
import { tempDir } from "../helpers/cli.ts";
import { canUtil, candump, exported, ingest, key, txPackets, vcanMissing } from "./vcan.ts";

const missing = vcanMissing();
if (missing) console.log(`SocketCAN suite skipped: ${missing}`);

/** cangen runs (each on vcan0) and what each must show in the buffer. */
const RUNS: { name: string; args: string[]; check: (flags: number[]) => void }[] = [
  { name: "classic, 11-bit ids", args: ["-n", "200", "-L", "i"], check: (f) => expect(f.every((x) => x === 0)).toBe(true) },
  { name: "extended 29-bit ids", args: ["-n", "200", "-e"], check: (f) => expect(f.every((x) => x === FrameFlag.EXT)).toBe(true) },
  { name: "remote requests (RTR)", args: ["-n", "100", "-R"], check: (f) => expect(f.every((x) => x & FrameFlag.RTR)).toBe(true) },
  { name: "CAN FD without BRS", args: ["-n", "200", "-f", "-L", "i"], check: (f) => expect(f.every((x) => x & FrameFlag.FD && !(x & FrameFlag.BRS))).toBe(true) },
  { name: "CAN FD with BRS and ESI", args: ["-n", "200", "-b", "-E"], check: (f) => expect(f.every((x) => x & FrameFlag.BRS && x & FrameFlag.ESI)).toBe(true) },
  { name: "a mix of all of them", args: ["-n", "400", "-m"], check: (f) => expect(new Set(f).size).toBeGreaterThan(3) },
];

describe.skipIf(missing !== undefined)("cangen on vcan0 → buffer, compared with candump -L", () => {
  for (const run of RUNS) {
    test(run.name, async () => {
      const dir = tempDir("vcan-frames");
      const db = join(dir, "b.db");
      const dump = candump(dir, ["vcan0"]);
      const gw = await ingest(["vcan0"], db);
      const tx0 = await txPackets("vcan0");
      await canUtil(["cangen", "vcan0", "-g", "0", "-p", "10", ...run.args]);
      const sent = (await txPackets("vcan0")) - tx0;
      await Bun.sleep(300);
      const counters = await gw.stop();
      const reference = await dump.stop();
      const { frames } = await exported(db);
      expect(sent).toBeGreaterThan(0);
      expect(reference.length).toBe(sent);
      expect(frames.map(key)).toEqual(reference.map(key));
      expect(counters.kernelDrops).toBe(0);
      run.check(frames.map((f) => f.flags));
    }, 60_000);
  }

  test("error frames, with socketcan.error_frames on", async () => {
    const dir = tempDir("vcan-err");
    const db = join(dir, "b.db");
    const dump = candump(dir, ["vcan0"]);
    const gw = await ingest(["vcan0"], db, ["--error-frames"]);
    // An error frame (CAN_ERR_FLAG | CAN_ERR_BUSOFF) between two data frames.
    for (const f of ["123#01", "20000040#0000000000000000", "124#02"]) await canUtil(["cansend", "vcan0", f]);
    await Bun.sleep(300);
    await gw.stop();
    const reference = await dump.stop();
    const { frames } = await exported(db);
    expect(reference.length).toBe(3);
    expect(frames.map(key)).toEqual(reference.map(key));
    expect(frames[1]!.flags & FrameFlag.ERR).toBe(FrameFlag.ERR);
    expect(frames[1]!.id).toBe(0x40);
  }, 60_000);
});
