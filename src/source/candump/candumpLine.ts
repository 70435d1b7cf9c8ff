/**
 * The candump text formats as pure functions: parse one line, format one frame.
 *
 * Parsed: the log format that `candump -l` / `candump -L` write (`(ts) iface frame`, with 6 or 9
 * fractional digits, padded interface names, `#`, `##<flags>`, `R`, `_<rawdlc>`, error frames, a
 * trailing ` T`/` R`, `DROPCOUNT:` lines), and candump's screen format (`iface  123   [4]  01 02 03 04`,
 * with or without a relative, epoch or date timestamp), as cantools reads it.
 * Formatted: the log format, which canplayer accepts.
 */
import { type CanFrame, CAN_EFF_MASK, CAN_MAX_DLEN, CANFD_MAX_DLEN, CAN_SFF_MASK, FrameFlag } from "../../frame/CanFrame.ts";
import { ByteWriter } from "../../codec/ByteWriter.ts";

/** candump marks error frames with CAN_ERR_FLAG in an 8-digit id. */
const CAN_ERR_FLAG = 0x20000000;
/** CANFD_BRS, CANFD_ESI and CANFD_FDF as candump writes them in the nibble after `##`. */
const FD_NIBBLE_BRS = 0x1;
const FD_NIBBLE_ESI = 0x2;
const FD_NIBBLE_FDF = 0x4;

export type CandumpLine =
  /** `stamped` is false for screen-format lines without a timestamp: the reader supplies the time. */
  | { kind: "frame"; frame: CanFrame; stamped: boolean }
  /** A `DROPCOUNT:` line: frames the kernel dropped before candump could read them. */
  | { kind: "dropcount"; bus: string; dropped: number }
  /** Blank lines and `#` comments. */
  | { kind: "blank" }
  | { kind: "malformed"; reason: string };

const BLANK: CandumpLine = { kind: "blank" };

function malformed(reason: string): CandumpLine {
  return { kind: "malformed", reason };
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13;
}

interface Timestamp {
  tsUs: number;
  tsNs: number;
  ns: boolean;
  end: number;
}

const DATE_TS = /^\((\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{1,9})\)/;

/** Parses `(sec.frac)` or `(YYYY-MM-DD hh:mm:ss.frac)` starting at `i` (which holds `(`). */
function parseTimestamp(line: string, i: number): Timestamp | string {
  let j = i + 1;
  let sec = 0;
  const secStart = j;
  let c = line.charCodeAt(j);
  while (c >= 48 && c <= 57) {
    sec = sec * 10 + (c - 48);
    c = line.charCodeAt(++j);
  }
  let dateSeconds: number | undefined;
  if (c === 45 /* - */ && j - secStart === 4) {
    // candump -ta with a calendar date; the wall clock is taken as UTC.
    const m = DATE_TS.exec(line.slice(i));
    if (!m) return "bad date timestamp";
    dateSeconds = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) / 1000;
    j = i + m[0].length - 1 - m[7]!.length - 1;
    c = line.charCodeAt(j);
  } else if (j === secStart || j - secStart > 12) return "bad timestamp seconds";
  if (c !== 46 /* . */) return "timestamp needs a fractional part";
  let frac = 0;
  const fracStart = ++j;
  c = line.charCodeAt(j);
  while (c >= 48 && c <= 57) {
    frac = frac * 10 + (c - 48);
    c = line.charCodeAt(++j);
  }
  const digits = j - fracStart;
  if (digits === 0 || digits > 9) return "timestamp needs 1 to 9 fractional digits";
  if (c !== 41 /* ) */) return "unterminated timestamp";
  const nanos = frac * 10 ** (9 - digits);
  const s = dateSeconds ?? sec;
  return { tsUs: s * 1_000_000 + Math.floor(nanos / 1000), tsNs: nanos % 1000, ns: digits > 6, end: j + 1 };
}

function skipSpaces(line: string, i: number): number {
  while (i < line.length && isSpace(line.charCodeAt(i))) i++;
  return i;
}

function wordEnd(line: string, i: number): number {
  while (i < line.length && !isSpace(line.charCodeAt(i))) i++;
  return i;
}

