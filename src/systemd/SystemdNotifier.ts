/**
 * The sd_notify protocol, spoken over the real $NOTIFY_SOCKET datagram socket (a path, or an abstract
 * name starting with '@'), so canferry can run as Type=notify: READY=1 once it works, WATCHDOG=1
 * from the event loop (a stuck loop stops the pings and systemd restarts the service), STOPPING=1 on
 * shutdown, STATUS= with the key figures. Without NOTIFY_SOCKET there is no notifier. How the
 * messages travel is notifyTransport.ts's business.
 */
import { type NotifyTransport, openNotifyTransport } from "./notifyTransport.ts";

export class SystemdNotifier {
  private watchdog?: ReturnType<typeof setInterval>;

  private constructor(private readonly transport: NotifyTransport) {}

  /** A notifier when systemd (or a test) gave us NOTIFY_SOCKET, else undefined. */
  static async fromEnv(env: Record<string, string | undefined> = process.env): Promise<SystemdNotifier | undefined> {
    const socket = env.NOTIFY_SOCKET;
    return socket ? new SystemdNotifier(await openNotifyTransport(socket)) : undefined;
  }

  /** How the messages go out: "datagram" (bun:ffi) or "systemd-notify" (the JIT is off). */
  get via(): NotifyTransport["kind"] {
    return this.transport.kind;
  }

  /** Sends newline-separated assignments, e.g. "READY=1\nSTATUS=running". Returns whether it went out. */
  notify(state: string): boolean {
    return this.transport.send(state);
  }

  /**
   * Pings WATCHDOG=1 at half the interval systemd asked for (WATCHDOG_USEC), from a timer on the event
   * loop: if the loop hangs, the pings stop. Returns the ping interval, or undefined without a watchdog.
   */
  startWatchdog(env: Record<string, string | undefined> = process.env): number | undefined {
    const usec = Number(env.WATCHDOG_USEC);
    if (!(usec > 0)) return undefined;
    if (env.WATCHDOG_PID && Number(env.WATCHDOG_PID) !== process.pid) return undefined;
    const every = Math.max(1, Math.floor(usec / 2000));
    this.notify("WATCHDOG=1");
    this.watchdog = setInterval(() => this.notify("WATCHDOG=1"), every);
    this.watchdog.unref?.();
    return every;
  }

  close(): void {
    clearInterval(this.watchdog);
    this.transport.close();
  }
}
