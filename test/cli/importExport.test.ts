import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { canferry, fixture, tempDir } from "../helpers/cli.ts";
import { BufferStore } from "../../src/buffer/BufferStore.ts";
import { exportFrames } from "../../src/buffer/frameExport.ts";
import { formatCandumpLine, parseCandumpLine } from "../../src/source/candump/candumpLine.ts";

const SAVVYCAN = fixture("savvycan", "candump.log");

function logLines(text: string): string[] {
  return text.split("\n").filter((l) => l.trim() && !l.startsWith("#"));
}

describe("import and export through the CLI", () => {
  test("the SavvyCAN capture comes back byte for byte", async () => {
    const dir = tempDir("savvy");
    const db = join(dir, "b.db");
    const imp = await canferry(["ingest", `candump:${SAVVYCAN}`, "--db", db, "--quiet"]);
    expect(imp.code).toBe(0);
    const stats = await canferry(["buffer", "stats", "--db", db, "--json"]);
    const s = JSON.parse(stats.stdout);
    expect(s.pending.frames).toBe(12974);
    const exp = await canferry(["buffer", "export", "--db", db]);
    expect(exp.code).toBe(0);
    expect(exp.stdout).toBe(await Bun.file(SAVVYCAN).text());
    expect(exp.stderr).toContain("exported 12974 frames");
  });

  test("python-can's FD, RTR and error frames (transcribed) round-trip in capture order", async () => {
    const dir = tempDir("pycan");
    const db = join(dir, "b.db");
    const src = fixture("python-can", "transcribed.log");
    expect((await canferry(["ingest", `candump:${src}`, "--db", db, "--quiet"])).code).toBe(0);
    const exp = await canferry(["buffer", "export", "--db", db]);
    const want = logLines(await Bun.file(src).text());
    expect(logLines(exp.stdout)).toEqual(want);
    expect(want.length).toBe(12);
  });

  test("stdin: candump -L output piped in, screen-format lines stamped on arrival", async () => {
    const dir = tempDir("stdin");
    const db = join(dir, "b.db");
    const before = Date.now() * 1000;
    const input = "(1700000000.000001) can0 123#01\n  can1  456   [2]  AA BB\n";
    const r = await canferry(["ingest", "-", "--db", db, "--quiet"], input);
    expect(r.code).toBe(0);
    const store = BufferStore.inspect(db);
    const frames = [...exportFrames(store)];
    store.close();
    expect(frames.map((f) => f.bus)).toEqual(["can0", "can1"]);
    expect(frames[0]!.tsUs).toBe(1700000000000001);
    expect(frames[1]!.tsUs).toBeGreaterThanOrEqual(before);
  });

  test("malformed lines are counted and the first ones reported with line numbers; ingest goes on", async () => {
    const dir = tempDir("bad");
    const db = join(dir, "b.db");
    const lines = ["(1.000001) can0 123#01", "garbage here", "(1.000002) can0 123#0", "(1.000003) can0 123#02"];
    const r = await canferry(["ingest", "-", "--db", db, "--quiet"], lines.join("\n") + "\n");
    expect(r.code).toBe(0);
    const warnings = r.stdout.split("\n").filter((l) => l.includes("malformed line skipped")).map((l) => JSON.parse(l));
    expect(warnings.map((w) => w.line)).toEqual([2, 3]);
    expect(warnings[1].reason).toContain("hex");
    const finished = JSON.parse(r.stdout.split("\n").find((l) => l.includes("ingest finished"))!);
    expect(finished.malformed).toBe(2);
    expect(finished.framesCommitted).toBe(2);
  });

  test("export filters by bus and time range", async () => {
    const dir = tempDir("filter");
    const db = join(dir, "b.db");
    const input = Array.from({ length: 100 }, (_, i) => `(${1000 + i}.000000) can${i % 2} 123#${(i & 0xff).toString(16).padStart(2, "0").toUpperCase()}`);
    await canferry(["ingest", "-", "--db", db, "--quiet"], input.join("\n"));
    const r = await canferry(["buffer", "export", "--db", db, "--bus", "can1", "--from", "1010", "--to", "1019.5"]);
    expect(logLines(r.stdout)).toEqual(input.filter((_, i) => i % 2 === 1 && i >= 10 && i <= 19));
    const iso = await canferry(["buffer", "export", "--db", db, "--from", "1970-01-01T00:16:40Z", "--to", "1001"]);
    expect(logLines(iso.stdout)).toEqual(input.slice(0, 2));
  });

  test("export lines parse back to the stored frames", async () => {
    const dir = tempDir("reparse");
    const db = join(dir, "b.db");
    await canferry(["ingest", `candump:${fixture("python-can", "transcribed.log")}`, "--db", db, "--quiet"]);
    const store = BufferStore.inspect(db);
    for (const f of exportFrames(store)) {
      const r = parseCandumpLine(formatCandumpLine(f));
      expect(r.kind === "frame" && r.frame).toEqual(f);
    }
    store.close();
  });
});

