/**
 * Ingest throughput and storage density.
 *  1. frames/s from the generator (unpaced, four buses) through chunker and zstd into a buffer on disk;
 *  2. bytes per frame of the SavvyCAN capture in the buffer file, and its compressed payload alone.
 * Usage: bun bench/ingest.ts [--frames N]
 * Last line: one JSON object of the figures.
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { BufferStore } from "../src/buffer/BufferStore.ts";
import { Ingestor } from "../src/gateway/Ingestor.ts";
import { GeneratorSource, DEFAULT_GENERATOR } from "../src/source/GeneratorSource.ts";
import { CandumpSource } from "../src/source/CandumpSource.ts";
import { DEFAULT_CHUNKER } from "../src/chunker/Chunker.ts";
import { defaultBufferOptions } from "../src/config/settings.ts";
import type { FrameSource } from "../src/source/FrameSource.ts";

const { values } = parseArgs({ options: { frames: { type: "string", default: "5000000" } } });
const frames = Number(values.frames);
const dir = mkdtempSync(join(tmpdir(), "canferry-bench-ingest-"));

async function ingest(source: FrameSource, path: string) {
  const store = BufferStore.open({ ...defaultBufferOptions(path), capBytes: 8 * 1024 ** 3 });
  const ingestor = new Ingestor(source, store, DEFAULT_CHUNKER);
  const t0 = performance.now();
  const stats = await ingestor.run();
  const seconds = (performance.now() - t0) / 1000;
  store.close(); // checkpoints the WAL, so the file size below is what stays on disk
  const inspect = BufferStore.inspect(path);
  const s = inspect.stats();
  inspect.close();
  return { stats, seconds, fileBytes: s.fileBytes, payloadBytes: s.pending.bytes };
}

const gen = await ingest(
  new GeneratorSource({ ...DEFAULT_GENERATOR, rate: 0, count: frames, buses: ["can0", "can1", "can2", "can3"], batchFrames: 4096 }),
  join(dir, "gen.db"),
);
const rssMb = process.memoryUsage().rss / 2 ** 20;
const savvyPath = join(import.meta.dir, "..", "test", "fixtures", "savvycan", "candump.log");
const savvy = await ingest(new CandumpSource({ path: savvyPath, pace: { mode: "fast" }, loop: false, batchFrames: 4096 }), join(dir, "savvy.db"));
rmSync(dir, { recursive: true, force: true });

const fmt = new Intl.NumberFormat("en-US");
console.log(`generator -> buffer: ${fmt.format(gen.stats.framesCommitted)} frames in ${gen.seconds.toFixed(2)} s = ${fmt.format(Math.round(gen.stats.framesCommitted / gen.seconds))} frames/s (random 8-byte payloads, 4 buses)`);
console.log(`SavvyCAN capture: ${fmt.format(savvy.stats.framesCommitted)} frames, ${fmt.format(savvy.fileBytes)} bytes on disk = ${(savvy.fileBytes / savvy.stats.framesCommitted).toFixed(2)} B/frame (payload ${(savvy.payloadBytes / savvy.stats.framesCommitted).toFixed(2)} B/frame)`);
console.log(
  JSON.stringify({
    frames_per_s: Math.round(gen.stats.framesCommitted / gen.seconds),
    frames: gen.stats.framesCommitted,
    seconds: +gen.seconds.toFixed(3),
    gen_bytes_per_frame_disk: +(gen.fileBytes / gen.stats.framesCommitted).toFixed(2),
    savvycan_frames: savvy.stats.framesCommitted,
    savvycan_bytes_per_frame_disk: +(savvy.fileBytes / savvy.stats.framesCommitted).toFixed(2),
    savvycan_bytes_per_frame_payload: +(savvy.payloadBytes / savvy.stats.framesCommitted).toFixed(2),
    rss_mb: +rssMb.toFixed(1),
  }),
);
