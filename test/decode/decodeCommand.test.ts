/** `canferry decode`: a candump log through DBC files on the command line, as cantools decode does it. */
import { expect, test } from "bun:test";
import { canferry, fixture } from "../helpers/cli.ts";

test("decodes each frame a DBC defines, passes the others through, and counts them", async () => {
  const log = "(0.000001) can0 1F0#C006E00000000000\n(0.000002) can0 123#00\n";
  const r = await canferry(["decode", "--dbc", fixture("cantools", "dbc", "motohawk.dbc"), "-"], log);
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(
    "(0.000001) can0 1F0#C006E00000000000 :: ExampleMessage(Temperature: 250.55 degK, AverageRadius: 3.2 m, Enable: Enabled -)\n(0.000002) can0 123#00\n",
  );
  expect(r.stderr).toContain("decoded 1 of 2 frames into 3 signal values; 1 frames without a definition");
});

test("--json for the whole Kona EV P-CAN log: one object per defined frame", async () => {
  const r = await canferry(["decode", "--json", "--dbc", fixture("kona-ev-dbc", "pcan.dbc"), fixture("kona-ev", "pcan.log")]);
  expect(r.code).toBe(0);
  const rows = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { message: string; signals: Record<string, unknown> });
  // One frame of the log (id 51B) has no message in the DBC.
  expect(rows.length).toBe(24_262);
  expect(r.stderr).toContain("decoded 24262 of 24263 frames into 154091 signal values; 1 frames without a definition");
  expect(rows[0]).toMatchObject({ message: "VCU_109", signals: { Awake_Maybe: 1, Checksum: 13, Counter: 3 } });
});

test("a bad DBC or a missing file is a usage error naming it", async () => {
  const missing = await canferry(["decode", "--dbc", "/nonexistent.dbc", "-"]);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain("/nonexistent.dbc: no such file");
  const bad = await canferry(["decode", "--dbc", fixture("savvycan", "candump.log"), "-"], "");
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/candump\.log: line 1: /);
});
