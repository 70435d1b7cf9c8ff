/**
 * Torn storage: between runs, the buffer's files are damaged the way a power cut or a failing card
 * damages them (the write-ahead log cut short or with a garbage tail; the database cut short, a page
 * half written, or its header destroyed). The next `canferry ingest` of the same log must start, keep
 * every intact chunk, say what it lost, move a damaged database aside, and end with no frame twice.
 */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { appendFileSync, existsSync, openSync, readdirSync, statSync, truncateSync, writeSync, closeSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { BufferStore } from "../../src/buffer/BufferStore.ts";
import { exportFrames } from "../../src/buffer/frameExport.ts";
import { recoveryMessage, type RecoveryReport } from "../../src/buffer/BufferRecovery.ts";
import { canferry, tempDir, watchedCanferry } from "../helpers/cli.ts";
import { writeLongLog } from "../helpers/longLog.ts";
import { waitFor } from "../helpers/pipeline.ts";
import { record, scale } from "./ledger.ts";

const REPEATS = scale(1, 10);
const PAGE = 4096;
const rand = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo));

/** Ways to damage the files; `wal` ones need the log left behind by a killed process. */
const DAMAGE: { name: string; wal: boolean; apply(db: string): void }[] = [
  // A power cut loses the part of the log not yet synced: its tail (a checkpoint syncs what it copies).
  { name: "WAL cut short in its last quarter", wal: true, apply: (db) => truncateSync(`${db}-wal`, rand(Math.floor(statSync(`${db}-wal`).size * 0.75), statSync(`${db}-wal`).size)) },
  { name: "WAL with a garbage tail", wal: true, apply: (db) => appendFileSync(`${db}-wal`, randomBytes(rand(100, 20_000))) },
  { name: "database cut at a random offset", wal: false, apply: (db) => truncateSync(db, rand(4 * PAGE, statSync(db).size - PAGE)) },
  {
    name: "a page half written",
    wal: false,
    apply: (db) => {
      const page = rand(4, Math.floor(statSync(db).size / PAGE) - 1);
      const fd = openSync(db, "r+");
      writeSync(fd, randomBytes(PAGE / 2), 0, PAGE / 2, page * PAGE + PAGE / 2);
      closeSync(fd);
    },
  },
  {
    name: "database header destroyed (beyond repair)",
    wal: false,
    apply: (db) => {
      const fd = openSync(db, "r+");
      writeSync(fd, randomBytes(100), 0, 100, 0);
      closeSync(fd);
    },
  },
];

/** A gateway importing the log with no reachable SQS, stopped (SIGTERM) or killed (SIGKILL, leaving its WAL). */
async function buildBuffer(dir: string, log: string, total: number, kill: boolean): Promise<string> {
  const db = join(dir, "buffer.db");
  await Bun.write(
    join(dir, "gateway.toml"),
    `[gateway]\nsource = "candump:${log}"\npace = "fast"\n[buffer]\npath = "${db}"\n[chunker]\nmax_frames = 500\n` +
      `[sqs]\nqueue_url = "http://127.0.0.1:1/000000000000/q"\nendpoint = "http://127.0.0.1:1"\n[status]\nbind = "127.0.0.1:0"\n[metrics]\ndir = "${join(dir, "m")}"\n`,
  );
  const g = watchedCanferry(["gateway", "--config", join(dir, "gateway.toml")], { CANFERRY_LOG_FORMAT: "json" });
  await g.waitFor("gateway started", 30_000);
  await waitFor("the whole log in the buffer", async () => (await frameCount(db)) === total, 30_000);
  g.proc.kill(kill ? "SIGKILL" : "SIGTERM");
  await g.finished();
  return db;
}

/**
 * Frames in the buffer, asked of `canferry buffer stats` in its own process: a reader in this process
 * would share SQLite's in-process view of the log with the inspection after the damage.
 */
async function frameCount(db: string): Promise<number> {
  const r = await canferry(["buffer", "stats", "--db", db, "--json"]);
  if (r.code !== 0) return 0;
  const s = JSON.parse(r.stdout) as Record<"pending" | "inFlight" | "acked", { frames: number }>;
  return s.pending.frames + s.inFlight.frames + s.acked.frames;
}

