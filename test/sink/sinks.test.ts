import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { appendFileSync, readdirSync, statSync } from "node:fs";
import { PartitionedFileSink } from "../../src/sink/PartitionedFileSink.ts";
import { CANDUMP_LINES, NDJSON_LINES } from "../../src/sink/formats.ts";
import { SqliteSink } from "../../src/sink/SqliteSink.ts";
import { formatCandumpLine } from "../../src/source/candump/candumpLine.ts";
import type { CanFrame } from "../../src/frame/CanFrame.ts";
import type { ChunkDelivery } from "../../src/sink/FrameSink.ts";
import { tempDir } from "../helpers/cli.ts";
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
