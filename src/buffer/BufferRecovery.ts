/**
 * A buffer file damaged the way a power cut or a failing SD card damages one. SQLite itself drops a
 * torn write-ahead log's incomplete tail (those transactions were never committed). Damage to the
 * database file is found by `PRAGMA quick_check` when the buffer opens: then the file is moved aside
 * with a timestamp, every chunk that can still be read and decoded is copied into a fresh buffer with
 * its sequence number and state, and what could not be saved is reported, never silently dropped.
 */
import { Database, SQLiteError } from "bun:sqlite";
import { existsSync, renameSync, rmSync } from "node:fs";
import { decodeChunk, ChunkDecodeError } from "../chunker/chunkCodec.ts";
import type { RawChunkRow } from "./BufferStore.ts";

export interface RecoveryReport {
  /** When the damage was found (ISO 8601). */
  at: string;
  /** What SQLite said about the file. */
  problem: string;
  /** Where the damaged file now lies (with its -wal and -shm). */
  movedAside: string;
  salvagedChunks: number;
  salvagedFrames: number;
  /** Chunk rows that were read but whose payload did not decode. */
  lostChunks: number;
  /** Frames in the lost chunks whose row still said how many (unreadable rows cannot say). */
  lostFrames: number;
  /** Ranges of sequence numbers whose rows could not be reached at all (their frames are not counted). */
  unreachableSeqRanges: [number, number][];
  /** Whether the resume positions of file imports were kept (not when anything was lost: an import starts over). */
  keptProgress: boolean;
}

/** An SQLite error that means the file itself is damaged (not busy, not missing). */
export function isDamageError(e: unknown): e is SQLiteError {
  return e instanceof SQLiteError && /^SQLITE_(CORRUPT|NOTADB|IOERR_SHORT_READ)/.test(e.code ?? "");
}

/**
 * Why a buffer file cannot be used as it is, or undefined when it is sound (or does not exist yet).
 * A stale shared-memory index (-shm) left by a killed process can disagree with a write-ahead log cut
 * short; it is only an index, rebuilt from the log, so it is removed and the file checked again. (The
 * gateway is the buffer's only writer and checks before it opens.)
 */
export function checkBuffer(path: string): string | undefined {
  const problem = quickCheck(path);
  if (!problem || !existsSync(`${path}-shm`)) return problem;
  rmSync(`${path}-shm`);
  return quickCheck(path);
}

function quickCheck(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  let db: Database | undefined;
  try {
    // Opening read-write lets SQLite recover the write-ahead log first, as a normal start would.
    db = new Database(path, { readwrite: true });
    const rows = db.query("PRAGMA quick_check").all() as { quick_check: string }[];
    const result = rows.map((r) => r.quick_check);
    return result.length === 1 && result[0] === "ok" ? undefined : result.slice(0, 5).join("; ");
  } catch (e) {
    return (e as Error).message;
  } finally {
    db?.close();
  }
}

/** Rows of a table, or none when the damage reaches it. */
function readAll<T>(src: Database | undefined, sql: string): T[] {
  try {
    return (src?.query(sql).all() ?? []) as T[];
  } catch {
    return [];
  }
}

/**
 * Moves the damaged file at `path` aside and copies what can be saved into `fresh` (an empty buffer
 * just created at `path`, migrations applied). Returns what was saved and lost.
 */
