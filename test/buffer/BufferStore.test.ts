import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { BufferStore, fileBytes, MIN_CAP_BYTES, type BufferOptions } from "../../src/buffer/BufferStore.ts";
import { EvictionReason } from "../../src/buffer/ChunkState.ts";
import { Chunker } from "../../src/chunker/Chunker.ts";
import { GeneratorSource, DEFAULT_GENERATOR } from "../../src/source/GeneratorSource.ts";
import { Ingestor } from "../../src/gateway/Ingestor.ts";
import { exportFrames } from "../../src/buffer/frameExport.ts";
import { tempDir } from "../helpers/cli.ts";

function options(dir: string, over: Partial<BufferOptions> = {}): BufferOptions {
  return {
    path: join(dir, "buffer.db"),
    capBytes: 64 << 20,
    synchronous: "NORMAL",
    retainAckedMs: 3_600_000,
    retainAckedBytes: 64 << 20,
    ...over,
  };
}

/** Chunks of incompressible frames, so sizes on disk are predictable. */
function chunksOf(frames: number, perChunk: number, bus = "can0") {
  const chunker = new Chunker({ lingerMs: 1e9, maxFrames: perChunk, maxRawBytes: 512 << 10, zstdLevel: 1 });
  const out = [];
  for (const f of generate(frames, bus)) {
    const c = chunker.add(f);
    if (c) out.push(c);
  }
  out.push(...chunker.flush());
  return out;
}

function generate(count: number, bus: string) {
  const frames = [];
  let seed = 12345;
  for (let i = 0; i < count; i++) {
    const data = new Uint8Array(8);
    for (let b = 0; b < 8; b++) data[b] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    frames.push({ bus, id: i & 0x7ff, flags: 0, dlc: 8, data, tsUs: 1_700_000_000_000_000 + i * 100, tsNs: 0 });
  }
  return frames;
}

