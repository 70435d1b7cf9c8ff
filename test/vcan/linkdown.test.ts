/**
 * The interface going down and up while the gateway runs: it reports the error, keeps its buffer, and
 * resumes reading without a restart.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { tempDir } from "../helpers/cli.ts";
import { canUtil, exported, ingest, vcanMissing } from "./vcan.ts";

const missing = vcanMissing();

async function waitFor(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(50);
  }
}

describe.skipIf(missing !== undefined)("vcan2 down and up under a running ingest", () => {
  test("reported both ways; frames before and after are all in the buffer", async () => {
    const dir = tempDir("vcan-linkdown");
    const db = join(dir, "b.db");
    const gw = await ingest(["vcan2"], db);
    try {
      await canUtil(["cangen", "vcan2", "-g", "0", "-p", "10", "-n", "100", "-I", "100"]);
      await canUtil(["ip", "link", "set", "vcan2", "down"]);
      await waitFor(() => gw.output().includes('"interface down"'), "the 'interface down' report");
      // Sending on a down interface fails; the process keeps running and holds what it read.
      expect(gw.proc.exitCode).toBeNull();
      await canUtil(["ip", "link", "set", "vcan2", "up"]);
      await waitFor(() => gw.output().includes('"interface up"'), "the 'interface up' report");
      await canUtil(["cangen", "vcan2", "-g", "0", "-p", "10", "-n", "100", "-I", "200"]);
      await Bun.sleep(500);
    } finally {
      await canUtil(["ip", "link", "set", "vcan2", "up"]);
    }
    const counters = await gw.stop();
    const { frames } = await exported(db);
    expect(frames.filter((f) => f.id === 0x100).length).toBe(100);
    expect(frames.filter((f) => f.id === 0x200).length).toBe(100);
    expect(counters.frames).toBe(200);
    const down = gw.output().split("\n").find((l) => l.includes('"interface down"'))!;
    expect(JSON.parse(down)).toMatchObject({ iface: "vcan2", event: "down" });
    expect(JSON.parse(down).detail).toContain("ip link set vcan2 up");
  }, 60_000);
});
