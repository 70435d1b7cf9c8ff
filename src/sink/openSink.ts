/** The sink the config asks for. */
import { join } from "node:path";
import type { CanferryConfig } from "../config/configFile.ts";
import type { FrameSink } from "./FrameSink.ts";
import { SqliteSink } from "./SqliteSink.ts";
import { PartitionedFileSink } from "./PartitionedFileSink.ts";
import { CANDUMP_LINES, NDJSON_LINES } from "./formats.ts";
import { SignalLines } from "./SignalLines.ts";
import { BusDecoders } from "../decode/BusDecoders.ts";
import { DbcFileError } from "../decode/loadDbcFile.ts";
import { ConfigError } from "../config/ConfigError.ts";

export function openSink(c: CanferryConfig["sink"]): FrameSink {
  switch (c.type) {
    case "sqlite":
      return new SqliteSink(c.path.endsWith(".db") ? c.path : join(c.path, "frames.db"));
    case "candump":
      return new PartitionedFileSink(c.path, CANDUMP_LINES, { fsync: c.fsync });
    case "ndjson":
      return new PartitionedFileSink(c.path, NDJSON_LINES, { fsync: c.fsync });
    case "signals":
      return new PartitionedFileSink(c.path, new SignalLines(busDecoders(c.dbc), c.raw_undefined), { fsync: c.fsync });
  }
}

function busDecoders(filesByBus: Record<string, string[]>): BusDecoders {
  try {
    return new BusDecoders(filesByBus);
  } catch (e) {
    if (e instanceof DbcFileError) throw new ConfigError(`sink.dbc: ${e.message}`);
    throw e;
  }
}
