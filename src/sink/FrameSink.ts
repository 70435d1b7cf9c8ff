/**
 * Where the consumer puts decoded frames. Sinks are idempotent: a chunk is named by (gateway, epoch,
 * seq), and one delivered again (SQS is at-least-once) is not written twice.
 */
import type { CanFrame } from "../frame/CanFrame.ts";

export interface ChunkDelivery {
  gateway: string;
  epoch: string;
  seq: number;
  bus: string;
  frames: CanFrame[];
}

export interface FrameSink {
  readonly kind: string;
  /** Stores the chunk's frames durably; resolves false when the chunk was already stored. */
  write(d: ChunkDelivery): Promise<boolean>;
  /** What the sink counts beyond frames written (shown under `sink` on the status endpoint). */
  counts?(): Record<string, number>;
  close(): Promise<void>;
}

export function chunkKey(d: Pick<ChunkDelivery, "gateway" | "epoch" | "seq">): string {
  return `${d.gateway}/${d.epoch}/${d.seq}`;
}
