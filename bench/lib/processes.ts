/** Child processes for the benchmarks: the canferry CLI, RSS sampling, and log lines parsed back. */
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { $ } from "bun";
import { unitRuntimeEnv } from "../../test/helpers/unitRuntimeEnv.ts";
import type { Subprocess } from "bun";

export const ROOT = join(import.meta.dir, "..", "..");
const MAIN = join(ROOT, "src", "cli", "main.ts");

export type Child = Subprocess<"ignore", "pipe", "pipe">;

/**
 * Runs the canferry CLI from source, or `bin` (a built executable from `npm run build`, which is what
 * a gateway deploys) when given.
 */
export function spawnCli(args: string[], env: Record<string, string> = {}, bin?: string): Child {
  return spawnChild([...(bin ? [bin] : [process.execPath, MAIN]), ...args], env);
}

/** Runs a TypeScript file of this repository (a path from its root) with Bun. */
export function spawnBun(script: string, args: string[], env: Record<string, string> = {}): Child {
  return spawnChild([process.execPath, join(ROOT, script), ...args], env);
}

function spawnChild(cmd: string[], env: Record<string, string>): Child {
  return Bun.spawn(cmd, { cwd: ROOT, stdin: "ignore", stdout: "pipe", stderr: "pipe", env: { ...process.env, ...env } }) as Child;
}

export interface Deployed {
  /** The executable `npm run build` makes for this machine. */
  bin: string;
  /** The runtime settings the systemd unit gives it (its BUN_* Environment= entries). */
  env: Record<string, string>;
}

/** Builds the executable for this machine and reads the runtime settings of a unit in systemd/. */
export async function deployed(unit: string): Promise<Deployed> {
  const target = `linux-${process.arch === "arm64" ? "arm64" : "x64"}`;
  await $`${process.execPath} ${join(ROOT, "scripts", "build.ts")} ${target}`.quiet();
  return { bin: join(ROOT, "dist", `canferry-${target}`), env: unitRuntimeEnv(unit) };
}

/** Reads a child's stdout until a line matching `test` appears; returns that line. */
export async function waitForLine(child: Child, test: (line: string) => boolean): Promise<string> {
  const reader = child.stdout.getReader();
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`process exited before printing the expected line; got: ${text.slice(-500)}`);
    text += new TextDecoder().decode(value);
    const line = text.split("\n").find(test);
    if (line) {
      reader.releaseLock();
      return line;
    }
  }
}

/** Resident set size of a process in MB, from /proc: all of it, anonymous, and file-backed pages. */
export function rssMb(pid: number): { rss: number; anon: number; file: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024;
    return { rss: kb("VmRSS"), anon: kb("RssAnon"), file: kb("RssFile") };
  } catch {
    return { rss: 0, anon: 0, file: 0 };
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
export function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/**
 * Samples a process's RSS every `ms` until stopped; keeps the peaks, the series and the CPU used.
 * Anonymous pages are the process's own memory; file-backed ones are clean pages of its executable
 * and libraries, which the kernel can drop and share.
 */
export class RssSampler {
  peak = 0;
  peakAnon = 0;
  peakFile = 0;
  cpu = 0;
  readonly series: { t: number; mb: number }[] = [];
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly t0 = Date.now();

  constructor(pid: number, ms = 1000) {
    this.timer = setInterval(() => {
      const m = rssMb(pid);
      this.cpu = Math.max(this.cpu, cpuSeconds(pid));
      if (m.rss > 0) {
        this.peak = Math.max(this.peak, m.rss);
        this.peakAnon = Math.max(this.peakAnon, m.anon);
        this.peakFile = Math.max(this.peakFile, m.file);
        this.series.push({ t: (Date.now() - this.t0) / 1000, mb: m.rss });
      }
    }, ms);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

export type LogRecord = Record<string, number> & { msg: string; time: number };

/** Every JSON log line of a child's stdout (reads it to the end: call once, after the child exits). */
export async function logRecords(child: Child): Promise<LogRecord[]> {
  return parseLogRecords(await new Response(child.stdout).text());
}

/** The JSON log lines of a process's output text (other lines are skipped). */
export function parseLogRecords(text: string): LogRecord[] {
  return text.split("\n").flatMap((l) => {
    if (!l.startsWith("{")) return [];
    try {
      return [JSON.parse(l) as LogRecord];
    } catch {
      return [];
    }
  });
}

export function findLog(records: LogRecord[], msg: string): LogRecord {
  const r = records.find((x) => x.msg === msg);
  if (!r) throw new Error(`no '${msg}' log line among ${records.length}: ${records.map((x) => x.msg).join(", ")}`);
  return r;
}

/** The JSON log line with this msg from a child's stdout. */
export async function logLine(child: Child, msg: string): Promise<LogRecord> {
  return findLog(await logRecords(child), msg);
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
