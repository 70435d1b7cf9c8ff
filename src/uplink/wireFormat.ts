/**
 * Version 1 of the SQS message format (docs/wire-format.md, part 2): a JSON envelope that says what
 * the message holds, with the compressed chunk as base64. Pure functions; decoding hostile input
 * returns a WireDecodeError and never allocates more than the limits below.
 */
import { z } from "zod";
import { ChunkCodec, ChunkDecodeError, decodeChunk, MAX_RAW_CHUNK_BYTES, type DecodedChunk } from "../chunker/chunkCodec.ts";

export const WIRE_FORMAT_VERSION = 1;
/** SQS's own limit for one message. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;
export const CODEC_NAMES: Record<number, string> = { [ChunkCodec.ZSTD_COLUMNS_V1]: "zstd-columns-v1" };

/** What a message says about the chunk it carries. */
export interface ChunkEnvelope {
  gateway: string;
  /** Id of the gateway's buffer file; (gateway, epoch, seq) names a chunk uniquely. */
  epoch: string;
  bus: string;
  /** First and last chunk sequence number carried; version 1 carries one chunk, so they are equal. */
  seq: [number, number];
  /** Earliest and latest capture time in the chunk, µs since the epoch. */
  ts: [number, number];
  frames: number;
  codec: string;
  /** Decompressed size of the chunk in bytes. */
  raw: number;
}

export interface OutgoingMessage {
  body: string;
  attributes: Record<string, { DataType: "String" | "Number"; StringValue: string }>;
}

export class WireDecodeError extends Error {
  override readonly name = "WireDecodeError";
}

const envelopeSchema = z.object({
  canferry: z.literal(WIRE_FORMAT_VERSION),
  gateway: z.string().min(1).max(128),
  epoch: z.string().min(1).max(64),
  bus: z.string().min(1).max(255),
  seq: z.tuple([z.number().int().min(1), z.number().int().min(1)]),
  ts: z.tuple([z.number().int().min(0), z.number().int().min(0)]),
  frames: z.number().int().min(0),
  codec: z.string(),
  raw: z.number().int().min(0).max(MAX_RAW_CHUNK_BYTES),
  data: z.string(),
});

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Message attribute names, for routers and filters that must not decode the body. */
export const ATTR = {
  version: "canferry.version",
  gateway: "canferry.gateway",
  bus: "canferry.bus",
  seq: "canferry.seq",
  frames: "canferry.frames",
  firstTsUs: "canferry.first_ts_us",
} as const;

export function encodeMessage(env: ChunkEnvelope, payload: Uint8Array): OutgoingMessage {
  const body = JSON.stringify({ canferry: WIRE_FORMAT_VERSION, ...env, data: Buffer.from(payload).toString("base64") });
  const s = (v: string) => ({ DataType: "String" as const, StringValue: v });
  const n = (v: number) => ({ DataType: "Number" as const, StringValue: String(v) });
  return {
    body,
    attributes: {
      [ATTR.version]: n(WIRE_FORMAT_VERSION),
      [ATTR.gateway]: s(env.gateway),
      [ATTR.bus]: s(env.bus),
      [ATTR.seq]: n(env.seq[0]),
      [ATTR.frames]: n(env.frames),
      [ATTR.firstTsUs]: n(env.ts[0]),
    },
  };
}

/** Bytes SQS counts for a message: body plus attribute names, types and values. */
export function messageSize(m: OutgoingMessage): number {
  let n = Buffer.byteLength(m.body);
  for (const [k, v] of Object.entries(m.attributes)) n += k.length + v.DataType.length + v.StringValue.length;
  return n;
}

/** The envelope alone (cheap: no base64 or zstd), e.g. to order prefetched messages by capture time. */
export function decodeEnvelope(body: string): (ChunkEnvelope & { data: string }) | WireDecodeError {
  if (body.length > MAX_MESSAGE_BYTES) return new WireDecodeError(`message body of ${body.length} bytes exceeds ${MAX_MESSAGE_BYTES}`);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return new WireDecodeError("body is not JSON");
  }
  if (typeof json === "object" && json !== null && "canferry" in json && json.canferry !== WIRE_FORMAT_VERSION)
    return new WireDecodeError(`unsupported wire format version ${JSON.stringify(json.canferry)}`);
  const r = envelopeSchema.safeParse(json);
  if (!r.success) return new WireDecodeError(`bad envelope: ${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const { canferry: _v, ...env } = r.data;
  return env;
}

export interface DecodedMessage {
  envelope: ChunkEnvelope;
  chunk: DecodedChunk;
}

/** Decodes a whole message and checks the chunk against what its envelope claims. */
export function decodeMessage(body: string): DecodedMessage | WireDecodeError {
  const env = decodeEnvelope(body);
  return env instanceof WireDecodeError ? env : decodeEnvelopeChunk(env);
}

/** The second half of decodeMessage, for a consumer that looked at the envelope first. */
export function decodeEnvelopeChunk(env: ChunkEnvelope & { data: string }): DecodedMessage | WireDecodeError {
  if (env.codec !== CODEC_NAMES[ChunkCodec.ZSTD_COLUMNS_V1]) return new WireDecodeError(`unknown codec ${env.codec}`);
  if (env.data.length % 4 !== 0 || !BASE64.test(env.data)) return new WireDecodeError("data is not base64");
  if (env.seq[0] !== env.seq[1]) return new WireDecodeError("version 1 messages carry exactly one chunk");
  const payload = Buffer.from(env.data, "base64");
  const chunk = decodeChunk(payload, env.raw);
  if (chunk instanceof ChunkDecodeError) return new WireDecodeError(chunk.message);
  if (chunk.bus !== env.bus) return new WireDecodeError(`chunk is of bus ${chunk.bus}, envelope says ${env.bus}`);
  if (chunk.frames.length !== env.frames) return new WireDecodeError(`chunk holds ${chunk.frames.length} frames, envelope says ${env.frames}`);
  const { data: _d, ...envelope } = env;
  return { envelope, chunk };
}
