/**
 * `bun run bench`: every benchmark in bench/, one after the other (they share this machine's cores),
 * then docs/benchmarks.md and its charts (docs/bench/*.svg) written from what they printed. Each
 * script's last line is its JSON figures; they are kept with the command and the date in
 * docs/benchmarks.json, which the report is rendered from, so the docs show only measured figures.
 *
 * Usage: bun bench/run.ts [--only NAME,...] [--report-only] [--list]
 *   --only         run these steps (names from --list; NAME* for every step starting with NAME),
 *                  keep the others' figures from docs/benchmarks.json
 *   --report-only  render docs/benchmarks.md and the charts from docs/benchmarks.json, run nothing
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { ROOT } from "./lib/processes.ts";
import { type BenchResults, type StepRecord, loadResults, machineInfo, saveResults } from "./lib/results.ts";
import { writeReport } from "./lib/report.ts";
import { DESIGNS, LOADS, SWEEP_SECONDS, sweepName } from "./lib/sweep.ts";

interface Step {
  name: string;
  title: string;
  /** The command after `bun`, from the repository root. */
  argv: string[];
  /** Seconds it usually takes here, for the progress line. */
  estimateS: number;
  /** Pass `--series FILE` and keep what the script writes there. */
  series?: boolean;
  /** Needs vcan: run through test/vcan/run.sh (directly, or in its VM). */
  vcan?: boolean;
  /** Why to skip it, given the steps run before (a design that did not keep up at a lower load). */
  skipBecause?: (done: Record<string, StepRecord>) => string | undefined;
}

const e2e = (name: string, title: string, args: string[], estimateS: number, extra: Partial<Step> = {}): Step => ({
  name,
  title,
  argv: ["bench/e2e.ts", ...args],
  estimateS,
  series: true,
  ...extra,
});

/** The load sweep: each design at each load, stopping a design at the first load it cannot keep up with. */
function sweepSteps(): Step[] {
  return DESIGNS.flatMap((design) =>
    LOADS.flatMap((rate, i): Step[] => {
      const name = sweepName(design, rate);
      if (name === "e2e") return [];
      const previous = i > 0 ? sweepName(design, LOADS[i - 1]!) : undefined;
      const args = ["--design", design, "--rate", String(rate), "--seconds", String(SWEEP_SECONDS)];
      return [
        e2e(name, `${design} at ${rate.toLocaleString("en-US")} frames/s`, args, SWEEP_SECONDS + 12, {
          skipBecause: (done) => {
            const p = previous ? done[previous] : undefined;
            if (p?.skipped) return p.skipped;
            return p?.result?.sustained === false ? `did not keep up at ${LOADS[i - 1]!.toLocaleString("en-US")} frames/s` : undefined;
          },
        }),
      ];
    }),
  );
}

const STEPS: Step[] = [
  { name: "ingest", title: "ingest: generator → buffer", argv: ["bench/ingest.ts"], estimateS: 15 },
  { name: "decode", title: "DBC decoding", argv: ["bench/decode.ts"], estimateS: 7 },
  { name: "consume", title: "consumer: 5 M frames → candump files", argv: ["bench/consume.ts"], estimateS: 35 },
  { name: "consume_sqlite", title: "consumer: 1 M frames → SQLite", argv: ["bench/consume.ts", "--sink", "sqlite", "--frames", "1000000"], estimateS: 15 },
  { name: "consume_small", title: "consumer: 1 M frames in 250-frame messages", argv: ["bench/consume.ts", "--per-chunk", "250", "--frames", "1000000"], estimateS: 20 },
  { name: "consume_signals", title: "consumer: 2 M frames → decoded signals", argv: ["bench/consume.ts", "--sink", "signals", "--frames", "2000000"], estimateS: 20 },
  { name: "outage", title: "outage: backlog of 12 M frames, drain", argv: ["bench/outage.ts"], estimateS: 70, series: true },
  e2e("e2e", "end to end, defaults, 20,000 frames/s for 60 s", [], 72),
  e2e("e2e_nojit", "end to end, gateway with the JIT off", ["--seconds", "30", "--gateway-env", "BUN_JSC_useJIT=0"], 42),
  e2e("e2e_linger_10ms", "end to end, linger 10 ms", ["--seconds", "30", "--linger", "10ms"], 42),
  e2e("e2e_linger_250ms", "end to end, linger 250 ms", ["--seconds", "30", "--linger", "250ms"], 42),
  ...sweepSteps(),
  { name: "socketcan", title: "SocketCAN on vcan (VM where the kernel has none)", argv: ["bench/socketcan.ts", "--seconds", "5"], estimateS: 80, vcan: true },
];

