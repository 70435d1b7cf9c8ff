/** The sink the config asks for. */
import { join } from "node:path";
import type { CanferryConfig } from "../config/configFile.ts";
import type { FrameSink } from "./FrameSink.ts";
import { SqliteSink } from "./SqliteSink.ts";
import { PartitionedFileSink } from "./PartitionedFileSink.ts";
import { CANDUMP_LINES, NDJSON_LINES } from "./formats.ts";

export function openSink(c: CanferryConfig["sink"]): FrameSink {
  switch (c.type) {
    case "sqlite":
      return new SqliteSink(c.path.endsWith(".db") ? c.path : join(c.path, "frames.db"));
    case "candump":
      return new PartitionedFileSink(c.path, CANDUMP_LINES, { fsync: c.fsync });
    case "ndjson":
      return new PartitionedFileSink(c.path, NDJSON_LINES, { fsync: c.fsync });
  }
}
