/**
 * Decodes a message's signals from a frame's payload, the way cantools does. Each signal's bit layout
 * is worked out once, when the decoder is built, into byte segments; decoding then reads those bytes
 * with plain arithmetic (exact to 53 bits), or BigInt for wider integers and doubles.
 */
import type { DbcMessage, DbcSignal } from "./Dbc.ts";

/** A decoded (scaled) value: a number, or a BigInt for an unscaled integer past 2^53. */
export type SignalValue = number | bigint;

export interface DecodedMessage {
  /** Signal values by name, multiplexers first, in DBC order otherwise. */
  values: Map<string, SignalValue>;
  /** The VAL_ name of a signal's raw value, for the signals whose value has one. */
  choices: Map<string, string>;
  /** Signals the payload was too short to hold (cantools' allow_truncated). */
  missing: string[];
}

/** Bits `width` wide at `lowBit` of payload byte `byte`, landing at bit `shift` of the raw value. */
interface Segment {
  byte: number;
  lowBit: number;
  mask: number;
  shift: number;
  scale: number;
}

interface CompiledSignal {
  signal: DbcSignal;
  segments: Segment[];
  /** Bytes the payload needs for this signal. */
  needBytes: number;
  wide: boolean;
  choices?: Map<number, string>;
}

/** The message bit that holds each of the signal's bits, LSB first. */
function bitPositions(s: DbcSignal): number[] {
  if (s.byteOrder === "little_endian") return Array.from({ length: s.length }, (_, j) => s.startBit + j);
  // Big endian (Motorola): the start bit is the MSB in sawtooth numbering; walk towards the LSB.
  const fromMsb: number[] = [];
  let p = s.startBit;
  for (let k = 0; k < s.length; k++) {
    fromMsb.push(p);
    p = p % 8 === 0 ? p + 15 : p - 1;
  }
  return fromMsb.reverse();
}

function compileSignal(signal: DbcSignal): CompiledSignal {
  const segments: Segment[] = [];
  bitPositions(signal).forEach((pos, j) => {
    const byte = pos >> 3;
    const bit = pos & 7;
    const last = segments.at(-1);
    const width = last ? Math.log2(last.mask + 1) : 0;
    if (last && last.byte === byte && last.lowBit + width === bit) last.mask = last.mask * 2 + 1;
    else segments.push({ byte, lowBit: bit, mask: 1, shift: j, scale: 2 ** j });
  });
  const needBytes = Math.max(...segments.map((s) => s.byte)) + 1;
  return { signal, segments, needBytes, wide: signal.length > 52 || signal.valueType === "float64", choices: signal.choices };
}

function rawNumber(c: CompiledSignal, data: Uint8Array): number {
  let v = 0;
  for (const s of c.segments) v += ((data[s.byte]! >> s.lowBit) & s.mask) * s.scale;
  return v;
}

function rawBigInt(c: CompiledSignal, data: Uint8Array): bigint {
  let v = 0n;
  for (const s of c.segments) v |= BigInt((data[s.byte]! >> s.lowBit) & s.mask) << BigInt(s.shift);
  return v;
}

/** A signal of up to 52 bits as the integer it holds, sign applied. */
function integerOf(c: CompiledSignal, data: Uint8Array): number {
  const n = rawNumber(c, data);
  return c.signal.signed && n >= 2 ** (c.signal.length - 1) ? n - 2 ** c.signal.length : n;
}

const f32 = new DataView(new ArrayBuffer(8));

/** The signal's raw value: the integer on the bus (sign applied), or the IEEE value it holds. */
function rawOf(c: CompiledSignal, data: Uint8Array): number | bigint {
  const s = c.signal;
  if (s.valueType === "float32") {
    f32.setUint32(0, rawNumber(c, data));
    return f32.getFloat32(0);
  }
  if (s.valueType === "float64") {
    f32.setBigUint64(0, rawBigInt(c, data));
    return f32.getFloat64(0);
  }
  if (!c.wide) return integerOf(c, data);
  let b = rawBigInt(c, data);
  if (s.signed && b >= 1n << BigInt(s.length - 1)) b -= 1n << BigInt(s.length);
  return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
}

function physical(s: DbcSignal, raw: number | bigint): SignalValue {
  if (typeof raw === "bigint") {
    // Past 2^53 only an unscaled integer stays exact.
    return s.scale === 1 && s.offset === 0 ? raw : Number(raw) * s.scale + s.offset;
  }
  return s.scale === 1 && s.offset === 0 ? raw : raw * s.scale + s.offset;
}

/**
 * Multiplexers in an order where each comes after the multiplexer it depends on (cascaded extended
 * multiplexing). Multiplexers caught in a cycle go last: they never become present.
 */
function dependencyOrder(multiplexers: CompiledSignal[]): CompiledSignal[] {
  const ordered: CompiledSignal[] = [];
  let rest = multiplexers;
  while (rest.length) {
    const waiting = (c: CompiledSignal) => rest.some((r) => r !== c && r.signal.name === c.signal.mux?.multiplexer);
    const ready = rest.filter((c) => !waiting(c));
    if (!ready.length) return [...ordered, ...rest];
    ordered.push(...ready);
    rest = rest.filter((c) => waiting(c));
  }
  return ordered;
}

/** A message's decoder, built once per message when the database is loaded. */
export class MessageDecoder {
  /** Multiplexers first, each after its own multiplexer; then the other signals in DBC order. */
  private readonly signals: CompiledSignal[];

  constructor(readonly message: DbcMessage) {
    const compiled = message.signals.map(compileSignal);
    this.signals = [...dependencyOrder(compiled.filter((c) => c.signal.isMultiplexer)), ...compiled.filter((c) => !c.signal.isMultiplexer)];
  }

  decode(data: Uint8Array): DecodedMessage {
    const values = new Map<string, SignalValue>();
    const choices = new Map<string, string>();
    const raws = new Map<string, number>();
    const missing: string[] = [];
    for (const c of this.signals) {
      // A multiplexed signal is present when its multiplexer was decoded and holds one of its values.
      const m = c.signal.mux;
      if (m) {
        const v = raws.get(m.multiplexer);
        if (v === undefined || !m.ranges.some(([lo, hi]) => v >= lo && v <= hi)) continue;
      }
      if (c.needBytes > data.length) {
        missing.push(c.signal.name);
        continue;
      }
      const raw = rawOf(c, data);
      // cantools compares a multiplexer's signed, unscaled value with the mN / SG_MUL_VAL_ ids (a
      // float or wider-than-52-bit multiplexer is read again as the integer its bits hold).
      if (c.signal.isMultiplexer) raws.set(c.signal.name, typeof raw === "number" && c.signal.valueType === "int" ? raw : integerOf(c, data));
      values.set(c.signal.name, physical(c.signal, raw));
      // Value tables name raw integers (cantools looks them up before scaling).
      if (c.choices && typeof raw === "number" && c.signal.valueType === "int") {
        const name = c.choices.get(raw);
        if (name !== undefined) choices.set(c.signal.name, name);
      }
    }
    return { values, choices, missing };
  }
}
