/** fast-check arbitraries for valid frames, shared by the codec property tests. */
import fc from "fast-check";
import { type CanFrame, CAN_EFF_MASK, FrameFlag } from "../../src/frame/CanFrame.ts";

const FD_LENGTHS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 20, 24, 32, 48, 64];

export const busName = fc.stringMatching(/^[a-z][a-z0-9_-]{0,14}$/);

/** Any frame the candump log format can carry. */
export const arbFrame = (bus: fc.Arbitrary<string> = busName): fc.Arbitrary<CanFrame> =>
  fc
    .record({
      bus,
      kind: fc.constantFrom("classic", "rtr", "fd", "err"),
      ext: fc.boolean(),
      id: fc.integer({ min: 0, max: CAN_EFF_MASK }),
      len: fc.integer({ min: 0, max: 8 }),
      rawDlc: fc.option(fc.integer({ min: 9, max: 15 }), { nil: undefined }),
      fdLen: fc.constantFrom(...FD_LENGTHS),
      fdBits: fc.integer({ min: 0, max: 7 }),
      bytes: fc.uint8Array({ minLength: 64, maxLength: 64 }),
      tsUs: fc.integer({ min: 0, max: 4_102_444_800_000_000 }),
      tsNs: fc.integer({ min: 0, max: 999 }),
      ns: fc.boolean(),
      dir: fc.constantFrom(0, FrameFlag.DIR_TX, FrameFlag.DIR_RX),
    })
    .map((r): CanFrame => {
      let flags = r.dir | (r.ns ? FrameFlag.TS_NS : 0);
      const id = r.kind === "err" || r.ext ? r.id : r.id & 0x7ff;
      if (r.kind === "err") flags |= FrameFlag.ERR;
      else if (r.ext) flags |= FrameFlag.EXT;
      const tsNs = r.ns ? r.tsNs : 0;
      if (r.kind === "fd") {
        flags |= FrameFlag.FD;
        if (r.fdBits & 1) flags |= FrameFlag.BRS;
        if (r.fdBits & 2) flags |= FrameFlag.ESI;
        if (r.fdBits & 4) flags |= FrameFlag.FDF;
        return { bus: r.bus, id, flags, dlc: r.fdLen, data: r.bytes.slice(0, r.fdLen), tsUs: r.tsUs, tsNs };
      }
      if (r.kind === "rtr") {
        const dlc = r.len === 8 && r.rawDlc ? r.rawDlc : r.len;
        return { bus: r.bus, id, flags: flags | FrameFlag.RTR, dlc, data: new Uint8Array(0), tsUs: r.tsUs, tsNs };
      }
      const len = r.kind === "err" ? 8 : r.len;
      const dlc = len === 8 && r.rawDlc && r.kind === "classic" ? r.rawDlc : len;
      return { bus: r.bus, id, flags, dlc, data: r.bytes.slice(0, len), tsUs: r.tsUs, tsNs };
    });

/** Frames compared field by field, with data as plain arrays so failures print readably. */
export function plain(f: CanFrame) {
  return { bus: f.bus, id: f.id, flags: f.flags, dlc: f.dlc, data: [...f.data], tsUs: f.tsUs, tsNs: f.tsNs };
}

/** Property runs: CANFERRY_FUZZ_RUNS raises them for a long fuzzing session. */
export const FUZZ_RUNS = Number(process.env.CANFERRY_FUZZ_RUNS ?? 2000);