const { values } = parseArgs({ options: { only: { type: "string" }, "report-only": { type: "boolean" }, list: { type: "boolean" } } });
if (values.list) {
  for (const s of STEPS) console.log(`${s.name.padEnd(28)} ${s.title}`);
  process.exit(0);
}
const only = values.only?.split(",").filter(Boolean);
/** A step name, or NAME* for every step whose name starts with NAME. */
const matches = (pattern: string, name: string) => (pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : name === pattern);
const unknown = only?.filter((o) => !STEPS.some((s) => matches(o, s.name)));
if (unknown?.length) {
  console.error(`--only: no step named ${unknown.join(", ")} (see --list)`);
  process.exit(2);
}
const chosen = values["report-only"] ? [] : STEPS.filter((s) => !only || only.some((o) => matches(o, s.name)));

const results: BenchResults = (await loadResults()) ?? { machine: machineInfo(), steps: {} };
if (chosen.length) results.machine = machineInfo();
const scratch = mkdtempSync(join(tmpdir(), "canferry-bench-run-"));
const started = performance.now();
const clock = (s: number) => `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, "0")}`;
let failures = 0;

for (const [i, step] of chosen.entries()) {
  const skip = step.skipBecause?.(results.steps);
  const elapsed = (performance.now() - started) / 1000;
  const left = chosen.slice(i).reduce((n, s) => n + s.estimateS, 0);
  const command = displayCommand(step);
  if (skip) {
    results.steps[step.name] = { command, date: new Date().toISOString(), wall_s: 0, skipped: skip };
    process.stderr.write(`[${i + 1}/${chosen.length}] ${step.title}: skipped, ${skip}\n`);
    continue;
  }
  process.stderr.write(`[${i + 1}/${chosen.length}] ${step.title} (${clock(elapsed)} so far, about ${clock(left)} to go)\n`);
  const record = await runStep(step, command);
  results.steps[step.name] = record;
  if (record.error) {
    failures++;
    process.stderr.write(`    failed: ${record.error}\n`);
  } else process.stderr.write(`    done in ${record.wall_s} s\n`);
  await saveResults(results);
}
rmSync(scratch, { recursive: true, force: true });
await writeReport(results);
process.stderr.write(`benchmarks: ${chosen.length} steps in ${clock((performance.now() - started) / 1000)}; docs/benchmarks.md and docs/bench/*.svg written\n`);
process.exit(failures ? 1 : 0);

function displayCommand(step: Step): string {
  const cmd = `npx bun ${step.argv.join(" ")}`;
  return step.vcan ? `bash test/vcan/run.sh --exec ${cmd.replace(/^npx /, "")}` : cmd;
}

/** Runs one step; its stdout's last JSON line is the result, its human lines are passed on. */
async function runStep(step: Step, command: string): Promise<StepRecord> {
  const seriesFile = join(scratch, `${step.name}.series.json`);
  const argv = [...step.argv, ...(step.series ? ["--series", seriesFile] : [])];
  const cmd = step.vcan ? ["bash", "test/vcan/run.sh", "--exec", "bun", ...argv] : [process.execPath, ...argv];
  const t0 = performance.now();
  const child = Bun.spawn(cmd, { cwd: ROOT, stdout: "pipe", stderr: "inherit", env: { ...process.env, PATH: `${join(ROOT, "node_modules", ".bin")}:${process.env.PATH}` } });
  const out = await new Response(child.stdout).text();
  const code = await child.exited;
  const wall_s = +((performance.now() - t0) / 1000).toFixed(1);
  const lines = out.trim().split("\n");
  for (const l of lines.slice(0, -1)) if (!l.startsWith("{")) process.stderr.write(`    ${l}\n`);
  const base = { command, date: new Date().toISOString(), wall_s };
  let result: Record<string, unknown> | undefined;
  try {
    result = JSON.parse(lines.at(-1) ?? "") as Record<string, unknown>;
  } catch {
    result = undefined;
  }
  if (code !== 0 || !result) return { ...base, error: `exit code ${code}${result ? "" : ", no JSON figures on its last line"}: ${lines.slice(-3).join(" | ")}` };
  const series = step.series && (await Bun.file(seriesFile).exists()) ? ((await Bun.file(seriesFile).json()) as unknown) : undefined;
  return { ...base, result, ...(series ? { series } : {}) };
}
