/**
 * Prometheus metrics read from the process's live state at scrape time (prom-client's collect hook),
 * so the hot paths keep their own plain counters and nothing is counted twice.
 */
import { Counter, Gauge, Registry } from "prom-client";

type Labels = Record<string, string>;
type Samples = [Labels, number][];
type Reading = () => number | Samples;

/** A collect hook that replaces the metric's values with a fresh reading. */
function collector<M extends { reset(): void }>(get: Reading, write: (m: M, labels: Labels | undefined, v: number) => void) {
  return function (this: M) {
    this.reset();
    const v = get();
    if (typeof v === "number") write(this, undefined, v);
    else for (const [labels, n] of v) write(this, labels, n);
  };
}

export class PromMetrics {
  readonly registry = new Registry();

  /** A monotonically growing total kept elsewhere (name ends in _total). */
  counter(name: string, help: string, get: Reading, labelNames: string[] = []): void {
    const collect = collector<Counter>(get, (m, l, v) => (l ? m.inc(l, v) : m.inc(v)));
    new Counter({ name, help, labelNames, registers: [this.registry], collect });
  }

  /** A value that goes up and down. */
  gauge(name: string, help: string, get: Reading, labelNames: string[] = []): void {
    const collect = collector<Gauge>(get, (m, l, v) => (l ? m.set(l, v) : m.set(v)));
    new Gauge({ name, help, labelNames, registers: [this.registry], collect });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
