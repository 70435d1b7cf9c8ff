/** Line formats for the partitioned file sinks. */
import { writeCandumpLine } from "../source/candump/candumpLine.ts";
import { FrameFlag } from "../frame/CanFrame.ts";
import type { LineFormat } from "./PartitionedFileSink.ts";

/** `candump -l` lines: canplayer replays the files as they are. */
export const CANDUMP_LINES: LineFormat = { kind: "candump", ext: "log", write: (w, f) => writeCandumpLine(w, f) };

/** One JSON object per frame. */
export const NDJSON_LINES: LineFormat = {
  kind: "ndjson",
  ext: "ndjson",
  write: (w, f, d) =>
    w.latin1(
      JSON.stringify({
        ts_us: f.tsUs,
        gateway: d.gateway,
        bus: f.bus,
        id: f.id,
        ext: (f.flags & FrameFlag.EXT) !== 0,
        fd: (f.flags & FrameFlag.FD) !== 0,
        rtr: (f.flags & FrameFlag.RTR) !== 0,
        err: (f.flags & FrameFlag.ERR) !== 0,
        flags: f.flags,
        dlc: f.dlc,
        data: Buffer.from(f.data.buffer, f.data.byteOffset, f.data.length).toString("hex"),
      }) + "\n",
    ),
};
