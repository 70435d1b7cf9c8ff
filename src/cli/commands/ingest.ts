import type { Command } from "../Command.ts";
import { UsageError } from "../Command.ts";
import { BufferStore } from "../../buffer/BufferStore.ts";
import { Ingestor } from "../../gateway/Ingestor.ts";
import { openSource, SOURCE_SPEC_HELP } from "../../source/openSource.ts";
import type { Pace } from "../../source/CandumpSource.ts";
import { bufferOptionsSchema, chunkerOptionsSchema, DEFAULT_BUFFER, DEFAULT_CHUNKER, validate } from "../../config/gatewayOptions.ts";
import { parseDuration, parseSize } from "../../config/units.ts";
import { createLogger } from "../../log/logger.ts";
import { ProgressLine } from "../ProgressLine.ts";

/** Malformed lines reported one by one; past this only the count grows. */
const REPORTED_MALFORMED = 10;

export const ingestCommand: Command = {
  path: ["ingest"],
  summary: "Read frames from a source into the SQLite buffer.",
  usage: "ingest SOURCE --db FILE [options]",
  help: `${SOURCE_SPEC_HELP}

options:
  --db FILE             buffer database (created if missing)
  --pace MODE           fast (default: as fast as possible) or realtime (like canplayer)
  --speed X             with --pace realtime: replay X times faster (default 1)
  --loop                replay the log again at its end (realtime demos)
  --linger MS           close a chunk this long after its first frame (default ${DEFAULT_CHUNKER.lingerMs}ms)
  --max-frames N        close a chunk at N frames (default ${DEFAULT_CHUNKER.maxFrames})
  --max-chunk-bytes N   close a chunk at N raw bytes (default ${DEFAULT_CHUNKER.maxRawBytes})
  --zstd-level N        1 (fastest) .. 22 (smallest), default ${DEFAULT_CHUNKER.zstdLevel}
  --cap SIZE            buffer size cap, e.g. 512MiB (default 1GiB); oldest data is evicted past it
  --synchronous MODE    NORMAL (default) or FULL (survives power loss without losing the last commits)
  --retain-acked TIME   keep acknowledged chunks for replay this long (default 24h)
  --retain-acked-bytes SIZE  and at most this much of them (default 256MiB)
  --filter ID:MASK      socketcan: kernel filter, repeatable (ID~MASK inverts; add x for 29-bit: 18FEF100x:1FFFFF00x)
  --error-frames        socketcan: also record error frames
  --quiet               no progress line`,
  flags: {
    db: { type: "string" },
    pace: { type: "string" },
    speed: { type: "string" },
    loop: { type: "boolean" },
    linger: { type: "string" },
    "max-frames": { type: "string" },
    "max-chunk-bytes": { type: "string" },
    "zstd-level": { type: "string" },
    cap: { type: "string" },
    synchronous: { type: "string" },
    "retain-acked": { type: "string" },
    "retain-acked-bytes": { type: "string" },
    filter: { type: "string", multiple: true },
    "error-frames": { type: "boolean" },
    quiet: { type: "boolean" },
  },
  async run(v, positionals) {
    const spec = positionals[0];
    if (!spec || positionals.length > 1) throw new UsageError("give exactly one SOURCE");
    if (typeof v.db !== "string") throw new UsageError("--db FILE is required");
    const log = createLogger("ingest");
    const buffer = validate(
      bufferOptionsSchema,
      {
        path: v.db,
        capBytes: v.cap ? parseSize(String(v.cap)) : DEFAULT_BUFFER.capBytes,
        synchronous: v.synchronous ? String(v.synchronous).toUpperCase() : DEFAULT_BUFFER.synchronous,
        retainAckedMs: v["retain-acked"] ? parseDuration(String(v["retain-acked"])) : DEFAULT_BUFFER.retainAckedMs,
        retainAckedBytes: v["retain-acked-bytes"] ? parseSize(String(v["retain-acked-bytes"])) : DEFAULT_BUFFER.retainAckedBytes,
      },
      { path: "--db", capBytes: "--cap", synchronous: "--synchronous", retainAckedMs: "--retain-acked", retainAckedBytes: "--retain-acked-bytes" },
    );
    const chunker = validate(
      chunkerOptionsSchema,
      {
        lingerMs: v.linger ? parseDuration(String(v.linger)) : DEFAULT_CHUNKER.lingerMs,
        maxFrames: v["max-frames"] ? Number(v["max-frames"]) : DEFAULT_CHUNKER.maxFrames,
        maxRawBytes: v["max-chunk-bytes"] ? parseSize(String(v["max-chunk-bytes"])) : DEFAULT_CHUNKER.maxRawBytes,
        zstdLevel: v["zstd-level"] ? Number(v["zstd-level"]) : DEFAULT_CHUNKER.zstdLevel,
      },
      { lingerMs: "--linger", maxFrames: "--max-frames", maxRawBytes: "--max-chunk-bytes", zstdLevel: "--zstd-level" },
    );
    const pace = parsePace(v.pace, v.speed);
    const filters = ((v.filter as unknown as string[] | undefined) ?? []).map(parseFilter);

    const store = BufferStore.open(buffer);
    let reported = 0;
    const source = await openSource(spec, {
      pace,
      loop: v.loop === true,
      batchFrames: 4096,
      filters,
      errorFrames: v["error-frames"] === true,
      progressOf: (key) => store.progress(key),
      onMalformed: (line, reason, text) => {
        if (reported++ < REPORTED_MALFORMED) log.warn({ line, reason, text: text.slice(0, 200) }, "malformed line skipped");
      },
      onInterfaceEvent: (iface, event, detail) => log.warn({ iface, event, detail }, `interface ${event}`),
    }).catch((e) => {
      store.close();
      throw e;
    });
    const ingestor = new Ingestor(source, store, chunker);
    const stop = () => ingestor.stop();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    const progress = v.quiet ? undefined : new ProgressLine(source, ingestor, spec);
    log.info({ source: source.name, db: buffer.path }, "ingest started");
    try {
      const stats = await ingestor.run();
      progress?.finish();
      log.info({ ...stats, ...source.counters }, "ingest finished");
    } finally {
      progress?.stop();
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      store.close();
    }
    return 0;
  },
};

function parsePace(pace: unknown, speed: unknown): Pace {
  const mode = pace === undefined ? (speed !== undefined ? "realtime" : "fast") : String(pace);
  if (mode === "fast") {
    if (speed !== undefined) throw new UsageError("--speed goes with --pace realtime");
    return { mode: "fast" };
  }
  if (mode !== "realtime") throw new UsageError(`--pace must be fast or realtime (got ${mode})`);
  const s = speed === undefined ? 1 : Number(speed);
  if (!(s > 0 && s <= 1e6)) throw new UsageError(`--speed must be a number above 0 (got ${String(speed)})`);
  return { mode: "realtime", speed: s };
}

function parseFilter(text: string) {
  const m = /^([0-9a-f]+)(x?)([:~])([0-9a-f]+)(x?)$/i.exec(text);
  if (!m) throw new UsageError(`--filter ${text}: expected ID:MASK or ID~MASK in hex, e.g. 123:7FF`);
  const ext = m[2] === "x" || m[5] === "x";
  const id = parseInt(m[1]!, 16);
  const mask = parseInt(m[4]!, 16);
  const max = ext ? 0x1fffffff : 0x7ff;
  if (id > max || mask > max) throw new UsageError(`--filter ${text}: id and mask must be at most ${max.toString(16)}`);
  return { id, mask, invert: m[3] === "~", ext };
}
