/**
 * The signal sink's line format: each frame decoded with the DBC files of its bus, one JSON object per
 * signal value. Frames no DBC defines are counted, and written as raw frame lines when asked.
 *
 *   {"ts_us":…,"gateway":"…","bus":"…","message":"…","signal":"…","unit":"…","value":…,"choice":"…"}
 *
 * `value` is the scaled value; an integer past 2^53 is written with all its digits (valid JSON; read it
 * with a parser that keeps big integers), a float NaN or infinity as the string "NaN", "Infinity" or
 * "-Infinity". `choice` is there when the DBC's value table names the raw value.
 */
import type { ByteWriter } from "../codec/ByteWriter.ts";
import type { CanFrame } from "../frame/CanFrame.ts";
import type { DbcMessage } from "../decode/Dbc.ts";
import type { BusDecoders } from "../decode/BusDecoders.ts";
import type { SignalValue } from "../decode/MessageDecoder.ts";
import type { ChunkDelivery } from "./FrameSink.ts";
import type { LineFormat } from "./PartitionedFileSink.ts";
import { NDJSON_LINES } from "./formats.ts";

export type SignalCounts = {
  /** Frames decoded with a message definition. */
  decoded_frames: number;
  /** Frames no DBC of their bus defines (error and remote frames included). */
  undefined_frames: number;
  /** Decoded frames shorter than their message: the signals past the payload are left out. */
  truncated_frames: number;
  signals: number;
};

const utf8 = new TextEncoder();

function valueText(v: SignalValue): string {
  if (typeof v === "bigint" || Number.isFinite(v)) return String(v);
  return `"${String(v)}"`;
}

export class SignalLines implements LineFormat {
  readonly kind = "signals";
  readonly ext = "ndjson";
  private readonly c: SignalCounts = { decoded_frames: 0, undefined_frames: 0, truncated_frames: 0, signals: 0 };
  /** `,"message":…,"signal":…,"unit":…,"value":` per signal of a message, built on first use. */
  private readonly fragments = new Map<DbcMessage, Map<string, Uint8Array>>();
  /** `,"choice":…` per value-table name (the DBC's names, so a bounded set). */
  private readonly choices = new Map<string, Uint8Array>();
  /** `,"gateway":…,"bus":…` per gateway and bus. */
  private readonly origins = new Map<string, Uint8Array>();

  constructor(
    private readonly decoders: BusDecoders,
    /** Write frames no DBC defines as raw frame lines (the ndjson sink's), rather than only count them. */
    private readonly rawUndefined: boolean,
  ) {}

  counts(): SignalCounts {
    return { ...this.c };
  }

  write(w: ByteWriter, f: CanFrame, d: ChunkDelivery): void {
    const decoded = this.decoders.for(f.bus)?.decode(f);
    if (!decoded) {
      this.c.undefined_frames++;
      if (this.rawUndefined) NDJSON_LINES.write(w, f, d);
      return;
    }
    this.c.decoded_frames++;
    if (decoded.missing.length) this.c.truncated_frames++;
    const fragments = this.fragmentsOf(decoded.message);
    const origin = this.originOf(d.gateway, f.bus);
    for (const [name, value] of decoded.values) {
      w.latin1(`{"ts_us":${f.tsUs}`);
      w.bytes(origin);
      w.bytes(fragments.get(name)!);
      w.latin1(valueText(value));
      const choice = decoded.choices.get(name);
      if (choice !== undefined) w.bytes(this.choiceOf(choice));
      w.latin1("}\n");
    }
    this.c.signals += decoded.values.size;
  }

  private fragmentsOf(m: DbcMessage): Map<string, Uint8Array> {
    let f = this.fragments.get(m);
    if (!f) {
      const message = JSON.stringify(m.name);
      f = new Map(m.signals.map((s) => [s.name, utf8.encode(`,"message":${message},"signal":${JSON.stringify(s.name)},"unit":${JSON.stringify(s.unit)},"value":`)]));
      this.fragments.set(m, f);
    }
    return f;
  }

  private choiceOf(name: string): Uint8Array {
    let c = this.choices.get(name);
    if (!c) this.choices.set(name, (c = utf8.encode(`,"choice":${JSON.stringify(name)}`)));
    return c;
  }

  private originOf(gateway: string, bus: string): Uint8Array {
    const key = `${gateway}\n${bus}`;
    let o = this.origins.get(key);
    if (!o) this.origins.set(key, (o = utf8.encode(`,"gateway":${JSON.stringify(gateway)},"bus":${JSON.stringify(bus)}`)));
    return o;
  }
}
