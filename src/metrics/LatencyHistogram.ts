/** A latency histogram in milliseconds (HdrHistogram, 3 significant digits, up to one day). */
import * as hdr from "hdr-histogram-js";

export class LatencyHistogram {
  private readonly h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 86_400_000_000, numberOfSignificantValueDigits: 3 });

  /** Records a latency; stored in microseconds so sub-millisecond values keep their precision. */
  recordMs(ms: number, count = 1): void {
    const us = Math.max(1, Math.round(ms * 1000));
    if (count === 1) this.h.recordValue(us);
    else this.h.recordValueWithCount(us, count);
  }

  get count(): number {
    return this.h.totalCount;
  }

  /** Value at a percentile (0..100) in milliseconds; 0 when empty. */
  percentileMs(p: number): number {
    return this.h.totalCount ? this.h.getValueAtPercentile(p) / 1000 : 0;
  }

  maxMs(): number {
    return this.h.maxValue / 1000;
  }

  reset(): void {
    this.h.reset();
  }
}
