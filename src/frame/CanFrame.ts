/**
 * One CAN frame as canferry carries it from a source to the sink.
 *
 * Timestamps are microseconds since the Unix epoch: milliseconds cannot order the frames of a burst
 * (a 1 Mbit/s bus carries a frame every ~50 µs). A double holds microsecond epochs exactly until the
 * year 2255. Logs written with nanosecond precision keep the sub-microsecond remainder in `tsNs`.
 */
export interface CanFrame {
  /** Interface name the frame was captured on, e.g. `can0`. */
  bus: string;
  /** 11-bit or 29-bit identifier; for error frames the error class bits (CAN_ERR_MASK). */
  id: number;
  /** Bit set of {@link FrameFlag}. */
  flags: number;
  /**
   * Classic CAN: the DLC as sent (0..15; 9..15 only with 8 data bytes, or on RTR frames).
   * CAN FD: the data length (0..64).
   */
  dlc: number;
  /** Payload; empty for RTR frames. */
  data: Uint8Array;
  /** Capture time, microseconds since the epoch. */
  tsUs: number;
  /** Nanoseconds below the microsecond (0..999); only non-zero for nanosecond-precision sources. */
  tsNs: number;
}

/** Frame flag bits. The values are part of the chunk wire format: never renumber them. */
export const FrameFlag = {
  /** 29-bit identifier. */
  EXT: 1 << 0,
  /** Remote transmission request (classic CAN only). */
  RTR: 1 << 1,
  /** Error frame: `id` holds the error class, `data` the error details (CAN_ERR_FLAG). */
  ERR: 1 << 2,
  /** CAN FD frame. */
  FD: 1 << 3,
  /** CAN FD bit rate switch. */
  BRS: 1 << 4,
  /** CAN FD error state indicator. */
  ESI: 1 << 5,
  /** The source marked the frame as FD explicitly (CANFD_FDF, `##4`/`##5` in candump logs). */
  FDF: 1 << 6,
  /** The capture timestamp was written with nanosecond precision (9 fractional digits). */
  TS_NS: 1 << 7,
  /** Direction noted by the source: transmitted by this node (` T`). */
  DIR_TX: 1 << 8,
  /** Direction noted by the source: received (` R`). */
  DIR_RX: 1 << 9,
} as const;

/** All bits a valid frame may carry. */
export const FRAME_FLAG_MASK = (1 << 10) - 1;

export const CAN_SFF_MASK = 0x7ff;
export const CAN_EFF_MASK = 0x1fffffff;
export const CAN_MAX_DLEN = 8;
export const CANFD_MAX_DLEN = 64;

/** Number of data bytes a frame with these flags and DLC carries. */
export function dataLength(flags: number, dlc: number): number {
  if (flags & FrameFlag.RTR) return 0;
  if (flags & FrameFlag.FD) return dlc;
  return dlc > CAN_MAX_DLEN ? CAN_MAX_DLEN : dlc;
}

/**
 * Why a frame is not valid, or undefined when it is. Every stage that accepts frames from outside
 * (sources, chunk decoding) checks with this one function, so they agree on what a frame is.
 */
export function frameProblem(f: CanFrame): string | undefined {
  if (f.bus.length === 0 || f.bus.length > 255) return "bus name must have 1 to 255 characters";
  if ((f.flags & ~FRAME_FLAG_MASK) !== 0) return `unknown flag bits 0x${f.flags.toString(16)}`;
  const fd = (f.flags & FrameFlag.FD) !== 0;
  const maxId = f.flags & (FrameFlag.EXT | FrameFlag.ERR) ? CAN_EFF_MASK : CAN_SFF_MASK;
  if (!Number.isInteger(f.id) || f.id < 0 || f.id > maxId) return `id 0x${f.id.toString(16)} out of range`;
  if (fd && f.flags & FrameFlag.RTR) return "CAN FD frames have no RTR";
  if (!fd && f.flags & (FrameFlag.BRS | FrameFlag.ESI | FrameFlag.FDF)) return "BRS/ESI/FDF need an FD frame";
  if (fd ? f.dlc > CANFD_MAX_DLEN : f.dlc > 15) return `dlc ${f.dlc} out of range`;
  if (f.data.length !== dataLength(f.flags, f.dlc)) return `data length ${f.data.length} does not match dlc ${f.dlc}`;
  if (!fd && f.dlc > CAN_MAX_DLEN && f.data.length !== CAN_MAX_DLEN && !(f.flags & FrameFlag.RTR))
    return "a raw DLC above 8 needs 8 data bytes";
  if (!Number.isSafeInteger(f.tsUs) || f.tsUs < 0) return `timestamp ${f.tsUs} µs is not a non-negative integer`;
  if (!Number.isInteger(f.tsNs) || f.tsNs < 0 || f.tsNs > 999) return `tsNs ${f.tsNs} out of range 0..999`;
  return undefined;
}
