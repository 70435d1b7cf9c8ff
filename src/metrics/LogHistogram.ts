/**
 * A histogram of positive integers with log-linear buckets, HdrHistogram's layout at two significant
 * digits: every value is counted in a bucket no wider than 1/128 of its lowest value, so a percentile
 * is within 0.8 % of the exact one. It replaced hdr-histogram-js, which cost the gateway 5 MB of RSS
 * (with pako and a WebAssembly loader) for the few operations here.
 *
 * A histogram is dense (one count per bucket: recording and merging into it are O(1) and O(n)) or
 * trimmed (only the buckets from its lowest to its highest used one: a finished slice of a sliding
 * window, where latencies cluster in a few hundred buckets).
 */

/** Sub-buckets per power of two in the upper half: the precision is 1 / SUB_HALF. */
const SUB_HALF_MAGNITUDE = 7;
const SUB_HALF = 1 << SUB_HALF_MAGNITUDE;
const SUB_MASK = 2 * SUB_HALF - 1;

/** The highest value a histogram counts; larger ones are counted as this. */
export const MAX_VALUE = 2 ** 40;
const LENGTH = countsIndex(MAX_VALUE) + 1;

function countsIndex(v: number): number {
  const e = v < 0x1_0000_0000 ? 31 - Math.clz32(v | SUB_MASK) : Math.floor(Math.log2(v));
  const bucket = e - SUB_HALF_MAGNITUDE;
  const sub = bucket === 0 ? v : Math.floor(v / 2 ** bucket);
  return ((bucket + 1) << SUB_HALF_MAGNITUDE) + sub - SUB_HALF;
}

/** The highest value counted in the bucket at `index`. */
function highestValueAt(index: number): number {
  let bucket = (index >> SUB_HALF_MAGNITUDE) - 1;
  let sub = (index & (SUB_HALF - 1)) + SUB_HALF;
  if (bucket < 0) {
    sub -= SUB_HALF;
    bucket = 0;
  }
  return (sub + 1) * 2 ** bucket - 1;
}

export class LogHistogram {
  totalCount = 0;
  /** The exact largest value recorded (not its bucket's bound). */
  maxValue = 0;

  private constructor(
    private counts: Float64Array,
    /** The bucket index of counts[0]: zero for a dense histogram. */
    private offset: number,
  ) {}

  static dense(): LogHistogram {
    return new LogHistogram(new Float64Array(LENGTH), 0);
  }

  /** Counts `value` (an integer from 1 to MAX_VALUE; clamped into that range) `count` times. Dense only. */
  record(value: number, count = 1): void {
    const v = value < 1 ? 1 : value > MAX_VALUE ? MAX_VALUE : value;
    this.counts[countsIndex(v)]! += count;
    this.totalCount += count;
    if (v > this.maxValue) this.maxValue = v;
  }

  /** Adds another histogram's counts into this one. Dense only. */
  add(other: LogHistogram): void {
    const from = other.counts;
    for (let i = 0; i < from.length; i++) if (from[i]) this.counts[other.offset + i]! += from[i]!;
    this.totalCount += other.totalCount;
    if (other.maxValue > this.maxValue) this.maxValue = other.maxValue;
  }

  /** Empties the histogram for reuse. Dense only (a trimmed copy is kept, never refilled). */
  reset(): void {
    this.counts.fill(0);
    this.totalCount = 0;
    this.maxValue = 0;
  }

  /** A copy holding only the used range of buckets, for keeping. */
  trimmed(): LogHistogram {
    let lo = 0;
    let hi = this.counts.length - 1;
    while (lo <= hi && !this.counts[lo]) lo++;
    while (hi >= lo && !this.counts[hi]) hi--;
    const t = new LogHistogram(this.counts.slice(lo, hi + 1), this.offset + lo);
    t.totalCount = this.totalCount;
    t.maxValue = this.maxValue;
    return t;
  }

  /**
   * The p-th percentile (0 to 100) as HdrHistogram defines it: the highest value of the bucket that
   * holds the smallest recorded value with at least p % of the values at or below it; 0 when empty.
   */
  valueAtPercentile(p: number): number {
    if (!this.totalCount) return 0;
    const rank = Math.max(1, Math.ceil((Math.min(100, Math.max(0, p)) / 100) * this.totalCount));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(this.maxValue, highestValueAt(this.offset + i));
    }
    return this.maxValue;
  }
}
