import type { Command } from "../Command.ts";
import { recoveryMessage } from "../../buffer/BufferRecovery.ts";
import { UsageError } from "../Command.ts";
import { BufferStore } from "../../buffer/BufferStore.ts";
import { Ingestor } from "../../gateway/Ingestor.ts";
import { SOURCE_SPEC_HELP } from "../../source/openSource.ts";
import { openBufferedSource } from "../../gateway/openBufferedSource.ts";
import type { Pace } from "../../source/CandumpSource.ts";
import { DEFAULT_CHUNKER } from "../../chunker/Chunker.ts";
import { loadConfig } from "../../config/configFile.ts";
import { bufferOptions, chunkerOptions } from "../../config/settings.ts";
import { createLogger } from "../../log/logger.ts";
import { ProgressLine } from "../ProgressLine.ts";
import { onStopSignals } from "../signals.ts";

export const ingestCommand: Command = {
  usage: "ingest SOURCE --db FILE [options]",
  help: `${SOURCE_SPEC_HELP}

options:
  --config FILE         read settings from this TOML file (docs/config.md); flags override it
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
  --receive-buffer SIZE socketcan: socket receive buffer, e.g. 8MiB (default 4MiB; 0: the kernel's)
  --quiet               no progress line`,
  flags: {
    config: { type: "string" },
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
    "receive-buffer": { type: "string" },
    quiet: { type: "boolean" },
  },
  async run(v, positionals) {
    const spec = positionals[0];
    if (!spec || positionals.length > 1) throw new UsageError("give exactly one SOURCE");
    const config = await loadConfig(typeof v.config === "string" ? v.config : undefined, [
      { section: "buffer", key: "path", flag: "--db", value: v.db },
      { section: "buffer", key: "cap", flag: "--cap", value: v.cap },
      { section: "buffer", key: "synchronous", flag: "--synchronous", value: typeof v.synchronous === "string" ? v.synchronous.toUpperCase() : undefined },
      { section: "buffer", key: "retain_acked", flag: "--retain-acked", value: v["retain-acked"] },
      { section: "buffer", key: "retain_acked_bytes", flag: "--retain-acked-bytes", value: v["retain-acked-bytes"] },
      { section: "chunker", key: "linger", flag: "--linger", value: v.linger },
      { section: "chunker", key: "max_frames", flag: "--max-frames", value: v["max-frames"] },
      { section: "chunker", key: "max_chunk_bytes", flag: "--max-chunk-bytes", value: v["max-chunk-bytes"] },
      { section: "chunker", key: "zstd_level", flag: "--zstd-level", value: v["zstd-level"] },
      { section: "socketcan", key: "filters", flag: "--filter", value: v.filter },
      { section: "socketcan", key: "error_frames", flag: "--error-frames", value: v["error-frames"] },
      { section: "socketcan", key: "receive_buffer", flag: "--receive-buffer", value: v["receive-buffer"] },
    ]);
    if (typeof v.db !== "string" && typeof v.config !== "string") throw new UsageError("--db FILE (or --config FILE) is required");
    const buffer = bufferOptions(config);
    const chunker = chunkerOptions(config);
    const log = createLogger("ingest");
    const pace = parsePace(v.pace, v.speed);
    const store = BufferStore.open(buffer);
    if (store.recovered) log.error({ recovery: store.recovered }, recoveryMessage(store.recovered));
    const source = await openBufferedSource(spec, config, store, log, { pace, loop: v.loop === true });
    const ingestor = new Ingestor(source, store, chunker);
    const offSignals = onStopSignals(() => ingestor.stop());
    const progress = v.quiet ? undefined : new ProgressLine(source, ingestor, spec);
    log.info({ source: source.name, db: buffer.path }, "ingest started");
    try {
      const stats = await ingestor.run();
      progress?.finish();
      log.info({ ...stats, ...source.counters }, "ingest finished");
    } finally {
      progress?.stop();
      offSignals();
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
