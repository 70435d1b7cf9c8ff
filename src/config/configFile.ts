/**
 * canferry's TOML config file (docs/config.md lists every key). Environment variables override keys:
 * CANFERRY_<SECTION>_<KEY>, e.g. CANFERRY_SQS_QUEUE_URL. Sizes and durations take units ("512MiB",
 * "50ms"). Validation happens before anything is opened; an invalid value is reported with its key,
 * the value and what is allowed.
 */
import { z } from "zod";
import { MIN_CAP_BYTES } from "../buffer/BufferStore.ts";
import { parseDuration, parseSize, UnitError } from "./units.ts";
import { DEFAULT_CHUNKER } from "../chunker/Chunker.ts";
import { ConfigError } from "./ConfigError.ts";
import { parseCanFilter } from "./canFilter.ts";
import { DEFAULT_RECEIVE_BUFFER } from "../source/SocketCanSource.ts";

/** A number, or text with a unit that `parse` understands, within [min, max] (`unit` names them). */
const withUnit = (parse: (text: string) => number, min: number, max: number, unit: string) =>
  z.union([z.number(), z.string()]).transform((v, ctx) => {
    try {
      const n = typeof v === "number" ? v : parse(v);
      if (n < min || n > max) ctx.addIssue({ code: "custom", message: `must be from ${min}${unit} to ${max}${unit}` });
      return n;
    } catch (e) {
      ctx.addIssue({ code: "custom", message: (e as UnitError).message });
      return z.NEVER;
    }
  });

const size = (min: number, max = Number.MAX_SAFE_INTEGER) => withUnit(parseSize, min, max, " bytes");
const duration = (minMs: number, maxMs: number) => withUnit(parseDuration, minMs, maxMs, " ms");

/** A config section: unknown keys are errors, and a missing section gets every default. */
const section = <S extends z.ZodRawShape>(shape: S) => z.object(shape).strict().prefault({} as z.input<z.ZodObject<S>>);

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** true/false, also as the strings an environment variable carries. */
const bool = z.union([z.boolean(), z.enum(["true", "false", "1", "0"])]).transform((v) => v === true || v === "true" || v === "1");

export const configSchema = z
  .object({
    gateway: section({
      id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "must be 1-64 letters, digits, '.', '_' or '-'").default("gateway"),
      source: z.string().min(1).optional(),
      pace: z.enum(["fast", "realtime"]).default("realtime"),
      speed: z.coerce.number().positive().default(1),
      loop: bool.default(false),
    }),
    buffer: section({
      path: z.string().min(1).default("data/buffer.db"),
      cap: size(MIN_CAP_BYTES).default(1024 ** 3),
      synchronous: z.enum(["NORMAL", "FULL"]).default("NORMAL"),
      retain_acked: duration(0, 365 * 86_400_000).default(86_400_000),
      retain_acked_bytes: size(0).default(256 * 1024 ** 2),
    }),
    chunker: section({
      linger: duration(1, 60_000).default(DEFAULT_CHUNKER.lingerMs),
      max_frames: int(1, 1_000_000).default(DEFAULT_CHUNKER.maxFrames),
      max_chunk_bytes: size(4096, 700 << 10).default(DEFAULT_CHUNKER.maxRawBytes),
      zstd_level: int(1, 22).default(DEFAULT_CHUNKER.zstdLevel),
    }),
    socketcan: section({
      filters: z
        .array(z.string())
        .superRefine((list, ctx) =>
          list.forEach((f, i) => {
            try {
              parseCanFilter(f);
            } catch (e) {
              ctx.addIssue({ code: "custom", path: [i], message: (e as Error).message });
            }
          }),
        )
        .default([]),
      error_frames: bool.default(false),
      receive_buffer: size(0, 1 << 30).default(DEFAULT_RECEIVE_BUFFER),
    }),
    sqs: section({
      queue_url: z.string().url("must be a queue URL").optional(),
      endpoint: z.string().url("must be a URL like http://127.0.0.1:4566").optional(),
      region: z.string().optional(),
      request_timeout: duration(100, 120_000).default(5000),
    }),
    uplink: section({
      max_in_flight_batches: int(1, 64).default(4),
      probe_interval: duration(50, 1500).default(500),
      drain_on_stop: duration(0, 600_000).default(5000),
    }),
    consumer: section({
      pollers: int(1, 64).default(4),
      workers: int(1, 256).default(4),
      prefetch: int(1, 10_000).default(100),
      wait_time: duration(0, 20_000).default(20_000),
      visibility_timeout: duration(1000, 12 * 3_600_000).default(30_000),
      shutdown_timeout: duration(0, 300_000).default(10_000),
    }),
    sla: section({
      threshold: duration(1, 86_400_000).default(5000),
      percentile: z.coerce.number().min(1).max(100).default(95),
    }),
    metrics: section({
      dir: z.string().min(1).default("data/metrics"),
      retain_days: int(1, 3650).default(7),
    }),
    status: section({
      bind: z.string().default("127.0.0.1:8080"),
      token: z.string().min(16, "must be at least 16 characters").optional(),
    }),
    sink: section({
      type: z.enum(["sqlite", "candump", "ndjson", "signals"]).default("sqlite"),
      path: z.string().min(1).default("data/sink"),
      fsync: bool.default(false),
      dbc: z.record(z.string().min(1), z.array(z.string().min(1)).min(1, "name at least one DBC file")).default({}),
      raw_undefined: bool.default(false),
    }).superRefine((sink, ctx) => {
      const buses = Object.keys(sink.dbc).length;
      if (sink.type === "signals" && !buses) ctx.addIssue({ code: "custom", path: ["dbc"], message: 'type = "signals" needs DBC files: a [sink.dbc] table of bus = ["file.dbc", ...] ("*" for any bus)' });
      if (sink.type !== "signals" && buses) ctx.addIssue({ code: "custom", path: ["dbc"], message: `DBC files are for type = "signals", not "${sink.type}"` });
    }),
  })
  .strict();

