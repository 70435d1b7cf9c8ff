import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { LogHistogram, MAX_VALUE } from "../../src/metrics/LogHistogram.ts";

function exact(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!;
}

const values = fc.array(fc.oneof(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 2 ** 36 })), { minLength: 1, maxLength: 400 });

describe("LogHistogram", () => {
  test("a percentile is the exact one or above it by less than 1/128", () => {
    fc.assert(
      fc.property(values, fc.double({ min: 0, max: 100, noNaN: true }), (vs, p) => {
        const h = LogHistogram.dense();
        for (const v of vs) h.record(v);
        const got = h.valueAtPercentile(p);
        const want = exact(vs, p);
        expect(got).toBeGreaterThanOrEqual(want);
        expect(got).toBeLessThanOrEqual(want + Math.floor(want / 128));
        expect(h.valueAtPercentile(100)).toBe(Math.max(...vs));
        expect(h.totalCount).toBe(vs.length);
      }),
      { numRuns: 300 },
    );
  });

  test("small values are exact; values out of range are clamped, not lost", () => {
    const h = LogHistogram.dense();
    for (let v = 1; v <= 256; v++) h.record(v);
    for (let v = 1; v <= 256; v++) expect(h.valueAtPercentile((v / 256) * 100)).toBe(v);
    h.record(0);
    h.record(MAX_VALUE * 4, 2);
    expect(h.totalCount).toBe(259);
    expect(h.maxValue).toBe(MAX_VALUE);
  });

  test("a trimmed copy answers as the original; merging trimmed parts equals recording all in one", () => {
    fc.assert(
      fc.property(values, values, (a, b) => {
        const whole = LogHistogram.dense();
        const merged = LogHistogram.dense();
        for (const vs of [a, b]) {
          const part = LogHistogram.dense();
          for (const v of vs) {
            part.record(v);
            whole.record(v);
          }
          const trimmed = part.trimmed();
          for (const p of [1, 50, 99]) expect(trimmed.valueAtPercentile(p)).toBe(part.valueAtPercentile(p));
          merged.add(trimmed);
        }
        for (const p of [1, 50, 95, 99, 100]) expect(merged.valueAtPercentile(p)).toBe(whole.valueAtPercentile(p));
        expect(merged.totalCount).toBe(whole.totalCount);
      }),
      { numRuns: 200 },
    );
  });

  test("an empty histogram answers zero", () => {
    expect(LogHistogram.dense().valueAtPercentile(95)).toBe(0);
    expect(LogHistogram.dense().trimmed().valueAtPercentile(95)).toBe(0);
  });
});
