/**
 * What `bun run bench` measured, kept in docs/benchmarks.json: per step its command, when it ran,
 * and the JSON figures its script printed (plus series for the charts). The report is rendered from
 * this file only.
 */
import { join } from "node:path";
import { cpus, release, totalmem } from "node:os";
import { ROOT } from "./processes.ts";

export interface StepRecord {
  command: string;
  /** ISO time the step finished. */
  date: string;
  wall_s: number;
  /** The script's last line: its figures. */
  result?: Record<string, unknown>;
  /** What the script wrote to --series (time series for the charts). */
  series?: unknown;
  /** Why it produced no figures. */
  error?: string;
  /** Why it was not run. */
  skipped?: string;
}

export interface Machine {
  cpus: number;
  cpu_model: string;
  memory_gib: number;
  kernel: string;
  bun: string;
}

export interface BenchResults {
  machine: Machine;
  steps: Record<string, StepRecord>;
}

export const RESULTS_PATH = join(ROOT, "docs", "benchmarks.json");

export function machineInfo(): Machine {
  const c = cpus();
  return { cpus: c.length, cpu_model: c[0]?.model.trim() ?? "unknown", memory_gib: Math.round(totalmem() / 2 ** 30), kernel: release(), bun: Bun.version };
}

export async function loadResults(): Promise<BenchResults | undefined> {
  const f = Bun.file(RESULTS_PATH);
  return (await f.exists()) ? ((await f.json()) as BenchResults) : undefined;
}

export async function saveResults(r: BenchResults): Promise<void> {
  await Bun.write(RESULTS_PATH, JSON.stringify(r, null, 1) + "\n");
}
