/**
 * The last hour of a process's key figures, one sample every 10 seconds, for the status page's
 * charts; and the same samples, once a minute, as JSON lines in `DIR/latency-YYYY-MM-DD.jsonl`
 * (kept for a number of days) so the SLA can be audited after the fact.
 */
import { appendFileSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

export type Sample = Record<string, number | null>;

export interface HistoryOptions {
  /** Where the daily JSON-lines files go; none: no files. */
  dir?: string;
  /** Daily files older than this many days are deleted. */
  retainDays: number;
  process: string;
}

const SAMPLE_MS = 10_000;
const HOUR_SAMPLES = 360;
const FILE = /^latency-(\d{4}-\d{2}-\d{2})\.jsonl$/;

export class MetricsHistory {
  private readonly points: ({ t: number } & Sample)[] = [];
  private timer?: ReturnType<typeof setInterval>;
  private lastLineMinute = -1;

  constructor(
    private readonly sample: () => Sample,
    private readonly o: HistoryOptions,
    private readonly clock: () => number = Date.now,
  ) {}

  start(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), SAMPLE_MS);
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Samples now; every new minute also appends a line to the day's file. Public for tests. */
  tick(): void {
    const t = this.clock();
    const point = { t, ...this.sample() };
    this.points.push(point);
    if (this.points.length > HOUR_SAMPLES) this.points.shift();
    const minute = Math.floor(t / 60_000);
    if (this.o.dir && minute !== this.lastLineMinute) {
      this.lastLineMinute = minute;
      this.writeLine(point);
    }
  }

  /** The last hour, oldest first. */
  hour(): readonly ({ t: number } & Sample)[] {
    return this.points;
  }

  private writeLine(point: { t: number } & Sample): void {
    const dir = this.o.dir!;
    const day = new Date(point.t).toISOString().slice(0, 10);
    try {
      mkdirSync(dir, { recursive: true });
      appendFileSync(join(dir, `latency-${day}.jsonl`), `${JSON.stringify({ time: new Date(point.t).toISOString(), process: this.o.process, ...point, t: undefined })}\n`);
      const oldest = new Date(point.t - this.o.retainDays * 86_400_000).toISOString().slice(0, 10);
      for (const f of readdirSync(dir)) {
        const m = FILE.exec(f);
        if (m && m[1]! < oldest) rmSync(join(dir, f), { force: true });
      }
    } catch {
      // Metrics files are a convenience: a full or read-only disk must not stop the pipeline.
    }
  }
}
