/**
 * A real child process importing a long log is SIGKILLed at random moments and restarted; the buffer
 * must stay intact, never lose a committed frame, never hold one twice, and end with the whole log.
 */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { BufferStore } from "../../src/buffer/BufferStore.ts";
import { exportFrames } from "../../src/buffer/frameExport.ts";
import { canferry, spawnCanferry, tempDir } from "../helpers/cli.ts";
import { writeLongLog } from "../helpers/longLog.ts";

const KILLS = 6;

function committed(db: string) {
  const store = BufferStore.inspect(db);
  try {
    expect(store.integrityCheck()).toBe("ok");
    const frames = [...exportFrames(store)];
    return { count: frames.length, times: frames.map((f) => f.tsUs), sources: store.stats().sources };
  } finally {
    store.close();
  }
}

test(
  `ingest survives ${KILLS} SIGKILLs at random moments: every frame exactly once, in order`,
  async () => {
    const dir = tempDir("crash");
    const log = join(dir, "long.log");
    const db = join(dir, "buffer.db");
    const total = await writeLongLog(log, 50);
    const args = ["ingest", `candump:${log}`, "--db", db, "--max-frames", "700", "--quiet"];
    let last = 0;
    let progressed = 0;
    for (let k = 0; k < KILLS; k++) {
      const child = spawnCanferry(args);
      const reader = child.stdout.getReader();
      // Wait until the child has opened the buffer and started, then let it run for a random while.
      let seen = "";
      while (!seen.includes("ingest started")) {
        const { value, done } = await reader.read();
        if (done) break;
        seen += new TextDecoder().decode(value);
      }
      await Bun.sleep(30 + Math.random() * 250);
      child.kill("SIGKILL");
      await child.exited;
      const now = committed(db);
      // Nothing committed is lost, nothing is duplicated: unique timestamps stay strictly increasing.
      expect(now.count).toBeGreaterThanOrEqual(last);
      for (let i = 1; i < now.times.length; i++) if (now.times[i]! <= now.times[i - 1]!) throw new Error(`frame ${i} out of order or twice`);
      if (now.count > last) progressed++;
      last = now.count;
      if (now.count === total) break;
    }
    expect(progressed).toBeGreaterThan(0);
    const finish = await canferry(args);
    expect(finish.code).toBe(0);
    const end = committed(db);
    expect(end.count).toBe(total);
    const exported = await canferry(["buffer", "export", "--db", db]);
    expect(exported.stdout).toBe(await Bun.file(log).text());
  },
  120_000,
);
