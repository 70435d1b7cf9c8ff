/**
 * The SocketCAN suite's tools: which vcan interfaces exist, can-utils (cangen, candump, canplayer)
 * as child processes, and `canferry ingest` / `buffer export` around them. test/vcan/run.sh runs the
 * suite where the interfaces exist: on this kernel, or in a VM with Debian's.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseCandumpLine } from "../../src/source/candump/candumpLine.ts";
import type { CanFrame } from "../../src/frame/CanFrame.ts";
import { canferry, watchedCanferry } from "../helpers/cli.ts";
import { tracked } from "../helpers/watchedProcess.ts";
import { findLog, parseLogRecords } from "../../bench/lib/processes.ts";

export const IFACES = ["vcan0", "vcan1", "vcan2", "vcan3"] as const;

/** Why the suite cannot run here, or undefined when vcan0..vcan3 and can-utils are present. */
export function vcanMissing(): string | undefined {
  const missing = IFACES.filter((i) => !existsSync(`/sys/class/net/${i}`));
  if (missing.length) return `no ${missing.join(", ")} on this kernel: run test/vcan/run.sh (it uses a VM where the kernel has no vcan)`;
  if (!Bun.which("cangen") || !Bun.which("candump") || !Bun.which("canplayer")) return "can-utils (cangen, candump, canplayer) is not installed";
  return undefined;
}

/** Frames the interface has sent so far (what cangen or canplayer put on the bus). */
export async function txPackets(iface: string): Promise<number> {
  return Number(await Bun.file(`/sys/class/net/${iface}/statistics/tx_packets`).text());
}

/** Runs a can-utils command to its end; throws with its stderr when it fails. */
export async function canUtil(cmd: string[]): Promise<void> {
  const p = tracked(Bun.spawn(cmd, { stdout: "ignore", stderr: "pipe" }));
  const [code, err] = await Promise.all([p.exited, new Response(p.stderr).text()]);
  if (code !== 0) throw new Error(`${cmd.join(" ")} exited ${code}: ${err}`);
}

/** `candump -L` of some interfaces, error frames included, into a file until stopped. */
export function candump(dir: string, ifaces: readonly string[], name = "candump.log") {
  const path = join(dir, name);
  // -r: a large receive buffer, so the reference capture itself does not drop frames.
  const p = tracked(Bun.spawn(["candump", "-L", "-r", String(16 << 20), ...ifaces.map((i) => `${i},0:0,#FFFFFFFF`)], { stdout: Bun.file(path), stderr: "pipe" }));
  return {
    /** Stops candump (SIGINT, as Ctrl-C) and returns the frames it wrote. */
    async stop(): Promise<CanFrame[]> {
      p.kill("SIGINT");
      await p.exited;
      return framesOf(await Bun.file(path).text());
    },
  };
}

/** The frames of candump -l/-L text, in order; a line that does not parse fails the test. */
export function framesOf(text: string): CanFrame[] {
  const frames: CanFrame[] = [];
  text.split("\n").forEach((line, i) => {
    const r = parseCandumpLine(line);
    if (r.kind === "frame") frames.push(r.frame);
    else if (r.kind === "malformed") throw new Error(`line ${i + 1} does not parse (${r.reason}): ${line}`);
  });
  return frames;
}

/** What must match between two captures of the same frame: bus, id, flags, length, data, time (µs). */
export function key(f: CanFrame): string {
  return `${f.tsUs} ${f.bus} ${f.id.toString(16)} ${f.flags} ${f.dlc} ${Buffer.from(f.data).toString("hex")}`;
}

/** `canferry ingest` from SocketCAN into a buffer file, running until stop() (SIGTERM). */
export async function ingest(ifaces: readonly string[], db: string, flags: string[] = []) {
  const p = watchedCanferry(["ingest", `socketcan:${ifaces.join(",")}`, "--db", db, "--quiet", ...flags], { CANFERRY_LOG_FORMAT: "json" });
  await p.waitFor("ingest started", 60_000);
  return {
    ...p,
    /** Stops the ingest and returns its final counters. */
    async stop(): Promise<Record<string, number>> {
      p.proc.kill("SIGTERM");
      const code = await p.finished();
      if (code !== 0) throw new Error(`ingest exited ${code}: ${p.output().slice(-2000)}`);
      return findLog(parseLogRecords(p.output()), "ingest finished");
    },
  };
}

/** The buffer's frames as `canferry buffer export` writes them (candump -l lines). */
export async function exported(db: string): Promise<{ text: string; frames: CanFrame[] }> {
  const r = await canferry(["buffer", "export", "--db", db]);
  if (r.code !== 0) throw new Error(`buffer export failed: ${r.stderr}`);
  return { text: r.stdout, frames: framesOf(r.stdout) };
}