for (const damage of DAMAGE) {
  test(`${damage.name}, ${REPEATS}×: canferry starts, keeps what is intact, reports the rest, no frame twice`, async () => {
    let framesIn = 0;
    let framesOut = 0;
    let duplicates = 0;
    let lostReported = 0;
    let movedAside = 0;
    let failures = 0;
    for (let r = 0; r < REPEATS; r++) {
      const dir = tempDir("chaos-torn");
      const log = join(dir, "long.log");
      const total = await writeLongLog(log, 4);
      const db = await buildBuffer(dir, log, total, damage.wal);
      if (damage.wal) expect(existsSync(`${db}-wal`)).toBe(true);
      damage.apply(db);
      // The next run of the same import: it must start, recover, and finish.
      const run = await canferry(["ingest", `candump:${log}`, "--db", db, "--quiet"]);
      const recoveryLine = run.stdout.split("\n").find((l) => l.includes('"recovery"'));
      const report = recoveryLine ? (JSON.parse(recoveryLine).recovery as RecoveryReport) : undefined;
      const store = BufferStore.inspect(db);
      const integrity = store.integrityCheck();
      // Damage inside a chunk's payload shows only when it is decoded: the export names and skips it.
      let corruptFrames = 0;
      const frames = [...exportFrames(store, {}, (_e, n) => (corruptFrames += n))];
      const lastRecovery = store.lastRecovery();
      store.close();
      const keys = frames.map((f) => `${f.bus} ${f.tsUs}`);
      const distinct = new Set(keys).size;
      const aside = readdirSync(dir).filter((f) => /^buffer\.db\.damaged-[^-]/.test(f) && !f.endsWith("-wal") && !f.endsWith("-shm"));
      framesIn += total;
      framesOut += distinct;
      duplicates += keys.length - distinct;
      lostReported += (report?.lostFrames ?? 0) + corruptFrames;
      // Frames gone without a count: only where the report names unreachable chunk numbers.
      const uncounted = total - distinct - (report?.lostFrames ?? 0) - corruptFrames;
      movedAside += aside.length;
      const ok =
        run.code === 0 &&
        integrity === "ok" &&
        // Frames twice only where the report said a restarted import could store saved frames again.
        (keys.length === distinct || (report !== undefined && !report.keptProgress && report.salvagedChunks > 0)) &&
        distinct <= total &&
        // A damaged database is moved aside and reported, in the log and in the buffer's own record.
        (uncounted === 0 || (report?.unreachableSeqRanges.length ?? 0) > 0) &&
        // A moved-aside database is reported, in the log and in the buffer's own record.
        (aside.length === 0 || (report !== undefined && lastRecovery !== undefined)) &&
        (!damage.wal || distinct === total);
      if (report) console.log(`${damage.name}: ${recoveryMessage(report)}`);
      // The moved-aside file, if unreadable, is refused with a clear message, not a stack trace.
      if (aside.length) {
        const st = await canferry(["buffer", "stats", "--db", join(dir, aside[0]!)]);
        if (st.code !== 0 && !(st.code === 2 && st.stderr.includes("cannot be read"))) {
          failures++;
          console.log(`buffer stats on the moved-aside file: exit ${st.code}: ${st.stderr.slice(-500)}`);
        }
      }
      if (!ok) {
        failures++;
        console.log(`${damage.name}: exit ${run.code}, integrity ${integrity}, ${distinct}/${total} frames, ${keys.length - distinct} twice, ${aside.length} moved aside\n${run.stderr.slice(-1500)}`);
      }
    }
    record({
      suite: "torn storage",
      injected: `${damage.name}, then the same import again`,
      times: REPEATS,
      framesIn,
      framesOut,
      duplicates,
      figures: { lost_frames_reported: lostReported, damaged_files_moved_aside: movedAside },
      result: failures === 0 ? "pass" : "fail",
    });
    console.log(`${damage.name}: ${framesOut} of ${framesIn} frames kept, ${lostReported} reported lost, ${movedAside} files moved aside`);
    expect(failures).toBe(0);
  }, scale(60_000, 600_000));
}
