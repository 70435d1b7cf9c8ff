/**
 * The reliability suites' shared parts: how long they run (CANFERRY_CHAOS=long for the full versions;
 * CI runs the short ones), and the ledger of results that test/chaos/report.ts turns into
 * docs/reliability.md (each suite appends one row to $CANFERRY_RELIABILITY_OUT when it is set).
 */
import { appendFileSync } from "node:fs";

export const LONG = process.env.CANFERRY_CHAOS === "long";

/** The short or the long figure. */
export const scale = (short: number, long: number) => (LONG ? long : short);

export interface SuiteResult {
  suite: string;
  injected: string;
  /** How many times the fault was injected (or cases run). */
  times: number;
  framesIn: number;
  framesOut: number;
  duplicates: number;
  /** Anything else worth a column: figures with units in the keys. */
  figures?: Record<string, number | string>;
  result: "pass" | "fail";
}

export function record(r: SuiteResult): void {
  const out = process.env.CANFERRY_RELIABILITY_OUT;
  if (out) appendFileSync(out, JSON.stringify({ ...r, version: LONG ? "long" : "short" }) + "\n");
}
