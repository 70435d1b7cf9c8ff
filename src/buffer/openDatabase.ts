/** Opens a buffer file: pragmas for a crash-safe write-ahead log, then the drizzle migrations. */
import { Database } from "bun:sqlite";
import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { drizzle, type BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import type { MigrationMeta } from "drizzle-orm/migrator";
import * as schema from "../../db/schema.ts";
import { JOURNAL, MIGRATION_SQL } from "../../db/migrations.ts";
import { enableWal, waitForLocks } from "../lib/sharedSqlite.ts";

export type Synchronous = "NORMAL" | "FULL";
export type BufferDb = BunSQLiteDatabase<typeof schema>;

/** The embedded migrations in the form drizzle's migrator reads from a folder (same hashes). */
export function migrations(): MigrationMeta[] {
  return JOURNAL.map((e) => {
    const query = MIGRATION_SQL[e.tag];
    if (query === undefined) throw new Error(`migration ${e.tag} is in the journal but not embedded in db/migrations.ts`);
    return {
      sql: query.split("--> statement-breakpoint"),
      bps: e.breakpoints,
      folderMillis: e.when,
      hash: createHash("sha256").update(query).digest("hex"),
    };
  });
}

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
  try {
    waitForLocks(sqlite);
    // The buffer is written once and read once, in order: a small page cache loses nothing, and an edge
    // box keeps the memory.
    sqlite.run("PRAGMA cache_size = -512");
    if (!readonly) {
      enableWal(sqlite);
      sqlite.run(`PRAGMA synchronous = ${synchronous}`);
      // Keep the WAL from staying large after a burst; the cap accounts for this much of it.
      sqlite.run(`PRAGMA journal_size_limit = ${WAL_LIMIT_BYTES}`);
    }
    const db = drizzle({ client: sqlite, schema });
    if (!readonly) migrateEmbedded(db);
    return { sqlite, db };
  } catch (e) {
    // A damaged file fails here; a connection left open would hold a stale view of it.
    sqlite.close();
    throw e;
  }
}

/**
 * drizzle's bun-sqlite migrate() does exactly this after reading the folder; its dialect and session
 * are marked internal in the types, hence the narrow cast.
 */
interface Migratable {
  dialect: { migrate(m: MigrationMeta[], session: unknown, config: { migrationsFolder: string }): void };
  session: unknown;
}

function migrateEmbedded(db: BufferDb): void {
  const m = db as unknown as Migratable;
  m.dialect.migrate(migrations(), m.session, { migrationsFolder: "(embedded)" });
}

export const WAL_LIMIT_BYTES = 4 << 20;
