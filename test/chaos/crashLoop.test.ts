/**
 * Crash loop: a gateway importing a long real log at full speed and uploading is SIGKILLed at random
 * moments and restarted, again and again; the consumer is killed too. The buffer must pass
 * PRAGMA integrity_check after every kill, and the sink must end with every frame of the log once.
 */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { BufferStore } from "../../src/buffer/BufferStore.ts";
import { tempDir, watchedCanferry } from "../helpers/cli.ts";
import { writeLongLog } from "../helpers/longLog.ts";
import { startTestSqs } from "../helpers/sqs.ts";
import { rowKey, sinkCount, sinkRows, waitFor } from "../helpers/pipeline.ts";
import { record, scale } from "./ledger.ts";

const GATEWAY_KILLS = scale(8, 30);
const CONSUMER_KILLS = scale(3, 10);
/** Copies of the SavvyCAN capture: 0.5 M frames (short), 2.1 M (long); the kill count says how many struck mid-import. */
const COPIES = scale(40, 160);

/** PRAGMA integrity_check of the buffer, and how many frames it has taken in so far. */
function inspect(db: string): { integrity: string; frames: number } {
  const store = BufferStore.inspect(db);
  try {
    const s = store.stats();
    return { integrity: store.integrityCheck(), frames: s.pending.frames + s.acked.frames };
  } finally {
    store.close();
  }
}

test(`${GATEWAY_KILLS} gateway and ${CONSUMER_KILLS} consumer SIGKILLs: every frame once at the sink, the buffer intact each time`, async () => {
  const dir = tempDir("chaos-crash");
  const log = join(dir, "long.log");
  const total = await writeLongLog(log, COPIES);
  const sqs = await startTestSqs("chaos-crash", { visibilityTimeoutS: 2 });
  const db = join(dir, "buffer.db");
  const sink = join(dir, "sink.db");
  const common = `[sqs]\nqueue_url = "${sqs.queueUrl}"\nendpoint = "${sqs.endpoint}"\n[status]\nbind = "127.0.0.1:0"\n[metrics]\ndir = "${join(dir, "metrics")}"\n`;
  await Bun.write(
    join(dir, "gateway.toml"),
    `${common}[gateway]\nid = "chaos"\nsource = "candump:${log}"\npace = "fast"\n[buffer]\npath = "${db}"\n[chunker]\nmax_frames = 1000\n`,
  );
  await Bun.write(
    join(dir, "consumer.toml"),
    `${common}[consumer]\npollers = 2\nvisibility_timeout = "2s"\nwait_time = "1s"\n[sink]\ntype = "sqlite"\npath = "${sink}"\n`,
  );
  const gateway = () => watchedCanferry(["gateway", "--config", join(dir, "gateway.toml")], { CANFERRY_LOG_FORMAT: "json" });
  const consumer = () => watchedCanferry(["consumer", "--config", join(dir, "consumer.toml")], { CANFERRY_LOG_FORMAT: "json" });

  let c = consumer();
  const checks: string[] = [];
  let consumerKills = 0;
  /** Kills that struck before the whole log was in the buffer. */
  let midImport = 0;
  for (let k = 0; k < GATEWAY_KILLS; k++) {
    const g = gateway();
    await g.waitFor("gateway started", 30_000);
    await Bun.sleep(50 + Math.random() * 700);
    g.proc.kill("SIGKILL");
    await g.proc.exited;
    const b = inspect(db);
    checks.push(b.integrity);
    if (b.frames < total) midImport++;
    // The consumer dies every few gateway kills, mid-batch, and comes back.
    if (consumerKills < CONSUMER_KILLS && k % Math.ceil(GATEWAY_KILLS / CONSUMER_KILLS) === 0) {
      c.proc.kill("SIGKILL");
      await c.proc.exited;
      consumerKills++;
      c = consumer();
    }
  }
  // A last gateway runs to the end of the log and the backlog; the consumer drains the queue.
  const last = gateway();
  try {
    await waitFor("every frame at the sink", () => sinkCount(sink) >= total, scale(90_000, 600_000));
    await waitFor("the queue empty", async () => (await sqs.depth(sqs.queueUrl)) === 0, 30_000);
  } catch (e) {
    // Where the frames are, and what the two processes last said, so a failure can be understood.
    const b = BufferStore.inspect(db);
    const stats = b.stats();
    b.close();
    const tail = (text: string) => text.trim().split("\n").slice(-15).join("\n");
    console.log(
      `crash loop stuck: ${sinkCount(sink)} of ${total} frames at the sink; buffer ${JSON.stringify(stats)}; queue depth ${await sqs.depth(sqs.queueUrl)}, ` +
        // A good message received maxReceiveCount times by consumers that were then killed goes there too.
        `dead-letter queue depth ${await sqs.depth(sqs.dlqUrl)}\n` +
        `last gateway:\n${tail(last.output())}\nconsumer:\n${tail(c.output())}`,
    );
    throw e;
  }
  last.proc.kill("SIGTERM");
  c.proc.kill("SIGTERM");
  await Promise.all([last.finished(), c.finished()]);
  await sqs.stop();
  checks.push(inspect(db).integrity);

  const rows = sinkRows(sink);
  const distinct = new Set(rows.map(rowKey)).size;
  const logKeys = new Set(
    (await Bun.file(log).text())
      .split("\n")
      .filter(Boolean)
      .map((l) => l.slice(1, l.indexOf(")"))),
  );
  const ok = rows.length === total && distinct === total && checks.every((x) => x === "ok") && logKeys.size === total;
  record({
    suite: "crash loop",
    injected: "SIGKILL of the gateway (importing a long log at full speed and uploading) at random moments, and of the consumer",
    times: GATEWAY_KILLS + consumerKills,
    framesIn: total,
    framesOut: distinct,
    duplicates: rows.length - distinct,
    figures: { gateway_kills: GATEWAY_KILLS, consumer_kills: consumerKills, integrity_checks_ok: checks.filter((x) => x === "ok").length, kills_mid_import: midImport },
    result: ok ? "pass" : "fail",
  });
  expect(checks.every((x) => x === "ok")).toBe(true);
  expect(consumerKills).toBe(CONSUMER_KILLS);
  console.log(`crash loop: ${midImport} of ${GATEWAY_KILLS} gateway kills struck mid-import`);
  expect(rows.length).toBe(total);
  expect(distinct).toBe(total);
}, scale(180_000, 1_200_000));
