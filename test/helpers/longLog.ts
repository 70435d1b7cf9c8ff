/** A long real log for crash and chaos tests: the SavvyCAN capture repeated over two buses. */
import { fixture } from "./cli.ts";

/**
 * Writes `copies` copies of the SavvyCAN capture to `path` as one candump -l log on can0 and can1,
 * with strictly increasing timestamps (so every frame is distinct); returns the frame count.
 */
export async function writeLongLog(path: string, copies: number): Promise<number> {
  const body = (await Bun.file(fixture("savvycan", "candump.log")).text()).split("\n").filter(Boolean);
  const parts: string[] = [];
  let t = 1_700_000_000_000_000;
  for (let c = 0; c < copies; c++)
    for (let i = 0; i < body.length; i++) {
      const frame = body[i]!.slice(body[i]!.indexOf(" vcan0 ") + 7);
      t += 37 + (i % 5);
      const sec = Math.floor(t / 1e6);
      parts.push(`(${sec}.${String(t - sec * 1e6).padStart(6, "0")}) can${(i * 7 + c) % 3 === 0 ? 1 : 0} ${frame}`);
    }
  await Bun.write(path, parts.join("\n") + "\n");
  return parts.length;
}
