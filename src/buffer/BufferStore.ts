/**
 * The gateway's crash-safe buffer: chunks committed in SQLite (WAL), handed to the uplink and marked
 * acknowledged only after it confirmed delivery, retained for replay, and evicted by policy when the
 * cap is reached. Every evicted frame is counted by reason.
 */
import { and, asc, eq, gte, inArray, lte, sql } from "drizzle-orm";
import { SQLiteError } from "bun:sqlite";
import { existsSync } from "node:fs";
import { chunks, counters, meta, sourceProgress } from "../../db/schema.ts";
import { ChunkState, EvictionReason } from "./ChunkState.ts";
import { openDatabase, WAL_LIMIT_BYTES, type OpenedDatabase, type Synchronous } from "./openDatabase.ts";
import { checkBuffer, isDamageError, salvageBuffer, type RecoveryReport } from "./BufferRecovery.ts";
import { BufferDamaged, BufferNotFound } from "./BufferErrors.ts";

export interface BufferOptions {
  path: string;
  /** Upper bound for the database file plus its write-ahead log. */
  capBytes: number;
  synchronous: Synchronous;
  /** Acknowledged chunks older than this are pruned. */
  retainAckedMs: number;
  /** Acknowledged chunks beyond this many stored bytes are pruned, oldest first. */
  retainAckedBytes: number;
}

export const MIN_CAP_BYTES = 2 * WAL_LIMIT_BYTES + (1 << 20);

export interface NewChunk {
  bus: string;
  /** Earliest capture time in the chunk (µs). */
  firstTsUs: number;
  /** Latest capture time in the chunk (µs). */
  lastTsUs: number;
  frameCount: number;
  rawBytes: number;
  codec: number;
  payload: Uint8Array;
}

export interface StoredChunk extends NewChunk {
  seq: number;
  state: ChunkState;
  storedBytes: number;
  createdAtMs: number;
  ackedAtMs: number | null;
}

/** What a resumable source has committed; see db/schema.ts sourceProgress. */
export interface SourceProgress {
  source: string;
  resumeOffset: number;
  resumeOrdinal: number;
  resumeLine: number;
  busOrdinals: Record<string, number>;
}

export interface Backlog {
  chunks: number;
  frames: number;
  bytes: number;
  /** Capture time of the oldest frame not yet acknowledged, or null when there is none. */
  oldestTsUs: number | null;
  /** Its age in seconds (0 without a backlog). */
  oldestAgeS: number;
}

export interface StateTotals {
  chunks: number;
  frames: number;
  bytes: number;
}

export interface BufferStats {
  path: string;
  fileBytes: number;
  /** The configured cap; null when inspected read-only. */
  capBytes: number | null;
  pending: StateTotals;
  inFlight: StateTotals;
  acked: StateTotals;
  oldestPendingTsUs: number | null;
  newestTsUs: number | null;
  firstSeq: number | null;
  lastSeq: number | null;
  /** Frames removed by reason (counters survive restarts). */
  evictedFrames: Record<EvictionReason, number>;
  sources: SourceProgress[];
}

export interface ChunkFilter {
  bus?: string;
  fromUs?: number;
  toUs?: number;
}

export interface AppendResult {
  seqs: number[];
  /** Frames that could not be stored (disk full and nothing left to evict). */
  droppedFrames: number;
}

/** Placeholder limits for a read-only store; it never appends or prunes. */
const INSPECT_OPTIONS = { capBytes: 0, synchronous: "NORMAL", retainAckedMs: 0, retainAckedBytes: 0 } as const;

const evictedKey = (reason: EvictionReason) => `evicted_frames.${reason}`;

function isFull(e: unknown): boolean {
  return e instanceof SQLiteError && (e.code === "SQLITE_FULL" || e.code === "SQLITE_IOERR_WRITE");
}

export class BufferStore {
  private readonly sqlite: OpenedDatabase["sqlite"];
  private readonly db: OpenedDatabase["db"];
  private readonly pageSize: number;
  private readonly insertChunk;
  private readonly upsertProgress;
  private readonly bumpCounter;
  private readonly claimLive;
  private readonly claimOldest;
  /**
   * Random id of this buffer file. Sequence numbers restart when a buffer is recreated, so a chunk is
   * identified downstream by (gateway, epoch, seq).
   */
  readonly epoch: string;

