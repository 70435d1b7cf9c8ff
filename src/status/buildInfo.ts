/** Version and runtime, for /status. */
import pkg from "../../package.json";

const started = new Date();

export function buildInfo() {
  return {
    version: pkg.version,
    bun: Bun.version,
    pid: process.pid,
    startedAt: started.toISOString(),
    uptimeS: Math.round((Date.now() - started.getTime()) / 1000),
  };
}
