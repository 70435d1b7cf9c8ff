/**
 * Text files partitioned by gateway, bus and hour of capture (UTC): `DIR/GATEWAY/BUS/YYYY-MM-DDTHH.EXT`.
 * Exactly once across crashes: a ledger (SQLite, beside the files) records which chunks are written
 * and how many bytes of each file are committed. Bytes appended by a write whose ledger commit never
 * happened are cut off when the sink opens again, and the chunk, never marked delivered, is written
 * again on redelivery. One consumer process per directory.
 */
import { Database } from "bun:sqlite";
import { enableWal, waitForLocks } from "../lib/sharedSqlite.ts";
import { closeSync, existsSync, fdatasyncSync, ftruncateSync, mkdirSync, openSync, statSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import type { CanFrame } from "../frame/CanFrame.ts";
import { ByteWriter } from "../codec/ByteWriter.ts";
import { chunkKey, type ChunkDelivery, type FrameSink } from "./FrameSink.ts";

export interface LineFormat {
  kind: string;
  ext: string;
  /** Appends the frame's line (or lines), newline included. */
  write(w: ByteWriter, f: CanFrame, d: ChunkDelivery): void;
  /** What the format counts as it writes (the signal sink's decoded and undefined frames). */
  counts?(): Record<string, number>;
}

export interface FileSinkOptions {
  /** fdatasync each file before its ledger commit: survives power loss, costs a disk flush per chunk. */
  fsync: boolean;
}

/** File-name-safe form of a gateway or bus name. */
function safe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, "_");
}

const US_PER_HOUR = 3_600_000_000;

/** write(2) may take less than asked; keep going until the whole buffer is in the file. */
function writeAll(fd: number, bytes: Uint8Array): void {
  for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
}

function hourName(hour: number): string {
  return new Date(hour * 3_600_000).toISOString().slice(0, 13);
}

export class PartitionedFileSink implements FrameSink {
  readonly kind: string;
  private readonly ledger: Database;
  private readonly fds = new Map<string, number>();
  private readonly seen;
  private readonly mark;
  private readonly committed;
  private readonly register;
  private readonly grow;

  constructor(
    readonly dir: string,
    private readonly format: LineFormat,
    private readonly o: FileSinkOptions = { fsync: false },
  ) {
    this.kind = format.kind;
    mkdirSync(dir, { recursive: true });
    this.ledger = new Database(join(dir, ".canferry-ledger.db"), { create: true, strict: true });
    waitForLocks(this.ledger);
    enableWal(this.ledger);
    this.ledger.run(`PRAGMA synchronous = ${o.fsync ? "FULL" : "NORMAL"}`);
    this.ledger.exec(`
      CREATE TABLE IF NOT EXISTS delivered (key TEXT PRIMARY KEY, frames INTEGER NOT NULL, stored_at_ms INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, bytes INTEGER NOT NULL);`);
    this.seen = this.ledger.prepare("SELECT 1 FROM delivered WHERE key = ?");
    this.mark = this.ledger.prepare("INSERT INTO delivered (key, frames, stored_at_ms) VALUES (?, ?, ?)");
    this.committed = this.ledger.prepare("SELECT bytes FROM files WHERE path = ?");
    this.register = this.ledger.prepare("INSERT OR IGNORE INTO files (path, bytes) VALUES (?, 0)");
    this.grow = this.ledger.prepare("UPDATE files SET bytes = bytes + ? WHERE path = ?");
    this.cutUncommittedTails();
  }

  /** A crash between appending and the ledger commit leaves bytes no ledger row covers: remove them. */
  private cutUncommittedTails(): void {
    for (const row of this.ledger.query("SELECT path, bytes FROM files").all() as { path: string; bytes: number }[]) {
      const p = join(this.dir, row.path);
      if (!existsSync(p)) continue;
      if (statSync(p).size > row.bytes) {
        const fd = openSync(p, "r+");
        ftruncateSync(fd, row.bytes);
        closeSync(fd);
      }
    }
  }

  private fd(rel: string): number {
    let fd = this.fds.get(rel);
    if (fd === undefined) {
      this.register.run(rel);
      const p = join(this.dir, rel);
      mkdirSync(dirname(p), { recursive: true });
      fd = openSync(p, "a");
      // The ledger is the truth: a file longer than its committed size was cut above, so appends line up.
      const want = (this.committed.get(rel) as { bytes: number }).bytes;
      if (statSync(p).size !== want) ftruncateSync(fd, want);
      this.fds.set(rel, fd);
    }
    return fd;
  }

  async write(d: ChunkDelivery): Promise<boolean> {
    const key = chunkKey(d);
    if (this.seen.get(key)) return false;
    // Frames of a chunk are minutes apart at most: usually one partition, so look it up per change of hour.
    const parts = new Map<string, ByteWriter>();
    const base = `${safe(d.gateway)}/${safe(d.bus)}/`;
    let hour = Number.NaN;
    let w: ByteWriter | undefined;
    for (const f of d.frames) {
      const h = Math.floor(f.tsUs / US_PER_HOUR);
      if (h !== hour || !w) {
        hour = h;
        const rel = `${base}${hourName(h)}.${this.format.ext}`;
        w = parts.get(rel);
        if (!w) parts.set(rel, (w = new ByteWriter(d.frames.length * 48)));
      }
      this.format.write(w, f, d);
    }
    const sizes: [number, string][] = [];
    for (const [rel, part] of parts) {
      const fd = this.fd(rel);
      writeAll(fd, part.view());
      if (this.o.fsync) fdatasyncSync(fd);
      sizes.push([part.pos, rel]);
    }
    this.ledger.transaction(() => {
      this.mark.run(key, d.frames.length, Date.now());
      for (const [n, rel] of sizes) this.grow.run(n, rel);
    })();
    return true;
  }

  counts(): Record<string, number> {
    return this.format.counts?.() ?? {};
  }

  async close(): Promise<void> {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
    this.ledger.run("PRAGMA wal_checkpoint(TRUNCATE)");
    this.ledger.close();
  }
}