export type CanferryConfig = z.output<typeof configSchema>;

export { ConfigError };

/** A command-line flag that sets a config key; named by its flag in error messages. */
export interface Override {
  section: string;
  key: string;
  flag: string;
  value: unknown;
}

/** Applies CANFERRY_SECTION_KEY variables over the parsed file. */
export function applyEnv(raw: Record<string, unknown>, env: Record<string, string | undefined>): Record<string, unknown> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [k, v] of Object.entries(raw)) out[k] = { ...(v as Record<string, unknown>) };
  const sections = Object.keys(configSchema.shape);
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith("CANFERRY_") || value === undefined) continue;
    const rest = name.slice("CANFERRY_".length).toLowerCase();
    const section = sections.find((s) => rest.startsWith(`${s}_`));
    if (!section) continue;
    const key = rest.slice(section.length + 1);
    (out[section] ??= {})[key] = key === "filters" ? value.split(",").filter(Boolean) : value;
  }
  return out;
}

/** Parses and validates a config text; `where` names the file in messages. Flags override env overrides the file. */
export function parseConfig(
  text: string,
  where: string,
  env: Record<string, string | undefined> = process.env,
  overrides: Override[] = [],
): CanferryConfig {
  let raw: Record<string, unknown>;
  try {
    raw = text.trim() ? (Bun.TOML.parse(text) as Record<string, unknown>) : {};
  } catch (e) {
    throw new ConfigError(`${where}: not valid TOML: ${(e as Error).message}`);
  }
  const merged = applyEnv(raw, env);
  for (const o of overrides) if (o.value !== undefined) ((merged[o.section] ??= {}) as Record<string, unknown>)[o.key] = o.value;
  const r = configSchema.safeParse(merged);
  if (!r.success) {
    const lines = r.error.issues.map((i) => {
      const flag = overrides.find((o) => o.value !== undefined && o.section === i.path[0] && o.key === i.path[1])?.flag;
      const key = flag ? `${flag} (${i.path.join(".")})` : i.path.join(".");
      const value = i.path.reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k as string], merged);
      const known = i.code === "unrecognized_keys" ? ` (unknown key${i.keys.length > 1 ? "s" : ""} ${i.keys.join(", ")}; see docs/config.md)` : "";
      return `  ${key || "(top level)"}${value === undefined ? " (not set)" : ` = ${JSON.stringify(value)}`}: ${i.message}${known}`;
    });
    throw new ConfigError(`${where}: invalid configuration\n${lines.join("\n")}`);
  }
  return r.data;
}

/** Reads the config file (none: defaults), then environment variables and flags over it. */
export async function loadConfig(path: string | undefined, overrides: Override[] = []): Promise<CanferryConfig> {
  if (!path) return parseConfig("", "configuration", process.env, overrides);
  const f = Bun.file(path);
  if (!(await f.exists())) throw new ConfigError(`config file not found: ${path} (see docs/config.md for an example)`);
  return parseConfig(await f.text(), path, process.env, overrides);
}