  private constructor(
    readonly options: BufferOptions,
    opened: OpenedDatabase,
    private readonly readonly: boolean,
  ) {
    this.sqlite = opened.sqlite;
    this.db = opened.db;
    this.pageSize = this.pragma("page_size");
    this.epoch = this.db.select().from(meta).where(eq(meta.key, "epoch")).get()?.value ?? "";
    if (!this.epoch && !readonly) {
      this.epoch = Bun.randomUUIDv7("hex").slice(-12);
      this.db.insert(meta).values({ key: "epoch", value: this.epoch }).run();
    }
    // The cap is enforced by SQLite itself: past max_page_count an insert fails with SQLITE_FULL and
    // we evict. The WAL gets its own share of the cap.
    const maxPages = Math.floor((options.capBytes - WAL_LIMIT_BYTES) / this.pageSize);
    if (!this.readonly) this.sqlite.run(`PRAGMA max_page_count = ${maxPages}`);
    this.insertChunk = this.db
      .insert(chunks)
      .values({
        bus: sql.placeholder("bus"),
        firstTsUs: sql.placeholder("firstTsUs"),
        lastTsUs: sql.placeholder("lastTsUs"),
        frameCount: sql.placeholder("frameCount"),
        rawBytes: sql.placeholder("rawBytes"),
        storedBytes: sql.placeholder("storedBytes"),
        codec: sql.placeholder("codec"),
        state: ChunkState.PENDING,
        createdAtMs: sql.placeholder("createdAtMs"),
        payload: sql.placeholder("payload"),
      })
      .returning({ seq: chunks.seq })
      .prepare();
    this.upsertProgress = this.db
      .insert(sourceProgress)
      .values({
        source: sql.placeholder("source"),
        resumeOffset: sql.placeholder("resumeOffset"),
        resumeOrdinal: sql.placeholder("resumeOrdinal"),
        resumeLine: sql.placeholder("resumeLine"),
        busOrdinals: sql.placeholder("busOrdinals"),
        updatedAtMs: sql.placeholder("updatedAtMs"),
      })
      .onConflictDoUpdate({
        target: sourceProgress.source,
        set: {
          resumeOffset: sql`excluded.resume_offset`,
          resumeOrdinal: sql`excluded.resume_ordinal`,
          resumeLine: sql`excluded.resume_line`,
          busOrdinals: sql`excluded.bus_ordinals`,
          updatedAtMs: sql`excluded.updated_at_ms`,
        },
      })
      .prepare();
    this.claimLive = this.sqlite.prepare(
      "SELECT * FROM chunks WHERE state = ?1 AND seq >= ?2 ORDER BY seq LIMIT ?3",
    );
    this.claimOldest = this.sqlite.prepare(
      "SELECT * FROM chunks WHERE state = ?1 AND seq < ?2 ORDER BY seq LIMIT ?3",
    );
    this.bumpCounter = this.db
      .insert(counters)
      .values({ name: sql.placeholder("name"), value: sql.placeholder("value") })
      .onConflictDoUpdate({ target: counters.name, set: { value: sql`${counters.value} + excluded.value` } })
      .prepare();
  }

  /**
   * Opens (creating and migrating) a buffer; chunks left in flight by a previous run become pending.
   * A second process beside a running gateway (replay) passes `requeue: false` to leave its batches be.
   */
  /**
   * Opens (or creates) a buffer for writing. A damaged file is moved aside and what can be read of it
   * is carried into a fresh one (BufferRecovery); `recovered` then says what was saved and lost.
   */
  static open(options: BufferOptions, { requeue = true } = {}): BufferStore {
    if (options.capBytes < MIN_CAP_BYTES)
      throw new RangeError(`buffer cap ${options.capBytes} bytes is below the minimum of ${MIN_CAP_BYTES}`);
    const problem = checkBuffer(options.path);
    let recovered: RecoveryReport | undefined;
    let opened: OpenedDatabase | undefined;
    if (problem)
      recovered = salvageBuffer(options.path, problem, () => {
        opened = openDatabase(options.path, options.synchronous);
        return opened.sqlite;
      });
    const store = new BufferStore(options, opened ?? openDatabase(options.path, options.synchronous), false);
    store.recovered = recovered;
    if (requeue) store.requeueInFlight();
    return store;
  }

