/**
 * What every source (candump log, SocketCAN, generator) gives the ingest loop: frames in batches,
 * pulled one batch at a time, which is the backpressure: a source does not read ahead of a batch the
 * buffer has not committed.
 */
import type { CanFrame } from "../frame/CanFrame.ts";

/** A point in a resumable source: everything before it has been read. */
export interface SourcePosition {
  /** Byte offset in the file. */
  offset: number;
  /** Number of frames the source produced before this point. */
  ordinal: number;
  /** 1-based line number at this point. */
  line: number;
}

export interface FrameBatch {
  frames: CanFrame[];
  /** Resumable sources: where each frame's line starts (with the frame's ordinal). */
  positions?: SourcePosition[];
  /** Resumable sources: the point after this batch. */
  end?: SourcePosition;
}

export interface SourceCounters {
  frames: number;
  malformed: number;
  /** Frames lost before canferry could read them (kernel socket overflow, DROPCOUNT lines). */
  kernelDrops: number;
  /** Frames dropped because the ingest loop fell behind a push source. */
  queueDrops: number;
}

export interface FrameSource {
  /** Human-readable spec, e.g. `candump:/var/log/can.log`. */
  readonly name: string;
  readonly counters: SourceCounters;
  /** Set for sources whose progress the buffer records, so a restart resumes exactly. */
  readonly resumeKey?: string;
  batches(): AsyncIterable<FrameBatch>;
  /** File sources: bytes read so far and the file's size, for progress display. */
  bytesRead?(): { read: number; total: number };
  /** Ends the batch stream soon; the frames already yielded stay valid. */
  stop(): void;
}

export function newCounters(): SourceCounters {
  return { frames: 0, malformed: 0, kernelDrops: 0, queueDrops: 0 };
}

/** Wall clock in microseconds, with sub-millisecond resolution. */
export function nowUs(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}
