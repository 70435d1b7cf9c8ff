/**
 * How sd_notify messages reach $NOTIFY_SOCKET (a path, or an abstract name starting with '@'). Bun has
 * no unix datagram sockets, so there are two ways:
 *  - libc's socket/sendto through bun:ffi: no process per message, but bun:ffi needs JavaScriptCore's
 *    JIT;
 *  - the `systemd-notify` command, for a process run with the JIT off (BUN_JSC_useJIT=0, the
 *    memory-lean setting in docs/deploy.md). It waits until systemd has read the message (its
 *    BARRIER=1), so systemd can still tell which service sent it; the unit needs NotifyAccess=all,
 *    because the sender is a child of the main process.
 */
import { spawnSync } from "node:child_process";

export interface NotifyTransport {
  readonly kind: "datagram" | "systemd-notify";
  /** Sends newline-separated assignments; returns whether they went out. */
  send(state: string): boolean;
  close(): void;
}

const AF_UNIX = 1;
const SOCK_DGRAM = 2;
const SOCK_CLOEXEC = 0o2000000;
const MSG_NOSIGNAL = 0x4000;
const SUN_PATH_MAX = 108;

/** struct sockaddr_un for a path or an abstract name ('@name'), and the length to pass with it. */
function socketAddress(socket: string): { addr: Uint8Array; len: number } {
  const abstract = socket.startsWith("@");
  const name = new TextEncoder().encode(abstract ? socket.slice(1) : socket);
  if (name.length + 1 > SUN_PATH_MAX) throw new RangeError(`NOTIFY_SOCKET ${socket} is longer than a unix socket address allows`);
  const addr = new Uint8Array(2 + SUN_PATH_MAX);
  new DataView(addr.buffer).setUint16(0, AF_UNIX, true);
  addr.set(name, abstract ? 3 : 2); // abstract names start with a NUL byte
  return { addr, len: 2 + name.length + 1 };
}

/** A datagram socket of our own, written through libc. Throws when bun:ffi is unavailable (JIT off). */
async function datagramTransport(socket: string): Promise<NotifyTransport> {
  const { dlopen, FFIType, ptr } = await import("bun:ffi");
  const libc = dlopen("libc.so.6", {
    socket: { args: [FFIType.i32, FFIType.i32, FFIType.i32], returns: FFIType.i32 },
    sendto: { args: [FFIType.i32, FFIType.ptr, FFIType.u64, FFIType.i32, FFIType.ptr, FFIType.u32], returns: FFIType.i64 },
    close: { args: [FFIType.i32], returns: FFIType.i32 },
  }).symbols;
  const { addr, len } = socketAddress(socket);
  let fd = -1;
  return {
    kind: "datagram",
    send(state) {
      if (fd < 0) fd = libc.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      if (fd < 0) return false;
      const msg = new TextEncoder().encode(state);
      return Number(libc.sendto(fd, ptr(msg), msg.length, MSG_NOSIGNAL, ptr(addr), len)) === msg.length;
    },
    close() {
      if (fd >= 0) libc.close(fd);
      fd = -1;
    },
  };
}

/** One `systemd-notify VAR=VALUE...` per message (a few milliseconds each). */
function commandTransport(socket: string): NotifyTransport {
  return {
    kind: "systemd-notify",
    send(state) {
      const r = spawnSync("systemd-notify", state.split("\n"), { env: { ...process.env, NOTIFY_SOCKET: socket }, stdio: "ignore", timeout: 10_000 });
      return r.status === 0;
    },
    close() {},
  };
}

/** The datagram socket where bun:ffi works, else the systemd-notify command. */
export async function openNotifyTransport(socket: string): Promise<NotifyTransport> {
  try {
    return await datagramTransport(socket);
  } catch {
    return commandTransport(socket);
  }
}