/** Parses one line of candump output. Never throws. */
export function parseCandumpLine(line: string): CandumpLine {
  let i = skipSpaces(line, 0);
  if (i >= line.length || line.charCodeAt(i) === 35 /* # */) return BLANK;
  if (line.startsWith("DROPCOUNT:", i)) return parseDropcount(line.slice(i));
  let ts: Timestamp | undefined;
  if (line.charCodeAt(i) === 40 /* ( */) {
    const t = parseTimestamp(line, i);
    if (typeof t === "string") return malformed(t);
    ts = t;
    i = skipSpaces(line, t.end);
    if (i === t.end && i < line.length) return malformed("no space after the timestamp");
  }
  const busEnd = wordEnd(line, i);
  if (busEnd === i) return malformed("no interface name");
  if (busEnd - i > 255) return malformed("interface name too long");
  const bus = line.slice(i, busEnd);
  i = skipSpaces(line, busEnd);
  if (i >= line.length) return malformed("no frame after the interface name");
  const frameEnd = wordEnd(line, i);
  const hash = line.indexOf("#", i);
  const result =
    hash >= 0 && hash < frameEnd ? parseLogFrame(line, i, frameEnd, bus, ts) : parseScreenFrame(line, i, bus, ts);
  return result;
}

function parseDropcount(line: string): CandumpLine {
  const m = /^DROPCOUNT: dropped (\d+) CAN frames? on '([^']*)' socket/.exec(line);
  if (!m) return malformed("unrecognised DROPCOUNT line");
  return { kind: "dropcount", bus: m[2]!, dropped: Number(m[1]) };
}

function parseId(line: string, start: number, end: number): { id: number; flags: number } | string {
  const len = end - start;
  if (len !== 3 && len !== 8) return "id must have 3 or 8 hex digits";
  let v = 0;
  for (let k = start; k < end; k++) {
    const h = hexVal(line.charCodeAt(k));
    if (h < 0) return "id is not hex";
    v = v * 16 + h;
  }
  if (len === 3) return v > CAN_SFF_MASK ? "11-bit id above 7FF" : { id: v, flags: 0 };
  if (v & CAN_ERR_FLAG) {
    if (v > (CAN_ERR_FLAG | CAN_EFF_MASK)) return "error frame id out of range";
    return { id: v & CAN_EFF_MASK, flags: FrameFlag.ERR };
  }
  return v > CAN_EFF_MASK ? "29-bit id above 1FFFFFFF" : { id: v, flags: FrameFlag.EXT };
}

/** Reads hex byte pairs in [i, end), skipping `.` separators when allowed. */
function readHexBytes(line: string, i: number, end: number, max: number, dots: boolean): Uint8Array | string {
  const out = new Uint8Array(Math.min(max, (end - i) >> 1));
  let n = 0;
  while (i < end) {
    const c = line.charCodeAt(i);
    if (c === 46 && dots) {
      i++;
      continue;
    }
    if (n === max) return `more than ${max} data bytes`;
    const hi = hexVal(c);
    const lo = i + 1 < end ? hexVal(line.charCodeAt(i + 1)) : -1;
    if (hi < 0 || lo < 0) return "data is not whole hex bytes";
    out[n++] = (hi << 4) | lo;
    i += 2;
  }
  return n === out.length ? out : out.subarray(0, n);
}

function direction(line: string, i: number): number | string {
  i = skipSpaces(line, i);
  if (i >= line.length) return 0;
  const c = line.charCodeAt(i);
  if (skipSpaces(line, i + 1) === line.length) {
    if (c === 84 /* T */) return FrameFlag.DIR_TX;
    if (c === 82 /* R */) return FrameFlag.DIR_RX;
  }
  return "unexpected text after the frame";
}

function tsFields(ts: Timestamp | undefined): { tsUs: number; tsNs: number; flags: number } {
  if (!ts) return { tsUs: 0, tsNs: 0, flags: 0 };
  return { tsUs: ts.tsUs, tsNs: ts.tsNs, flags: ts.ns ? FrameFlag.TS_NS : 0 };
}

