import { expect, test } from "bun:test";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MetricsHistory } from "../../src/metrics/MetricsHistory.ts";
import { tempDir } from "../helpers/cli.ts";

test("samples every tick for the last hour, a JSON line per minute per day file, old days deleted", async () => {
  const dir = tempDir("history");
  writeFileSync(join(dir, "latency-2024-01-01.jsonl"), "{}\n"); // ten days before: past retention
  writeFileSync(join(dir, "latency-2024-01-09.jsonl"), "{}\n"); // two days before: kept
  writeFileSync(join(dir, "notes.txt"), "not ours");
  let now = Date.UTC(2024, 0, 11, 23, 59, 0);
  let n = 0;
  const h = new MetricsHistory(() => ({ e2e_p95_s: 0.1 * ++n, frames: n }), { dir, retainDays: 7, process: "consumer" }, () => now);
  for (let i = 0; i < 420; i++) {
    h.tick();
    now += 10_000;
  }
  expect(h.hour().length).toBe(360);
  expect(h.hour()[0]!.frames).toBe(61);
  const files = readdirSync(dir).sort();
  expect(files).toEqual(["latency-2024-01-09.jsonl", "latency-2024-01-11.jsonl", "latency-2024-01-12.jsonl", "notes.txt"]);
  expect(existsSync(join(dir, "latency-2024-01-01.jsonl"))).toBe(false);
  const day11 = (await Bun.file(join(dir, "latency-2024-01-11.jsonl")).text()).trim().split("\n").map((l) => JSON.parse(l));
  expect(day11).toEqual([{ time: "2024-01-11T23:59:00.000Z", process: "consumer", e2e_p95_s: 0.1, frames: 1 }]);
  const day12 = (await Bun.file(join(dir, "latency-2024-01-12.jsonl")).text()).trim().split("\n");
  expect(day12.length).toBe(69); // 70 minutes of ticks, one line per minute, the first on the 11th
});
