import type { Command } from "../Command.ts";
import { UsageError } from "../Command.ts";
import { BufferStore } from "../../buffer/BufferStore.ts";
import { exportFrames } from "../../buffer/frameExport.ts";
import { formatCandumpLine } from "../../source/candump/candumpLine.ts";
import { parseTimePoint } from "../../config/units.ts";

/** Lines are written in blocks of this many characters. */
const WRITE_BLOCK = 1 << 20;

export const bufferExportCommand: Command = {
  usage: "buffer export --db FILE [--from T] [--to T] [--bus B] [--out FILE]",
  help: `options:
  --db FILE             buffer database
  --from T, --to T      time range, inclusive: epoch seconds (1700000000.5) or ISO 8601 (2024-01-02T03:04:05Z)
  --bus B               only this interface
  --out FILE            write here instead of stdout

A chunk that cannot be decoded (a damaged file) is named on stderr and its frames skipped; the rest
is written and the exit code is 1.`,
  flags: { db: { type: "string" }, from: { type: "string" }, to: { type: "string" }, bus: { type: "string" }, out: { type: "string" } },
  async run(v) {
    if (typeof v.db !== "string") throw new UsageError("--db FILE is required");
    const fromUs = typeof v.from === "string" ? parseTimePoint(v.from) : undefined;
    const toUs = typeof v.to === "string" ? parseTimePoint(v.to) : undefined;
    if (fromUs !== undefined && toUs !== undefined && fromUs > toUs) throw new UsageError("--from is after --to");
    const store = BufferStore.inspect(v.db);
    const sink = typeof v.out === "string" ? Bun.file(v.out).writer() : Bun.stdout.writer();
    let count = 0;
    let skipped = 0;
    // A damaged chunk is skipped and named: the rest of a damaged buffer is still worth having.
    const onCorrupt = (e: Error, frames: number) => {
      skipped += frames;
      process.stderr.write(`canferry buffer export: ${e.message}; skipped its ${frames} frames\n`);
    };
    try {
      let block = "";
      for (const f of exportFrames(store, { bus: typeof v.bus === "string" ? v.bus : undefined, fromUs, toUs }, onCorrupt)) {
        block += formatCandumpLine(f) + "\n";
        count++;
        if (block.length >= WRITE_BLOCK) {
          sink.write(block);
          await sink.flush();
          block = "";
        }
      }
      sink.write(block);
      await sink.flush();
    } finally {
      await sink.end();
      store.close();
    }
    process.stderr.write(`exported ${count} frames${skipped ? `; ${skipped} frames in damaged chunks skipped` : ""}\n`);
    return skipped ? 1 : 0;
  },
};
