/**
 * Prometheus metrics read from the process's live state at scrape time (prom-client's collect hook),
 * so the hot paths keep their own plain counters and nothing is counted twice.
 */
import { Counter, Gauge, Registry } from "prom-client";

type Labels = Record<string, string>;
type Samples = [Labels, number][];

export class PromMetrics {
  readonly registry = new Registry();

  /** A monotonically growing total kept elsewhere (name ends in _total). */
  counter(name: string, help: string, get: () => number | Samples, labelNames: string[] = []): void {
    new Counter({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect() {
        this.reset();
        const v = get();
        if (typeof v === "number") this.inc(v);
        else for (const [labels, n] of v) this.inc(labels, n);
      },
    });
  }

  /** A value that goes up and down. */
  gauge(name: string, help: string, get: () => number | Samples, labelNames: string[] = []): void {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect() {
        this.reset();
        const v = get();
        if (typeof v === "number") this.set(v);
        else for (const [labels, n] of v) this.set(labels, n);
      },
    });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
