/** A DBC file from disk, for `canferry decode` and the signal sink: errors name the file and the line. */
import { readFileSync } from "node:fs";
import { type DbcDatabase, DbcParseError } from "./Dbc.ts";
import { parseDbc } from "./parseDbc.ts";

/** A DBC file that is missing, unreadable or does not parse. */
export class DbcFileError extends Error {
  override readonly name = "DbcFileError";
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** UTF-8 when the bytes are valid UTF-8, else cp1252 as Vector's tools write it (latin1 is close enough for units and names). */
function decodeText(bytes: Buffer): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return bytes.toString("latin1");
  }
}

export function loadDbcFile(path: string): DbcDatabase {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DbcFileError(path, code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a folder, not a DBC file" : (e as Error).message);
  }
  try {
    return parseDbc(decodeText(bytes));
  } catch (e) {
    if (e instanceof DbcParseError) throw new DbcFileError(path, e.message);
    throw e;
  }
}
