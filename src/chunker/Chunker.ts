/**
 * Groups frames into chunks per bus. A chunk closes when it has lingered long enough (latency), holds
 * enough frames, or would outgrow what fits in one SQS message (1 MiB after base64).
 */
import type { CanFrame } from "../frame/CanFrame.ts";
import type { SourcePosition } from "../source/FrameSource.ts";
import type { NewChunk } from "../buffer/BufferStore.ts";
import { ChunkCodec, encodeChunk } from "./chunkCodec.ts";

export interface ChunkerOptions {
  /** A chunk closes this long after its first frame arrived. */
  lingerMs: number;
  maxFrames: number;
  /** Raw (uncompressed) bytes per chunk; 512 KiB keeps the worst case well inside one SQS message. */
  maxRawBytes: number;
  zstdLevel: number;
}

export const DEFAULT_CHUNKER: ChunkerOptions = {
  lingerMs: 100,
  maxFrames: 8192,
  maxRawBytes: 512 << 10,
  zstdLevel: 3,
};

/** A closed chunk with what the ingest loop needs to record the source's progress. */
export interface ClosedChunk extends NewChunk {
  /** Ordinal of the chunk's last frame in its source (resumable sources only, else -1). */
  lastOrdinal: number;
}

/** Upper bound of one frame's share of a raw chunk besides its data (time, ns, flags, id, dlc). */
const FRAME_OVERHEAD_BOUND = 8 + 2 + 2 + 5 + 1;

class OpenChunk {
  readonly frames: CanFrame[] = [];
  rawBound = 16;
  lastOrdinal = -1;

  constructor(
    readonly bus: string,
    readonly openedAtMs: number,
    /** Where the source stood at this chunk's first frame (resumable sources). */
    readonly start: SourcePosition | undefined,
  ) {}
}

export class Chunker {
  private readonly open = new Map<string, OpenChunk>();

  constructor(
    private readonly options: ChunkerOptions,
    private readonly clock: () => number = performance.now.bind(performance),
  ) {}

  /** Adds one frame; returns the chunk it closed, if any. */
  add(frame: CanFrame, position?: SourcePosition): ClosedChunk | undefined {
    let c = this.open.get(frame.bus);
    const size = FRAME_OVERHEAD_BOUND + frame.data.length;
    let closed: ClosedChunk | undefined;
    if (c && c.rawBound + size > this.options.maxRawBytes) {
      closed = this.close(c);
      c = undefined;
    }
    if (!c) {
      c = new OpenChunk(frame.bus, this.clock(), position);
      this.open.set(frame.bus, c);
    }
    c.frames.push(frame);
    c.rawBound += size;
    if (position) c.lastOrdinal = position.ordinal;
    if (c.frames.length >= this.options.maxFrames) return closed ?? this.close(c);
    // Both limits in one add: the size rule closed the previous chunk, the count rule cannot also fire.
    return closed;
  }

  /**
   * When the oldest open chunk's linger time has passed, every open chunk closes with it: the buses'
   * chunks then leave in one SendMessageBatch instead of one call each, which is most of what an SQS
   * bill is made of. Buses opened later wait less than the linger, never more.
   */
  due(): ClosedChunk[] {
    const next = this.nextDueInMs();
    return next === 0 ? this.flush() : [];
  }

  /** Milliseconds until the next chunk is due, or undefined when none is open. */
  nextDueInMs(): number | undefined {
    let first: number | undefined;
    for (const c of this.open.values()) if (first === undefined || c.openedAtMs < first) first = c.openedAtMs;
    return first === undefined ? undefined : Math.max(0, first + this.options.lingerMs - this.clock());
  }

  /** Closes every open chunk (shutdown, end of input). */
  flush(): ClosedChunk[] {
    return [...this.open.values()].map((c) => this.close(c));
  }

  /**
   * The earliest source position held only in open chunks: a resumed source must start there.
   * Undefined when no open chunk holds frames of a resumable source.
   */
  earliestOpenPosition(): SourcePosition | undefined {
    let min: SourcePosition | undefined;
    for (const c of this.open.values()) if (c.start && (!min || c.start.offset < min.offset)) min = c.start;
    return min;
  }

  get openFrames(): number {
    let n = 0;
    for (const c of this.open.values()) n += c.frames.length;
    return n;
  }

  private close(c: OpenChunk): ClosedChunk {
    this.open.delete(c.bus);
    const frames = c.frames;
    let first = frames[0]!.tsUs;
    let last = first;
    for (const f of frames) {
      if (f.tsUs < first) first = f.tsUs;
      if (f.tsUs > last) last = f.tsUs;
    }
    const enc = encodeChunk(c.bus, frames, this.options.zstdLevel);
    return {
      bus: c.bus,
      firstTsUs: first,
      lastTsUs: last,
      frameCount: frames.length,
      rawBytes: enc.rawBytes,
      codec: ChunkCodec.ZSTD_COLUMNS_V1,
      payload: enc.payload,
      lastOrdinal: c.lastOrdinal,
    };
  }
}
