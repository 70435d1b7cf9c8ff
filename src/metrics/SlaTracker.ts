/**
 * The SLA: end-to-end latency per frame against a threshold at a percentile (default P95 ≤ 5 s), per
 * window. A violation is logged when it starts and when it ends, not on every frame.
 */
import { SlidingHistogram, type WindowName } from "./SlidingHistogram.ts";

export interface SlaOptions {
  thresholdMs: number;
  /** 0..100, e.g. 95. */
  percentile: number;
}

export interface SlaVerdict {
  window: WindowName;
  frames: number;
  /** The latency at the SLA percentile in this window (ms). */
  valueMs: number;
  ok: boolean;
  /** Share of frames within the threshold, 0..1 (1 when there were none). */
  compliance: number;
  /** Frames over the threshold. */
  violations: number;
}

export interface SlaTransition {
  violated: boolean;
  verdict: SlaVerdict;
}

export class SlaTracker {
  /** The latency the SLA is about, per frame (end to end on a consumer, capture to SQS on a gateway). */
  readonly e2e: SlidingHistogram;
  private violated = false;

  /** `latency` may be a histogram the caller already records into (built with the same threshold). */
  constructor(
    readonly options: SlaOptions,
    clock: () => number = Date.now,
    latency?: SlidingHistogram,
  ) {
    this.e2e = latency ?? new SlidingHistogram(options.thresholdMs, clock);
  }

  /** The verdicts of every window, for /status. */
  report(): { thresholdMs: number; percentile: number; violated: boolean; windows: Record<string, SlaVerdict> } {
    const windows = Object.fromEntries((["1m", "5m", "1h"] as const).map((w) => [w, this.verdict(w)]));
    return { ...this.options, violated: this.violated, windows };
  }

  verdict(window: WindowName): SlaVerdict {
    const s = this.e2e.summary(window);
    const valueMs = this.e2e.percentileMs(this.options.percentile, window);
    return {
      window,
      frames: s.count,
      valueMs,
      ok: valueMs <= this.options.thresholdMs,
      compliance: s.count ? 1 - s.over / s.count : 1,
      violations: s.over,
    };
  }

  /** Re-evaluates the 1-minute window; returns a transition when the SLA state changed. */
  check(): SlaTransition | undefined {
    const v = this.verdict("1m");
    const violated = v.frames > 0 && !v.ok;
    if (violated === this.violated) return undefined;
    this.violated = violated;
    return { violated, verdict: v };
  }
}
