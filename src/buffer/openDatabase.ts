/** Opens a buffer file: pragmas for a crash-safe write-ahead log, then the drizzle migrations. */
import { Database } from "bun:sqlite";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { drizzle, type BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { migrate } from "drizzle-orm/bun-sqlite/migrator";
import * as schema from "../../db/schema.ts";

export type Synchronous = "NORMAL" | "FULL";
export type BufferDb = BunSQLiteDatabase<typeof schema>;

const MIGRATIONS = join(import.meta.dir, "..", "..", "db", "migrations");

export interface OpenedDatabase {
  sqlite: Database;
  db: BufferDb;
}

/**
 * NORMAL loses at most the last transactions on power loss but never corrupts; FULL also keeps them.
 * `readonly` opens an existing buffer for inspection without migrating or writing.
 */
export function openDatabase(path: string, synchronous: Synchronous, readonly = false): OpenedDatabase {
  if (!readonly) mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path, readonly ? { readonly: true } : { create: true, readwrite: true, strict: true });
  sqlite.run("PRAGMA busy_timeout = 5000");
  if (!readonly) {
    sqlite.run("PRAGMA journal_mode = WAL");
    sqlite.run(`PRAGMA synchronous = ${synchronous}`);
    // Keep the WAL from staying large after a burst; the cap accounts for this much of it.
    sqlite.run(`PRAGMA journal_size_limit = ${WAL_LIMIT_BYTES}`);
  }
  const db = drizzle({ client: sqlite, schema });
  if (!readonly) migrate(db, { migrationsFolder: MIGRATIONS });
  return { sqlite, db };
}

export const WAL_LIMIT_BYTES = 4 << 20;