/** `123#11223344`, `12345678#R`, `123#R7`, `123#1122334455667788_E`, `123##5AABB`, `20000080#..`. */
function parseLogFrame(line: string, start: number, end: number, bus: string, ts: Timestamp | undefined): CandumpLine {
  const hash = line.indexOf("#", start);
  const idr = parseId(line, start, hash);
  if (typeof idr === "string") return malformed(idr);
  const t = tsFields(ts);
  let flags = idr.flags | t.flags;
  const dir = direction(line, end);
  if (typeof dir === "string") return malformed(dir);
  flags |= dir;
  let i = hash + 1;
  if (line.charCodeAt(i) === 35 /* ## : CAN FD */) {
    if (flags & FrameFlag.ERR) return malformed("error frames cannot be CAN FD");
    const nib = hexVal(line.charCodeAt(i + 1));
    if (nib < 0 || i + 1 >= end) return malformed("CAN FD frame needs a flags nibble after ##");
    if (nib & ~(FD_NIBBLE_BRS | FD_NIBBLE_ESI | FD_NIBBLE_FDF)) return malformed("unknown CAN FD flags");
    flags |= FrameFlag.FD;
    if (nib & FD_NIBBLE_BRS) flags |= FrameFlag.BRS;
    if (nib & FD_NIBBLE_ESI) flags |= FrameFlag.ESI;
    if (nib & FD_NIBBLE_FDF) flags |= FrameFlag.FDF;
    const data = readHexBytes(line, i + 2, end, CANFD_MAX_DLEN, true);
    if (typeof data === "string") return malformed(data);
    return { kind: "frame", stamped: ts !== undefined, frame: { bus, id: idr.id, flags, dlc: data.length, data, tsUs: t.tsUs, tsNs: t.tsNs } };
  }
  const c = line.charCodeAt(i);
  if (c === 82 || c === 114 /* R, r */) {
    if (flags & FrameFlag.ERR) return malformed("error frames cannot be RTR");
    flags |= FrameFlag.RTR;
    i++;
    let dlc = 0;
    if (i < end) {
      dlc = hexVal(line.charCodeAt(i++));
      if (dlc < 0 || dlc > CAN_MAX_DLEN) return malformed("RTR length must be a digit 0..8");
      if (i < end) {
        const raw = rawDlcSuffix(line, i, end, dlc);
        if (typeof raw === "string") return malformed(raw);
        dlc = raw;
      }
    }
    return { kind: "frame", stamped: ts !== undefined, frame: { bus, id: idr.id, flags, dlc, data: new Uint8Array(0), tsUs: t.tsUs, tsNs: t.tsNs } };
  }
  const us = line.indexOf("_", i);
  const dataEnd = us >= 0 && us < end ? us : end;
  const data = readHexBytes(line, i, dataEnd, CAN_MAX_DLEN, true);
  if (typeof data === "string") return malformed(data);
  let dlc = data.length;
  if (dataEnd < end) {
    const raw = rawDlcSuffix(line, dataEnd, end, dlc);
    if (typeof raw === "string") return malformed(raw);
    dlc = raw;
  }
  return { kind: "frame", stamped: ts !== undefined, frame: { bus, id: idr.id, flags, dlc, data, tsUs: t.tsUs, tsNs: t.tsNs } };
}

/** `_X` after 8 bytes (or `R8`): the raw classic DLC 9..F. */
function rawDlcSuffix(line: string, i: number, end: number, len: number): number | string {
  if (end - i !== 2 || line.charCodeAt(i) !== 95) return "bad raw DLC suffix (expected _9.._F)";
  if (len !== CAN_MAX_DLEN) return "a raw DLC needs 8 data bytes";
  const v = hexVal(line.charCodeAt(i + 1));
  if (v <= CAN_MAX_DLEN) return "raw DLC must be 9..F";
  return v;
}

/** candump's screen format: `123   [4]  01 02 03 04`, `123   [2]  remote request`. */
function parseScreenFrame(line: string, start: number, bus: string, ts: Timestamp | undefined): CandumpLine {
  const idEnd = wordEnd(line, start);
  const idr = parseId(line, start, idEnd);
  if (typeof idr === "string") return malformed(idr);
  let i = skipSpaces(line, idEnd);
  if (line.charCodeAt(i) !== 91 /* [ */) return malformed("expected [len] after the id");
  const close = line.indexOf("]", i);
  if (close < 0 || close - i > 3 || close === i + 1) return malformed("bad [len]");
  const len = Number(line.slice(i + 1, close));
  if (!Number.isInteger(len) || len < 0 || len > CANFD_MAX_DLEN) return malformed("bad [len]");
  i = skipSpaces(line, close + 1);
  const t = tsFields(ts);
  let flags = idr.flags | t.flags;
  if (line.startsWith("remote request", i)) {
    if (len > CAN_MAX_DLEN) return malformed("RTR length above 8");
    flags |= FrameFlag.RTR;
    return { kind: "frame", stamped: ts !== undefined, frame: { bus, id: idr.id, flags, dlc: len, data: new Uint8Array(0), tsUs: t.tsUs, tsNs: t.tsNs } };
  }
  const data = new Uint8Array(len);
  for (let k = 0; k < len; k++) {
    const hi = hexVal(line.charCodeAt(i));
    const lo = hexVal(line.charCodeAt(i + 1));
    if (hi < 0 || lo < 0) return malformed(`expected ${len} hex bytes`);
    data[k] = (hi << 4) | lo;
    i = skipSpaces(line, i + 2);
  }
  // Anything after the bytes is candump's ASCII column (-a) or error decoding (-e): not part of the frame.
  if (len > CAN_MAX_DLEN) flags |= FrameFlag.FD;
  return { kind: "frame", stamped: ts !== undefined, frame: { bus, id: idr.id, flags, dlc: len, data, tsUs: t.tsUs, tsNs: t.tsNs } };
}

