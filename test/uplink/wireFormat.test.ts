import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { encodeChunk } from "../../src/chunker/chunkCodec.ts";
import { decodeMessage, encodeMessage, messageSize, WireDecodeError, type ChunkEnvelope } from "../../src/uplink/wireFormat.ts";
import { arbFrame, FUZZ_RUNS, plain } from "../helpers/frames.ts";

function envelopeFor(frames: { tsUs: number }[], raw: number, over: Partial<ChunkEnvelope> = {}): ChunkEnvelope {
  const ts = frames.map((f) => f.tsUs);
  return {
    gateway: "gw-1",
    epoch: "0123456789ab",
    bus: "can0",
    seq: [7, 7],
    ts: [ts.length ? Math.min(...ts) : 0, ts.length ? Math.max(...ts) : 0],
    frames: frames.length,
    codec: "zstd-columns-v1",
    raw,
    ...over,
  };
}

describe("SQS wire format v1", () => {
  test("any chunk survives encode and decode, with attributes for routing", () => {
    fc.assert(
      fc.property(fc.array(arbFrame(fc.constant("can0")), { maxLength: 40 }), (frames) => {
        const enc = encodeChunk("can0", frames);
        const m = encodeMessage(envelopeFor(frames, enc.rawBytes), enc.payload);
        const d = decodeMessage(m.body);
        if (d instanceof WireDecodeError) throw d;
        expect(d.chunk.frames.map(plain)).toEqual(frames.map(plain));
        expect(d.envelope.seq).toEqual([7, 7]);
        expect(m.attributes["canferry.bus"]!.StringValue).toBe("can0");
        expect(m.attributes["canferry.frames"]!.StringValue).toBe(String(frames.length));
        expect(messageSize(m)).toBeGreaterThan(m.body.length);
      }),
      { numRuns: FUZZ_RUNS / 4 },
    );
  });

  test("hostile bodies give a typed error naming the problem", () => {
    const frames = [{ bus: "can0", id: 1, flags: 0, dlc: 1, data: new Uint8Array([1]), tsUs: 5, tsNs: 0 }];
    const enc = encodeChunk("can0", frames);
    const good = JSON.parse(encodeMessage(envelopeFor(frames, enc.rawBytes), enc.payload).body);
    const cases: [unknown, string][] = [
      ["{", "not JSON"],
      [{ ...good, canferry: 2 }, "unsupported wire format version 2"],
      [{ ...good, codec: "lz4" }, "unknown codec"],
      [{ ...good, data: "***" }, "not base64"],
      [{ ...good, data: "AAAA" }, "zstd"],
      [{ ...good, frames: 2 }, "envelope says 2"],
      [{ ...good, bus: "can9" }, "envelope says can9"],
      [{ ...good, seq: [1, 2] }, "exactly one chunk"],
      [{ ...good, raw: 1 }, "above the 1 limit"],
      [{ ...good, seq: "x" }, "bad envelope: seq"],
      [{ ...good, gateway: "" }, "bad envelope: gateway"],
    ];
    for (const [body, msg] of cases) {
      const r = decodeMessage(typeof body === "string" ? body : JSON.stringify(body));
      expect(r).toBeInstanceOf(WireDecodeError);
      expect((r as WireDecodeError).message).toContain(msg);
    }
    expect(decodeMessage("x".repeat(1024 * 1024 + 1))).toBeInstanceOf(WireDecodeError);
  });

  test("random text and mutated messages never throw", () => {
    const frames = [{ bus: "can0", id: 1, flags: 0, dlc: 1, data: new Uint8Array([1]), tsUs: 5, tsNs: 0 }];
    const enc = encodeChunk("can0", frames);
    const body = encodeMessage(envelopeFor(frames, enc.rawBytes), enc.payload).body;
    fc.assert(
      fc.property(fc.string(), fc.nat(), fc.string({ maxLength: 3 }), (junk, at, insert) => {
        decodeMessage(junk);
        const i = at % body.length;
        const r = decodeMessage(body.slice(0, i) + insert + body.slice(i + 1));
        if (!(r instanceof WireDecodeError)) expect(r.chunk.frames.length).toBe(r.envelope.frames);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});
