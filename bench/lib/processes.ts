/** Child processes for the benchmarks: the canferry CLI, RSS sampling, and log lines parsed back. */
import { join } from "node:path";
import { readFileSync } from "node:fs";
import type { Subprocess } from "bun";

export const ROOT = join(import.meta.dir, "..", "..");
const MAIN = join(ROOT, "src", "cli", "main.ts");

export type Child = Subprocess<"ignore", "pipe", "pipe">;

export function spawnCli(args: string[], env: Record<string, string> = {}): Child {
  return Bun.spawn([process.execPath, MAIN, ...args], {
    cwd: ROOT,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, ...env },
  }) as Child;
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

/** Resident set size of a process in MB, from /proc. */
export function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
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

/** Samples a process's RSS every `ms` until stopped; keeps the peak, the series and the CPU used. */
export class RssSampler {
  peak = 0;
  cpu = 0;
  readonly series: { t: number; mb: number }[] = [];
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly t0 = Date.now();

  constructor(pid: number, ms = 1000) {
    this.timer = setInterval(() => {
      const mb = rssMb(pid);
      this.cpu = Math.max(this.cpu, cpuSeconds(pid));
      if (mb > 0) {
        this.peak = Math.max(this.peak, mb);
        this.series.push({ t: (Date.now() - this.t0) / 1000, mb });
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
  const text = await new Response(child.stdout).text();
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
