/** Life of a chunk in the buffer. Stored as integers; never renumber. */
export const ChunkState = {
  /** Committed by the gateway, not yet accepted by the uplink. */
  PENDING: 0,
  /** Handed to the uplink; back to PENDING if the process restarts before the acknowledgement. */
  IN_FLIGHT: 1,
  /** The uplink confirmed delivery; kept for the retention window so it can be replayed. */
  ACKED: 2,
} as const;
export type ChunkState = (typeof ChunkState)[keyof typeof ChunkState];

/** Why chunks left the buffer other than by delivery. Part of the status API: keep the strings. */
export const EvictionReason = {
  /** Acknowledged chunks removed to make room under the cap: delivered, so nothing is lost. */
  CAP_ACKED: "cap_acked",
  /** Undelivered chunks removed to make room under the cap: these frames are lost. */
  CAP_PENDING: "cap_pending",
  /** Acknowledged chunks past the retention window. */
  RETENTION: "retention",
  /** Frames that could not be stored because the disk (not the cap) was full: lost. */
  DISK_FULL: "disk_full",
  /** Frames in chunks of a damaged buffer file that could not be decoded when it was salvaged: lost. */
  DAMAGED: "damaged",
} as const;
export type EvictionReason = (typeof EvictionReason)[keyof typeof EvictionReason];

/** Reasons whose frames never reached the uplink. */
export const LOSS_REASONS: readonly EvictionReason[] = [EvictionReason.CAP_PENDING, EvictionReason.DISK_FULL, EvictionReason.DAMAGED];
