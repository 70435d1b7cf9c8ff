/**
 * The DBC decoder against cantools, the reference: its own test databases and the values its tests
 * expect (test/fixtures/cantools), and random signal layouts in both byte orders encoded by an
 * independent formula (cantools' big-integer one) and decoded back.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { parseDbc } from "../../src/decode/parseDbc.ts";
import { type DecodedMessage, MessageDecoder, type SignalValue } from "../../src/decode/MessageDecoder.ts";
import { type DbcSignal, DbcParseError } from "../../src/decode/Dbc.ts";
import { fixture } from "../helpers/cli.ts";

async function load(name: string) {
  const db = parseDbc(await Bun.file(fixture("cantools", "dbc", `${name}.dbc`)).text());
  return (message: string, data: number[]) => {
    const m = db.messages.find((x) => x.name === message);
    if (!m) throw new Error(`no message ${message} in ${name}.dbc`);
    return asCantools(new MessageDecoder(m).decode(new Uint8Array(data)));
  };
}

/** As cantools' decode returns it (decode_choices=True): a value table's name in place of the value. */
const asCantools = (d: DecodedMessage) => ({ ...Object.fromEntries(d.values), ...Object.fromEntries(d.choices) });

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

  test("motohawk, truncated: the signals the two bytes hold, and no others", async () => {
    const decode = await load("motohawk");
    expect(decode("ExampleMessage", bytes("0011"))).toEqual({ AverageRadius: 0, Enable: "Disabled" });
  });

  test("signed: two's complement at 3 to 64 bits, both byte orders", async () => {
    const decode = await load("signed");
    expect(decode("Message64", bytes("fbffffffffffffff"))).toEqual({ s64: -5 });
    expect(decode("Message33", bytes("fbffffff01000000"))).toEqual({ s33: -5 });
    expect(decode("Message32", bytes("fbffffff00000000"))).toEqual({ s32: -5 });
    expect(decode("Message64big", bytes("fffffffffffffffb"))).toEqual({ s64big: -5 });
    expect(decode("Message33big", bytes("fffffffd80000000"))).toEqual({ s33big: -5 });
    expect(decode("Message32big", bytes("fffffffb00000000"))).toEqual({ s32big: -5 });
    expect(decode("Message378910", bytes("b0b44a55870181f7"))).toEqual({ s7: -40, s8big: 0x5a, s9: 0xa5, s8: -43, s3big: -4, s3: 1, s10big: -253, s7big: -9 });
  });

  test("floating_point: IEEE double and single (SIG_VALTYPE_ 2 and 1)", async () => {
    const decode = await load("floating_point");
    expect(decode("Message1", bytes("75931804562e60c0"))).toEqual({ Signal1: -129.448 });
    expect(decode("Message2", bytes("0080014324b29649"))).toEqual({ Signal1: 129.5, Signal2: 1234500.5 });
  });

  test("padding_bit_order: big- and little-endian neighbours in one byte, 64-bit values past 2^53", async () => {
    const decode = await load("padding_bit_order");
    expect(decode("MSG0", bytes("82c9000002c90000"))).toEqual({ B: 1, A: 0x2c9, D: 0, C: 0x2c9 });
    expect(decode("MSG1", bytes("9305000092050000"))).toEqual({ E: 1, F: 0x2c9, G: 0, H: 0x2c9 });
    expect(decode("MSG2", bytes("2103000000000000"))).toEqual({ I: 1, J: 2, K: 3 });
    expect(decode("MSG3", bytes("0123456789abcdef"))).toEqual({ L: 0x0123456789abcdefn });
    expect(decode("MSG4", bytes("efcdab8967452301"))).toEqual({ M: 0x0123456789abcdefn });
  });

  test("multiplex_2, Extended: cascaded multiplexers, the vectors of cantools' test_multiplex_extended", async () => {
    // cantools builds that message in code; multiplex_2.dbc's Extended message has the same layout
    // (signed, but every value here is positive).
    const decode = await load("multiplex_2");
    expect(decode("Extended", bytes("2010270001210000"))).toEqual({ S0: 0, S1: 2, S4: 10000, S6: 1, S7: 33 });
    expect(decode("Extended", bytes("0064881302160000"))).toEqual({ S0: 0, S1: 0, S2: 100, S3: 5000, S6: 2, S8: 22 });
    expect(decode("Extended", bytes("3100000001040300"))).toEqual({ S0: 1, S5: 3, S6: 1, S7: 772 });
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

/**
 * cantools states these files' multiplexing as signal trees (which signals each multiplexer value
 * brings in); here each branch of the tree is a payload, and the signals decoded are the branch.
 */
describe("cantools' signal trees, as the signals present for each multiplexer value", () => {
  async function present(file: string, message: string) {
    const decode = await load(file);
    return (hex: string) => Object.keys(decode(message, bytes(hex))).sort();
  }

  test("multiplex_2, Shared: one signal under several values (S1 at 1 and 3, S2 at 2-5)", async () => {
    const tree = await present("multiplex_2", "Shared");
    expect(tree("0000000000000000")).toEqual(["S0"]);
    expect(tree("0100000000000000")).toEqual(["S0", "S1"]);
    expect(tree("0200000000000000")).toEqual(["S0", "S2"]);
    expect(tree("0300000000000000")).toEqual(["S0", "S1", "S2"]);
    expect(tree("0400000000000000")).toEqual(["S0", "S2"]);
    expect(tree("0500000000000000")).toEqual(["S0", "S2"]);
  });

  test("multiplex_2, Normal and ExtendedTypes (a cascade under an unsigned multiplexer, float leaves)", async () => {
    const normal = await present("multiplex_2", "Normal");
    expect(normal("0000000000000000")).toEqual(["S0", "S1"]);
    expect(normal("0100000000000000")).toEqual(["S0", "S2"]);
    const types = await present("multiplex_2", "ExtendedTypes");
    expect(types("0300000000000000")).toEqual(["S0", "S10", "S11"]);
    expect(types("0301000000000000")).toEqual(["S0", "S11"]);
    expect(types("0500000000000000")).toEqual(["S11", "S9"]);
    const decode = await load("multiplex_2");
    expect(decode("ExtendedTypes", [3, 0, ...bytes("0000c03f")])).toEqual({ S11: 3, S0: 0, S10: 1.5 });
  });

  test("issue_184: one signal under values 0 and 3-5", async () => {
    const tree = await present("issue_184_extended_mux_multiple_values", "ext_MUX_multiple_values");
    for (const v of [0, 3, 4, 5]) expect(tree(`0${v}07000000000000`)).toEqual(["MUX", "muxed_0_3_4_5"]);
    expect(tree("0107000000000000")).toEqual(["MUX", "muxed_1"]);
    expect(tree("0207000000000000")).toEqual(["MUX", "muxed_2"]);
  });

  test("issue_184: two independent multiplexers in one message", async () => {
    const tree = await present("issue_184_extended_mux_independent_multiplexors", "ext_MUX_indep_multiplexors");
    expect(tree("0000010000000000")).toEqual(["MUX_A", "MUX_B", "muxed_A_0", "muxed_B_1"]);
    expect(tree("0100020000000000")).toEqual(["MUX_A", "MUX_B", "muxed_A_1", "muxed_B_2"]);
    expect(tree("0100000000000000")).toEqual(["MUX_A", "MUX_B", "muxed_A_1"]);
  });

  test("issue_184: a multiplexer that is itself multiplexed (m2M)", async () => {
    const tree = await present("issue_184_extended_mux_cascaded", "ext_MUX_cascaded");
    expect(tree("0100000000000000")).toEqual(["MUX_A", "muxed_A_1"]);
    expect(tree("0200000000000000")).toEqual(["MUX_A", "muxed_A_2_MUX_B", "muxed_B_0"]);
    expect(tree("0201000000000000")).toEqual(["MUX_A", "muxed_A_2_MUX_B", "muxed_B_1"]);
  });
});

describe("cantools' database facts that decoding depends on", () => {
  const database = async (name: string) => parseDbc(await Bun.file(fixture("cantools", "dbc", `${name}.dbc`)).text());

  test("fd_test: VFrameFormat makes a message CAN FD (test_fd_detection), independent of its id's width", async () => {
    const db = await database("fd_test");
    const flags = Object.fromEntries(db.messages.map((m) => [m.name, [m.fd, m.extended]]));
    expect(flags).toEqual({ TestMsg_FDEx: [true, true], TestMsg_FDStd: [true, false], TestMsg_Std: [false, false], TestMsg_Ex: [false, true] });
  });

  test("j1939: a 29-bit id (0x15340201), its signal decodes", async () => {
    const db = await database("j1939");
    expect(db.messages.map((m) => [m.name, m.id, m.extended])).toEqual([
      ["Message1", 0x15340201, true],
      ["Message2", 2515537922 - 0x80000000, true],
    ]);
    expect(Object.fromEntries(new MessageDecoder(db.messages[0]!).decode(new Uint8Array([0xfe, 0, 0, 0, 0, 0, 0, 0])).values)).toEqual({ Signal1: -2 });
  });

  test("big_numbers: attribute limits past 2^63 parse, and the messages around them are intact", async () => {
    const db = await database("big_numbers");
    expect(db.messages.map((m) => [m.name, m.id, m.extended, m.signals.map((s) => s.name)])).toEqual([
      ["TheMessage", 0x39, true, ["TheSignal"]],
      ["TheOtherMessage", 42, false, ["TheSignal"]],
    ]);
  });
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

/** A signal of `length` bits at a random place in a payload of 8, 16 or 64 bytes, and raw bits for it. */
const layoutOf = (length: fc.Arbitrary<number>) =>
  fc.record({ order: fc.constantFrom("little_endian" as const, "big_endian" as const), length, signed: fc.boolean(), bytes: fc.constantFrom(8, 16, 64) }).chain((l) => {
    const bits = l.bytes * 8;
    // Start positions that keep the signal inside the payload, in each order's numbering.
    const start =
      l.order === "little_endian"
        ? fc.integer({ min: 0, max: bits - l.length })
        : fc.integer({ min: 0, max: bits - l.length }).map((msbFromTop) => 8 * Math.floor(msbFromTop / 8) + (7 - (msbFromTop % 8)));
    return fc.tuple(fc.constant(l), start, fc.bigInt({ min: 0n, max: (1n << BigInt(l.length)) - 1n }));
  });

const decodeOne = (signal: DbcSignal, data: Uint8Array, bytes: number) =>
  new MessageDecoder({ id: 1, extended: false, fd: false, name: "M", length: bytes, signals: [signal] }).decode(data).values.get("S") as SignalValue;

const signalAt = (l: { order: DbcSignal["byteOrder"]; length: number; signed: boolean }, startBit: number, valueType: DbcSignal["valueType"]): DbcSignal => ({
  name: "S",
  startBit,
  length: l.length,
  byteOrder: l.order,
  signed: l.signed,
  valueType,
  scale: 1,
  offset: 0,
  minimum: 0,
  maximum: 0,
  unit: "",
  isMultiplexer: false,
});

test("random integer layouts in both byte orders decode to what was encoded", () => {
  fc.assert(
    fc.property(layoutOf(fc.integer({ min: 1, max: 64 })), ([l, startBit, raw]) => {
      const signal = signalAt(l, startBit, "int");
      let want = raw;
      if (l.signed && raw >= 1n << BigInt(l.length - 1)) want -= 1n << BigInt(l.length);
      expect(BigInt(decodeOne(signal, encode(signal, raw, l.bytes), l.bytes) as number | bigint)).toBe(want);
    }),
    { numRuns: 3000 },
  );
});

test("random IEEE float and double bit patterns in both byte orders decode to the value those bits hold", () => {
  const view = new DataView(new ArrayBuffer(8));
  fc.assert(
    fc.property(layoutOf(fc.constantFrom(32, 64)), ([l, startBit, raw]) => {
      const signal = signalAt(l, startBit, l.length === 32 ? "float32" : "float64");
      if (l.length === 32) view.setUint32(0, Number(raw));
      else view.setBigUint64(0, raw);
      const want = l.length === 32 ? view.getFloat32(0) : view.getFloat64(0);
      expect(decodeOne(signal, encode(signal, raw, l.bytes), l.bytes)).toBe(want);
    }),
    { numRuns: 3000 },
  );
});
