/**
 * SocketCAN under load, on a real kernel's vcan0 (run it where vcan exists, or in the test VM):
 *   VCANVM_VCAN=vcan0:72,vcan1:72,vcan2:72,vcan3:72 test/vcan/vm-run.sh 'bun bench/socketcan.ts'
 * For each load (cangen at full speed; 30,000 frames/s in bursts of 300) and each socket receive
 * buffer (the kernel's default, 64 KiB, 1 MiB, 4 MiB), `canferry ingest` reads vcan0 for --seconds;
 * prints frames sent, stored, and dropped by the kernel (SO_RXQ_OVFL), and checks they add up.
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { tempDir } from "../test/helpers/cli.ts";
import { tracked } from "../test/helpers/watchedProcess.ts";
import { exported, ingest, txPackets, vcanMissing } from "../test/vcan/vcan.ts";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "10" } } });
const seconds = Number(values.seconds);
const missing = vcanMissing();
if (missing) {
  console.error(`bench/socketcan: ${missing}`);
  process.exit(2);
}

const LOADS = {
  full_speed: ["-g", "0", "-p", "10"],
  bursts_30k: ["-g", "10", "-c", "300"],
} as const;
const BUFFERS = { kernel_default: "0", "64KiB": "64KiB", "1MiB": "1MiB", "4MiB": "4MiB" } as const;

const result: Record<string, number | string> = { seconds_per_case: seconds };
for (const [load, args] of Object.entries(LOADS)) {
  for (const [bufName, buf] of Object.entries(BUFFERS)) {
    const db = join(tempDir("bench-socketcan"), "b.db");
    const gw = await ingest(["vcan0"], db, ["--receive-buffer", buf]);
    const tx0 = await txPackets("vcan0");
    const gen = tracked(Bun.spawn(["cangen", "vcan0", ...args, "-I", "123", "-L", "8", "-D", "i"], { stdout: "ignore", stderr: "ignore" }));
    await Bun.sleep(seconds * 1000);
    gen.kill("SIGINT");
    await gen.exited;
    // The drop count travels with the next frame received: one last frame after the load.
    await Bun.sleep(500);
    await Bun.spawn(["cansend", "vcan0", "7FF#FF"]).exited;
    const sent = (await txPackets("vcan0")) - tx0;
    await Bun.sleep(500);
    const counters = await gw.stop();
    const stored = (await exported(db)).frames.length;
    const dropped = counters.kernelDrops!;
    const tag = `${load}_${bufName}`;
    result[`${tag}_sent_frames_per_s`] = Math.round(sent / seconds);
    result[`${tag}_stored_frames_per_s`] = Math.round(stored / seconds);
    result[`${tag}_kernel_dropped_frames`] = dropped;
    result[`${tag}_unaccounted_frames`] = sent - stored - dropped;
    console.log(`${load}, receive buffer ${bufName}: ${sent} sent, ${stored} stored, ${dropped} dropped by the kernel, ${sent - stored - dropped} unaccounted`);
  }
}
console.log(JSON.stringify(result));
