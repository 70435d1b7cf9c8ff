/**
 * The baselines' SQS message: one CAN frame as a JSON body, the way the system canferry replaces
 * sent it (one message per frame, readable without a codec).
 */
import type { CanFrame } from "../../src/frame/CanFrame.ts";

interface FrameBody {
  bus: string;
  ts_us: number;
  id: number;
  flags: number;
  data: string;
}

export function frameBody(f: CanFrame): string {
  const body: FrameBody = { bus: f.bus, ts_us: f.tsUs, id: f.id, flags: f.flags, data: Buffer.from(f.data).toString("hex") };
  return JSON.stringify(body);
}

export function frameOf(body: string): CanFrame {
  const b = JSON.parse(body) as FrameBody;
  const data = Buffer.from(b.data, "hex");
  return { bus: b.bus, tsUs: b.ts_us, tsNs: 0, id: b.id, flags: b.flags, dlc: data.length, data: new Uint8Array(data) };
}
