/** Sizes and durations as people write them in flags and config: `512MiB`, `1.5GB`, `24h`, `50ms`. */

const SIZE_UNITS: Record<string, number> = {
  "": 1, b: 1, k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9, t: 1e12, tb: 1e12,
  kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4,
};

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

export class UnitError extends Error {
  override readonly name = "UnitError";
}

/** Bytes from `1048576`, `512MiB`, `2GB`; whole bytes. */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m?.[2]?.toLowerCase() ?? "";
  if (!m || !(unit in SIZE_UNITS)) throw new UnitError(`'${text}' is not a size (examples: 1048576, 512MiB, 2GB)`);
  return Math.floor(Number(m[1]) * SIZE_UNITS[unit]!);
}

/** Milliseconds from `50ms`, `30s`, `24h`, `7d`; a bare number is milliseconds. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m?.[2]?.toLowerCase() || "ms";
  if (!m || !(unit in DURATION_UNITS)) throw new UnitError(`'${text}' is not a duration (examples: 50ms, 30s, 24h, 7d)`);
  return Number(m[1]) * DURATION_UNITS[unit]!;
}

/**
 * A point in time from `--from`/`--to`: epoch seconds (`1700000000.25`) or an ISO 8601 date
 * (`2024-01-02T03:04:05Z`). Returns microseconds since the epoch.
 */
export function parseTimePoint(text: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1e6);
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new UnitError(`'${text}' is not a time (epoch seconds like 1700000000.5, or ISO 8601 like 2024-01-02T03:04:05Z)`);
  return ms * 1000;
}
