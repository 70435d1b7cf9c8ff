/**
 * The DBC decoder against cantools, the reference: its own test databases and the values its tests
 * expect (test/fixtures/cantools), and random signal layouts in both byte orders encoded by an
 * independent formula (cantools' big-integer one) and decoded back.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { parseDbc } from "../../src/decode/parseDbc.ts";
import { MessageDecoder, type SignalValue } from "../../src/decode/MessageDecoder.ts";
import { type DbcSignal, DbcParseError } from "../../src/decode/Dbc.ts";
import { fixture } from "../helpers/cli.ts";

async function load(name: string) {
  const db = parseDbc(await Bun.file(fixture("cantools", "dbc", `${name}.dbc`)).text());
  return (message: string, data: number[]) => {
    const m = db.messages.find((x) => x.name === message);
    if (!m) throw new Error(`no message ${message} in ${name}.dbc`);
    return Object.fromEntries(new MessageDecoder(m).decode(new Uint8Array(data)).values);
  };
}

const bytes = (hex: string) => [...Buffer.from(hex.replace(/\s+/g, ""), "hex")];

describe("cantools' expected values", () => {
  test("motohawk: big-endian signals, scale and offset, a value table", async () => {
    const decode = await load("motohawk");
    expect(decode("ExampleMessage", bytes("c006e00000000000"))).toEqual({ Temperature: 250.55, AverageRadius: 3.2, Enable: "Enabled" });
    // 229.53 is a negative raw value.
    expect(decode("ExampleMessage", bytes("0100200000000000"))).toEqual({ Temperature: 229.53, AverageRadius: 0, Enable: "Disabled" });
  });

  test("foobar: big-endian float32, 12-bit signed little-endian, 64-bit integers past 2^53 (CAN FD)", async () => {
    const decode = await load("foobar");
    expect(decode("Foo", bytes("0000000000000000"))).toEqual({ Foo: 250, Bar: 0 });
    expect(decode("Fum", bytes("0950000000"))).toEqual({ Fum: 9, Fam: 5 });
    expect(decode("Bar", bytes("0000803f"))).toEqual({ Binary32: 1 });
    const canFd = decode("CanFd", [...bytes("efcdab8967452301efbeaddeefbeadde"), ...new Array(48).fill(0)]);
    expect(canFd).toEqual({ Fie: 0x123456789abcdefn, Fas: 0xdeadbeefdeadbeefn });
  });

  test("multiplex: a multiplexor, and signals present for several of its values (SG_MUL_VAL_)", async () => {
    const decode = await load("multiplex");
    expect(decode("Message1", bytes("20008c0100000000"))).toEqual({ Multiplexor: 8, BIT_C: 1, BIT_G: 1, BIT_J: 1, BIT_L: 1 });
    expect(decode("Message1", bytes("40008c0100000000"))).toEqual({ Multiplexor: 16, BIT_C: 1, BIT_G: 1, BIT_J: 1, BIT_L: 1 });
    const all = { Multiplexor: 24, BIT_A: 1, BIT_B: 1, BIT_C: 1, BIT_D: 1, BIT_E: 1, BIT_F: 1, BIT_G: 1, BIT_H: 1, BIT_J: 1, BIT_K: 1, BIT_L: 1 };
    expect(decode("Message1", bytes("60008c35c3000000"))).toEqual(all);
  });

  test("socialledge: a multiplexer selecting between two sets of signals", async () => {
    const decode = await load("socialledge");
    expect(decode("SENSOR_SONARS", bytes("100014e001282003"))).toEqual({
      SENSOR_SONARS_mux: 0,
      SENSOR_SONARS_err_count: 1,
      SENSOR_SONARS_left: 2,
      SENSOR_SONARS_middle: 3,
      SENSOR_SONARS_right: 4,
      SENSOR_SONARS_rear: 5,
    });
    expect(decode("SENSOR_SONARS", bytes("21001e800232c003"))).toEqual({
      SENSOR_SONARS_mux: 1,
      SENSOR_SONARS_err_count: 2,
      SENSOR_SONARS_no_filt_left: 3,
      SENSOR_SONARS_no_filt_middle: 4,
      SENSOR_SONARS_no_filt_right: 5,
      SENSOR_SONARS_no_filt_rear: 6,
    });
  });

  test("a short payload decodes what is there and names the rest (cantools' allow_truncated)", async () => {
    const db = parseDbc(await Bun.file(fixture("cantools", "dbc", "multiplex.dbc")).text());
    const decoder = new MessageDecoder(db.messages[0]!);
    const full = bytes("60008c35c3000000");
    expect(Object.fromEntries(decoder.decode(new Uint8Array(full.slice(0, 7))).values)).toEqual(Object.fromEntries(decoder.decode(new Uint8Array(full)).values));
    const four = decoder.decode(new Uint8Array(full.slice(0, 4)));
    expect(Object.fromEntries(four.values)).toEqual({ Multiplexor: 24, BIT_J: 1, BIT_C: 1, BIT_G: 1, BIT_L: 1, BIT_A: 1, BIT_K: 1, BIT_E: 1 });
    expect(four.missing.sort()).toEqual(["BIT_B", "BIT_D", "BIT_F", "BIT_H"]);
    const none = decoder.decode(new Uint8Array(0));
    expect(none.values.size).toBe(0);
    expect(none.missing).toEqual(["Multiplexor"]);
  });
});

test("a real, reverse-engineered database: the Kona EV P-CAN DBC (no BS_ section, 64-byte message)", async () => {
  const db = parseDbc(await Bun.file(fixture("kona-ev-dbc", "pcan.dbc")).text());
  const signals = db.messages.flatMap((m) => m.signals);
  // The counts its SOURCES entry gives: 107 messages, 445 signals, 82 Motorola, 17 signed, 21 value tables.
  expect([db.messages.length, signals.length]).toEqual([107, 445]);
  expect(signals.filter((s) => s.byteOrder === "big_endian").length).toBe(82);
  expect(signals.filter((s) => s.signed).length).toBe(17);
  expect(signals.filter((s) => s.choices).length).toBe(21);
  expect(db.messages.find((m) => m.name === "FATC_5F5")?.length).toBe(64);
});

test("cascaded multiplexers: a multiplexer declared before the one it depends on still decodes", () => {
  const db = parseDbc(
    'BO_ 100 M: 3 N\n SG_ Inner m1M : 8|8@1+ (1,0) [0|0] "" N\n SG_ Outer M : 0|8@1+ (1,0) [0|0] "" N\n SG_ Leaf m2 : 16|8@1+ (1,0) [0|0] "" N\n' +
      "SG_MUL_VAL_ 100 Inner Outer 1-1;\nSG_MUL_VAL_ 100 Leaf Inner 2-2;\n",
  );
  const decoder = new MessageDecoder(db.messages[0]!);
  expect(Object.fromEntries(decoder.decode(new Uint8Array([1, 2, 42])).values)).toEqual({ Outer: 1, Inner: 2, Leaf: 42 });
  expect(Object.fromEntries(decoder.decode(new Uint8Array([1, 3, 42])).values)).toEqual({ Outer: 1, Inner: 3 });
  expect(Object.fromEntries(decoder.decode(new Uint8Array([0, 2, 42])).values)).toEqual({ Outer: 0 });
});

describe("parse errors", () => {
  test("name the line and what was expected", () => {
    expect(() => parseDbc('VERSION ""\nBO_ 1 M: 8 N\n SG_ S : 0|8@2+ (1,0) [0|0] "" N\n')).toThrow(new DbcParseError(3, "'@2+' is not a byte order and sign"));
    expect(() => parseDbc("BO_ 1 M 8 N\n")).toThrow(/line 1: expected ':'/);
    expect(() => parseDbc(' SG_ S : 0|8@1+ (1,0) [0|0] "" N\n')).toThrow(/line 1: a signal \(SG_\) before any message/);
    expect(() => parseDbc('BO_ 1 M: 8 N\n SG_ S : 0|8@1+ (1,0) [0|0] "unit N\n')).toThrow(/closing quote/);
  });
});

/** cantools' layout formula: the payload as one big-endian integer; a signal's shift within it. */
function encode(s: DbcSignal, raw: bigint, lengthBytes: number): Uint8Array {
  const total = BigInt(lengthBytes * 8);
  const mask = (1n << BigInt(s.length)) - 1n;
  let word = 0n;
  if (s.byteOrder === "little_endian") {
    word = (raw & mask) << BigInt(s.startBit);
    const out = new Uint8Array(lengthBytes);
    for (let i = 0; i < lengthBytes; i++) out[i] = Number((word >> BigInt(8 * i)) & 0xffn);
    return out;
  }
  const msb = 8 * Math.floor(s.startBit / 8) + (7 - (s.startBit % 8));
  word = (raw & mask) << (total - BigInt(msb + s.length));
  const out = new Uint8Array(lengthBytes);
  for (let i = 0; i < lengthBytes; i++) out[i] = Number((word >> (total - BigInt(8 * (i + 1)))) & 0xffn);
  return out;
}

