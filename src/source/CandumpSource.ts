/**
 * `candump:PATH` and `-` (stdin): replays a candump log. As fast as possible by default (an import);
 * in real time or at a speed factor it behaves like canplayer onto a bus, so frames get the wall-clock
 * time at which they are replayed. A file imported as fast as possible is resumable.
 */
import { resolve } from "node:path";
import type { CanFrame } from "../frame/CanFrame.ts";
import { parseCandumpLine } from "./candump/candumpLine.ts";
import { lineStream } from "./candump/lineStream.ts";
import { Wakeup } from "../lib/Wakeup.ts";
import { type FrameBatch, type FrameSource, type SourcePosition, newCounters, nowUs } from "./FrameSource.ts";
import type { SourceProgress } from "../buffer/BufferStore.ts";

export type Pace = { mode: "fast" } | { mode: "realtime"; speed: number };

export interface CandumpSourceOptions {
  /** File path, or `-` for stdin. */
  path: string;
  pace: Pace;
  loop: boolean;
  /** Frames per batch handed to the ingest loop. */
  batchFrames: number;
  /** Where a previous run stopped, as the buffer recorded it under this source's resumeKey. */
  progressOf?: (resumeKey: string) => SourceProgress | undefined;
  /** Told about malformed lines, with 1-based line numbers. */
  onMalformed?: (line: number, reason: string, text: string) => void;
  /** Opens the input; tests and stdin use this. Default: the file at `path`, from `offset`. */
  open?: (offset: number) => ReadableStream<Uint8Array>;
}

/** Gap put between the end of a log and its next loop, so looped frames keep distinct times. */
const LOOP_GAP_US = 1000;

export class CandumpSource implements FrameSource {
  readonly name: string;
  readonly counters = newCounters();
  readonly resumeKey?: string;
  private stopped = false;
  private readonly wakeup = new Wakeup();

  constructor(private readonly options: CandumpSourceOptions) {
    const stdin = options.path === "-";
    this.name = stdin ? "candump:-" : `candump:${resolve(options.path)}`;
    // Only a file read once, as fast as possible, maps frames to stable positions.
    if (!stdin && !options.loop && options.pace.mode === "fast") this.resumeKey = this.name;
  }

  private readOffset = 0;

  bytesRead(): { read: number; total: number } {
    return { read: this.readOffset, total: this.options.path === "-" ? 0 : Bun.file(this.options.path).size };
  }

  stop(): void {
    this.stopped = true;
    this.wakeup.wake();
  }

  private openAt(offset: number): ReadableStream<Uint8Array> {
    if (this.options.open) return this.options.open(offset);
    if (this.options.path === "-") return Bun.stdin.stream();
    return Bun.file(this.options.path).slice(offset).stream();
  }

  async *batches(): AsyncGenerator<FrameBatch> {
    const { pace, batchFrames } = this.options;
    const resume = this.resumeKey ? this.options.progressOf?.(this.resumeKey) : undefined;
    const committedUpTo = resume?.busOrdinals ?? {};
    let ordinal = resume?.resumeOrdinal ?? 0;
    let pos: SourcePosition = { offset: resume?.resumeOffset ?? 0, ordinal, line: resume?.resumeLine ?? 1 };
    let frames: CanFrame[] = [];
    let positions: SourcePosition[] = [];
    // Replayed time: the log's own time shifted by whole passes when looping; paced replay maps it to
    // the wall clock as wallBase + (t - firstTs) / speed.
    let firstTs = -1;
    let maxTs = 0;
    let shiftUs = 0;
    let wallBaseUs = 0;
    const take = (): FrameBatch => {
      const b: FrameBatch = this.resumeKey ? { frames, positions, end: { ...pos } } : { frames };
      frames = [];
      positions = [];
      return b;
    };
    do {
      for await (const spans of lineStream(this.openAt(pos.offset), pos.offset)) {
        for (const span of spans) {
          const r = parseCandumpLine(span.text);
          const here: SourcePosition = { offset: span.offset, ordinal, line: pos.line };
          pos = { offset: span.offset + span.text.length + 1, ordinal, line: pos.line + 1 };
          this.readOffset = pos.offset;
          if (r.kind === "malformed") {
            this.counters.malformed++;
            this.options.onMalformed?.(here.line, r.reason, span.text);
            continue;
          }
          if (r.kind === "dropcount") {
            this.counters.kernelDrops += r.dropped;
            continue;
          }
          if (r.kind === "blank") continue;
          const f = r.frame;
          pos.ordinal = ++ordinal;
          // A resumed import skips what an earlier run already committed for this frame's bus.
          if (here.ordinal <= (committedUpTo[f.bus] ?? -1)) continue;
          if (!r.stamped) f.tsUs = nowUs();
          if (firstTs < 0) {
            firstTs = f.tsUs;
            wallBaseUs = nowUs();
          }
          if (f.tsUs > maxTs) maxTs = f.tsUs;
          const logical = f.tsUs + shiftUs;
          if (pace.mode === "realtime") {
            const due = wallBaseUs + (logical - firstTs) / pace.speed;
            const waitUs = due - nowUs();
            if (waitUs > 1000) {
              if (frames.length) yield take();
              await this.wakeup.wait(waitUs / 1000);
              if (this.stopped) return;
            }
            f.tsUs = Math.round(due);
          } else f.tsUs = logical;
          frames.push(f);
          if (this.resumeKey) positions.push(here);
          this.counters.frames++;
          if (frames.length >= batchFrames) {
            yield take();
            if (this.stopped) return;
          }
        }
        if (this.stopped) break;
      }
      if (frames.length) yield take();
      if (!this.options.loop || this.stopped || firstTs < 0) return;
      shiftUs += maxTs - firstTs + LOOP_GAP_US;
      pos = { offset: 0, ordinal, line: 1 };
    } while (!this.stopped);
  }
}
