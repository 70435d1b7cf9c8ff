/**
 * `socketcan:IFACE[,IFACE...]`: live frames from Linux SocketCAN through the `socketcan` addon (with
 * canferry's patch, patches/socketcan-recvmsg.patch), with kernel receive timestamps, kernel id/mask
 * filters, optional error frames, the CAN FD flags, and the kernel's count of frames it dropped
 * because the socket's receive buffer was full. An interface that goes down is reopened until it
 * comes back; the frames received before stay in the buffer.
 */
import { existsSync, readFileSync } from "node:fs";
import { type CanFrame, FrameFlag, CAN_MAX_DLEN } from "../frame/CanFrame.ts";
import { type FrameBatch, type FrameSource, newCounters, nowUs } from "./FrameSource.ts";
import { Wakeup } from "../lib/Wakeup.ts";

/** A kernel filter: a frame passes when (id & mask) === (filter.id & mask); `invert` negates. */
export interface CanFilter {
  id: number;
  mask: number;
  invert?: boolean;
  /** The filter matches 29-bit ids (CAN_EFF_FLAG in the kernel filter). */
  ext?: boolean;
}

export interface SocketCanOptions {
  interfaces: string[];
  filters: CanFilter[];
  errorFrames: boolean;
  /** Socket receive buffer in bytes (SO_RCVBUF); 0 keeps the kernel's default. */
  receiveBufferBytes: number;
  /** Frames held for the ingest loop before new ones are counted as queue drops. */
  queueFrames: number;
  /** Delay before reopening an interface that went away. */
  reopenMs: number;
  /** Told when an interface fails or comes back. */
  onEvent?: (iface: string, event: "down" | "up", detail: string) => void;
  /** Told the receive buffer the kernel granted, when it is less than asked for. */
  onReceiveBuffer?: (iface: string, requested: number, granted: number) => void;
}

/**
 * The socket receive buffer asked for by default: enough for about a second of a saturated CAN FD
 * bus while the process is busy elsewhere (docs/benchmarks.md, "SocketCAN under load").
 */
export const DEFAULT_RECEIVE_BUFFER = 4 << 20;

const CAN_EFF_FLAG = 0x80000000;
const CAN_ERR_MASK = 0x1fffffff;
const CANFD_BRS = 0x01;
const CANFD_ESI = 0x02;
const CANFD_FDF = 0x04;

/** What the addon hands to onMessage. */
interface AddonMessage {
  id: number;
  ext?: boolean;
  rtr?: boolean;
  err?: boolean;
  data: Uint8Array;
  ts_sec?: number;
  ts_usec?: number;
  /** Present for a CAN FD frame: struct canfd_frame's flags (patched addon). */
  fd_flags?: number;
  /** Frames the kernel dropped on this socket so far (SO_RXQ_OVFL); present once any were. */
  drops?: number;
}

interface RawChannel {
  addListener(event: "onMessage", cb: (m: AddonMessage) => void): void;
  /** Up to 1024 frames per call (patched addon): one call into JavaScript per batch, not per frame. */
  addListener(event: "onMessages", cb: (batch: AddonMessage[]) => void): void;
  addListener(event: "onStopped", cb: () => void): void;
  start(): void;
  stop(): void;
  setRxFilters(filters: { id: number; mask: number; invert?: boolean }[]): void;
  setErrorFilters(mask: number): void;
  /** Returns the buffer size the kernel uses (twice the request, capped by net.core.rmem_max). */
  setReceiveBuffer?(bytes: number): number;
}

interface SocketCanModule {
  createRawChannel(iface: string, timestamps?: boolean): RawChannel;
}

export class SocketCanUnavailable extends Error {
  override readonly name = "SocketCanUnavailable";
}

/** Loads the addon, or says why it cannot be used on this machine. */
export async function loadSocketCan(): Promise<SocketCanModule> {
  try {
    return (await import("socketcan")) as unknown as SocketCanModule;
  } catch (e) {
    throw new SocketCanUnavailable(
      `the socketcan addon is not available (${(e as Error).message}); reinstall with g++, make and python3 present: npm rebuild socketcan && node scripts/postinstall.mjs`,
    );
  }
}

/** True when the kernel has AF_CAN raw sockets loaded. */
export function kernelHasCan(): boolean {
  try {
    return existsSync("/proc/net/can") || /\bCAN\b/.test(readFileSync("/proc/net/protocols", "utf8"));
  } catch {
    return false;
  }
}

/** IFF_UP of an interface, from sysfs; false when it does not exist. */
function linkIsUp(iface: string): boolean {
  try {
    return (parseInt(readFileSync(`/sys/class/net/${iface}/flags`, "utf8"), 16) & 1) === 1;
  } catch {
    return false;
  }
}

function explainOpenFailure(iface: string, e: unknown): string {
  const why = (e as Error).message;
  if (!kernelHasCan()) return `cannot open ${iface}: this kernel has no SocketCAN (AF_CAN); load it with 'modprobe can_raw' (${why})`;
  if (!existsSync(`/sys/class/net/${iface}`)) return `cannot open ${iface}: no such network interface (see 'ip link'; ${why})`;
  return `cannot open ${iface}: ${why}`;
}

