/**
 * `gen:...`: synthetic frames for load tests, like can-utils' cangen. Deterministic for a seed.
 * With a rate, frames are spread evenly in wall-clock time; with rate=0 they come as fast as the
 * ingest loop takes them, stamped with the wall clock.
 */
import { type CanFrame, FrameFlag } from "../frame/CanFrame.ts";
import { type FrameBatch, type FrameSource, newCounters, nowUs } from "./FrameSource.ts";

export interface GeneratorOptions {
  /** Frames per second over all buses; 0 = unpaced. */
  rate: number;
  /** Stop after this many frames; 0 = run until stopped. */
  count: number;
  buses: string[];
  idMin: number;
  idMax: number;
  /** Classic data length 0..8 (FD frames use fdLen). */
  len: number;
  /** Share of frames that are CAN FD (0..1), sent with BRS. */
  fdShare: number;
  fdLen: number;
  /** Share of frames with 29-bit ids (0..1). */
  extShare: number;
  /** `random` payloads, or `counter`: a little-endian frame counter like `cangen -D i`. */
  data: "random" | "counter";
  seed: number;
  batchFrames: number;
}

export const DEFAULT_GENERATOR: GeneratorOptions = {
  rate: 1000,
  count: 0,
  buses: ["gen0"],
  idMin: 0x100,
  idMax: 0x1ff,
  len: 8,
  fdShare: 0,
  fdLen: 64,
  extShare: 0,
  data: "random",
  seed: 1,
  batchFrames: 1024,
};

/** xorshift32: fast, deterministic and good enough for synthetic payloads. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x1_0000_0000;
  };
}

export class GeneratorSource implements FrameSource {
  readonly name: string;
  readonly counters = newCounters();
  private stopped = false;

  constructor(private readonly o: GeneratorOptions) {
    this.name = `gen:rate=${o.rate},buses=${o.buses.join("+")}`;
  }

  stop(): void {
    this.stopped = true;
  }

  async *batches(): AsyncGenerator<FrameBatch> {
    const o = this.o;
    const rand = rng(o.seed);
    const idSpan = o.idMax - o.idMin + 1;
    const startUs = nowUs();
    const stepUs = o.rate > 0 ? 1e6 / o.rate : 0;
    // A paced batch waits for its last frame, so its first frame ages by the batch's span: keep that
    // span near 5 ms, as a live bus delivers frames continuously.
    const batch = o.rate > 0 ? Math.max(1, Math.min(o.batchFrames, Math.ceil(o.rate / 200))) : o.batchFrames;
    let n = 0;
    while (!this.stopped && (o.count === 0 || n < o.count)) {
      const size = o.count === 0 ? batch : Math.min(batch, o.count - n);
      if (o.rate > 0) {
        // Wait until the last frame of this batch is due, so the batch is not in the future.
        const waitUs = startUs + (n + size - 1) * stepUs - nowUs();
        if (waitUs > 1000) await Bun.sleep(waitUs / 1000);
        if (this.stopped) break;
      }
      const frames = new Array<CanFrame>(size);
      // One allocation per batch for all payloads; frames get views into it.
      const pool = new Uint8Array(size * Math.max(o.len, o.fdShare > 0 ? o.fdLen : 0));
      let p = 0;
      const clock = o.rate > 0 ? 0 : nowUs();
      for (let k = 0; k < size; k++, n++) {
        const fd = o.fdShare > 0 && rand() < o.fdShare;
        const ext = o.extShare > 0 && rand() < o.extShare;
        const len = fd ? o.fdLen : o.len;
        const data = pool.subarray(p, p + len);
        p += len;
        if (o.data === "counter") {
          for (let b = 0; b < len && b < 4; b++) data[b] = (n >>> (8 * b)) & 0xff;
        } else {
          for (let b = 0; b < len; b += 4) {
            const r = (rand() * 0x1_0000_0000) >>> 0;
            for (let q = 0; q < 4 && b + q < len; q++) data[b + q] = (r >>> (8 * q)) & 0xff;
          }
        }
        let flags = ext ? FrameFlag.EXT : 0;
        if (fd) flags |= FrameFlag.FD | FrameFlag.BRS | FrameFlag.FDF;
        frames[k] = {
          bus: o.buses[n % o.buses.length]!,
          id: o.idMin + Math.floor(rand() * idSpan),
          flags,
          dlc: len,
          data,
          tsUs: o.rate > 0 ? Math.round(startUs + n * stepUs) : clock,
          tsNs: 0,
        };
      }
      this.counters.frames += size;
      yield { frames };
    }
  }
}