  /** Set when this open found the file damaged and salvaged it. */
  recovered?: RecoveryReport;

  /** The last salvage of this buffer (it survives restarts), for status. */
  lastRecovery(): RecoveryReport | undefined {
    const v = this.db.select().from(meta).where(eq(meta.key, "last_recovery")).get()?.value;
    return v ? (JSON.parse(v) as RecoveryReport) : undefined;
  }

  /**
   * Opens an existing buffer read-only, beside a gateway that may be writing it (WAL allows that).
   * The cap is unknown to an inspector, so stats report the file as found.
   */
  static inspect(path: string): BufferStore {
    if (!existsSync(path)) throw new BufferNotFound(path);
    const options: BufferOptions = { ...INSPECT_OPTIONS, path };
    let opened: OpenedDatabase | undefined;
    try {
      opened = openDatabase(path, "NORMAL", true);
      return new BufferStore(options, opened, true);
    } catch (e) {
      // A reader left open would keep a stale view of the log for the rest of this process.
      opened?.sqlite.close();
      throw isDamageError(e) ? new BufferDamaged(path, e.message) : e;
    }
  }

  private pragma(name: string): number {
    const row = this.sqlite.query(`PRAGMA ${name}`).get() as Record<string, number>;
    return Object.values(row)[0]!;
  }

  /** Bytes of the database file in use (pages not on the freelist). */
  usedBytes(): number {
    return (this.pragma("page_count") - this.pragma("freelist_count")) * this.pageSize;
  }

  /**
   * Commits chunks (and, for a resumable source, its progress) in one transaction. Makes room by
   * policy when the cap or the disk is full. Returns the sequence numbers given to the chunks.
   */
  append(newChunks: readonly NewChunk[], progress?: SourceProgress): AppendResult {
    const incoming = newChunks.reduce((n, c) => n + c.payload.length, 0);
    this.makeRoom(incoming + newChunks.length * 64 + 2 * this.pageSize);
    for (let attempt = 0; ; attempt++) {
      try {
        return { seqs: this.insertAll(newChunks, progress), droppedFrames: 0 };
      } catch (e) {
        if (!isFull(e)) throw e;
        // Our estimate of SQLite's overhead was short, or the disk itself is full.
        const freed = this.evict(Math.max(incoming * 2, this.options.capBytes >> 5));
        if (freed === 0 || attempt >= 8) {
          const frames = newChunks.reduce((n, c) => n + c.frameCount, 0);
          this.countEviction(EvictionReason.DISK_FULL, frames);
          return { seqs: [], droppedFrames: frames };
        }
      }
    }
  }

  private insertAll(newChunks: readonly NewChunk[], progress?: SourceProgress): number[] {
    return this.sqlite.transaction(() => {
      const now = Date.now();
      const seqs: number[] = [];
      for (const c of newChunks) {
        const row = this.insertChunk.get({ ...c, storedBytes: c.payload.length, createdAtMs: now });
        seqs.push(row!.seq);
      }
      if (progress) this.upsertProgress.run({ ...progress, busOrdinals: JSON.stringify(progress.busOrdinals), updatedAtMs: now });
      return seqs;
    })();
  }

  /** Evicts by policy until `need` more bytes fit under the cap. */
  private makeRoom(need: number): void {
    const budget = this.options.capBytes - WAL_LIMIT_BYTES;
    const over = this.usedBytes() + need - budget;
    // Free a little more than needed so a steady stream does not evict on every append.
    if (over > 0) this.evict(over + (budget >> 6));
  }

  /**
   * Deletes whole chunks, acknowledged ones first, then the oldest pending ones, until at least
   * `bytes` of payload are freed. Returns the bytes freed.
   */
  private evict(bytes: number): number {
    let freed = 0;
    for (const [state, reason] of [
      [ChunkState.ACKED, EvictionReason.CAP_ACKED],
      [ChunkState.PENDING, EvictionReason.CAP_PENDING],
    ] as const) {
      while (freed < bytes) {
        const victims = this.db
          .select({ seq: chunks.seq, frames: chunks.frameCount, bytes: chunks.storedBytes })
          .from(chunks)
          .where(eq(chunks.state, state))
          .orderBy(asc(chunks.seq))
          .limit(64)
          .all();
        if (victims.length === 0) break;
        let frames = 0;
        const seqs: number[] = [];
        for (const v of victims) {
          if (freed >= bytes) break;
          seqs.push(v.seq);
          frames += v.frames;
          freed += v.bytes;
        }
        this.sqlite.transaction(() => {
          this.db.delete(chunks).where(inArray(chunks.seq, seqs)).run();
          this.countEviction(reason, frames);
        })();
      }
    }
    return freed;
  }

