/**
 * SQLite files that several connections (and processes) open at once: wait for each other's locks,
 * and switch to WAL even while another connection is creating or switching the same file, which
 * SQLite refuses at once with SQLITE_BUSY instead of waiting (its busy handler does not cover it).
 */
import { type Database, SQLiteError } from "bun:sqlite";

const BUSY_TIMEOUT_MS = 5000;

export function waitForLocks(db: Database): void {
  db.run(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
}

/** journal_mode = WAL, retried for up to the busy timeout while another connection holds the file. */
export function enableWal(db: Database): void {
  const until = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      db.run("PRAGMA journal_mode = WAL");
      return;
    } catch (e) {
      if (!(e instanceof SQLiteError && e.code === "SQLITE_BUSY") || Date.now() > until) throw e;
      Bun.sleepSync(5 + Math.random() * 20);
    }
  }
}
