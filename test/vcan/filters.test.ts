/**
 * Kernel filters from the config are applied in the kernel: the filter is registered on the
 * interface's receive list (/proc/net/can/rcvlist_fil, which counts its matches), and frames outside
 * it never reach the process (the source's received-frames counter).
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { tempDir } from "../helpers/cli.ts";
import { type CanFrame, FrameFlag } from "../../src/frame/CanFrame.ts";
import { canUtil, candump, exported, ingest, key, vcanMissing } from "./vcan.ts";

const missing = vcanMissing();

/** The "matches" column of the kernel's filter list rows for vcan0 with this 11-bit id. */
async function kernelFilterMatches(id: number): Promise<number[]> {
  const rows = (await Bun.file("/proc/net/can/rcvlist_fil").text()).split("\n").map((r) => r.trim().split(/\s+/));
  return rows.filter((c) => c[0] === "vcan0" && parseInt(c[1]!, 16) === id).map((c) => Number(c[5]));
}

/** The config's filters as a predicate: 11-bit 100:700 and 29-bit 18FEF100x:1FFFFF00x. */
const passes = (f: CanFrame) => (f.flags & FrameFlag.EXT ? (f.id & 0x1fffff00) === 0x18fef100 : (f.id & 0x700) === 0x100);

describe.skipIf(missing !== undefined)("kernel filters", () => {
  test("11-bit and 29-bit filters pass only their ids, and the kernel does the filtering", async () => {
    const dir = tempDir("vcan-filter");
    const db = join(dir, "b.db");
    const dump = candump(dir, ["vcan0"]);
    // 0x100-0x1FF (11-bit) and 0x18FEF100-0x18FEF1FF (29-bit).
    const gw = await ingest(["vcan0"], db, ["--filter", "100:700", "--filter", "18FEF100x:1FFFFF00x"]);
    expect(await kernelFilterMatches(0x100)).toEqual([0]);
    // Every 11-bit id once (cangen -I i counts up from 0); 29-bit ids around the 29-bit filter; and
    // 29-bit ids whose low bits an 11-bit filter would pass if it did not insist on 11 bits.
    await canUtil(["cangen", "vcan0", "-g", "0", "-p", "10", "-I", "i", "-L", "2", "-n", "2048"]);
    for (const id of [0x18fef0f0, 0x18fef110, 0x18fef1f0, 0x18fef200, 0x150])
      await canUtil(["cangen", "vcan0", "-g", "0", "-p", "10", "-e", "-I", id.toString(16).padStart(8, "0"), "-n", "10"]);
    await Bun.sleep(300);
    const matches = await kernelFilterMatches(0x100);
    const counters = await gw.stop();
    const all = await dump.stop();
    const reference = all.filter(passes);
    const { frames } = await exported(db);
    expect(all.length).toBe(2048 + 5 * 10);
    expect(reference.length).toBe(256 + 2 * 10);
    expect(frames.map(key)).toEqual(reference.map(key));
    // What reached the process: only the frames that pass, so the filtering happened in the kernel,
    // whose filter list counted the 11-bit filter's 256 matches.
    expect(counters.frames).toBe(256 + 2 * 10);
    expect(matches).toEqual([256]);
  }, 60_000);
});
