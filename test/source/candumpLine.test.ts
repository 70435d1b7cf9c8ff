import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { formatCandumpLine, parseCandumpLine, type CandumpLine } from "../../src/source/candump/candumpLine.ts";
import { FrameFlag, frameProblem, type CanFrame } from "../../src/frame/CanFrame.ts";
import { arbFrame, FUZZ_RUNS, plain } from "../helpers/frames.ts";

function frameOf(line: string): CanFrame {
  const r = parseCandumpLine(line);
  if (r.kind !== "frame") throw new Error(`expected a frame from ${JSON.stringify(line)}, got ${JSON.stringify(r)}`);
  return r.frame;
}

const bytes = (hex: string) => [...Buffer.from(hex, "hex")];

describe("candump log format", () => {
  test("classic, extended, RTR, raw DLC, FD, error, direction", () => {
    const cases: [string, Partial<ReturnType<typeof plain>>][] = [
      ["(1436509052.249713) can0 123#DEADBEEF", { bus: "can0", id: 0x123, flags: 0, dlc: 4, data: bytes("deadbeef"), tsUs: 1436509052249713 }],
      ["(1436509052.249713) can0 12345678#00", { id: 0x12345678, flags: FrameFlag.EXT, dlc: 1 }],
      ["(1.000000) can0 00000123#", { id: 0x123, flags: FrameFlag.EXT, dlc: 0, data: [] }],
      ["(1.000000) can0 123#R", { flags: FrameFlag.RTR, dlc: 0, data: [] }],
      ["(1.000000) can0 123#R7", { flags: FrameFlag.RTR, dlc: 7, data: [] }],
      ["(1.000000) can0 123#R8_E", { flags: FrameFlag.RTR, dlc: 14, data: [] }],
      ["(1.000000) can0 123#1122334455667788_E", { dlc: 14, data: bytes("1122334455667788") }],
      ["(1.000000) can0 123#11.22.33", { dlc: 3, data: bytes("112233") }],
      ["(1.000000) can1 123##1AABB", { flags: FrameFlag.FD | FrameFlag.BRS, dlc: 2, data: bytes("aabb") }],
      ["(1.000000) can1 123##0", { flags: FrameFlag.FD, dlc: 0 }],
      ["(1.000000) can1 123##5AA", { flags: FrameFlag.FD | FrameFlag.BRS | FrameFlag.FDF, dlc: 1 }],
      ["(1.000000) can1 123##4AA", { flags: FrameFlag.FD | FrameFlag.FDF, dlc: 1 }],
      ["(1.000000) can1 123##2AA", { flags: FrameFlag.FD | FrameFlag.ESI, dlc: 1 }],
      ["(1.000000) can0 20000080#0000000000000000", { id: 0x80, flags: FrameFlag.ERR, dlc: 8 }],
      ["(1.000000) can0 123#11 T", { flags: FrameFlag.DIR_TX }],
      ["(1.000000) can0 123#11 R", { flags: FrameFlag.DIR_RX }],
      ["(1.123456789) can0 123#11", { tsUs: 1_123_456, tsNs: 789, flags: FrameFlag.TS_NS }],
      ["(0000000166.000000) vcan0 21A#FE", { tsUs: 166_000_000 }],
      ["  (1613656104.493702)  can2 102#01", { bus: "can2", tsUs: 1613656104493702 }],
      ["(1.5) can0 123#", { tsUs: 1_500_000 }],
    ];
    for (const [line, want] of cases) expect(plain(frameOf(line))).toMatchObject(want);
  });

  test("left-padded interface names from candump -l on several interfaces", () => {
    expect(frameOf("(1436509052.249713)  can0 123#11").bus).toBe("can0");
    expect(frameOf("(1436509052.249713) vcan0 123#11").bus).toBe("vcan0");
  });

  test("DROPCOUNT lines report kernel drops", () => {
    expect(parseCandumpLine("DROPCOUNT: dropped 5 CAN frames on 'can0' socket (total drops 12)")).toEqual({
      kind: "dropcount",
      bus: "can0",
      dropped: 5,
    });
    expect(parseCandumpLine("DROPCOUNT: dropped 1 CAN frame on 'vcan1' socket (total drops 1)")).toMatchObject({ dropped: 1 });
  });

  test("malformed lines are reported with a reason, never thrown", () => {
    const bad = [
      "(1.000000) can0 1234#11", // 4-digit id
      "(1.000000) can0 800#11", // 11-bit id above 7FF
      "(1.000000) can0 123#112", // half a byte
      "(1.000000) can0 123#112233445566778899", // 9 bytes in a classic frame: can-utils rejects it too
      "(1.000000) can0 123#R9", // RTR length digit above 8
      "(1.000000) can0 123##8AA", // unknown FD flag
      "(1.000000) can0 123#1122_E", // raw DLC without 8 bytes
      "(1.000000) can0 123#11 X", // trailing junk
      "(1.000000 can0 123#11", // unterminated timestamp
      "(1.0000000000) can0 123#11", // 10 fractional digits
      "(1) can0 123#11",
      "(1.000000)",
      "(1.000000) can0",
      "DROPCOUNT: nonsense",
      "  vcan0  ERROR",
    ];
    for (const line of bad) expect(parseCandumpLine(line).kind).toBe("malformed");
  });

  test("blank lines and comments are skipped", () => {
    for (const line of ["", "   ", "\r", "# comment"]) expect(parseCandumpLine(line).kind).toBe("blank");
  });
});

