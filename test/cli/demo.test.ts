import { expect, test } from "bun:test";
import { join } from "node:path";
import { readdirSync } from "node:fs";
import { canferry, tempDir } from "../helpers/cli.ts";
import { parseCandumpLine } from "../../src/source/candump/candumpLine.ts";

test("canferry demo runs the whole pipeline, prints status lines and stops cleanly", async () => {
  const dir = tempDir("demo");
  const r = await canferry(["demo", "--data", dir, "--duration", "4", "--speed", "4", "--status", "127.0.0.1:0"]);
  expect(r.code).toBe(0);
  const lines = r.stdout.split("\n").filter((l) => l.startsWith("in "));
  expect(lines.length).toBeGreaterThanOrEqual(3);
  const last = lines.at(-1)!;
  const num = (label: string) => Number(new RegExp(`${label} ([\\d,]+)`).exec(last)![1]!.replaceAll(",", ""));
  expect(num("in")).toBeGreaterThan(1000);
  // Stopped cleanly: everything read was uploaded and consumed.
  expect(num("consumed")).toBe(num("in"));
  expect(num("uploaded")).toBe(num("in"));
  expect(last).toMatch(/e2e p50 \d+ ms p95 \d+ ms/);
  const sinkDir = join(dir, "sink", "demo-gateway", "vcan0");
  const files = readdirSync(sinkDir).filter((f) => f.endsWith(".log"));
  const text = (await Promise.all(files.map((f) => Bun.file(join(sinkDir, f)).text()))).join("");
  const frames = text.split("\n").filter(Boolean);
  expect(frames.length).toBe(num("consumed"));
  expect(frames.every((l) => parseCandumpLine(l).kind === "frame")).toBe(true);
}, 60_000);
