/**
 * docs/benchmarks.md is generated: rendering docs/benchmarks.json with bench/report.md again gives the
 * committed page and charts, so the page can only show what a benchmark run measured.
 */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { readdirSync } from "node:fs";
import { loadResults } from "../../bench/lib/results.ts";
import { writeReport } from "../../bench/lib/report.ts";
import { ROOT, tempDir } from "../helpers/cli.ts";

test("docs/benchmarks.md and docs/bench/*.svg are what docs/benchmarks.json renders to", async () => {
  const results = await loadResults();
  expect(results).toBeDefined();
  const dir = tempDir("bench-report");
  await writeReport(results!, { page: join(dir, "benchmarks.md"), charts: join(dir, "bench") });
  expect(await Bun.file(join(dir, "benchmarks.md")).text()).toBe(await Bun.file(join(ROOT, "docs", "benchmarks.md")).text());
  const charts = readdirSync(join(dir, "bench")).sort();
  expect(readdirSync(join(ROOT, "docs", "bench")).sort()).toEqual(charts);
  for (const c of charts) expect(await Bun.file(join(dir, "bench", c)).text()).toBe(await Bun.file(join(ROOT, "docs", "bench", c)).text());
});