describe("candump screen format (as cantools' logreader tests use it)", () => {
  // From cantools tests/test_logreader.py (MIT).
  test("without timestamps", () => {
    const a = parseCandumpLine("vcan0  0C8   [8]  F0 00 00 00 00 00 00 00") as Extract<CandumpLine, { kind: "frame" }>;
    expect(a.stamped).toBe(false);
    expect(plain(a.frame)).toMatchObject({ bus: "vcan0", id: 0xc8, data: bytes("f000000000000000") });
    expect(plain(frameOf("  vcan0  1F4   [4]  01 02 03 04"))).toMatchObject({ id: 0x1f4, data: [1, 2, 3, 4] });
    expect(plain(frameOf("  vcan0  1F3   [3]  01 02 03"))).toMatchObject({ id: 0x1f3, data: [1, 2, 3] });
    // cantools accepts ten bytes here; a frame longer than 8 bytes can only be CAN FD.
    expect(plain(frameOf("  vcan1  064   [10]  F0 01 FF FF FF FF FF FF FF FF"))).toMatchObject({
      bus: "vcan1",
      id: 0x64,
      flags: FrameFlag.FD,
      data: bytes("f001ffffffffffffffff"),
    });
  });

  test("with relative, epoch and date timestamps", () => {
    expect(frameOf("(002.047817)  vcan0  064   [8]  F0 01 FF FF FF FF FF FF").tsUs).toBe(2_047_817);
    const f = frameOf("(1613749650.388103)  can1       0AD  [08]  A6 55 3B CF 3F 1A F5 2A");
    expect(plain(f)).toMatchObject({ bus: "can1", id: 0xad, data: bytes("a6553bcf3f1af52a"), tsUs: 1613749650388103 });
    expect(new Date(f.tsUs / 1000).toISOString()).toBe("2021-02-19T15:47:30.388Z");
    const d = frameOf("(2020-12-19 12:04:45.485261)  vcan0  0C8   [8]  F0 00 00 00 00 00 00 00");
    expect(d.tsUs).toBe(Date.UTC(2020, 11, 19, 12, 4, 45) * 1000 + 485261);
  });

  test("cantools' candump -l lines", () => {
    expect(plain(frameOf("(1579857014.345944) can2 486#82967A6B006B07F8"))).toMatchObject({
      bus: "can2",
      id: 0x486,
      data: bytes("82967a6b006b07f8"),
      tsUs: 1579857014345944,
    });
    const fd = frameOf("(1613656104.501098) can3 14C##155B53476F7B82EEEB8E97236AC252B8BBB5B80A6A7734B2F675C6D2CEEC869D3");
    expect(plain(fd)).toMatchObject({ id: 0x14c, flags: FrameFlag.FD | FrameFlag.BRS, dlc: 32 });
    expect(fd.data[0]).toBe(0x55);
    expect(fd.data[31]).toBe(0xd3);
  });

  test("remote requests", () => {
    expect(plain(frameOf("  can0  123   [2]  remote request"))).toMatchObject({ flags: FrameFlag.RTR, dlc: 2, data: [] });
  });
});

describe("properties", () => {
  test("every frame survives format then parse", () => {
    fc.assert(
      fc.property(arbFrame(), (f) => {
        expect(frameProblem(f)).toBeUndefined();
        const back = frameOf(formatCandumpLine(f));
        expect(plain(back)).toEqual(plain(f));
        expect(formatCandumpLine(back)).toBe(formatCandumpLine(f));
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  test("random text never throws and frames it yields are valid", () => {
    const alphabet = fc.constantFrom(..."()0123456789.#R_ABCDEFabcdef x\tTcanv-:[]".split(""));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: alphabet, maxLength: 80 })), (s) => {
        const r = parseCandumpLine(s);
        if (r.kind === "frame") expect(frameProblem(r.frame)).toBeUndefined();
      }),
      { numRuns: FUZZ_RUNS * 5 },
    );
  });

  test("every truncation of a valid line parses or is reported malformed, never throws", () => {
    fc.assert(
      fc.property(arbFrame(), fc.nat(), (f, cut) => {
        const line = formatCandumpLine(f);
        const r = parseCandumpLine(line.slice(0, cut % (line.length + 1)));
        expect(["frame", "malformed", "blank"]).toContain(r.kind);
        if (r.kind === "frame") expect(frameProblem(r.frame)).toBeUndefined();
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});
