/** SocketCAN kernel filters as written in flags and config: `123:7FF`, `123~7FF` (inverted), `18FEF100x:1FFFFF00x` (29-bit). */
import type { CanFilter } from "../source/SocketCanSource.ts";
import { ConfigError } from "./ConfigError.ts";

export function parseCanFilter(text: string): CanFilter {
  const m = /^([0-9a-f]+)(x?)([:~])([0-9a-f]+)(x?)$/i.exec(text);
  if (!m) throw new ConfigError(`filter ${text}: expected ID:MASK or ID~MASK in hex, e.g. 123:7FF (x after both for 29-bit ids)`);
  const ext = m[2] === "x" || m[5] === "x";
  const id = parseInt(m[1]!, 16);
  const mask = parseInt(m[4]!, 16);
  const max = ext ? 0x1fffffff : 0x7ff;
  if (id > max || mask > max) throw new ConfigError(`filter ${text}: id and mask must be at most ${max.toString(16).toUpperCase()}`);
  return { id, mask, invert: m[3] === "~", ext };
}
