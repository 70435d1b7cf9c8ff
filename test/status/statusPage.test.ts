/**
 * The status page in a real browser: Debian's Chromium, driven by playwright-core, loads the page of a
 * running demo; the verdict and the charts must render with data. Saves a screenshot under
 * test-output/. Skips, saying so, where /usr/bin/chromium is not installed.
 */
import { expect, test } from "bun:test";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { ROOT, tempDir, watchedCanferry } from "../helpers/cli.ts";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.log("status page test: skipped, needs Debian's chromium (apt-get install chromium)");

test.skipIf(!hasChromium)("the status page of a running demo shows the verdict, the counts and charts with data", async () => {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const demo = watchedCanferry(["demo", "--data", tempDir("page"), "--speed", "4", "--duration", "60", "--status", `127.0.0.1:${port}`]);
  // playwright-core gives the browser a fresh temporary profile of its own.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    // Two history samples (10 s apart) make a line.
    await Bun.sleep(12_500);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const external: string[] = [];
    page.on("request", (r) => {
      if (!r.url().startsWith(`http://127.0.0.1:${port}/`)) external.push(r.url());
    });
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForSelector("body[data-loaded='1']", { timeout: 10_000 });
    expect(await page.textContent("#verdict")).toBe("WITHIN SLA");
    expect(await page.getAttribute("#verdict", "class")).toBe("green");
    const rows = await page.$$eval("#windows tbody tr", (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)));
    expect(rows.map((r) => r[0])).toEqual(["1m", "5m", "1h"]);
    expect(Number(rows[0]![1]!.replaceAll(",", ""))).toBeGreaterThan(1000);
    const counts = Object.fromEntries(await page.$$eval("#counts tbody tr", (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent))));
    const count = (label: string) => Number(String(counts[label]).replaceAll(",", ""));
    expect(count("frames read")).toBeGreaterThan(1000);
    expect(count("acknowledged by SQS (frames)")).toBeGreaterThan(0);
    expect(count("consumed (frames)")).toBeGreaterThan(0);
    expect(count("consumed (frames)")).toBeLessThanOrEqual(count("frames read"));
    expect(count("dead-lettered (messages)")).toBe(0);
    const lines = await page.$$eval("[data-chart='latency'] polyline.series", (ps) => ps.map((p) => [p.getAttribute("data-key"), p.getAttribute("points")!.trim().split(" ").length]));
    expect(lines.map((l) => l[0])).toContain("e2e_p95_s");
    for (const [, points] of lines) expect(points).toBeGreaterThanOrEqual(2);
    expect(await page.$$eval("[data-chart='rates'] polyline.series", (ps) => ps.length)).toBeGreaterThan(0);
    expect(external).toEqual([]);
    const out = join(ROOT, "test-output");
    mkdirSync(out, { recursive: true });
    await page.screenshot({ path: join(out, "status-page.png"), fullPage: true });
  } finally {
    await browser.close();
    demo.proc.kill("SIGTERM");
    expect(await demo.finished()).toBe(0);
  }
}, 60_000);
