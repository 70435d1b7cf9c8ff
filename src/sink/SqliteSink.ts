/**
 * Frames into a SQLite file, one row per frame. The chunk's key and its frames commit in one
 * transaction, so a redelivered chunk is recognised and nothing is written twice, even across a crash.
 */
import { Database } from "bun:sqlite";
import { enableWal, waitForLocks } from "../lib/sharedSqlite.ts";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { chunkKey, type ChunkDelivery, type FrameSink } from "./FrameSink.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS delivered (
  key TEXT PRIMARY KEY,           -- gateway/epoch/seq
  frames INTEGER NOT NULL,
  stored_at_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS frames (
  gateway TEXT NOT NULL,
  bus TEXT NOT NULL,
  ts_us INTEGER NOT NULL,
  ts_ns INTEGER NOT NULL,
  id INTEGER NOT NULL,
  flags INTEGER NOT NULL,
  dlc INTEGER NOT NULL,
  data BLOB NOT NULL,
  chunk TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS frames_time ON frames (gateway, bus, ts_us);
`;

export class SqliteSink implements FrameSink {
  readonly kind = "sqlite";
  private readonly db: Database;
  private readonly seen;
  private readonly mark;
  private readonly insert;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path, { create: true, strict: true });
    // Several consumer processes may share this file and open it at the same moment.
    waitForLocks(this.db);
    enableWal(this.db);
    this.db.run("PRAGMA synchronous = NORMAL");
    this.db.exec(SCHEMA);
    this.seen = this.db.prepare("SELECT 1 FROM delivered WHERE key = ?");
    this.mark = this.db.prepare("INSERT INTO delivered (key, frames, stored_at_ms) VALUES (?, ?, ?)");
    this.insert = this.db.prepare(
      "INSERT INTO frames (gateway, bus, ts_us, ts_ns, id, flags, dlc, data, chunk) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
  }

  async write(d: ChunkDelivery): Promise<boolean> {
    const key = chunkKey(d);
    // IMMEDIATE: the write lock first, then the check. A transaction that reads first and then writes
    // gets SQLITE_BUSY at once, without waiting, when another process wrote in between.
    return this.db
      .transaction(() => {
        if (this.seen.get(key)) return false;
        this.mark.run(key, d.frames.length, Date.now());
        for (const f of d.frames) this.insert.run(d.gateway, f.bus, f.tsUs, f.tsNs, f.id, f.flags, f.dlc, f.data, key);
        return true;
      })
      .immediate();
  }

  async close(): Promise<void> {
    this.db.run("PRAGMA wal_checkpoint(TRUNCATE)");
    this.db.close();
  }
}