  private countEviction(reason: EvictionReason, frames: number): void {
    this.bumpCounter.run({ name: evictedKey(reason), value: frames });
  }

  /** Chunks a previous run handed to the uplink without an acknowledgement are sent again. */
  requeueInFlight(): number {
    return this.db
      .update(chunks)
      .set({ state: ChunkState.PENDING })
      .where(eq(chunks.state, ChunkState.IN_FLIGHT))
      .returning({ seq: chunks.seq })
      .all().length;
  }

  /**
   * Hands pending chunks to the uplink, marking them in flight: first the live ones (sequence number
   * `liveFromSeq` or later) so fresh data keeps its latency, then the oldest of the backlog. Stops at
   * `maxChunks`, or before the chunk that would take the total payload past `maxBytes`.
   */
  claim(maxChunks: number, maxBytes: number, liveFromSeq: number): StoredChunk[] {
    // Room is made around the whole transaction: an eviction inside it could delete what it claims.
    return this.withRoom(() => this.claimNow(maxChunks, maxBytes, liveFromSeq));
  }

  private claimNow(maxChunks: number, maxBytes: number, liveFromSeq: number): StoredChunk[] {
    return this.sqlite.transaction(() => {
      const out: StoredChunk[] = [];
      let bytes = 0;
      const take = (rows: RawChunkRow[]): boolean => {
        for (const r of rows) {
          if (out.length >= maxChunks || (out.length > 0 && bytes + r.stored_bytes > maxBytes)) return false;
          out.push(toStoredChunk(r));
          bytes += r.stored_bytes;
        }
        return true;
      };
      if (take(this.claimLive.all(ChunkState.PENDING, liveFromSeq, maxChunks) as RawChunkRow[]))
        take(this.claimOldest.all(ChunkState.PENDING, liveFromSeq, maxChunks) as RawChunkRow[]);
      this.updateState(out.map((c) => c.seq), ChunkState.IN_FLIGHT, ChunkState.PENDING, null);
      return out;
    })();
  }

  markInFlight(seqs: readonly number[]): void {
    this.setState(seqs, ChunkState.IN_FLIGHT, ChunkState.PENDING, null);
  }

  /** Marks chunks delivered; only chunks that are in flight change, so nothing is acknowledged twice. */
  ack(seqs: readonly number[]): number {
    return this.setState(seqs, ChunkState.ACKED, ChunkState.IN_FLIGHT, Date.now());
  }

  /** Gives chunks the uplink could not deliver back to the pending queue. */
  release(seqs: readonly number[]): void {
    this.setState(seqs, ChunkState.PENDING, ChunkState.IN_FLIGHT, null);
  }

  private setState(seqs: readonly number[], to: ChunkState, from: ChunkState, ackedAtMs: number | null): number {
    return this.withRoom(() => this.updateState(seqs, to, from, ackedAtMs));
  }

  private updateState(seqs: readonly number[], to: ChunkState, from: ChunkState, ackedAtMs: number | null): number {
    if (seqs.length === 0) return 0;
    return this.db
      .update(chunks)
      .set({ state: to, ackedAtMs })
      .where(and(inArray(chunks.seq, [...seqs]), eq(chunks.state, from)))
      .returning({ seq: chunks.seq })
      .all().length;
  }

  /**
   * Runs a small write (a state change) that can need a new page: at the cap, SQLite refuses it with
   * SQLITE_FULL, which would stall the uplink with a full buffer. Evicts a little by policy and retries.
   * Not for use inside a transaction (the eviction could delete what the transaction works on).
   */
  private withRoom<T>(write: () => T): T {
    for (let attempt = 0; ; attempt++) {
      try {
        return write();
      } catch (e) {
        if (!isFull(e) || attempt >= 4 || this.evict(Math.max(4 * this.pageSize, this.options.capBytes >> 8)) === 0) throw e;
      }
    }
  }

