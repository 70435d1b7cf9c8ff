import { describe, expect, test } from "bun:test";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { PromMetrics } from "../../src/metrics/promMetrics.ts";

describe("PromMetrics", () => {
  test("a Prometheus parser reads back every value, label and help text, escapes included", () => {
    let n = 1;
    const m = new PromMetrics();
    m.counter("x_total", 'Help with \\ a backslash\nand a newline and "quotes".', () => n);
    m.gauge("y_ratio", "Labelled.", () => [
      [{ code: 'say "hi"\\now' }, 0.25],
      [{ code: "line\nbreak", window: "1m" }, Number.NaN],
      [{ code: "inf" }, Number.POSITIVE_INFINITY],
    ]);
    n = 42; // read at scrape time, not at registration
    const families = new Map(parsePrometheusTextFormat(m.text()).map((f) => [f.name, f]));
    expect(families.get("x_total")).toMatchObject({ type: "COUNTER", help: 'Help with \\ a backslash\nand a newline and "quotes".' });
    expect(families.get("x_total")!.metrics[0]!.value).toBe("42");
    const y = families.get("y_ratio")!;
    expect(y.type).toBe("GAUGE");
    expect(y.metrics.map((s) => [s.labels, s.value])).toEqual([
      [{ code: 'say "hi"\\now' }, "0.25"],
      [{ code: "line\nbreak", window: "1m" }, "NaN"],
      [{ code: "inf" }, "+Inf"],
    ]);
  });

  test("a bad or repeated metric name is refused when registered", () => {
    const m = new PromMetrics();
    m.gauge("ok", "fine", () => 1);
    expect(() => m.gauge("ok", "again", () => 1)).toThrow(/registered twice/);
    expect(() => m.counter("bad-name", "dash", () => 1)).toThrow(/invalid Prometheus metric name/);
    const other = new PromMetrics();
    other.gauge("other", "fine", () => 2);
    expect(PromMetrics.merged(m, other).text()).toBe(m.text() + other.text());
    expect(() => PromMetrics.merged(m, other, m)).toThrow(/registered twice/);
  });
});
