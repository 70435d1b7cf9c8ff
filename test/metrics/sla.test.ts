import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { SlidingHistogram } from "../../src/metrics/SlidingHistogram.ts";
import { SlaTracker } from "../../src/metrics/SlaTracker.ts";

/** The p-th percentile as HdrHistogram defines it: the smallest value with at least p% at or below it. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** LogHistogram answers within 1/128 of the value (plus one microsecond of rounding), never below it. */
function close(got: number, want: number): boolean {
  return got >= want - 0.001 && got <= want * (1 + 1 / 128) + 0.001;
}

describe("SlidingHistogram", () => {
  test("percentiles since start match an exact computation", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.001, max: 600_000, noNaN: true }), { minLength: 1, maxLength: 500 }), (values) => {
        const h = new SlidingHistogram();
        h.recordAllMs(values);
        for (const p of [50, 95, 99]) expect(close(h.percentileMs(p), percentile(values, p))).toBe(true);
        expect(h.count).toBe(values.length);
      }),
      { numRuns: 100 },
    );
  });

  test("windows keep only their time: 1 min, 5 min, 1 h, and everything", () => {
    let now = 1_700_000_000_000;
    const h = new SlidingHistogram(100, () => now);
    const at = (minutesAgo: number, ms: number, n: number) => {
      now = 1_700_000_000_000 + (70 - minutesAgo) * 60_000;
      h.recordMs(ms, n);
    };
    at(70, 5000, 10); // 70 minutes ago: only in "all"
    at(30, 1000, 10); // in 1 h
    at(3, 300, 10); // in 5 min
    at(0.5, 10, 10); // in 1 min
    now = 1_700_000_000_000 + 70 * 60_000;
    expect(h.summary("1m")).toMatchObject({ count: 10, over: 0 });
    expect(h.summary("5m")).toMatchObject({ count: 20, over: 10 });
    expect(h.summary("1h")).toMatchObject({ count: 30, over: 20 });
    expect(h.summary("all")).toMatchObject({ count: 40, over: 30 });
    expect(close(h.summary("1m").maxMs, 10)).toBe(true);
    expect(close(h.summary("all").maxMs, 5000)).toBe(true);
  });
});

describe("SlaTracker", () => {
  test("compliance, violations and the verdict against known latencies", () => {
    const now = 1_700_000_000_000;
    const sla = new SlaTracker({ thresholdMs: 5000, percentile: 95 }, () => now);
    const latencies = [...Array.from({ length: 960 }, (_, i) => 10 + i), ...Array.from({ length: 40 }, () => 9000)];
    sla.e2e.recordAllMs(latencies);
    const v = sla.verdict("1m");
    expect(v.frames).toBe(1000);
    expect(v.violations).toBe(40);
    expect(v.compliance).toBeCloseTo(0.96, 10);
    expect(close(v.valueMs, percentile(latencies, 95))).toBe(true);
    expect(v.ok).toBe(true); // P95 is 959 ms: inside the SLA although 4 % of frames are late
    sla.e2e.recordAllMs(Array.from({ length: 100 }, () => 8000));
    expect(sla.verdict("1m").ok).toBe(false);
  });

  test("a violation is reported when it starts and when it ends, once each", () => {
    let now = 1_700_000_000_000;
    const sla = new SlaTracker({ thresholdMs: 100, percentile: 95 }, () => now);
    sla.e2e.recordMs(10, 100);
    expect(sla.check()).toBeUndefined();
    sla.e2e.recordMs(500, 100);
    expect(sla.check()).toMatchObject({ violated: true });
    expect(sla.check()).toBeUndefined();
    now += 2 * 60_000; // the late frames leave the 1-minute window
    sla.e2e.recordMs(10, 100);
    expect(sla.check()).toMatchObject({ violated: false });
    expect(sla.check()).toBeUndefined();
  });
});
