/**
 * A DBC parser for decoding: messages (BO_), signals (SG_, with simple and extended multiplexing),
 * value tables per signal (VAL_), float signals (SIG_VALTYPE_), extended multiplexing ranges
 * (SG_MUL_VAL_) and the one attribute that changes what a message is, VFrameFormat (CAN FD or not).
 * Everything else (nodes, comments, other attributes, environment variables) is read past.
 * Pure: text in, database out, or a DbcParseError naming the line.
 */
import { type DbcDatabase, type DbcMessage, type DbcSignal, DbcParseError, type ValueType } from "./Dbc.ts";

type Token = { kind: "word" | "number" | "string" | "punct"; text: string; line: number };

/** Whitespace and // comments, then one token: a string, a number, a word, or one other character. */
const TOKEN = /((?:\s|\/\/[^\n]*)*)(?:("(?:[^"\\]|\\.)*")|([+-]?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|([^\sA-Za-z0-9_"]))/y;

const newlines = (s: string) => {
  let n = 0;
  for (let i = s.indexOf("\n"); i >= 0; i = s.indexOf("\n", i + 1)) n++;
  return n;
};

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  TOKEN.lastIndex = 0;
  let end = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    end = TOKEN.lastIndex;
    const [, space, str, num, word, punct] = m;
    line += newlines(space!);
    if (str !== undefined) tokens.push({ kind: "string", text: str.slice(1, -1).replace(/\\(.)/g, "$1"), line });
    else if (num !== undefined) tokens.push({ kind: "number", text: num, line });
    else if (word !== undefined) tokens.push({ kind: "word", text: word, line });
    else tokens.push({ kind: "punct", text: punct!, line });
    if (str !== undefined) line += newlines(str);
  }
  if (text.slice(end).trim()) throw new DbcParseError(line + newlines(text.slice(end, end + text.slice(end).search(/\S/))), "a quote without its closing quote");
  return tokens;
}

/** Keywords that start a statement; anything else at a statement's start is an error. */
const KEYWORDS = new Set(
  "VERSION NS_ BS_ BU_ VAL_TABLE_ BO_ SG_ BO_TX_BU_ EV_ ENVVAR_DATA_ SGTYPE_ CM_ BA_DEF_ BA_DEF_DEF_ BA_ VAL_ CAT_DEF_ CAT_ FILTER BA_DEF_SGTYPE_ SIG_GROUP_ SIG_VALTYPE_ SIGTYPE_VALTYPE_ SG_MUL_VAL_ BA_DEF_REL_ BA_REL_ BA_DEF_DEF_REL_ BU_SG_REL_ BU_EV_REL_ BU_BO_REL_ SGTYPE_VAL_ NS_DESC_".split(
    " ",
  ),
);

class Cursor {
  i = 0;
  constructor(readonly t: Token[]) {}
  get done(): boolean {
    return this.i >= this.t.length;
  }
  peek(): Token | undefined {
    return this.t[this.i];
  }
  next(what: string): Token {
    const tok = this.t[this.i++];
    if (!tok) throw new DbcParseError(this.t.at(-1)?.line ?? 1, `unexpected end of file, expected ${what}`);
    return tok;
  }
  expect(text: string): void {
    const tok = this.next(`'${text}'`);
    if (tok.text !== text) throw new DbcParseError(tok.line, `expected '${text}', found '${tok.text}'`);
  }
  number(what: string): number {
    const tok = this.next(what);
    const n = Number(tok.text);
    if (tok.kind !== "number" || !Number.isFinite(n)) throw new DbcParseError(tok.line, `expected ${what} (a number), found '${tok.text}'`);
    return n;
  }
  /** `open a sep b close`, e.g. `(scale,offset)` or `[min|max]`. */
  pair(open: string, sep: string, close: string, a: string, b: string): [number, number] {
    this.expect(open);
    const x = this.number(a);
    this.expect(sep);
    const y = this.number(b);
    this.expect(close);
    return [x, y];
  }
  word(what: string): string {
    const tok = this.next(what);
    if (tok.kind !== "word") throw new DbcParseError(tok.line, `expected ${what}, found '${tok.text}'`);
    return tok.text;
  }
  /** Skips to just after the next ';', or to the next statement keyword (statements without one). */
  skipStatement(): void {
    while (!this.done) {
      const tok = this.t[this.i]!;
      if (tok.kind === "punct" && tok.text === ";") {
        this.i++;
        return;
      }
      if (tok.kind === "word" && KEYWORDS.has(tok.text) && this.startsLine(this.i)) return;
      this.i++;
    }
  }
  startsLine(i: number): boolean {
    return i === 0 || this.t[i - 1]!.line !== this.t[i]!.line;
  }
}

