/**
 * The load sweep of `bun run bench`: each design end to end at each offered load. canferry at
 * 20,000 frames/s is the main end-to-end run (step `e2e`, 60 s), not run a second time.
 */
import type { StepRecord } from "./results.ts";

export const DESIGNS = ["canferry", "naive", "sqs-consumer"] as const;
export type Design = (typeof DESIGNS)[number];
export const LOADS = [1_000, 5_000, 20_000, 50_000, 85_000] as const;
export const SWEEP_SECONDS = 15;

/** The step name of a design at a load. */
export function sweepName(design: Design, rate: number): string {
  return design === "canferry" && rate === 20_000 ? "e2e" : `load_${design.replace("-", "_")}_${rate}`;
}

/** The run of a design at a load, if there is one. */
export function sweepRecord(steps: Record<string, StepRecord>, design: Design, rate: number): StepRecord | undefined {
  return steps[sweepName(design, rate)];
}