/** ASCII codes of the upper-case hex digits. */
const HEX = Uint8Array.from("0123456789ABCDEF", (c) => c.charCodeAt(0));
const CH = { LP: 40, RP: 41, DOT: 46, SP: 32, HASH: 35, R: 82, T: 84, US: 95, NL: 10 } as const;
/** Encoded bus names: a handful of interfaces, formatted millions of times. */
const busBytes = new Map<string, Uint8Array>();
const encoder = new TextEncoder();

function hexId(w: ByteWriter, id: number, digits: number): void {
  const b = w.buf;
  for (let k = digits - 1; k >= 0; k--) b[w.pos++] = HEX[(id >>> (4 * k)) & 0xf]!;
}

/** Writes a non-negative integer in decimal, left-padded with zeros to `width`. */
function decimal(w: ByteWriter, v: number, width: number): void {
  let digits = 1;
  for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++;
  const n = Math.max(digits, width);
  const b = w.buf;
  let p = w.pos + n;
  w.pos = p;
  for (let k = 0; k < n; k++) {
    b[--p] = 48 + (v % 10);
    v = Math.floor(v / 10);
  }
}

/** Upper bound of one line's length, so writers ensure() once per frame. */
const MAX_LINE_WITHOUT_BUS = 2 + 20 + 10 + 1 + 1 + 8 + 3 + 128 + 5;

/**
 * Appends one `candump -l` line (can-utils' log format: timestamp, interface, snprint_canframe, then
 * ` T`/` R` when the source noted a direction) and a newline. The sinks write millions of these.
 */
export function writeCandumpLine(w: ByteWriter, f: CanFrame): void {
  let bus = busBytes.get(f.bus);
  if (!bus) busBytes.set(f.bus, (bus = encoder.encode(f.bus)));
  w.ensure(MAX_LINE_WITHOUT_BUS + bus.length);
  const b = w.buf;
  const sec = Math.floor(f.tsUs / 1_000_000);
  const us = f.tsUs - sec * 1_000_000;
  b[w.pos++] = CH.LP;
  decimal(w, sec, 1);
  b[w.pos++] = CH.DOT;
  if (f.flags & FrameFlag.TS_NS) decimal(w, us * 1000 + f.tsNs, 9);
  else decimal(w, us, 6);
  b[w.pos++] = CH.RP;
  b[w.pos++] = CH.SP;
  b.set(bus, w.pos);
  w.pos += bus.length;
  b[w.pos++] = CH.SP;
  writeFrame(w, f);
  if (f.flags & FrameFlag.DIR_TX) (b[w.pos++] = CH.SP), (b[w.pos++] = CH.T);
  else if (f.flags & FrameFlag.DIR_RX) (b[w.pos++] = CH.SP), (b[w.pos++] = CH.R);
  b[w.pos++] = CH.NL;
}

/** The frame part (`123#1122`), as can-utils' snprint_canframe writes it. */
function writeFrame(w: ByteWriter, f: CanFrame): void {
  const b = w.buf;
  if (f.flags & FrameFlag.ERR) hexId(w, (f.id | CAN_ERR_FLAG) >>> 0, 8);
  else if (f.flags & FrameFlag.EXT) hexId(w, f.id, 8);
  else hexId(w, f.id, 3);
  b[w.pos++] = CH.HASH;
  if (f.flags & FrameFlag.FD) {
    let nib = 0;
    if (f.flags & FrameFlag.BRS) nib |= FD_NIBBLE_BRS;
    if (f.flags & FrameFlag.ESI) nib |= FD_NIBBLE_ESI;
    if (f.flags & FrameFlag.FDF) nib |= FD_NIBBLE_FDF;
    b[w.pos++] = CH.HASH;
    b[w.pos++] = HEX[nib]!;
  } else if (f.flags & FrameFlag.RTR) {
    b[w.pos++] = CH.R;
    if (f.dlc > CAN_MAX_DLEN) (b[w.pos++] = HEX[8]!), (b[w.pos++] = CH.US), (b[w.pos++] = HEX[f.dlc]!);
    else if (f.dlc > 0) b[w.pos++] = HEX[f.dlc]!;
    return;
  }
  const d = f.data;
  for (let k = 0; k < d.length; k++) {
    b[w.pos++] = HEX[d[k]! >> 4]!;
    b[w.pos++] = HEX[d[k]! & 0xf]!;
  }
  if (!(f.flags & FrameFlag.FD) && f.dlc > CAN_MAX_DLEN) (b[w.pos++] = CH.US), (b[w.pos++] = HEX[f.dlc]!);
}

const lineWriter = new ByteWriter(512);

/** One `candump -l` line, without the newline. */
export function formatCandumpLine(f: CanFrame): string {
  lineWriter.reset();
  writeCandumpLine(lineWriter, f);
  const b = lineWriter.buf;
  return Buffer.from(b.buffer, b.byteOffset, lineWriter.pos - 1).toString("latin1");
}
