/**
 * The runtime settings a systemd unit in systemd/ gives the process: its Environment= entries for Bun
 * (BUN_*). Tests and benchmarks that run the built executable "as deployed" apply them, so a setting
 * that breaks the service under systemd breaks them too.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export function unitRuntimeEnv(unit: string): Record<string, string> {
  const env: Record<string, string> = {};
  const text = readFileSync(join(import.meta.dir, "..", "..", "systemd", unit), "utf8");
  for (const line of text.split("\n")) {
    if (!line.startsWith("Environment=")) continue;
    for (const kv of line.slice("Environment=".length).split(/\s+/)) {
      const eq = kv.indexOf("=");
      if (eq > 0 && kv.startsWith("BUN_")) env[kv.slice(0, eq)] = kv.slice(eq + 1);
    }
  }
  return env;
}
