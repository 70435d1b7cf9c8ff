/**
 * Latency over sliding windows (1 min, 5 min, 1 h) and since start, from histogram slices:
 * 10-second slices for the last minute, 1-minute slices for the last hour. A value is recorded once,
 * into the current 10-second slice (a dense histogram: recording is the hot path); a finished slice
 * is kept trimmed for the 1-minute window and folded into its minute and the total. A window's
 * percentiles come from merging its slices: nothing is averaged, memory stays bounded.
 */
import { LogHistogram } from "./LogHistogram.ts";

export const WINDOWS = { "1m": 60_000, "5m": 300_000, "1h": 3_600_000 } as const;
export type WindowName = keyof typeof WINDOWS | "all";

/** Values are kept in microseconds, reported in milliseconds. */
const FINE_MS = 10_000;
const COARSE_MS = 60_000;

interface Slice {
  start: number;
  h: LogHistogram;
  /** Values above the threshold (SLA violations). */
  over: number;
}

function newSlice(start: number): Slice {
  return { start, h: LogHistogram.dense(), over: 0 };
}

export interface WindowSummary {
  count: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Values above the threshold. */
  over: number;
}

export class SlidingHistogram {
  private readonly fine: Slice[] = [];
  private readonly coarse: Slice[] = [];
  private readonly total = newSlice(0);
  /** The current slice records here; it moves into `fine` when its 10 seconds are over. */
  private readonly live = LogHistogram.dense();
  private liveStart = -1;
  private liveOver = 0;

  constructor(
    /** Values above this (ms) are counted as `over`. */
    private readonly thresholdMs = Number.POSITIVE_INFINITY,
    private readonly clock: () => number = Date.now,
  ) {}

  recordMs(ms: number, count = 1): void {
    this.roll(this.clock());
    this.record(ms, count);
  }

  /** Records the first `n` values of `ms` with one look at the clock (a chunk's frames). */
  recordAllMs(ms: ArrayLike<number>, n = ms.length): void {
    this.roll(this.clock());
    for (let i = 0; i < n; i++) this.record(ms[i]!, 1);
  }

  private record(ms: number, count: number): void {
    this.live.record(Math.round(ms * 1000), count);
    if (ms > this.thresholdMs) this.liveOver += count;
  }

  /** Starts a new live slice when the clock has left the current one, packing the old one away. */
  private roll(now: number): void {
    const start = now - (now % FINE_MS);
    if (start === this.liveStart) return;
    if (this.liveStart >= 0 && this.live.totalCount > 0) {
      const s: Slice = { start: this.liveStart, h: this.live.trimmed(), over: this.liveOver };
      this.fine.push(s);
      while (this.fine.length > 60_000 / FINE_MS) this.fine.shift();
      this.fold(s);
    }
    this.live.reset();
    this.liveOver = 0;
    this.liveStart = start;
  }

  /** Percentiles in a window (or since start); a percentile p from 0 to 100. */
  percentileMs(p: number, window: WindowName = "all"): number {
    const m = this.merged(window);
    return m.h.valueAtPercentile(p) / 1000;
  }

  /** Merged windows are reused for this long: a status request asks for several figures of each. */
  private static readonly REUSE_MS = 1000;
  private readonly cache = new Map<WindowName, { at: number; count: number; h: LogHistogram; over: number }>();
  /** The minutes (and the total) of a window, merged once per fold rather than per question. */
  private readonly minutes = new Map<WindowName, { version: number; from: number; h: LogHistogram; over: number }>();
  private folds = 0;

  summary(window: WindowName): WindowSummary {
    const m = this.merged(window);
    const n = m.h.totalCount;
    const at = (p: number) => m.h.valueAtPercentile(p) / 1000;
    return { count: n, p50Ms: at(50), p95Ms: at(95), p99Ms: at(99), maxMs: m.h.maxValue / 1000, over: m.over };
  }

  get count(): number {
    return this.merged("all").h.totalCount;
  }

  /** Adds a finished 10-second slice to its minute and to the total. */
  private fold(s: Slice): void {
    const start = s.start - (s.start % COARSE_MS);
    let c = this.coarse.at(-1);
    if (!c || c.start !== start) {
      // The minute being filled is dense; a finished one is kept trimmed.
      if (c) c.h = c.h.trimmed();
      c = newSlice(start);
      this.coarse.push(c);
      while (this.coarse.length > 3_600_000 / COARSE_MS) this.coarse.shift();
    }
    for (const into of [c, this.total]) {
      into.h.add(s.h);
      into.over += s.over;
    }
    this.folds++;
  }

  /** Merged minute slices (or the total) for a window; recomputed only after a fold or a new start. */
  private minutesOf(window: Exclude<WindowName, "1m">, now: number): { h: LogHistogram; over: number } {
    const slices = window === "all" ? [this.total] : this.coarse.filter((s) => s.start + COARSE_MS > now - WINDOWS[window]);
    const from = slices[0]?.start ?? -1;
    const hit = this.minutes.get(window);
    if (hit && hit.version === this.folds && hit.from === from) return hit;
    const h = LogHistogram.dense();
    let over = 0;
    for (const s of slices) {
      h.add(s.h);
      over += s.over;
    }
    const part = { version: this.folds, from, h, over };
    this.minutes.set(window, part);
    return part;
  }

  private merged(window: WindowName): { h: LogHistogram; over: number } {
    const now = this.clock();
    this.roll(now);
    const hit = this.cache.get(window);
    // Reused while fresh and nothing was recorded since (the live slice's count is the cheap check).
    if (hit && now - hit.at < SlidingHistogram.REUSE_MS && hit.count === this.live.totalCount) return hit;
    const h = LogHistogram.dense();
    h.add(this.live);
    let over = this.liveOver;
    const take = (s: Slice) => {
      h.add(s.h);
      over += s.over;
    };
    if (window === "1m") {
      for (const s of this.fine) if (s.start + FINE_MS > now - WINDOWS["1m"]) take(s);
    } else {
      const part = this.minutesOf(window, now);
      h.add(part.h);
      over += part.over;
    }
    const result = { at: now, count: this.live.totalCount, h, over };
    this.cache.set(window, result);
    return result;
  }
}