describe("clear errors", () => {
  test("--help on every command", async () => {
    for (const args of [["--help"], ["ingest", "--help"], ["buffer", "stats", "--help"], ["buffer", "export", "--help"], ["buffer", "--help"]]) {
      const r = await canferry(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("canferry");
    }
  });

  test("bad input names what, where and how to fix", async () => {
    const dir = tempDir("errors");
    const cases: [string[], string][] = [
      [["ingest", "candump:/nope.log", "--db", join(dir, "a.db")], "candump log not found: /nope.log"],
      [["ingest", SAVVYCAN, "--db", join(dir, "a.db")], `write candump:${SAVVYCAN}`],
      [["ingest", "gen:rate=x", "--db", join(dir, "a.db")], "rate=x must be a number"],
      [["ingest", "gen:", "--db", join(dir, "a.db"), "--cap", "1MiB"], "--cap (buffer.cap) = \"1MiB\": must be from"],
      [["ingest", "gen:", "--db", join(dir, "a.db"), "--linger", "soon"], "is not a duration"],
      [["ingest", "gen:", "--db", join(dir, "a.db"), "--bogus"], "Unknown option '--bogus'"],
      [["ingest", "gen:"], "--db FILE (or --config FILE) is required"],
      [["ingest", "gen:", "--db", join(dir, "a.db"), "--filter", "12G:7FF"], "expected ID:MASK"],
      [["ingest", "gen:", "--config", join(dir, "none.toml")], "config file not found"],
      [["buffer", "stats", "--db", join(dir, "missing.db")], "no buffer database at"],
      [["buffer", "export", "--db", join(dir, "a.db"), "--from", "yesterday"], "is not a time"],
      [["ingest", "-", "--loop", "--db", join(dir, "a.db")], "stdin cannot be replayed"],
      [["frobnicate"], "unknown command"],
    ];
    for (const [args, msg] of cases) {
      const r = await canferry(args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toContain(msg);
      expect(r.stderr).not.toContain("    at ");
    }
  });
});

test("logs are JSON lines on stdout, or readable lines with CANFERRY_LOG_FORMAT=pretty (a terminal's default)", async () => {
  const dir = tempDir("logs");
  const json = await canferry(["ingest", `candump:${fixture("python-can", "transcribed.log")}`, "--db", join(dir, "a.db"), "--quiet"]);
  expect(JSON.parse(json.stdout.split("\n")[0]!)).toMatchObject({ level: 30, name: "ingest", msg: "ingest started" });
  const p = Bun.spawn([process.execPath, join(import.meta.dir, "..", "..", "src", "cli", "main.ts"), "ingest", `candump:${fixture("python-can", "transcribed.log")}`, "--db", join(dir, "b.db"), "--quiet"], {
    env: { ...process.env, CANFERRY_LOG_FORMAT: "pretty" },
    stdout: "pipe",
  });
  const text = await new Response(p.stdout).text();
  expect(await p.exited).toBe(0);
  expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO \(ingest\): ingest started/);
  expect(text).toContain("framesCommitted: 12");
});