describe("BufferStore", () => {
  test("sequence numbers grow, states move pending -> in flight -> acked, and only once", () => {
    const store = BufferStore.open(options(tempDir("states")));
    const { seqs } = store.append(chunksOf(3000, 1000));
    expect(seqs).toEqual([1, 2, 3]);
    store.markInFlight([1, 2]);
    expect(store.ack([1, 2, 3])).toBe(2); // 3 was never in flight
    expect(store.ack([1])).toBe(0); // no second acknowledgement
    const s = store.stats();
    expect(s.acked).toMatchObject({ chunks: 2, frames: 2000 });
    expect(s.pending).toMatchObject({ chunks: 1, frames: 1000 });
    store.close();
  });

  test("chunks left in flight by a killed process are pending again after reopening", () => {
    const dir = tempDir("requeue");
    const a = BufferStore.open(options(dir));
    a.append(chunksOf(2000, 1000));
    a.markInFlight([1, 2]);
    a.close();
    const b = BufferStore.open(options(dir));
    expect(b.stats().pending.chunks).toBe(2);
    expect(b.stats().inFlight.chunks).toBe(0);
    b.close();
  });

  test("a small cap under sustained input: the file never passes it, and evicted frames are counted exactly", async () => {
    const dir = tempDir("cap");
    const cap = MIN_CAP_BYTES;
    const store = BufferStore.open(options(dir, { capBytes: cap }));
    const total = 1_500_000; // about 15 MB of incompressible payload into a ~9 MB cap
    const source = new GeneratorSource({ ...DEFAULT_GENERATOR, rate: 0, count: total, buses: ["can0", "can1"], seed: 7 });
    const ingestor = new Ingestor(source, store, { lingerMs: 50, maxFrames: 2000, maxRawBytes: 512 << 10, zstdLevel: 1 });
    let maxSeen = 0;
    const watch = setInterval(() => (maxSeen = Math.max(maxSeen, fileBytes(store.options.path))), 5);
    const stats = await ingestor.run();
    clearInterval(watch);
    maxSeen = Math.max(maxSeen, fileBytes(store.options.path));
    const s = store.stats();
    expect(stats.framesIn).toBe(total);
    expect(s.evictedFrames[EvictionReason.CAP_PENDING]).toBeGreaterThan(0);
    expect(s.evictedFrames[EvictionReason.DISK_FULL]).toBe(0);
    // Exactly what is missing: frames present plus frames evicted is every frame generated.
    expect(s.pending.frames + s.evictedFrames[EvictionReason.CAP_PENDING]).toBe(total);
    expect(maxSeen).toBeLessThanOrEqual(cap);
    // Oldest go first: what is left is the newest tail of each bus.
    const frames = [...exportFrames(store)];
    expect(frames.length).toBe(s.pending.frames);
    expect(frames.at(-1)!.tsUs).toBe(Math.max(...frames.map((f) => f.tsUs)));
    expect(store.integrityCheck()).toBe("ok");
    store.close();
  });

  test("acknowledged chunks are evicted before pending ones", () => {
    const dir = tempDir("policy");
    const store = BufferStore.open(options(dir, { capBytes: MIN_CAP_BYTES }));
    const first = store.append(chunksOf(200_000, 2000, "old")).seqs;
    store.markInFlight(first);
    store.ack(first);
    const ackedFrames = store.stats().acked.frames;
    // Keep adding pending data until something has to go.
    let added = 0;
    for (let i = 0; store.stats().evictedFrames.cap_acked === 0 && i < 50; i++) {
      store.append(chunksOf(100_000, 2000, "new"));
      added += 100_000;
    }
    const s = store.stats();
    expect(s.evictedFrames.cap_acked).toBeGreaterThan(0);
    // The first eviction took acknowledged chunks only.
    expect(s.evictedFrames.cap_pending).toBe(0);
    expect(s.pending.frames).toBe(added);
    expect(s.acked.frames + s.evictedFrames.cap_acked).toBe(ackedFrames);
    store.close();
  });

  test("retention removes acknowledged chunks by age and by size, and counts them", () => {
    const dir = tempDir("retention");
    const store = BufferStore.open(options(dir, { retainAckedMs: 1000, retainAckedBytes: 1 << 30 }));
    const seqs = store.append(chunksOf(5000, 1000)).seqs;
    store.markInFlight(seqs);
    store.ack(seqs.slice(0, 3));
    expect(store.pruneAcked(Date.now())).toBe(0);
    expect(store.pruneAcked(Date.now() + 2000)).toBe(3000);
    expect(store.stats().evictedFrames.retention).toBe(3000);
    expect(store.stats().inFlight.frames).toBe(2000);
    store.close();

    const bySize = BufferStore.open(options(tempDir("retention-size"), { retainAckedBytes: 20_000 }));
    const all = bySize.append(chunksOf(10_000, 1000)).seqs;
    bySize.markInFlight(all);
    bySize.ack(all);
    const perChunk = bySize.stats().acked.bytes / 10;
    bySize.pruneAcked();
    const kept = bySize.stats().acked;
    expect(kept.bytes).toBeLessThanOrEqual(20_000);
    expect(kept.bytes).toBeGreaterThan(20_000 - 2 * perChunk);
    expect(kept.frames + bySize.stats().evictedFrames.retention).toBe(10_000);
    bySize.close();
  });

  test("the readonly inspector sees a live writer's commits and changes nothing", () => {
    const dir = tempDir("inspect");
    const w = BufferStore.open(options(dir));
    w.append(chunksOf(1000, 500));
    w.markInFlight([1]);
    const r = BufferStore.inspect(w.options.path);
    expect(r.stats().inFlight.chunks).toBe(1);
    w.append(chunksOf(1000, 500));
    expect(r.stats().pending.chunks).toBe(3);
    r.close();
    expect(w.stats().inFlight.chunks).toBe(1);
    w.close();
  });
});
