/**
 * The gateway's ingest stage: pulls batches from a source, groups frames into chunks and commits them
 * to the buffer. A resumable source's progress is committed in the same transaction as its chunks, so
 * a restart after any crash continues exactly after the last committed frame.
 */
import type { BufferStore, SourceProgress } from "../buffer/BufferStore.ts";
import { Chunker, type ChunkerOptions, type ClosedChunk } from "../chunker/Chunker.ts";
import type { FrameSource, SourcePosition } from "../source/FrameSource.ts";

/** Longest stretch the ingest loop runs without letting other work on the event loop. */
const YIELD_EVERY_MS = 10;

export interface IngestStats {
  framesIn: number;
  chunksCommitted: number;
  framesCommitted: number;
  /** Frames the buffer could not store (disk full with nothing left to evict). */
  framesDropped: number;
}

export class Ingestor {
  readonly stats: IngestStats = { framesIn: 0, chunksCommitted: 0, framesCommitted: 0, framesDropped: 0 };
  private readonly chunker: Chunker;
  private progress?: SourceProgress;
  /** The point after the last batch taken from the source. */
  private consumed?: SourcePosition;
  private lingerTimer?: ReturnType<typeof setTimeout>;
  /** Called after each commit, e.g. to wake the uploader. */
  onCommit?: () => void;

  constructor(
    private readonly source: FrameSource,
    private readonly buffer: BufferStore,
    chunkerOptions: ChunkerOptions,
  ) {
    this.chunker = new Chunker(chunkerOptions);
    if (source.resumeKey) {
      this.progress = buffer.progress(source.resumeKey) ?? {
        source: source.resumeKey,
        resumeOffset: 0,
        resumeOrdinal: 0,
        resumeLine: 1,
        busOrdinals: {},
      };
    }
  }

  /** Runs until the source ends or stop() is called; commits every open chunk before returning. */
  async run(): Promise<IngestStats> {
    let yieldedAt = performance.now();
    try {
      for await (const batch of this.source.batches()) {
        const closed: ClosedChunk[] = [];
        const { frames, positions } = batch;
        for (let k = 0; k < frames.length; k++) {
          const c = this.chunker.add(frames[k]!, positions?.[k]);
          if (c) closed.push(c);
        }
        this.stats.framesIn += frames.length;
        if (batch.end) this.consumed = batch.end;
        for (const c of this.chunker.due()) closed.push(c);
        if (closed.length) this.commit(closed);
        this.armLinger();
        // A source that always has a batch ready (an unpaced generator, a file in the page cache) would
        // keep the event loop to itself: signals, timers, uploads and the status server would starve.
        if (performance.now() - yieldedAt > YIELD_EVERY_MS) {
          await new Promise((r) => setImmediate(r));
          yieldedAt = performance.now();
        }
      }
    } finally {
      clearTimeout(this.lingerTimer);
      this.commit(this.chunker.flush());
    }
    return this.stats;
  }

  stop(): void {
    this.source.stop();
  }

  /** Live sources go quiet between bursts; chunks must still leave on time. */
  private armLinger(): void {
    clearTimeout(this.lingerTimer);
    const due = this.chunker.nextDueInMs();
    if (due === undefined) return;
    this.lingerTimer = setTimeout(() => {
      const closed = this.chunker.due();
      if (closed.length) this.commit(closed);
      this.armLinger();
    }, due + 1);
  }

  private commit(closed: ClosedChunk[]): void {
    if (closed.length === 0) return;
    const progress = this.progress && this.advanceProgress(this.progress, closed);
    const r = this.buffer.append(closed, progress);
    if (progress && r.seqs.length) this.progress = progress;
    const frames = closed.reduce((n, c) => n + c.frameCount, 0);
    this.stats.chunksCommitted += r.seqs.length;
    this.stats.framesCommitted += frames - r.droppedFrames;
    this.stats.framesDropped += r.droppedFrames;
    this.onCommit?.();
  }

  private advanceProgress(prev: SourceProgress, closed: ClosedChunk[]): SourceProgress {
    const busOrdinals = { ...prev.busOrdinals };
    for (const c of closed) if (c.lastOrdinal > (busOrdinals[c.bus] ?? -1)) busOrdinals[c.bus] = c.lastOrdinal;
    const at = this.chunker.earliestOpenPosition() ?? this.consumed;
    if (!at) return { ...prev, busOrdinals };
    return { ...prev, resumeOffset: at.offset, resumeOrdinal: at.ordinal, resumeLine: at.line, busOrdinals };
  }
}
