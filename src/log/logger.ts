/** pino JSON logs on stderr (stdout carries data, e.g. `buffer export`); journald collects both. */
import pino, { type Logger } from "pino";

export type { Logger };

export function createLogger(name: string): Logger {
  return pino({ name, level: process.env.CANFERRY_LOG_LEVEL ?? "info" }, pino.destination({ fd: 2, sync: true }));
}
