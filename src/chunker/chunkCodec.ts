/**
 * The chunk codec: a run of frames of one bus as a compact columnar binary, compressed with zstd.
 * Columns (timestamps as deltas, ids, flags, lengths, then all payload bytes) put like values next to
 * each other, which is what lets zstd get a real capture under 8 bytes per frame.
 * The layout is specified in docs/wire-format.md; change it only with a new CHUNK_FORMAT_VERSION.
 */
import { type CanFrame, dataLength, frameProblem } from "../frame/CanFrame.ts";
import { ByteReader, TruncatedInput } from "../codec/ByteReader.ts";
import { ByteWriter } from "../codec/ByteWriter.ts";
import { zstdContentSize } from "../codec/zstdFrame.ts";

export const CHUNK_FORMAT_VERSION = 1;
/** Codec ids as stored with each chunk. */
export const ChunkCodec = { ZSTD_COLUMNS_V1: 1 } as const;

/** Raw (uncompressed) size a decoder accepts; a chunk of 64-byte FD frames at the frame cap fits. */
export const MAX_RAW_CHUNK_BYTES = 16 << 20;
/** Upper bound on the raw size of one frame: 8-byte varints for time, 2+5+1 for flags, id, dlc; 64 data. */
export const MAX_RAW_FRAME_BYTES = 8 + 2 + 2 + 5 + 1 + 64;

const HAS_NS = 1;

export interface EncodedChunk {
  payload: Uint8Array;
  rawBytes: number;
}

export interface DecodedChunk {
  bus: string;
  frames: CanFrame[];
}

export class ChunkDecodeError extends Error {
  override readonly name = "ChunkDecodeError";
}

const writer = new ByteWriter(1 << 20);
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder("utf-8", { fatal: true });

/** Encodes frames (all of `bus`) into the raw columnar layout; the view is valid until the next call. */
export function encodeChunkRaw(bus: string, frames: readonly CanFrame[]): Uint8Array {
  const w = writer;
  const n = frames.length;
  w.reset();
  w.u8(CHUNK_FORMAT_VERSION);
  const busBytes = textEncoder.encode(bus);
  w.varint(busBytes.length);
  w.bytes(busBytes);
  w.varint(n);
  let hasNs = 0;
  for (let k = 0; k < n; k++) if (frames[k]!.tsNs !== 0) hasNs = HAS_NS;
  w.u8(hasNs);
  w.ensure(n * MAX_RAW_FRAME_BYTES);
  let prev = 0;
  for (let k = 0; k < n; k++) {
    const t = frames[k]!.tsUs;
    if (k === 0) w.varint(t);
    else w.svarint(t - prev);
    prev = t;
  }
  if (hasNs) for (let k = 0; k < n; k++) w.varint(frames[k]!.tsNs);
  for (let k = 0; k < n; k++) w.varint(frames[k]!.flags);
  for (let k = 0; k < n; k++) w.varint(frames[k]!.id);
  const b = w.buf;
  let p = w.pos;
  for (let k = 0; k < n; k++) b[p++] = frames[k]!.dlc;
  for (let k = 0; k < n; k++) {
    const d = frames[k]!.data;
    b.set(d, p);
    p += d.length;
  }
  w.pos = p;
  return w.view();
}

/** Encodes and compresses one chunk. */
export function encodeChunk(bus: string, frames: readonly CanFrame[], zstdLevel = 3): EncodedChunk {
  const raw = encodeChunkRaw(bus, frames);
  return { payload: Bun.zstdCompressSync(raw, { level: zstdLevel }), rawBytes: raw.length };
}

/** Decodes the raw columnar layout. Never throws; hostile input yields a ChunkDecodeError. */
export function decodeChunkRaw(raw: Uint8Array): DecodedChunk | ChunkDecodeError {
  try {
    return decodeColumns(new ByteReader(raw));
  } catch (e) {
    if (e instanceof TruncatedInput || e instanceof ChunkDecodeError) return new ChunkDecodeError(e.message);
    if (e instanceof TypeError) return new ChunkDecodeError(`bad bus name: ${e.message}`);
    throw e;
  }
}

/** Decompresses and decodes one chunk, refusing to inflate more than `maxRawBytes`. */
export function decodeChunk(payload: Uint8Array, maxRawBytes = MAX_RAW_CHUNK_BYTES): DecodedChunk | ChunkDecodeError {
  const size = zstdContentSize(payload);
  if (size === undefined) return new ChunkDecodeError("not a zstd frame with a declared content size");
  if (size > maxRawBytes) return new ChunkDecodeError(`chunk declares ${size} raw bytes, above the ${maxRawBytes} limit`);
  let raw: Uint8Array;
  try {
    raw = Bun.zstdDecompressSync(payload);
  } catch (e) {
    return new ChunkDecodeError(`zstd: ${(e as Error).message}`);
  }
  if (raw.length !== size) return new ChunkDecodeError("zstd content size does not match the header");
  return decodeChunkRaw(raw);
}

function decodeColumns(r: ByteReader): DecodedChunk {
  const version = r.u8();
  if (version !== CHUNK_FORMAT_VERSION) throw new ChunkDecodeError(`unknown chunk format version ${version}`);
  const busLen = r.varint();
  if (busLen === 0 || busLen > 255) throw new ChunkDecodeError(`bus name length ${busLen} out of range`);
  const bus = textDecoder.decode(r.bytes(busLen));
  const n = r.varint();
  // Every frame needs at least 4 bytes (time, flags, id, dlc): a larger count is a lie.
  if (n > r.remaining / 4) throw new ChunkDecodeError(`frame count ${n} exceeds what the chunk can hold`);
  const opts = r.u8();
  if (opts & ~HAS_NS) throw new ChunkDecodeError(`unknown chunk options 0x${opts.toString(16)}`);
  const ts = new Array<number>(n);
  let t = 0;
  for (let k = 0; k < n; k++) {
    t = k === 0 ? r.varint() : t + r.svarint();
    ts[k] = t;
  }
  const ns = opts & HAS_NS ? Array.from({ length: n }, () => r.varint()) : undefined;
  const flags = Array.from({ length: n }, () => r.varint());
  const ids = Array.from({ length: n }, () => r.varint());
  const dlcs = r.bytes(n);
  const frames = new Array<CanFrame>(n);
  for (let k = 0; k < n; k++) {
    const len = dataLength(flags[k]!, dlcs[k]!);
    const frame: CanFrame = {
      bus,
      id: ids[k]!,
      flags: flags[k]!,
      dlc: dlcs[k]!,
      data: r.bytes(len),
      tsUs: ts[k]!,
      tsNs: ns ? ns[k]! : 0,
    };
    const problem = frameProblem(frame);
    if (problem) throw new ChunkDecodeError(`frame ${k}: ${problem}`);
    frames[k] = frame;
  }
  if (r.remaining !== 0) throw new ChunkDecodeError(`${r.remaining} trailing bytes`);
  return { bus, frames };
}
