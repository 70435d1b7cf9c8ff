/**
 * The gateway's SQLite buffer. Migrations in db/migrations are generated from this file by
 * `npm run db:generate` (drizzle-kit) and applied when a buffer is opened.
 */
import { index, integer, sqliteTable, text, blob } from "drizzle-orm/sqlite-core";

/** One chunk of frames of one bus, in the order they were committed. */
export const chunks = sqliteTable(
  "chunks",
  {
    /** Monotonic sequence number; AUTOINCREMENT so an evicted tail is never reused. */
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    bus: text("bus").notNull(),
    firstTsUs: integer("first_ts_us").notNull(),
    lastTsUs: integer("last_ts_us").notNull(),
    frameCount: integer("frame_count").notNull(),
    rawBytes: integer("raw_bytes").notNull(),
    storedBytes: integer("stored_bytes").notNull(),
    codec: integer("codec").notNull(),
    /** ChunkState: 0 pending, 1 in flight, 2 acknowledged. */
    state: integer("state").notNull(),
    createdAtMs: integer("created_at_ms").notNull(),
    ackedAtMs: integer("acked_at_ms"),
    payload: blob("payload", { mode: "buffer" }).notNull(),
  },
  (t) => [index("chunks_state_seq").on(t.state, t.seq), index("chunks_first_ts").on(t.firstTsUs)],
);

/** Durable counters, e.g. evicted frames by reason. */
export const counters = sqliteTable("counters", {
  name: text("name").primaryKey(),
  value: integer("value").notNull(),
});

/**
 * Where a resumable source (a log file) stands: every frame before `resumeOffset` is committed, and
 * of the frames after it, those with an ordinal up to `busOrdinals[bus]` are committed too.
 */
export const sourceProgress = sqliteTable("source_progress", {
  source: text("source").primaryKey(),
  resumeOffset: integer("resume_offset").notNull(),
  resumeOrdinal: integer("resume_ordinal").notNull(),
  resumeLine: integer("resume_line").notNull(),
  /** JSON object: bus name to the last committed frame ordinal of that bus. */
  busOrdinals: text("bus_ordinals").notNull(),
  updatedAtMs: integer("updated_at_ms").notNull(),
});

/** Facts about this buffer file, e.g. its random `epoch` id that keeps chunk keys unique if it is recreated. */
export const meta = sqliteTable("meta", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});
