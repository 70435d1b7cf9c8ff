// Runs under Node after `npm install`: makes sure the Bun binary is there and that the optional
// SocketCAN addon is built. A machine where the addon cannot be built still gets a working install:
// the SocketCAN source then reports why it is unavailable when it starts.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const root = join(dirname(new URL(import.meta.url).pathname), "..");
const bunBin = join(root, "node_modules", ".bin", "bun");

function say(msg) {
  process.stderr.write(`canferry install: ${msg}\n`);
}

function bunWorks() {
  return spawnSync(bunBin, ["--version"], { stdio: "ignore" }).status === 0;
}

// The bun package fetches its platform binary through an optional dependency; when npm held the
// package's own postinstall back (untrusted scripts), run it here.
if (!bunWorks()) {
  const installer = join(root, "node_modules", "bun", "install.js");
  if (existsSync(installer)) spawnSync(process.execPath, [installer], { stdio: "inherit", cwd: dirname(installer) });
}
if (!bunWorks()) {
  say("the Bun runtime could not be installed (node_modules/.bin/bun does not run)");
  process.exit(1);
}

function socketcanDir() {
  try {
    return dirname(createRequire(join(root, "package.json")).resolve("socketcan/package.json"));
  } catch {
    return undefined;
  }
}

const addonDir = socketcanDir();
if (!addonDir) {
  say("socketcan is not installed; the socketcan: source will be unavailable");
  process.exit(0);
}
const addon = join(addonDir, "build", "Release", "can.node");
// canferry's patch to the addon (patches/socketcan-recvmsg.patch): recvmsg with the kernel's drop
// counter (SO_RXQ_OVFL), the CAN FD flags, a receive-buffer setter, and frames handed over in batches.
const source = join(addonDir, "native", "can.cc");
if (!readFileSync(source, "utf8").includes("MAX_FRAMES_PER_BATCH")) {
  const r = spawnSync("patch", ["-p1", "--forward", "-d", addonDir, "-i", join(root, "patches", "socketcan-recvmsg.patch")], { encoding: "utf8" });
  if (r.status !== 0) {
    process.stderr.write(`${r.stdout ?? ""}${r.stderr ?? r.error ?? ""}\n`);
    say("patching the SocketCAN addon failed (is `patch` installed?); the socketcan: source will be unavailable");
    process.exit(0);
  }
  rmSync(addon, { force: true });
}
if (!existsSync(addon)) {
  // npm 11 and Bun skip dependency install scripts they do not trust; build with npm's own
  // node-gyp, which matches this Node (the newest node-gyp may not).
  const gyp = process.env.npm_config_node_gyp;
  const cmd = gyp && existsSync(gyp) ? [process.execPath, [gyp, "rebuild"]] : ["npx", ["--yes", "node-gyp", "rebuild"]];
  say(`building the SocketCAN addon in ${addonDir}`);
  const r = spawnSync(cmd[0], cmd[1], { cwd: addonDir, encoding: "utf8" });
  if (r.status !== 0) {
    process.stderr.write(`${r.stderr ?? ""}`.split("\n").slice(-20).join("\n") + "\n");
    say("building the SocketCAN addon failed; the socketcan: source will be unavailable (needs g++, make, python3)");
  }
}
if (existsSync(addon)) {
  try {
    execFileSync(bunBin, ["-e", "require('socketcan')"], { cwd: root, stdio: "ignore" });
    say("SocketCAN addon ready");
  } catch {
    say("the SocketCAN addon was built but Bun cannot load it; the socketcan: source will be unavailable");
  }
}
