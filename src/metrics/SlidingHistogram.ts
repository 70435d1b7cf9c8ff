/**
 * Latency over sliding windows (1 min, 5 min, 1 h) and since start, from HdrHistogram slices:
 * 10-second slices for the last minute, 1-minute slices for the last hour. A value is recorded once,
 * into the current 10-second slice (a plain histogram: recording is the hot path); a finished slice
 * stays plain for the 1-minute window and is folded into its packed minute and the total. A window's percentiles come from merging its
 * slices: nothing is averaged, memory stays bounded.
 */
import * as hdr from "hdr-histogram-js";

export const WINDOWS = { "1m": 60_000, "5m": 300_000, "1h": 3_600_000 } as const;
export type WindowName = keyof typeof WINDOWS | "all";

/** Values are kept in microseconds (1 µs .. 1 day), reported in milliseconds. */
const MAX_US = 86_400_000_000;
const FINE_MS = 10_000;
const COARSE_MS = 60_000;

function histogram(packed = true): hdr.Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: MAX_US,
    numberOfSignificantValueDigits: 3,
    bitBucketSize: packed ? "packed" : 32,
  });
}

interface Slice {
  start: number;
  h: hdr.Histogram;
  /** Values above the threshold (SLA violations). */
  over: number;
}

function newSlice(start: number): Slice {
  return { start, h: histogram(), over: 0 };
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
  private live = histogram(false);
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
    this.live.recordValueWithCount(Math.min(MAX_US, Math.max(1, Math.round(ms * 1000))), count);
    if (ms > this.thresholdMs) this.liveOver += count;
  }

  /** Starts a new live slice when the clock has left the current one, packing the old one away. */
  private roll(now: number): void {
    const start = now - (now % FINE_MS);
    if (start === this.liveStart) return;
    let next: hdr.Histogram | undefined;
    if (this.liveStart >= 0 && this.live.totalCount > 0) {
      // The last minute's slices stay plain (fast to merge, six of them); the hour's are packed.
      const s: Slice = { start: this.liveStart, h: this.live, over: this.liveOver };
      this.fine.push(s);
      while (this.fine.length > 60_000 / FINE_MS) next = this.fine.shift()!.h;
      this.fold(s);
      this.live = next ?? histogram(false);
    }
    this.live.reset();
    this.liveOver = 0;
    this.liveStart = start;
  }

  /** Percentiles in a window (or since start); a percentile p from 0 to 100. */
  percentileMs(p: number, window: WindowName = "all"): number {
    const m = this.merged(window);
    return m.h.totalCount ? m.h.getValueAtPercentile(p) / 1000 : 0;
  }

  /** Merged windows are reused for this long: a status request asks for several figures of each. */
  private static readonly REUSE_MS = 1000;
  private readonly cache = new Map<WindowName, { at: number; count: number; h: hdr.Histogram; over: number }>();
  /** The packed minutes (and the total) of a window, merged once per fold rather than per question. */
  private readonly minutes = new Map<WindowName, { version: number; from: number; h: hdr.Histogram; over: number }>();
  private folds = 0;

  summary(window: WindowName): WindowSummary {
    const m = this.merged(window);
    const n = m.h.totalCount;
    const at = (p: number) => (n ? m.h.getValueAtPercentile(p) / 1000 : 0);
    return { count: n, p50Ms: at(50), p95Ms: at(95), p99Ms: at(99), maxMs: n ? m.h.maxValue / 1000 : 0, over: m.over };
  }

  get count(): number {
    return this.merged("all").h.totalCount;
  }

  /** Adds a finished 10-second slice to its minute and to the total. */
  private fold(s: Slice): void {
    const start = s.start - (s.start % COARSE_MS);
    let c = this.coarse.at(-1);
    if (!c || c.start !== start) {
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
  private minutesOf(window: Exclude<WindowName, "1m">, now: number): { h: hdr.Histogram; over: number } {
    const slices = window === "all" ? [this.total] : this.coarse.filter((s) => s.start + COARSE_MS > now - WINDOWS[window]);
    const from = slices[0]?.start ?? -1;
    const hit = this.minutes.get(window);
    if (hit && hit.version === this.folds && hit.from === from) return hit;
    const h = histogram(false);
    let over = 0;
    for (const s of slices) {
      h.add(s.h);
      over += s.over;
    }
    const part = { version: this.folds, from, h, over };
    this.minutes.set(window, part);
    return part;
  }

  private merged(window: WindowName): { h: hdr.Histogram; over: number } {
    const now = this.clock();
    this.roll(now);
    const hit = this.cache.get(window);
    // Reused while fresh and nothing was recorded since (the live slice's count is the cheap check).
    if (hit && now - hit.at < SlidingHistogram.REUSE_MS && hit.count === this.live.totalCount) return hit;
    // Merging into a plain histogram is several times faster than into a packed one.
    const h = histogram(false);
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
