import { expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { builtBinary } from "../helpers/binary.ts";
import { ROOT, tempDir } from "../helpers/cli.ts";

test("canferry install places binary, units and configs, and a second run changes nothing", async () => {
  const bin = await builtBinary();
  const root = tempDir("install-root");
  const run = () => spawnSync(bin, ["install", "--root", root], { encoding: "utf8" });
  const first = run();
  expect(first.status).toBe(0);
  expect(first.stdout.split("\n").filter((l) => l.startsWith("installed")).length).toBe(6);
  const unit = readFileSync(join(root, "etc/systemd/system/canferry-gateway.service"), "utf8");
  expect(unit).toBe(readFileSync(join(ROOT, "systemd/canferry-gateway.service"), "utf8"));
  expect(statSync(join(root, "usr/local/bin/canferry")).mode & 0o111).not.toBe(0);
  expect(readFileSync(join(root, "etc/sysctl.d/60-canferry.conf"), "utf8")).toMatch(/^net\.core\.rmem_max = 4194304$/m);
  const second = run();
  expect(second.stdout.split("\n").filter((l) => l.startsWith("unchanged")).length).toBe(6);
  // A user's config survives an upgrade.
  const config = join(root, "etc/canferry/canferry.toml");
  writeFileSync(config, '[gateway]\nid = "mine"\n');
  const third = run();
  expect(third.stdout).toContain("kept");
  expect(readFileSync(config, "utf8")).toContain('"mine"');
  // The installed binary works.
  expect(spawnSync(join(root, "usr/local/bin/canferry"), ["--help"], { encoding: "utf8" }).stdout).toContain("canferry");
}, 90_000);
