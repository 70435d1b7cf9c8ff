import { describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { appendFileSync, readdirSync, statSync } from "node:fs";
import { PartitionedFileSink } from "../../src/sink/PartitionedFileSink.ts";
import { CANDUMP_LINES, NDJSON_LINES } from "../../src/sink/formats.ts";
import { SqliteSink } from "../../src/sink/SqliteSink.ts";
import { formatCandumpLine } from "../../src/source/candump/candumpLine.ts";
import type { CanFrame } from "../../src/frame/CanFrame.ts";
import type { ChunkDelivery } from "../../src/sink/FrameSink.ts";
import { ROOT, tempDir } from "../helpers/cli.ts";
import { sinkCount } from "../helpers/pipeline.ts";

const T0 = Date.UTC(2024, 0, 2, 10, 59, 59) * 1000;

function delivery(seq: number, frames: CanFrame[], bus = "can0"): ChunkDelivery {
  return { gateway: "gw/1", epoch: "e1", seq, bus, frames };
}

function frame(tsUs: number, id: number): CanFrame {
  return { bus: "can0", id, flags: 0, dlc: 2, data: new Uint8Array([id & 0xff, 0xaa]), tsUs, tsNs: 0 };
}

describe("partitioned file sinks", () => {
  test("candump files per gateway, bus and hour; a redelivered chunk is written once", async () => {
    const dir = tempDir("filesink");
    const sink = new PartitionedFileSink(dir, CANDUMP_LINES);
    const frames = [frame(T0, 1), frame(T0 + 500_000, 2), frame(T0 + 1_500_000, 3)]; // crosses 11:00
    expect(await sink.write(delivery(1, frames))).toBe(true);
    expect(await sink.write(delivery(1, frames))).toBe(false);
    await sink.close();
    const busDir = join(dir, "gw_1", "can0");
    expect(readdirSync(busDir).sort()).toEqual(["2024-01-02T10.log", "2024-01-02T11.log"]);
    const text = (await Bun.file(join(busDir, "2024-01-02T10.log")).text()) + (await Bun.file(join(busDir, "2024-01-02T11.log")).text());
    expect(text).toBe(frames.map((f) => formatCandumpLine(f) + "\n").join(""));
  });

  test("bytes a crash left past the ledger are cut off, and the chunk is written again on redelivery", async () => {
    const dir = tempDir("filesink-crash");
    const first = new PartitionedFileSink(dir, CANDUMP_LINES);
    await first.write(delivery(1, [frame(T0, 1)]));
    await first.close();
    const file = join(dir, "gw_1", "can0", "2024-01-02T10.log");
    const committed = statSync(file).size;
    // What a process killed between its append and its ledger commit leaves behind:
    appendFileSync(file, "(1704193199.000000) can0 002#02AA\n(1704193199.5");
    const second = new PartitionedFileSink(dir, CANDUMP_LINES);
    expect(statSync(file).size).toBe(committed);
    expect(await second.write(delivery(2, [frame(T0 + 1, 2)]))).toBe(true);
    await second.close();
    expect(await Bun.file(file).text()).toBe([frame(T0, 1), frame(T0 + 1, 2)].map((f) => formatCandumpLine(f) + "\n").join(""));
  });

  test("NDJSON lines carry the frame and the gateway", async () => {
    const dir = tempDir("ndjson");
    const sink = new PartitionedFileSink(dir, NDJSON_LINES);
    await sink.write(delivery(5, [{ ...frame(T0, 0x123), flags: 1, id: 0x1abcdef }]));
    await sink.close();
    const line = JSON.parse((await Bun.file(join(dir, "gw_1", "can0", "2024-01-02T10.ndjson")).text()).trim());
    expect(line).toEqual({ ts_us: T0, gateway: "gw/1", bus: "can0", id: 0x1abcdef, ext: true, fd: false, rtr: false, err: false, flags: 1, dlc: 2, data: "23aa" });
  });
});

test("the SQLite sink writes a chunk once, also across reopening", async () => {
  const path = join(tempDir("sqlitesink"), "frames.db");
  const a = new SqliteSink(path);
  expect(await a.write(delivery(1, [frame(T0, 1), frame(T0 + 1, 2)]))).toBe(true);
  await a.close();
  const b = new SqliteSink(path);
  expect(await b.write(delivery(1, [frame(T0, 1), frame(T0 + 1, 2)]))).toBe(false);
  expect(await b.write(delivery(2, [frame(T0 + 2, 3)]))).toBe(true);
  await b.close();
  expect(sinkCount(path)).toBe(3);
});

test("several consumer processes opening and writing one new SQLite sink at the same moment all succeed", async () => {
  // SQLite answers with SQLITE_BUSY, without waiting for the lock, a switch to WAL while another
  // connection switches the same new file (a consumer failed to start so in CI, 2026-12-05), and a
  // transaction that read first and wants to write after another process wrote.
  const source = join(ROOT, "src", "sink", "SqliteSink.ts");
  for (let round = 0; round < 10; round++) {
    const path = join(tempDir("sqlite-sink-race"), "sink.db");
    // Each process loads first, then all open the file at the same wall-clock moment.
    const at = Date.now() + 400;
    const opens = Array.from({ length: 8 }, (_, i) =>
      Bun.spawn([process.execPath, "-e", `const { SqliteSink } = await import(${JSON.stringify(source)}); await Bun.sleep(${at} - Date.now()); const sink = new SqliteSink(${JSON.stringify(path)}); await sink.write(${JSON.stringify({ gateway: "g", epoch: "e", seq: i, bus: "can0", frames: [] })}); await sink.close(); console.log("opened");`], {
        stdout: "pipe",
        stderr: "pipe",
      }),
    );
    const results = await Promise.all(opens.map(async (p) => ({ code: await p.exited, out: await new Response(p.stdout).text(), err: await new Response(p.stderr).text() })));
    for (const r of results) expect({ code: r.code, out: r.out.trim(), err: r.err.split("\n").find((l) => l.includes("Error")) }).toEqual({ code: 0, out: "opened", err: undefined });
    const db = new Database(path, { readonly: true });
    expect((db.query("SELECT count(*) AS n FROM delivered").get() as { n: number }).n).toBe(8);
    db.close();
  }
});
