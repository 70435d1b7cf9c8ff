/** The unit files pass systemd's own checks: `systemd-analyze verify` and an exposure of 2.0 or lower. */
import { expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT, tempDir } from "../helpers/cli.ts";

const ANALYZE = "/usr/bin/systemd-analyze";
const has = spawnSync(ANALYZE, ["--version"]).status === 0;
if (!has) console.log("unit file tests: skipped, needs systemd-analyze (Debian's systemd package)");

for (const unit of ["canferry-gateway.service", "canferry-consumer.service"]) {
  test.skipIf(!has)(`${unit}: systemd-analyze verify is clean and the exposure is at most 2.0`, async () => {
    const dir = tempDir("units");
    // verify checks that ExecStart exists: point it at this checkout's launcher.
    const text = (await Bun.file(join(ROOT, "systemd", unit)).text()).replaceAll("/usr/local/bin/canferry", join(ROOT, "bin", "canferry"));
    const path = join(dir, unit);
    await Bun.write(path, text);
    const verify = spawnSync(ANALYZE, ["verify", path], { encoding: "utf8" });
    expect(verify.stderr.trim()).toBe("");
    expect(verify.status).toBe(0);
    const security = spawnSync(ANALYZE, ["security", "--offline=true", path], { encoding: "utf8" });
    const m = /Overall exposure level for \S+: ([\d.]+)/.exec(security.stdout);
    expect(m).not.toBeNull();
    console.log(`${unit}: exposure ${m![1]}`);
    expect(Number(m![1])).toBeLessThanOrEqual(2.0);
  });
}

test("the example configs beside the units are valid", async () => {
  const { parseConfig } = await import("../../src/config/configFile.ts");
  for (const f of ["canferry.toml", "consumer.toml"]) {
    const c = parseConfig(await Bun.file(join(ROOT, "systemd", f)).text(), f, {});
    expect(c.sqs.queue_url).toStartWith("https://sqs.");
  }
});

test("an invalid config stops the gateway with exit code 2, naming key, value and what is allowed, before the buffer exists", async () => {
  const { canferry } = await import("../helpers/cli.ts");
  const { existsSync } = await import("node:fs");
  const dir = tempDir("badconfig");
  const db = join(dir, "buffer.db");
  const config = join(dir, "bad.toml");
  await Bun.write(config, `[buffer]\npath = "${db}"\ncap = "lots"\n[chunker]\nlinger = "5h"\n[gateway]\nsource = "gen:"\ncolour = "blue"\n`);
  const r = await canferry(["gateway", "--config", config]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(`buffer.cap = "lots": 'lots' is not a size`);
  expect(r.stderr).toContain(`chunker.linger = "5h": must be from 1 ms to 60000 ms`);
  expect(r.stderr).toContain("unknown key colour");
  expect(existsSync(db)).toBe(false);
});
