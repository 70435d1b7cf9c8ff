import type { Command } from "../Command.ts";
import { UsageError } from "../Command.ts";
import { BufferStore, type BufferStats } from "../../buffer/BufferStore.ts";
import { LOSS_REASONS } from "../../buffer/ChunkState.ts";

const fmt = new Intl.NumberFormat("en-US");

function time(us: number | null): string {
  return us === null ? "-" : new Date(us / 1000).toISOString();
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

export function formatStats(s: BufferStats): string {
  const rows: [string, string][] = [
    ["buffer", s.path],
    ["file size", `${bytes(s.fileBytes)}${s.capBytes ? ` of ${bytes(s.capBytes)} cap` : ""}`],
    ["sequence", s.firstSeq === null ? "empty" : `${s.firstSeq} .. ${s.lastSeq}`],
  ];
  for (const [name, t] of [["pending", s.pending], ["in flight", s.inFlight], ["acknowledged", s.acked]] as const)
    rows.push([name, `${fmt.format(t.frames)} frames in ${fmt.format(t.chunks)} chunks, ${bytes(t.bytes)}`]);
  const frames = s.pending.frames + s.inFlight.frames + s.acked.frames;
  const stored = s.pending.bytes + s.inFlight.bytes + s.acked.bytes;
  if (frames) rows.push(["bytes per frame", `${(stored / frames).toFixed(2)} payload, ${(s.fileBytes / frames).toFixed(2)} on disk`]);
  rows.push(["oldest pending", time(s.oldestPendingTsUs)], ["newest frame", time(s.newestTsUs)]);
  for (const [reason, n] of Object.entries(s.evictedFrames))
    if (n) rows.push([`evicted (${reason})`, `${fmt.format(n)} frames${LOSS_REASONS.includes(reason as never) ? " LOST" : ""}`]);
  for (const p of s.sources) rows.push([`source`, `${p.source} resumes at line ${p.resumeLine} (byte ${p.resumeOffset})`]);
  const w = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join("\n");
}

export const bufferStatsCommand: Command = {
  usage: "buffer stats --db FILE [--json]",
  help: `options:
  --db FILE             buffer database
  --json                one JSON object instead of the table`,
  flags: { db: { type: "string" }, json: { type: "boolean" } },
  async run(v) {
    if (typeof v.db !== "string") throw new UsageError("--db FILE is required");
    const store = BufferStore.inspect(v.db);
    try {
      const s = store.stats();
      process.stdout.write(v.json ? `${JSON.stringify(s)}\n` : `${formatStats(s)}\n`);
    } finally {
      store.close();
    }
    return 0;
  },
};
