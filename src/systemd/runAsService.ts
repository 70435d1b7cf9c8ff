/**
 * How a long-running canferry process (gateway, consumer) lives: ready once it works, stopped cleanly
 * by SIGINT/SIGTERM, and, under systemd, READY=1, WATCHDOG=1, STATUS= every STATUS_EVERY_MS and
 * STOPPING=1 over $NOTIFY_SOCKET.
 */
import type { Logger } from "../log/logger.ts";
import { onStopSignals } from "../cli/signals.ts";
import { SystemdNotifier } from "./SystemdNotifier.ts";

const STATUS_EVERY_MS = 10_000;

export interface Service {
  /** Resolves when the process has finished stopping. */
  done: Promise<void>;
  stop(): void;
  /** One line for systemctl status. */
  statusLine(): string;
}

export async function runAsService(service: Service, log: Logger, stoppingMessage: string): Promise<void> {
  const sd = await SystemdNotifier.fromEnv();
  sd?.notify(`READY=1\nSTATUS=${service.statusLine()}`);
  const watchdogMs = sd?.startWatchdog();
  if (sd) log.info({ watchdogMs: watchdogMs ?? null, via: sd.via }, "told systemd we are ready");
  const status = sd ? setInterval(() => sd.notify(`STATUS=${service.statusLine()}`), STATUS_EVERY_MS) : undefined;
  status?.unref?.();
  const off = onStopSignals(() => {
    log.info(stoppingMessage);
    sd?.notify("STOPPING=1\nSTATUS=stopping");
    service.stop();
  });
  try {
    await service.done;
  } finally {
    off();
    clearInterval(status);
    sd?.close();
  }
}
