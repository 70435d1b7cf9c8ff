/** pino JSON logs on stderr (stdout carries data, e.g. `buffer export`); journald collects both. */
import pino, { type Logger } from "pino";

export type { Logger };

/** `level` is the default; CANFERRY_LOG_LEVEL overrides it. */
export function createLogger(name: string, level = "info"): Logger {
  return pino({ name, level: process.env.CANFERRY_LOG_LEVEL ?? level }, pino.destination({ fd: 2, sync: true }));
}
