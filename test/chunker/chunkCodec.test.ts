import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  ChunkDecodeError,
  decodeChunk,
  decodeChunkRaw,
  encodeChunk,
  encodeChunkRaw,
  MAX_RAW_CHUNK_BYTES,
} from "../../src/chunker/chunkCodec.ts";
import { zstdContentSize } from "../../src/codec/zstdFrame.ts";
import { arbFrame, FUZZ_RUNS, plain } from "../helpers/frames.ts";

const oneBus = fc.constant("can0");

describe("chunk codec", () => {
  test("any frames of one bus survive encode and decode", () => {
    fc.assert(
      fc.property(fc.array(arbFrame(oneBus), { maxLength: 60 }), fc.integer({ min: 1, max: 9 }), (frames, level) => {
        const enc = encodeChunk("can0", frames, level);
        const dec = decodeChunk(enc.payload);
        if (dec instanceof ChunkDecodeError) throw dec;
        expect(dec.bus).toBe("can0");
        expect(dec.frames.map(plain)).toEqual(frames.map(plain));
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  test("timestamps that go backwards and far apart keep their exact values", () => {
    const at = (tsUs: number) => ({ bus: "b", id: 1, flags: 0, dlc: 0, data: new Uint8Array(0), tsUs, tsNs: 0 });
    const frames = [at(4_102_444_800_000_000), at(0), at(1_700_000_000_123_456), at(1_700_000_000_123_455)];
    const dec = decodeChunk(encodeChunk("b", frames).payload);
    if (dec instanceof ChunkDecodeError) throw dec;
    expect(dec.frames.map((f) => f.tsUs)).toEqual(frames.map((f) => f.tsUs));
  });

  test("random bytes, truncations and bit flips give a typed error, never a throw", () => {
    fc.assert(
      fc.property(fc.array(arbFrame(oneBus), { minLength: 1, maxLength: 20 }), fc.nat(), fc.nat(), (frames, cut, flip) => {
        const raw = encodeChunkRaw("can0", frames).slice();
        const truncated = raw.subarray(0, cut % raw.length);
        const r1 = decodeChunkRaw(truncated);
        expect(r1).toBeInstanceOf(ChunkDecodeError);
        raw[flip % raw.length]! ^= 1 << flip % 8;
        const r2 = decodeChunkRaw(raw);
        if (!(r2 instanceof ChunkDecodeError)) expect(r2.frames.length).toBeLessThanOrEqual(raw.length);
      }),
      { numRuns: FUZZ_RUNS },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const r = decodeChunk(bytes);
        expect(r).toBeInstanceOf(ChunkDecodeError);
        decodeChunkRaw(bytes);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  test("a decompression bomb is refused before it is inflated", () => {
    const bomb = Bun.zstdCompressSync(new Uint8Array(MAX_RAW_CHUNK_BYTES + 1));
    expect(zstdContentSize(bomb)).toBe(MAX_RAW_CHUNK_BYTES + 1);
    const r = decodeChunk(bomb);
    expect(r).toBeInstanceOf(ChunkDecodeError);
    expect((r as ChunkDecodeError).message).toContain("above");
  });

  test("a frame count larger than the chunk can hold is refused without allocating for it", () => {
    // version 1, bus "a", count 2^40, no options
    const lie = new Uint8Array([1, 1, 97, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 0]);
    const r = decodeChunkRaw(lie);
    expect(r).toBeInstanceOf(ChunkDecodeError);
    expect((r as ChunkDecodeError).message).toContain("frame count");
  });

  test("a wrong version is named", () => {
    const raw = encodeChunkRaw("can0", []).slice();
    raw[0] = 9;
    expect((decodeChunkRaw(raw) as ChunkDecodeError).message).toContain("version 9");
  });
});
