/**
 * Frames out of the buffer in capture-time order across buses (within a bus, in the order they were
 * captured), decoded one chunk per bus at a time so an export of any size runs in bounded memory.
 */
import type { CanFrame } from "../frame/CanFrame.ts";
import { ChunkDecodeError, decodeChunk } from "../chunker/chunkCodec.ts";
import type { BufferStore, ChunkFilter, StoredChunk } from "./BufferStore.ts";

export class CorruptChunk extends Error {
  override readonly name = "CorruptChunk";
  constructor(readonly seq: number, reason: string) {
    super(`chunk ${seq} cannot be decoded: ${reason}`);
  }
}

/** Decodes a stored chunk's frames, or throws CorruptChunk naming it. */
export function chunkFrames(c: StoredChunk): CanFrame[] {
  const d = decodeChunk(c.payload);
  if (d instanceof ChunkDecodeError) throw new CorruptChunk(c.seq, d.message);
  return d.frames;
}

/** Told about a chunk that cannot be decoded (a damaged file); the export goes on without it. */
export type OnCorrupt = (e: CorruptChunk, frames: number) => void;

class BusCursor {
  private frames: CanFrame[] = [];
  private i = 0;

  constructor(
    private readonly chunks: Iterator<StoredChunk>,
    private readonly fromUs: number,
    private readonly toUs: number,
    private readonly onCorrupt?: OnCorrupt,
  ) {}

  /** The next frame in range, loading chunks as needed; undefined when the bus is done. */
  peek(): CanFrame | undefined {
    for (;;) {
      while (this.i < this.frames.length) {
        const f = this.frames[this.i]!;
        if (f.tsUs >= this.fromUs && f.tsUs <= this.toUs) return f;
        this.i++;
      }
      const next = this.chunks.next();
      if (next.done) return undefined;
      this.i = 0;
      try {
        this.frames = chunkFrames(next.value);
      } catch (e) {
        if (!(e instanceof CorruptChunk) || !this.onCorrupt) throw e;
        this.onCorrupt(e, next.value.frameCount);
        this.frames = [];
      }
    }
  }

  advance(): void {
    this.i++;
  }
}

/** Without `onCorrupt`, a chunk that cannot be decoded stops the export with CorruptChunk. */
export function* exportFrames(store: BufferStore, filter: ChunkFilter = {}, onCorrupt?: OnCorrupt): Generator<CanFrame> {
  const buses = filter.bus !== undefined ? [filter.bus] : store.buses();
  const cursors = buses.map(
    (bus) => new BusCursor(store.iterateChunks({ ...filter, bus }), filter.fromUs ?? -Infinity, filter.toUs ?? Infinity, onCorrupt),
  );
  for (;;) {
    let best: BusCursor | undefined;
    let bestFrame: CanFrame | undefined;
    for (const c of cursors) {
      const f = c.peek();
      if (f && (!bestFrame || f.tsUs < bestFrame.tsUs || (f.tsUs === bestFrame.tsUs && f.tsNs < bestFrame.tsNs))) {
        best = c;
        bestFrame = f;
      }
    }
    if (!best || !bestFrame) return;
    best.advance();
    yield bestFrame;
  }
}