  /**
   * Puts retained, acknowledged chunks overlapping a time range back in the queue to be sent again
   * (`canferry replay`). Returns their sequence numbers.
   */
  replayAcked(filter: ChunkFilter): number[] {
    return this.db
      .update(chunks)
      .set({ state: ChunkState.PENDING, ackedAtMs: null })
      .where(and(eq(chunks.state, ChunkState.ACKED), ...filterConditions(filter)))
      .returning({ seq: chunks.seq })
      .all()
      .map((r) => r.seq);
  }

  /** How many of these chunks are not acknowledged (yet). */
  countUnacked(seqs: readonly number[]): number {
    let n = 0;
    for (let i = 0; i < seqs.length; i += 500) {
      const part = seqs.slice(i, i + 500);
      n += this.db
        .select({ n: sql<number>`count(*)` })
        .from(chunks)
        .where(and(inArray(chunks.seq, part), sql`${chunks.state} != ${ChunkState.ACKED}`))
        .get()!.n;
    }
    return n;
  }

  /** Removes acknowledged chunks outside the retention window (age and size). */
  pruneAcked(nowMs = Date.now()): number {
    const { retainAckedMs, retainAckedBytes } = this.options;
    let frames = 0;
    this.sqlite.transaction(() => {
      const old = this.db
        .delete(chunks)
        .where(and(eq(chunks.state, ChunkState.ACKED), lte(chunks.ackedAtMs, nowMs - retainAckedMs)))
        .returning({ frames: chunks.frameCount })
        .all();
      frames += old.reduce((n, r) => n + r.frames, 0);
      // Keep the newest acknowledged chunks that fit in retainAckedBytes; drop the older rest.
      const keepFrom = this.sqlite
        .query(
          `SELECT seq FROM (SELECT seq, SUM(stored_bytes) OVER (ORDER BY seq DESC) AS total FROM chunks WHERE state = ?)
           WHERE total > ? ORDER BY seq DESC LIMIT 1`,
        )
        .get(ChunkState.ACKED, retainAckedBytes) as { seq: number } | null;
      if (keepFrom) {
        const big = this.db
          .delete(chunks)
          .where(and(eq(chunks.state, ChunkState.ACKED), lte(chunks.seq, keepFrom.seq)))
          .returning({ frames: chunks.frameCount })
          .all();
        frames += big.reduce((n, r) => n + r.frames, 0);
      }
      if (frames > 0) this.countEviction(EvictionReason.RETENTION, frames);
    })();
    return frames;
  }

  progress(source: string): SourceProgress | undefined {
    const row = this.db.select().from(sourceProgress).where(eq(sourceProgress.source, source)).get();
    return row && { ...row, busOrdinals: JSON.parse(row.busOrdinals) as Record<string, number> };
  }

  /** Chunks in sequence order, optionally of one bus and overlapping a time range; streams from disk. */
  *iterateChunks(filter: ChunkFilter = {}): Generator<StoredChunk> {
    const query = this.db
      .select()
      .from(chunks)
      .where(and(...filterConditions(filter)))
      .orderBy(asc(chunks.seq));
    // drizzle returns whole result sets; iterate bun:sqlite directly so an export stays in bounded memory.
    const { sql: text, params } = query.toSQL();
    const stmt = this.sqlite.prepare(text);
    for (const row of stmt.iterate(...(params as never[]))) yield toStoredChunk(row as RawChunkRow);
  }

  /** The highest sequence number given so far (0 for a new buffer). */
  lastSeq(): number {
    return (this.sqlite.query("SELECT coalesce(max(seq), 0) AS s FROM chunks").get() as { s: number }).s;
  }

  /** Frames and chunks waiting for the uplink, and how old the oldest of them is. */
  backlog(nowMs = Date.now()): Backlog {
    const b = this.sqlite
      .query(
        "SELECT count(*) AS chunks, coalesce(sum(frame_count), 0) AS frames, coalesce(sum(stored_bytes), 0) AS bytes, min(first_ts_us) AS oldestTsUs FROM chunks WHERE state != ?",
      )
      .get(ChunkState.ACKED) as Omit<Backlog, "oldestAgeS">;
    return { ...b, oldestAgeS: b.oldestTsUs === null ? 0 : Math.max(0, nowMs / 1000 - b.oldestTsUs / 1e6) };
  }

