/**
 * Hostile input, fuzzed: random and mutated inputs to the candump parser, the chunk codec, the wire
 * format decoder, the config loader and the DBC parser with the decoders it builds, 100,000 cases each
 * in CI (1,000,000 in the long version).
 * Each must answer with a result or its own typed error, never throw anything else, and never take
 * long on one input (a hang or a blow-up would show as the slowest case).
 */
import { expect, test } from "bun:test";
import fc from "fast-check";
import { parseCandumpLine } from "../../src/source/candump/candumpLine.ts";
import { ChunkDecodeError, decodeChunk, encodeChunk } from "../../src/chunker/chunkCodec.ts";
import { decodeMessage, encodeMessage, WireDecodeError } from "../../src/uplink/wireFormat.ts";
import { parseConfig } from "../../src/config/configFile.ts";
import { ConfigError } from "../../src/config/ConfigError.ts";
import { parseDbc } from "../../src/decode/parseDbc.ts";
import { DbcParseError } from "../../src/decode/Dbc.ts";
import { FrameDecoder } from "../../src/decode/FrameDecoder.ts";
import { FrameFlag } from "../../src/frame/CanFrame.ts";
import { arbFrame } from "../helpers/frames.ts";
import { fixture } from "../helpers/cli.ts";
import { readFileSync } from "node:fs";
import { record, scale } from "./ledger.ts";

const CASES = scale(100_000, 1_000_000);

