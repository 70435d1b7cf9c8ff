/**
 * Interop with can-utils: `canferry buffer export` writes candump -l lines that canplayer replays onto
 * a vcan bus, and candump -L of that replay shows the original frames (id, flags, length, data; the
 * timestamps are the replay's), in order.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { canferry, fixture, tempDir } from "../helpers/cli.ts";
import type { CanFrame } from "../../src/frame/CanFrame.ts";
import { canUtil, candump, exported, vcanMissing } from "./vcan.ts";

const missing = vcanMissing();
const content = (f: CanFrame) => `${f.id.toString(16)} ${f.flags} ${f.dlc} ${Buffer.from(f.data).toString("hex")}`;

describe.skipIf(missing !== undefined)("buffer export → canplayer → candump -L", () => {
  for (const [name, source] of [
    ["a real capture (SavvyCAN)", `candump:${fixture("savvycan", "candump.log")}`],
    ["generated CAN FD, 29-bit and classic frames", "gen:count=3000,buses=vcan0,fd=0.3,ext=0.3,seed=7"],
  ] as const) {
    test(name, async () => {
      const dir = tempDir("vcan-interop");
      const db = join(dir, "b.db");
      const r = await canferry(["ingest", source, "--db", db, "--quiet"]);
      expect(r.code).toBe(0);
      const original = await exported(db);
      const log = join(dir, "export.log");
      await Bun.write(log, original.text);
      const dump = candump(dir, ["vcan1"]);
      await Bun.sleep(200);
      // Replayed onto vcan1 (the log says vcan0), back to back.
      await canUtil(["canplayer", "-I", log, "-t", "-g", "0", "vcan1=vcan0"]);
      await Bun.sleep(500);
      const replayed = await dump.stop();
      expect(original.frames.length).toBeGreaterThan(2000);
      expect(replayed.every((f) => f.bus === "vcan1")).toBe(true);
      expect(replayed.map(content)).toEqual(original.frames.map(content));
    }, 120_000);
  }
});
