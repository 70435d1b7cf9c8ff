import { expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { builtBinary } from "../helpers/binary.ts";
import { tempDir } from "../helpers/cli.ts";

test("the compiled x64 binary carries everything it needs and runs the demo", async () => {
  const bin = await builtBinary();
  const r = spawnSync(bin, ["demo", "--duration", "3", "--speed", "4", "--data", tempDir("bin-demo"), "--status", "127.0.0.1:0"], {
    encoding: "utf8",
    cwd: "/", // nothing from the checkout: migrations and the demo log are inside the binary
    timeout: 60_000,
  });
  expect(r.status).toBe(0);
  const last = r.stdout.split("\n").filter((l) => l.startsWith("in ")).at(-1)!;
  const n = (label: string) => Number(new RegExp(`${label} ([\\d,]+)`).exec(last)![1]!.replaceAll(",", ""));
  expect(n("in")).toBeGreaterThan(1000);
  expect(n("consumed")).toBe(n("in"));
}, 90_000);