export function salvageBuffer(path: string, problem: string, openFresh: () => Database): RecoveryReport {
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const aside = `${path}.damaged-${stamp}`;
  for (const ext of ["", "-wal", "-shm"]) if (existsSync(path + ext)) renameSync(path + ext, aside + ext);
  const report: RecoveryReport = {
    at: new Date().toISOString(),
    problem,
    movedAside: aside,
    salvagedChunks: 0,
    salvagedFrames: 0,
    lostChunks: 0,
    lostFrames: 0,
    unreachableSeqRanges: [],
    keptProgress: false,
  };
  let src: Database | undefined;
  try {
    src = new Database(aside, { readonly: true });
  } catch {
    // Not even a database any more (its header is gone): nothing can be read from it.
  }
  const fresh = openFresh();
  const copy = (table: string, rows: Record<string, unknown>[]) => {
    for (const r of rows) {
      const cols = Object.keys(r);
      fresh.query(`INSERT OR REPLACE INTO ${table} (${cols.join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`).run(...(Object.values(r) as never[]));
    }
  };
  fresh.transaction(() => {
    // The epoch keeps chunk keys (gateway, epoch, seq) the same downstream, so a consumer still
    // recognises chunks it already has.
    copy("meta", readAll(src, "SELECT key, value FROM meta"));
    copy("counters", readAll(src, "SELECT name, value FROM counters"));
    const lastSeq = readAll<{ seq: number }>(src, "SELECT seq FROM sqlite_sequence WHERE name = 'chunks'")[0]?.seq ?? 0;
    const insert = fresh.query(
      "INSERT INTO chunks (seq, bus, first_ts_us, last_ts_us, frame_count, raw_bytes, stored_bytes, codec, state, created_at_ms, acked_at_ms, payload) " +
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    let after = 0;
    let maxSeen = 0;
    for (;;) {
      let rows: RawChunkRow[];
      try {
        rows = src ? (src.query("SELECT * FROM chunks WHERE seq > ? ORDER BY seq LIMIT 256").all(after) as RawChunkRow[]) : [];
      } catch {
        // A damaged page: step over it, further each time, and report the range that was skipped.
        const from = after + 1;
        let step = 1;
        let found = false;
        while (!found && after + step <= Math.max(lastSeq, maxSeen) + 1) {
          try {
            src!.query("SELECT seq FROM chunks WHERE seq > ? ORDER BY seq LIMIT 1").all(after + step);
            found = true;
          } catch {
            step *= 2;
          }
        }
        if (!found) {
          if (from <= lastSeq) addRange(report.unreachableSeqRanges, from, lastSeq);
          break;
        }
        addRange(report.unreachableSeqRanges, from, after + step);
        after += step;
        continue;
      }
      if (rows.length === 0) break;
      for (const r of rows) {
        after = r.seq;
        maxSeen = Math.max(maxSeen, r.seq);
        const decoded = r.payload ? decodeChunk(new Uint8Array(r.payload)) : new ChunkDecodeError("no payload");
        if (decoded instanceof ChunkDecodeError || decoded.frames.length !== r.frame_count) {
          report.lostChunks++;
          report.lostFrames += Number.isInteger(r.frame_count) && r.frame_count > 0 ? r.frame_count : 0;
          continue;
        }
        insert.run(r.seq, r.bus, r.first_ts_us, r.last_ts_us, r.frame_count, r.raw_bytes, r.stored_bytes, r.codec, r.state, r.created_at_ms, r.acked_at_ms, r.payload);
        report.salvagedChunks++;
        report.salvagedFrames += r.frame_count;
      }
    }
    // An import's position is kept only when nothing before it was lost: otherwise the import starts
    // over, so lost frames come back from the file (those saved may then arrive twice, which the
    // report says) rather than being skipped for good.
    const progress = readAll<Record<string, unknown>>(src, "SELECT * FROM source_progress");
    if (report.lostChunks === 0 && report.unreachableSeqRanges.length === 0 && src) {
      copy("source_progress", progress);
      report.keptProgress = progress.length > 0;
    }
    // New chunks continue after every number the old file gave out, so none is reused.
    const next = Math.max(lastSeq, maxSeen);
    if (next > 0) fresh.query("INSERT OR REPLACE INTO sqlite_sequence (name, seq) VALUES ('chunks', ?)").run(next);
    fresh.query("INSERT OR REPLACE INTO meta (key, value) VALUES ('last_recovery', ?)").run(JSON.stringify(report));
    fresh.query("INSERT INTO counters (name, value) VALUES ('evicted_frames.damaged', ?) ON CONFLICT(name) DO UPDATE SET value = value + excluded.value").run(report.lostFrames);
  })();
  src?.close();
  return report;
}

/** One line for the log: what was found, where the damaged file went, what was saved and lost. */
export function recoveryMessage(r: RecoveryReport): string {
  const unreachable = r.unreachableSeqRanges.length ? `; chunk numbers ${r.unreachableSeqRanges.map(([a, b]) => `${a}-${b}`).join(", ")} could not be reached` : "";
  return (
    `the buffer file was damaged (${r.problem}): moved aside to ${r.movedAside}; saved ${r.salvagedChunks} chunks ` +
    `(${r.salvagedFrames} frames) into a fresh buffer, lost ${r.lostChunks} chunks (${r.lostFrames} frames)${unreachable}` +
    (r.keptProgress ? "" : "; a file import starts over (frames saved here may then be stored twice)")
  );
}

/** Adds a range of sequence numbers, merged with the previous one when they touch. */
function addRange(ranges: [number, number][], from: number, to: number): void {
  const last = ranges.at(-1);
  if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
  else ranges.push([from, to]);
}
