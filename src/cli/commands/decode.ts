import type { Command } from "../Command.ts";
import { UsageError } from "../Command.ts";
import { FrameDecoder, type DecodedFrame } from "../../decode/FrameDecoder.ts";
import type { DbcMessage } from "../../decode/Dbc.ts";
import { DbcFileError, loadDbcFile } from "../../decode/loadDbcFile.ts";
import { parseCandumpLine } from "../../source/candump/candumpLine.ts";
import { lineStream } from "../../source/candump/lineStream.ts";
import type { CanFrame } from "../../frame/CanFrame.ts";

/** Each message's signal units, looked up once per message rather than per frame. */
const unitsByMessage = new Map<DbcMessage, Map<string, string>>();

/** `Name(Signal: value unit, ...)`, as cantools decode --single-line prints a message. */
function text(d: DecodedFrame): string {
  let units = unitsByMessage.get(d.message);
  if (!units) unitsByMessage.set(d.message, (units = new Map(d.message.signals.map((s) => [s.name, s.unit]))));
  const parts = [...d.values].map(([name, v]) => `${name}: ${d.choices.get(name) ?? String(v)}${units.get(name) ? ` ${units.get(name)}` : ""}`);
  const missing = d.missing.length ? ` [not in the payload: ${d.missing.join(", ")}]` : "";
  return `${d.message.name}(${parts.join(", ")})${missing}`;
}

function json(f: CanFrame, d: DecodedFrame): string {
  const signals = Object.fromEntries([...d.values].map(([name, v]) => [name, typeof v === "bigint" ? v.toString() : v]));
  return JSON.stringify({
    tsUs: f.tsUs,
    bus: f.bus,
    id: f.id,
    message: d.message.name,
    signals,
    ...(d.choices.size ? { choices: Object.fromEntries(d.choices) } : {}),
    ...(d.missing.length ? { missing: d.missing } : {}),
  });
}

export const decodeCommand: Command = {
  usage: "decode --dbc FILE [--dbc FILE ...] LOG|-",
  help: `Decodes the frames of a candump log (or stdin) into signals with DBC files, like cantools decode.
Each frame's line is printed with its message and signal values after ' :: '; frames no DBC defines
are printed as they are.

options:
  --dbc FILE            a DBC file; repeat for several (a later file wins for an id defined twice)
  --json                one JSON object per decoded frame instead (tsUs, bus, id, message, signals,
                        and choices: the value-table names of signals whose value has one)
  --defined-only        leave out frames no DBC defines`,
  flags: { dbc: { type: "string", multiple: true }, json: { type: "boolean" }, "defined-only": { type: "boolean" } },
  async run(v, positionals) {
    const dbcs = (v.dbc as string[] | undefined) ?? [];
    if (!dbcs.length) throw new UsageError("--dbc FILE is required");
    const log = positionals[0];
    if (!log || positionals.length > 1) throw new UsageError("give exactly one LOG (a candump log, or - for stdin)");
    let decoder: FrameDecoder;
    try {
      decoder = new FrameDecoder(dbcs.map(loadDbcFile));
    } catch (e) {
      if (e instanceof DbcFileError) throw new UsageError(`--dbc ${e.message}`);
      throw e;
    }
    if (log !== "-" && !(await Bun.file(log).exists())) throw new UsageError(`${log}: no such file`);
    const out = Bun.stdout.writer();
    let frames = 0;
    let signals = 0;
    for await (const lines of lineStream(log === "-" ? Bun.stdin.stream() : Bun.file(log).stream())) {
      for (const { text: line } of lines) {
        const r = parseCandumpLine(line);
        if (r.kind !== "frame") continue;
        frames++;
        const d = decoder.decode(r.frame);
        if (d) signals += d.values.size;
        if (v.json) {
          if (d) out.write(json(r.frame, d) + "\n");
        } else if (d) out.write(`${line} :: ${text(d)}\n`);
        else if (!v["defined-only"]) out.write(`${line}\n`);
      }
      await out.flush();
    }
    await out.end();
    process.stderr.write(`decoded ${frames - decoder.undefinedFrames} of ${frames} frames into ${signals} signal values; ${decoder.undefinedFrames} frames without a definition\n`);
    return 0;
  },
};
