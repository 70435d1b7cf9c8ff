/**
 * The sd_notify protocol, spoken over the real $NOTIFY_SOCKET datagram socket (a path, or an abstract
 * name starting with '@'), so canferry can run as Type=notify: READY=1 once it works, WATCHDOG=1
 * from the event loop (a stuck loop stops the pings and systemd restarts the service), STOPPING=1 on
 * shutdown, STATUS= with the key figures. Without NOTIFY_SOCKET every call is a no-op. Bun has no
 * unix datagram sockets, so this uses libc through bun:ffi.
 */
import { dlopen, FFIType, ptr } from "bun:ffi";

const AF_UNIX = 1;
const SOCK_DGRAM = 2;
const SOCK_CLOEXEC = 0o2000000;
const MSG_NOSIGNAL = 0x4000;
const SUN_PATH_MAX = 108;

type Libc = ReturnType<typeof openLibc>;
let libc: Libc | undefined;

function openLibc() {
  return dlopen("libc.so.6", {
    socket: { args: [FFIType.i32, FFIType.i32, FFIType.i32], returns: FFIType.i32 },
    sendto: { args: [FFIType.i32, FFIType.ptr, FFIType.u64, FFIType.i32, FFIType.ptr, FFIType.u32], returns: FFIType.i64 },
    close: { args: [FFIType.i32], returns: FFIType.i32 },
  }).symbols;
}

/** struct sockaddr_un for a path or an abstract name ('@name'), and the length to pass with it. */
export function socketAddress(socket: string): { addr: Uint8Array; len: number } {
  const abstract = socket.startsWith("@");
  const name = new TextEncoder().encode(abstract ? socket.slice(1) : socket);
  if (name.length + 1 > SUN_PATH_MAX) throw new RangeError(`NOTIFY_SOCKET ${socket} is longer than a unix socket address allows`);
  const addr = new Uint8Array(2 + SUN_PATH_MAX);
  new DataView(addr.buffer).setUint16(0, AF_UNIX, true);
  addr.set(name, abstract ? 3 : 2); // abstract names start with a NUL byte
  return { addr, len: 2 + name.length + 1 };
}

export class SystemdNotifier {
  private fd = -1;
  private watchdog?: ReturnType<typeof setInterval>;

  private constructor(private readonly socket: string) {}

  /** A notifier when systemd (or a test) gave us NOTIFY_SOCKET, else undefined. */
  static fromEnv(env: Record<string, string | undefined> = process.env): SystemdNotifier | undefined {
    const socket = env.NOTIFY_SOCKET;
    return socket ? new SystemdNotifier(socket) : undefined;
  }

  /** Sends newline-separated assignments, e.g. "READY=1\nSTATUS=running". Returns whether it went out. */
  notify(state: string): boolean {
    libc ??= openLibc();
    if (this.fd < 0) this.fd = libc.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (this.fd < 0) return false;
    const { addr, len } = socketAddress(this.socket);
    const msg = new TextEncoder().encode(state);
    return Number(libc.sendto(this.fd, ptr(msg), msg.length, MSG_NOSIGNAL, ptr(addr), len)) === msg.length;
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
    if (this.fd >= 0) libc?.close(this.fd);
    this.fd = -1;
  }
}