/** A valid input with a few bytes changed, cut short, or grown: the inputs most likely to confuse. */
function mutated(valid: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(fc.array(fc.tuple(fc.nat(Math.max(0, valid.length - 1)), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(valid.length + 16), fc.uint8Array({ maxLength: 16 }))
    .map(([edits, cut, tail]) => {
      const out = new Uint8Array([...valid.subarray(0, Math.min(cut, valid.length)), ...(cut > valid.length ? tail : [])]);
      for (const [pos, byte] of edits) if (pos < out.length) out[pos] = byte;
      return out;
    });
}

const text = (a: fc.Arbitrary<Uint8Array>) => a.map((b) => new TextDecoder().decode(b));

/** Runs `check` over CASES inputs and records the suite's row, with the slowest case's time. */
function fuzz<T>(name: string, input: fc.Arbitrary<T>, check: (x: T) => void): void {
  let slowest = 0;
  const t0 = performance.now();
  let failure: unknown;
  try {
    fc.assert(
      fc.property(input, (x) => {
        const t = performance.now();
        check(x);
        slowest = Math.max(slowest, performance.now() - t);
      }),
      { numRuns: CASES },
    );
  } catch (e) {
    failure = e;
  }
  const seconds = (performance.now() - t0) / 1000;
  record({
    suite: "hostile input",
    injected: `${name}: random and mutated inputs`,
    times: CASES,
    framesIn: 0,
    framesOut: 0,
    duplicates: 0,
    figures: { slowest_case_ms: +slowest.toFixed(2), seconds: +seconds.toFixed(1) },
    result: failure || slowest >= 250 ? "fail" : "pass",
  });
  console.log(`${name}: ${CASES} cases in ${seconds.toFixed(1)} s, slowest ${slowest.toFixed(2)} ms`);
  if (failure) throw failure;
  expect(slowest).toBeLessThan(250);
}

const VALID_LINES = ["(1700000000.123456) can0 123#DEADBEEF", "(1700000000.123456) can1 1ABCDEF0##3" + "11".repeat(64), "can0  123   [2]  01 02", "(0.000001) vcan0 7FF#R8"];
const encoder = new TextEncoder();

test(`candump parser, ${CASES} cases`, () => {
  const input = fc.oneof(fc.string({ unit: "binary", maxLength: 200 }), ...VALID_LINES.map((l) => text(mutated(encoder.encode(l)))));
  fuzz("candump line parser", input, (line: string) => {
    const r = parseCandumpLine(line);
    if (!["frame", "dropcount", "blank", "malformed"].includes(r.kind)) throw new Error(`unknown kind ${r.kind}`);
    if (r.kind === "malformed" && !r.reason) throw new Error("a malformed line without a reason");
  });
}, 600_000);

const sample = fc.sample(fc.array(arbFrame(fc.constant("can0")), { minLength: 1, maxLength: 40 }), { numRuns: 4, seed: 42 });
const validChunks = sample.map((frames) => encodeChunk("can0", frames).payload);

test(`chunk codec, ${CASES} cases`, () => {
  const input = fc.oneof(fc.uint8Array({ maxLength: 300 }), ...validChunks.map(mutated));
  fuzz("chunk decoder (zstd, columns)", input, (bytes: Uint8Array) => {
    const r = decodeChunk(bytes);
    if (r instanceof ChunkDecodeError) {
      if (!r.message) throw new Error("an error without a message");
    } else if (!Array.isArray(r.frames)) throw new Error("no frames");
  });
}, 600_000);

const validMessages = validChunks.map(
  (payload, i) => encodeMessage({ gateway: "gw", epoch: "e1", bus: "can0", seq: [i, i], ts: [1, 2], frames: sample[i]!.length, codec: "zstd", raw: 100 }, payload).body,
);

test(`wire format decoder, ${CASES} cases`, () => {
  const input = fc.oneof(fc.string({ maxLength: 300 }), fc.json(), ...validMessages.map((m) => text(mutated(encoder.encode(m)))));
  fuzz("SQS message decoder (envelope, base64, chunk)", input, (body: string) => {
    const r = decodeMessage(body);
    if (r instanceof WireDecodeError) {
      if (!r.message) throw new Error("an error without a message");
    } else if (!r.chunk) throw new Error("no chunk");
  });
}, 600_000);

const VALID_CONFIG = `[gateway]\nid = "gw-1"\nsource = "socketcan:can0"\n[buffer]\ncap = "512MiB"\n[chunker]\nlinger = "100ms"\n[socketcan]\nfilters = ["100:700"]\n[sqs]\nqueue_url = "https://sqs.eu-west-1.amazonaws.com/123456789012/q"\n`;

test(`config loader, ${CASES} cases`, () => {
  const input = fc.oneof(fc.string({ maxLength: 200 }), text(mutated(encoder.encode(VALID_CONFIG))));
  fuzz("config loader (TOML, schema)", input, (t: string) => {
    try {
      parseConfig(t, "fuzz.toml", {});
    } catch (e) {
      if (!(e instanceof ConfigError) || !e.message.startsWith("fuzz.toml")) throw e;
    }
  });
}, 600_000);

const VALID_DBCS = ["motohawk", "multiplex_2", "socialledge", "signed"].map((n) => readFileSync(fixture("cantools", "dbc", `${n}.dbc`)));

test(`DBC parser and decoders, ${CASES} cases`, () => {
  const payload = fc.uint8Array({ maxLength: 64 });
  const input = fc.tuple(fc.oneof(fc.string({ maxLength: 400 }), ...VALID_DBCS.map((d) => text(mutated(d)))), fc.array(payload, { minLength: 1, maxLength: 4 }));
  fuzz(
    "DBC parser (then every message decoded from random payloads)",
    input,
    ([t, payloads]: [string, Uint8Array[]]) => {
      let db;
      try {
        db = parseDbc(t);
      } catch (e) {
        if (e instanceof DbcParseError && e.message.startsWith("line ")) return;
        throw e;
      }
      const decoder = new FrameDecoder([db]);
      for (const m of db.messages)
        for (const data of payloads) decoder.decode({ bus: "can0", tsUs: 0, tsNs: 0, id: m.id, flags: m.extended ? FrameFlag.EXT : 0, dlc: data.length, data });
    },
  );
}, 600_000);