export function toCanFrame(bus: string, m: AddonMessage): CanFrame {
  let flags = 0;
  if (m.ext) flags |= FrameFlag.EXT;
  if (m.rtr) flags |= FrameFlag.RTR;
  if (m.err) flags |= FrameFlag.ERR;
  // An unpatched addon does not pass the FD flags on: there more than 8 bytes is the only sign.
  if (m.fd_flags !== undefined || m.data.length > CAN_MAX_DLEN) flags |= FrameFlag.FD;
  if (m.fd_flags !== undefined) {
    if (m.fd_flags & CANFD_BRS) flags |= FrameFlag.BRS;
    if (m.fd_flags & CANFD_ESI) flags |= FrameFlag.ESI;
    if (m.fd_flags & CANFD_FDF) flags |= FrameFlag.FDF;
  }
  const tsUs = m.ts_sec !== undefined ? m.ts_sec * 1_000_000 + (m.ts_usec ?? 0) : nowUs();
  return {
    bus,
    id: m.err ? m.id & CAN_ERR_MASK : m.id,
    flags,
    dlc: m.data.length,
    // The addon's data is a fresh copy already.
    data: m.rtr ? new Uint8Array(0) : m.data,
    tsUs,
    tsNs: 0,
  };
}

export class SocketCanSource implements FrameSource {
  readonly name: string;
  readonly counters = newCounters();
  private queue: CanFrame[] = [];
  private stopped = false;
  private readonly wakeup = new Wakeup();
  private readonly channels = new Map<string, RawChannel>();
  /** Each interface's link as last reported; a change is reported once. */
  private readonly linkUp = new Map<string, boolean>();
  private linkTimer?: ReturnType<typeof setInterval>;

  constructor(
    private readonly addon: SocketCanModule,
    private readonly o: SocketCanOptions,
  ) {
    this.name = `socketcan:${o.interfaces.join(",")}`;
  }

  /** Opens every interface now, so a bad name fails at start with a clear message. */
  start(): void {
    for (const iface of this.o.interfaces) this.open(iface);
    // A link set down keeps the socket bound but silent, so the addon says nothing: watch the link.
    this.linkTimer = setInterval(() => {
      for (const iface of this.o.interfaces) {
        if (linkIsUp(iface)) this.setLink(iface, true, "the link is up again; reading resumes");
        else this.setLink(iface, false, `the link is down; reading resumes when it is up (ip link set ${iface} up)`);
      }
    }, this.o.reopenMs);
    this.linkTimer.unref?.();
  }

  private setLink(iface: string, up: boolean, detail: string): void {
    if ((this.linkUp.get(iface) ?? true) === up) return;
    this.linkUp.set(iface, up);
    this.o.onEvent?.(iface, up ? "up" : "down", detail);
  }

  private open(iface: string): void {
    let ch: RawChannel;
    try {
      ch = this.addon.createRawChannel(iface, true);
    } catch (e) {
      throw new SocketCanUnavailable(explainOpenFailure(iface, e));
    }
    // The EFF flag is always in the mask: an 11-bit filter passes 11-bit frames only, a 29-bit one
    // 29-bit frames only (without it the kernel would match either kind on the id bits alone).
    if (this.o.filters.length)
      ch.setRxFilters(
        this.o.filters.map((f) => ({ id: (f.id | (f.ext ? CAN_EFF_FLAG : 0)) >>> 0, mask: (f.mask | CAN_EFF_FLAG) >>> 0, invert: f.invert })),
      );
    ch.setErrorFilters(this.o.errorFrames ? CAN_ERR_MASK : 0);
    if (!ch.setReceiveBuffer) throw new SocketCanUnavailable("the socketcan addon lacks canferry's patch (patches/socketcan-recvmsg.patch); run node scripts/postinstall.mjs");
    if (this.o.receiveBufferBytes > 0) {
      // The kernel reports twice the usable size it granted (the other half is its bookkeeping).
      const granted = ch.setReceiveBuffer(this.o.receiveBufferBytes) / 2;
      if (granted < this.o.receiveBufferBytes) this.o.onReceiveBuffer?.(iface, this.o.receiveBufferBytes, granted);
    }
    // The kernel's drop counter is per socket and cumulative; a reopened socket starts again at 0.
    let dropsSeen = 0;
    ch.addListener("onMessages", (batch) => {
      for (const m of batch) {
        if (m.drops !== undefined && m.drops > dropsSeen) {
          this.counters.kernelDrops += m.drops - dropsSeen;
          dropsSeen = m.drops;
        }
        if (this.queue.length >= this.o.queueFrames) {
          this.counters.queueDrops++;
          continue;
        }
        this.queue.push(toCanFrame(iface, m));
        this.counters.frames++;
      }
      this.wakeup.wake();
    });
    ch.addListener("onStopped", () => {
      this.channels.delete(iface);
      if (this.stopped) return;
      this.setLink(iface, false, "the interface went away; reopening it until it is back");
      this.reopenLater(iface);
    });
    ch.start();
    this.channels.set(iface, ch);
  }

  private reopenLater(iface: string): void {
    setTimeout(() => {
      if (this.stopped) return;
      try {
        this.open(iface);
        this.setLink(iface, true, "reopened");
      } catch {
        this.reopenLater(iface);
      }
    }, this.o.reopenMs);
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.linkTimer);
    for (const ch of this.channels.values()) ch.stop();
    this.channels.clear();
    this.wakeup.wake();
  }

  async *batches(): AsyncGenerator<FrameBatch> {
    if (this.channels.size === 0 && !this.stopped) this.start();
    while (!this.stopped || this.queue.length) {
      if (this.queue.length === 0) {
        await this.wakeup.wait();
        continue;
      }
      const frames = this.queue;
      this.queue = [];
      yield { frames };
    }
  }
}
