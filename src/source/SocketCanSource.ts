/**
 * `socketcan:IFACE[,IFACE...]`: live frames from Linux SocketCAN through the `socketcan` addon, with
 * kernel receive timestamps, kernel id/mask filters and optional error frames. An interface that goes
 * down is reopened until it comes back; the frames received before stay in the buffer.
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
  /** Frames held for the ingest loop before new ones are counted as queue drops. */
  queueFrames: number;
  /** Delay before reopening an interface that went away. */
  reopenMs: number;
  /** Told when an interface fails or comes back. */
  onEvent?: (iface: string, event: "down" | "up", detail: string) => void;
}

const CAN_EFF_FLAG = 0x80000000;
const CAN_ERR_MASK = 0x1fffffff;

/** What the addon hands to onMessage. */
interface AddonMessage {
  id: number;
  ext?: boolean;
  rtr?: boolean;
  err?: boolean;
  data: Uint8Array;
  ts_sec?: number;
  ts_usec?: number;
}

interface RawChannel {
  addListener(event: "onMessage", cb: (m: AddonMessage) => void): void;
  addListener(event: "onStopped", cb: () => void): void;
  start(): void;
  stop(): void;
  setRxFilters(filters: { id: number; mask: number; invert?: boolean }[]): void;
  setErrorFilters(mask: number): void;
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
  // The addon reads struct canfd_frame but does not pass the FD flags on: more than 8 bytes is the
  // only sign of an FD frame it leaves.
  if (m.data.length > CAN_MAX_DLEN) flags |= FrameFlag.FD;
  const tsUs = m.ts_sec !== undefined ? m.ts_sec * 1_000_000 + (m.ts_usec ?? 0) : nowUs();
  return {
    bus,
    id: m.err ? m.id & CAN_ERR_MASK : m.id,
    flags,
    dlc: m.data.length,
    data: m.rtr ? new Uint8Array(0) : new Uint8Array(m.data),
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

  constructor(
    private readonly addon: SocketCanModule,
    private readonly o: SocketCanOptions,
  ) {
    this.name = `socketcan:${o.interfaces.join(",")}`;
  }

  /** Opens every interface now, so a bad name fails at start with a clear message. */
  start(): void {
    for (const iface of this.o.interfaces) this.open(iface);
  }

  private open(iface: string): void {
    let ch: RawChannel;
    try {
      ch = this.addon.createRawChannel(iface, true);
    } catch (e) {
      throw new SocketCanUnavailable(explainOpenFailure(iface, e));
    }
    if (this.o.filters.length)
      ch.setRxFilters(
        this.o.filters.map((f) => ({ id: (f.id | (f.ext ? CAN_EFF_FLAG : 0)) >>> 0, mask: (f.mask | (f.ext ? CAN_EFF_FLAG : 0)) >>> 0, invert: f.invert })),
      );
    ch.setErrorFilters(this.o.errorFrames ? CAN_ERR_MASK : 0);
    ch.addListener("onMessage", (m) => {
      if (this.queue.length >= this.o.queueFrames) {
        this.counters.queueDrops++;
        return;
      }
      this.queue.push(toCanFrame(iface, m));
      this.counters.frames++;
      this.wakeup.wake();
    });
    ch.addListener("onStopped", () => {
      this.channels.delete(iface);
      if (this.stopped) return;
      this.o.onEvent?.(iface, "down", "the interface stopped delivering frames");
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
        this.o.onEvent?.(iface, "up", "reopened");
      } catch (e) {
        this.o.onEvent?.(iface, "down", (e as Error).message);
        this.reopenLater(iface);
      }
    }, this.o.reopenMs);
  }

  stop(): void {
    this.stopped = true;
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
