/** Turns a source spec from the command line or config into a source. */
import { existsSync } from "node:fs";
import { CandumpSource, type Pace } from "./CandumpSource.ts";
import { DEFAULT_GENERATOR, GeneratorSource, type GeneratorOptions } from "./GeneratorSource.ts";
import { loadSocketCan, SocketCanSource, type CanFilter } from "./SocketCanSource.ts";
import type { FrameSource } from "./FrameSource.ts";
import type { SourceProgress } from "../buffer/BufferStore.ts";

export class SourceSpecError extends Error {
  override readonly name = "SourceSpecError";
}

export const SOURCE_SPEC_HELP = `sources:
  candump:PATH        a candump log (-l / -L format, or candump's screen format)
  -                   candump lines on stdin, e.g. candump -L can0 | canferry ingest -
  socketcan:IFACE     live frames from SocketCAN; several as socketcan:can0,can1
  gen:KEY=VALUE,...   synthetic frames; keys: rate (frames/s, 0 = unpaced), count, buses (a+b),
                      ids (0x100-0x1ff), len (0-8), fd (share 0-1), fdlen, ext (share 0-1),
                      data (random|counter), seed`;

export interface SourceSettings {
  pace: Pace;
  loop: boolean;
  batchFrames: number;
  filters: CanFilter[];
  errorFrames: boolean;
  /** SocketCAN socket receive buffer, bytes (0: the kernel's default). */
  receiveBufferBytes: number;
  onMalformed?: (line: number, reason: string, text: string) => void;
  /** The buffer's record of a resumable source's progress. */
  progressOf?: (resumeKey: string) => SourceProgress | undefined;
  onInterfaceEvent?: (iface: string, event: "down" | "up", detail: string) => void;
  onReceiveBuffer?: (iface: string, requested: number, granted: number) => void;
}

export async function openSource(spec: string, s: SourceSettings): Promise<FrameSource> {
  if (spec === "-" || spec.startsWith("candump:")) {
    const path = spec === "-" ? "-" : spec.slice("candump:".length);
    if (path !== "-" && !existsSync(path)) throw new SourceSpecError(`candump log not found: ${path}`);
    if (path === "-" && s.loop) throw new SourceSpecError("--loop needs a file: stdin cannot be replayed");
    return new CandumpSource({ path, pace: s.pace, loop: s.loop, batchFrames: s.batchFrames, onMalformed: s.onMalformed, progressOf: s.progressOf });
  }
  if (spec.startsWith("socketcan:")) {
    const interfaces = spec.slice("socketcan:".length).split(",").filter(Boolean);
    if (interfaces.length === 0) throw new SourceSpecError("socketcan: needs an interface name, e.g. socketcan:can0");
    const src = new SocketCanSource(await loadSocketCan(), {
      interfaces,
      filters: s.filters,
      errorFrames: s.errorFrames,
      receiveBufferBytes: s.receiveBufferBytes,
      queueFrames: 1 << 20,
      reopenMs: 1000,
      onEvent: s.onInterfaceEvent,
      onReceiveBuffer: s.onReceiveBuffer,
    });
    src.start();
    return src;
  }
  if (spec.startsWith("gen:") || spec === "gen") return new GeneratorSource(parseGeneratorSpec(spec.slice(4)));
  const hint = existsSync(spec) ? ` (to read the file, write candump:${spec})` : "";
  throw new SourceSpecError(`unknown source '${spec}'${hint}\n${SOURCE_SPEC_HELP}`);
}

function num(key: string, v: string, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new SourceSpecError(`gen: ${key}=${v} must be a number from ${min} to ${max}`);
  return n;
}

export function parseGeneratorSpec(body: string): GeneratorOptions {
  const o: GeneratorOptions = { ...DEFAULT_GENERATOR };
  for (const part of body.split(",").filter(Boolean)) {
    const eq = part.indexOf("=");
    if (eq < 0) throw new SourceSpecError(`gen: '${part}' is not KEY=VALUE`);
    const key = part.slice(0, eq);
    const v = part.slice(eq + 1);
    switch (key) {
      case "rate": o.rate = num(key, v, 0, 1e8); break;
      case "count": o.count = Math.floor(num(key, v, 0, Number.MAX_SAFE_INTEGER)); break;
      case "buses": o.buses = v.split("+").filter(Boolean); if (!o.buses.length) throw new SourceSpecError("gen: buses needs names, e.g. buses=can0+can1"); break;
      case "ids": {
        const m = /^(0x[0-9a-f]+|\d+)(?:-(0x[0-9a-f]+|\d+))?$/i.exec(v);
        if (!m) throw new SourceSpecError(`gen: ids=${v} must be ID or MIN-MAX, e.g. 0x100-0x1ff`);
        o.idMin = Number(m[1]);
        o.idMax = Number(m[2] ?? m[1]);
        if (o.idMin > o.idMax || o.idMax > 0x1fffffff) throw new SourceSpecError(`gen: ids=${v} is not a range within 0..0x1fffffff`);
        break;
      }
      case "len": o.len = Math.floor(num(key, v, 0, 8)); break;
      case "fd": o.fdShare = num(key, v, 0, 1); break;
      case "fdlen": o.fdLen = Math.floor(num(key, v, 0, 64)); break;
      case "ext": o.extShare = num(key, v, 0, 1); break;
      case "data": if (v !== "random" && v !== "counter") throw new SourceSpecError("gen: data must be random or counter"); o.data = v; break;
      case "seed": o.seed = Math.floor(num(key, v, 0, 2 ** 32 - 1)); break;
      default: throw new SourceSpecError(`gen: unknown key '${key}'\n${SOURCE_SPEC_HELP}`);
    }
  }
  if (o.idMax > 0x7ff && o.extShare < 1) throw new SourceSpecError("gen: ids above 0x7ff need ext=1 (29-bit ids)");
  return o;
}