const layout = fc
  .record({ order: fc.constantFrom("little_endian" as const, "big_endian" as const), length: fc.integer({ min: 1, max: 64 }), signed: fc.boolean(), bytes: fc.constantFrom(8, 16, 64) })
  .chain((l) => {
    const bits = l.bytes * 8;
    // Start positions that keep the signal inside the payload, in each order's numbering.
    const start =
      l.order === "little_endian"
        ? fc.integer({ min: 0, max: bits - l.length })
        : fc.integer({ min: 0, max: bits - l.length }).map((msbFromTop) => 8 * Math.floor(msbFromTop / 8) + (7 - (msbFromTop % 8)));
    return fc.tuple(fc.constant(l), start, fc.bigInt({ min: 0n, max: (1n << BigInt(l.length)) - 1n }));
  });

test("random layouts in both byte orders decode to what was encoded", () => {
  fc.assert(
    fc.property(layout, ([l, startBit, raw]) => {
      const signal: DbcSignal = { name: "S", startBit, length: l.length, byteOrder: l.order, signed: l.signed, valueType: "int", scale: 1, offset: 0, minimum: 0, maximum: 0, unit: "", isMultiplexer: false };
      const data = encode(signal, raw, l.bytes);
      const got = new MessageDecoder({ id: 1, extended: false, name: "M", length: l.bytes, signals: [signal] }).decode(data).values.get("S") as SignalValue;
      let want = raw;
      if (l.signed && raw >= 1n << BigInt(l.length - 1)) want -= 1n << BigInt(l.length);
      expect(BigInt(got as number | bigint)).toBe(want);
    }),
    { numRuns: 3000 },
  );
});
