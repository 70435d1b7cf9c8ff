/** Four buses at once (vcan0..vcan3) into one buffer: every frame keeps its bus, compared with candump -L. */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { tempDir } from "../helpers/cli.ts";
import { canUtil, candump, exported, IFACES, ingest, key, vcanMissing } from "./vcan.ts";

const missing = vcanMissing();

describe.skipIf(missing !== undefined)("vcan0..vcan3 into one buffer", () => {
  test("every frame arrives once, on its own bus", async () => {
    const dir = tempDir("vcan-multibus");
    const db = join(dir, "b.db");
    const dump = candump(dir, IFACES);
    const gw = await ingest(IFACES, db);
    // Each bus its own traffic at once: classic on vcan0, 29-bit on vcan1, CAN FD on vcan2, a mix on vcan3.
    const kinds = [[], ["-e"], ["-f", "-L", "i"], ["-m"]];
    await Promise.all(IFACES.map((iface, i) => canUtil(["cangen", iface, "-g", "0", "-p", "10", "-n", "500", ...kinds[i]!])));
    await Bun.sleep(500);
    const counters = await gw.stop();
    const reference = await dump.stop();
    const { frames } = await exported(db);
    for (const iface of IFACES) {
      const ours = frames.filter((f) => f.bus === iface).map(key);
      expect(ours.length).toBeGreaterThan(0);
      expect(ours).toEqual(reference.filter((f) => f.bus === iface).map(key));
    }
    expect(frames.length).toBe(reference.length);
    expect(counters.kernelDrops).toBe(0);
  }, 60_000);
});
