/**
 * The SocketCAN source without a CAN bus: the addon's messages as CanFrames, and the failure path on
 * a kernel without AF_CAN (canferry's CI host). The live tests are in test/vcan, run by
 * test/vcan/run.sh on vcan interfaces (in a VM where the kernel has none).
 */
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { kernelHasCan, toCanFrame } from "../../src/source/SocketCanSource.ts";
import { FrameFlag } from "../../src/frame/CanFrame.ts";
import { canferry, tempDir } from "../helpers/cli.ts";

const IFACE = process.env.CANFERRY_TEST_IFACE ?? "vcan0";
const live = kernelHasCan() && existsSync(`/sys/class/net/${IFACE}`);

describe("SocketCAN frame conversion", () => {
  test("addon messages become CanFrames with kernel timestamps and flags", () => {
    const f = toCanFrame("can0", { id: 0x1abcdef, ext: true, data: Buffer.from([1, 2]), ts_sec: 1700000000, ts_usec: 42 });
    expect(f).toMatchObject({ bus: "can0", id: 0x1abcdef, flags: FrameFlag.EXT, dlc: 2, tsUs: 1700000000000042 });
    const fd = toCanFrame("can1", { id: 0x123, data: new Uint8Array(12) });
    expect(fd.flags & FrameFlag.FD).toBe(FrameFlag.FD);
    expect(toCanFrame("can0", { id: 0x123, rtr: true, data: new Uint8Array(0) }).flags).toBe(FrameFlag.RTR);
    expect(toCanFrame("can0", { id: 0x80, err: true, data: new Uint8Array(8) }).flags).toBe(FrameFlag.ERR);
    // The patched addon passes struct canfd_frame's flags: BRS 1, ESI 2, FDF 4; FD even at 8 bytes.
    expect(toCanFrame("can0", { id: 0x10, data: new Uint8Array(8), fd_flags: 0 }).flags).toBe(FrameFlag.FD);
    expect(toCanFrame("can0", { id: 0x10, data: new Uint8Array(8), fd_flags: 7 }).flags).toBe(FrameFlag.FD | FrameFlag.BRS | FrameFlag.ESI | FrameFlag.FDF);
  });
});

describe.skipIf(live)("without SocketCAN", () => {
  test("ingest from socketcan fails at start with a message that says why", async () => {
    const r = await canferry(["ingest", `socketcan:${IFACE}`, "--db", join(tempDir("nocan"), "b.db")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no SocketCAN \(AF_CAN\)|no such network interface|addon is not available/);
  });
});