const EXTENDED_BIT = 0x80000000;

export function parseDbc(text: string): DbcDatabase {
  const c = new Cursor(tokenize(text));
  const messages = new Map<number, DbcMessage>();
  const byKey = (rawId: number) => messages.get(rawId);
  let current: { raw: number; message: DbcMessage } | undefined;
  const valueTypes: [number, string, ValueType][] = [];
  const choiceLists: [number, string, Map<number, string>][] = [];
  const muxRanges: [number, string, string, [number, number][]][] = [];
  const frameFormat = new FrameFormat();

  while (!c.done) {
    const tok = c.next("a statement");
    if (tok.kind !== "word") throw new DbcParseError(tok.line, `expected a keyword, found '${tok.text}'`);
    switch (tok.text) {
      case "NS_":
        // The symbol list names keywords; it ends at the bit-timing, node or first message section
        // (never listed in it), which some files leave out.
        while (!c.done && !["BS_", "BU_", "BO_"].includes(c.peek()!.text)) c.i++;
        break;
      case "BO_": {
        const raw = c.number("a message id");
        const name = c.word("a message name");
        c.expect(":");
        const length = c.number("a message length");
        c.word("a sender");
        const message: DbcMessage = { id: raw >= EXTENDED_BIT ? raw - EXTENDED_BIT : raw, extended: raw >= EXTENDED_BIT, fd: false, name, length, signals: [] };
        messages.set(raw, message);
        current = { raw, message };
        break;
      }
      case "SG_": {
        if (!current) throw new DbcParseError(tok.line, "a signal (SG_) before any message (BO_)");
        current.message.signals.push(parseSignal(c, tok.line));
        break;
      }
      case "VAL_": {
        const first = c.next("a message id");
        if (first.kind !== "number") {
          c.skipStatement(); // VAL_ of an environment variable
          break;
        }
        const name = c.word("a signal name");
        const choices = new Map<number, string>();
        while (c.peek()?.kind === "number") {
          const v = c.number("a value");
          const label = c.next("a value name");
          if (label.kind !== "string") throw new DbcParseError(label.line, `expected a quoted value name, found '${label.text}'`);
          choices.set(v, label.text);
        }
        c.expect(";");
        choiceLists.push([Number(first.text), name, choices]);
        break;
      }
      case "SIG_VALTYPE_": {
        const raw = c.number("a message id");
        const name = c.word("a signal name");
        if (c.peek()?.text === ":") c.i++;
        const kind = c.number("a value type");
        c.expect(";");
        if (kind === 1 || kind === 2) valueTypes.push([raw, name, kind === 1 ? "float32" : "float64"]);
        break;
      }
      case "SG_MUL_VAL_": {
        const raw = c.number("a message id");
        const name = c.word("a signal name");
        const multiplexer = c.word("a multiplexer name");
        const ranges: [number, number][] = [];
        // "3-5" reads as the numbers 3 and -5; ranges are separated by commas.
        while (c.peek()?.kind === "number") {
          const lo = c.number("a range start");
          const hi = -c.number("a range end");
          ranges.push([lo, hi]);
          if (c.peek()?.text === ",") c.i++;
        }
        c.expect(";");
        muxRanges.push([raw, name, multiplexer, ranges]);
        break;
      }
      case "BA_DEF_":
      case "BA_DEF_DEF_":
      case "BA_":
        frameFormat.read(tok.text, c);
        c.skipStatement();
        break;
      default:
        if (!KEYWORDS.has(tok.text)) throw new DbcParseError(tok.line, `unknown statement '${tok.text}'`);
        c.skipStatement();
    }
  }

  const signalOf = (raw: number, name: string, line: string) => {
    const s = byKey(raw)?.signals.find((x) => x.name === name);
    if (!s) throw new DbcParseError(0, `${line} names ${name} of message ${raw}, which is not defined`);
    return s;
  };
  for (const [raw, name, vt] of valueTypes) signalOf(raw, name, "SIG_VALTYPE_").valueType = vt;
  for (const [raw, name, choices] of choiceLists) if (byKey(raw)) signalOf(raw, name, "VAL_").choices = choices;
  for (const [raw, name, multiplexer, ranges] of muxRanges) signalOf(raw, name, "SG_MUL_VAL_").mux = { multiplexer, ranges };
  // Simple multiplexing (one M signal, mN signals) in the same terms as extended.
  for (const [raw, m] of messages) {
    m.fd = frameFormat.isFd(raw);
    const mainMux = m.signals.find((s) => s.isMultiplexer && !s.mux);
    for (const s of m.signals) if (s.mux && !s.mux.multiplexer) s.mux.multiplexer = mainMux?.name ?? "";
  }
  return { messages: [...messages.values()] };
}

