/**
 * A FrameDecoder for each bus, from the DBC files named per bus; "*" names the files for any bus not
 * listed. A file named for several buses is read once.
 */
import type { DbcDatabase } from "./Dbc.ts";
import { FrameDecoder } from "./FrameDecoder.ts";
import { loadDbcFile } from "./loadDbcFile.ts";

export const ANY_BUS = "*";

export class BusDecoders {
  private readonly byBus = new Map<string, FrameDecoder>();

  /** Throws DbcFileError for a file that is missing or does not parse. */
  constructor(filesByBus: Record<string, string[]>) {
    const loaded = new Map<string, DbcDatabase>();
    const load = (path: string) => loaded.get(path) ?? loaded.set(path, loadDbcFile(path)).get(path)!;
    for (const [bus, files] of Object.entries(filesByBus)) this.byBus.set(bus, new FrameDecoder(files.map(load)));
  }

  /** The decoder for a bus, or none when no DBC file applies to it. */
  for(bus: string): FrameDecoder | undefined {
    return this.byBus.get(bus) ?? this.byBus.get(ANY_BUS);
  }
}
