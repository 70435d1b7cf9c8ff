/**
 * pino logs on stdout: JSON for journald and log shippers, or readable lines (pino-pretty) when stdout
 * is a terminal. CANFERRY_LOG_FORMAT=json|pretty overrides the choice, CANFERRY_LOG_LEVEL the level.
 * Commands whose stdout is data (`buffer export`, `status`) do not log.
 */
import pino, { type Logger } from "pino";
import type { PrettyOptions } from "pino-pretty";

export type { Logger };

/** `level` is the default; CANFERRY_LOG_LEVEL overrides it. */
export function createLogger(name: string, level = "info"): Logger {
  const format = process.env.CANFERRY_LOG_FORMAT ?? (process.stdout.isTTY ? "pretty" : "json");
  const destination = format === "pretty" ? prettyStream() : pino.destination({ fd: 1, sync: true });
  return pino({ name, level: process.env.CANFERRY_LOG_LEVEL ?? level }, destination);
}

/** Loaded only for a terminal: a service logging JSON does not carry the formatter in memory. */
function prettyStream() {
  const pretty = require("pino-pretty") as (o: PrettyOptions) => NodeJS.WritableStream;
  return pretty({ sync: true, destination: 1, colorize: process.stdout.isTTY === true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" });
}