/**
 * The VFrameFormat attribute: its ENUM labels (BA_DEF_ BO_), its default (BA_DEF_DEF_) and each
 * message's value (BA_). A message is CAN FD when its label ends in CAN_FD, as cantools reads it.
 */
class FrameFormat {
  private labels: string[] = [];
  private defaultLabel = "";
  private readonly values = new Map<number, number>();

  /** Reads a BA_DEF_, BA_DEF_DEF_ or BA_ statement's start if it is about VFrameFormat. */
  read(keyword: string, c: Cursor): void {
    const at = c.i;
    const t = (k: number) => c.t[at + k];
    if (keyword === "BA_DEF_" && t(0)?.text === "BO_" && t(1)?.text === "VFrameFormat" && t(2)?.text === "ENUM") {
      this.labels = [];
      for (let k = 3; t(k)?.kind === "string" || t(k)?.text === ","; k++) if (t(k)!.kind === "string") this.labels.push(t(k)!.text);
    } else if (keyword === "BA_DEF_DEF_" && t(0)?.text === "VFrameFormat" && t(1)?.kind === "string") {
      this.defaultLabel = t(1)!.text;
    } else if (keyword === "BA_" && t(0)?.text === "VFrameFormat" && t(1)?.text === "BO_" && t(2)?.kind === "number" && t(3)?.kind === "number") {
      this.values.set(Number(t(2)!.text), Number(t(3)!.text));
    }
  }

  isFd(rawId: number): boolean {
    const v = this.values.get(rawId);
    return (v === undefined ? this.defaultLabel : (this.labels[v] ?? "")).endsWith("CAN_FD");
  }
}

/** ` SG_ name [M|mN|mNM] : start|length@order sign (scale,offset) [min|max] "unit" receivers` */
function parseSignal(c: Cursor, line: number): DbcSignal {
  const name = c.word("a signal name");
  let isMultiplexer = false;
  let mux: DbcSignal["mux"];
  if (c.peek()?.text !== ":") {
    const tag = c.word("a multiplexer indicator (M or mN)");
    const m = /^(?:M|m(\d+)(M)?)$/.exec(tag);
    if (!m) throw new DbcParseError(line, `'${tag}' is not a multiplexer indicator (M, mN or mNM)`);
    isMultiplexer = tag === "M" || m[2] === "M";
    // The multiplexer's name is filled in once all signals are known (or by SG_MUL_VAL_).
    if (m[1] !== undefined) mux = { multiplexer: "", ranges: [[Number(m[1]), Number(m[1])]] };
  }
  c.expect(":");
  const startBit = c.number("a start bit");
  c.expect("|");
  const length = c.number("a length");
  c.expect("@");
  const order = c.number("a byte order (0 or 1)");
  const sign = c.next("'+' or '-'").text;
  if ((order !== 0 && order !== 1) || (sign !== "+" && sign !== "-")) throw new DbcParseError(line, `'@${order}${sign}' is not a byte order and sign`);
  const [scale, offset] = c.pair("(", ",", ")", "a scale", "an offset");
  const [minimum, maximum] = c.pair("[", "|", "]", "a minimum", "a maximum");
  const unit = c.next("a unit");
  if (unit.kind !== "string") throw new DbcParseError(unit.line, `expected a quoted unit, found '${unit.text}'`);
  // Receivers: the rest of the line.
  while (!c.done && c.peek()!.line === unit.line) c.i++;
  if (length < 1 || length > 512 || startBit < 0 || startBit > 511) throw new DbcParseError(line, `signal ${name}: start bit ${startBit}, length ${length} out of range`);
  return {
    name,
    startBit,
    length,
    byteOrder: order === 1 ? "little_endian" : "big_endian",
    signed: sign === "-",
    valueType: "int",
    scale,
    offset,
    minimum,
    maximum,
    unit: unit.text,
    isMultiplexer,
    mux,
  };
}
