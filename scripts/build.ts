/**
 * `npm run build`: one self-contained executable per target, dist/canferry-linux-x64 and
 * dist/canferry-linux-arm64 (Bun runtime, code as bytecode, migrations and the demo log inside).
 * The SocketCAN addon is embedded for the build machine's architecture only: the x64 binary reads
 * SocketCAN, the arm64 one reports SocketCAN unavailable until the addon is built on an arm64 box
 * (docs/deploy.md).
 */
import { $ } from "bun";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const targets = process.argv.slice(2).length ? process.argv.slice(2) : ["linux-x64", "linux-arm64"];
for (const t of targets) {
  const out = join(root, "dist", `canferry-${t}`);
  await $`${process.execPath} build --compile --minify --bytecode --target=bun-${t} ${join(root, "src/cli/main.ts")} --outfile ${out}`.quiet();
  console.log(`built ${out}`);
}