  /** Bus names present in the buffer. */
  buses(): string[] {
    return this.db.selectDistinct({ bus: chunks.bus }).from(chunks).orderBy(asc(chunks.bus)).all().map((r) => r.bus);
  }

  stats(): BufferStats {
    const totals = (state: ChunkState): StateTotals => {
      const r = this.db
        .select({
          chunks: sql<number>`count(*)`,
          frames: sql<number>`coalesce(sum(${chunks.frameCount}), 0)`,
          bytes: sql<number>`coalesce(sum(${chunks.storedBytes}), 0)`,
        })
        .from(chunks)
        .where(eq(chunks.state, state))
        .get()!;
      return { chunks: r.chunks, frames: r.frames, bytes: r.bytes };
    };
    const range = this.db
      .select({
        firstSeq: sql<number | null>`min(${chunks.seq})`,
        lastSeq: sql<number | null>`max(${chunks.seq})`,
        newest: sql<number | null>`max(${chunks.lastTsUs})`,
      })
      .from(chunks)
      .get()!;
    const oldestPending = this.db
      .select({ ts: sql<number | null>`min(${chunks.firstTsUs})` })
      .from(chunks)
      .where(eq(chunks.state, ChunkState.PENDING))
      .get()!;
    const counterRows = this.db.select().from(counters).all();
    const evictedFrames = Object.fromEntries(
      Object.values(EvictionReason).map((r) => [r, counterRows.find((c) => c.name === evictedKey(r))?.value ?? 0]),
    ) as Record<EvictionReason, number>;
    const sources = this.db
      .select()
      .from(sourceProgress)
      .all()
      .map((row) => ({ ...row, busOrdinals: JSON.parse(row.busOrdinals) as Record<string, number> }));
    return {
      path: this.options.path,
      fileBytes: fileBytes(this.options.path),
      capBytes: this.options.capBytes || null,
      pending: totals(ChunkState.PENDING),
      inFlight: totals(ChunkState.IN_FLIGHT),
      acked: totals(ChunkState.ACKED),
      oldestPendingTsUs: oldestPending.ts,
      newestTsUs: range.newest,
      firstSeq: range.firstSeq,
      lastSeq: range.lastSeq,
      evictedFrames,
      sources,
    };
  }

  integrityCheck(): string {
    return (this.sqlite.query("PRAGMA integrity_check").get() as { integrity_check: string }).integrity_check;
  }

  /** Checkpoints the WAL into the database (a writer's clean shutdown leaves no log behind) and closes. */
  close(): void {
    if (!this.readonly) this.sqlite.run("PRAGMA wal_checkpoint(TRUNCATE)");
    this.sqlite.close();
  }
}

/** Chunks of a bus and overlapping a time range (a chunk's time range is [firstTsUs, lastTsUs]). */
function filterConditions(filter: ChunkFilter) {
  const conds = [];
  if (filter.bus !== undefined) conds.push(eq(chunks.bus, filter.bus));
  if (filter.fromUs !== undefined) conds.push(gte(chunks.lastTsUs, filter.fromUs));
  if (filter.toUs !== undefined) conds.push(lte(chunks.firstTsUs, filter.toUs));
  return conds;
}

/** A row of the chunks table as SQLite returns it (column names). */
export interface RawChunkRow {
  seq: number;
  bus: string;
  first_ts_us: number;
  last_ts_us: number;
  frame_count: number;
  raw_bytes: number;
  stored_bytes: number;
  codec: number;
  state: ChunkState;
  created_at_ms: number;
  acked_at_ms: number | null;
  payload: Uint8Array;
}

function toStoredChunk(r: RawChunkRow): StoredChunk {
  return {
    seq: r.seq,
    bus: r.bus,
    firstTsUs: r.first_ts_us,
    lastTsUs: r.last_ts_us,
    frameCount: r.frame_count,
    rawBytes: r.raw_bytes,
    storedBytes: r.stored_bytes,
    codec: r.codec,
    state: r.state,
    createdAtMs: r.created_at_ms,
    ackedAtMs: r.acked_at_ms,
    payload: r.payload,
  };
}

/** Database file plus its WAL, as the cap counts them. */
export function fileBytes(path: string): number {
  let n = 0;
  for (const p of [path, `${path}-wal`]) {
    const f = Bun.file(p);
    n += f.size;
  }
  return n;
}
