/**
 * sd_notify over a real unix datagram socket: Python (as systemd would) binds NOTIFY_SOCKET, the
 * compiled canferry gateway runs with it and a watchdog, and must say READY=1, keep pinging WATCHDOG=1, and say
 * STOPPING=1 on SIGTERM. As the unit runs it (the JIT on: bun:ffi's datagram socket), and with the
 * JIT off (the memory-lean setting: systemd-notify, which Debian's systemd package installs).
 */
import { spawnSync } from "node:child_process";
import { expect, test } from "bun:test";
import { join } from "node:path";
import { fixture, tempDir } from "../helpers/cli.ts";
import { builtBinary } from "../helpers/binary.ts";
import { watchedProcess } from "../helpers/watchedProcess.ts";
import { startTestSqs } from "../helpers/sqs.ts";
import { unitRuntimeEnv } from "../helpers/unitRuntimeEnv.ts";

const RECEIVER = `
import socket, sys, json
addr = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("\\0" + addr[1:] if addr.startswith("@") else addr)
s.settimeout(float(sys.argv[2]))
print("LISTENING", flush=True)
try:
    while True:
        print(json.dumps(s.recv(4096).decode()), flush=True)
except socket.timeout:
    pass
`;

const hasSystemdNotify = spawnSync("systemd-notify", ["--version"]).status === 0;
if (!hasSystemdNotify) console.log("notify test with the JIT off: skipped, needs systemd-notify (apt-get install systemd)");

const CASES = [
  { kind: "path", jit: true, via: "datagram" },
  { kind: "abstract", jit: true, via: "datagram" },
  { kind: "path", jit: false, via: "systemd-notify" },
] as const;

for (const { kind, jit, via } of CASES) {
  test.skipIf(!jit && !hasSystemdNotify)(`READY=1, WATCHDOG=1 and STOPPING=1 reach ${kind === "path" ? "a path" : "an abstract"} NOTIFY_SOCKET, JIT ${jit ? "on" : "off"} (${via})`, async () => {
    const dir = tempDir(`notify-${kind}`);
    const socketName = kind === "path" ? join(dir, "notify.sock") : `@canferry-test-${process.pid}-${Date.now()}`;
    const receiver = Bun.spawn(["/usr/bin/python3", "-c", RECEIVER, socketName, "8"], { stdout: "pipe", stderr: "inherit" });
    const reader = receiver.stdout.getReader();
    let out = "";
    while (!out.includes("LISTENING")) out += new TextDecoder().decode((await reader.read()).value);
    const sqs = await startTestSqs(`notify-${kind}`);
    const config = join(dir, "gateway.toml");
    await Bun.write(
      config,
      `[gateway]\nsource = "candump:${fixture("savvycan", "candump.log")}"\nloop = true\n[buffer]\npath = "${join(dir, "b.db")}"\n` +
        `[sqs]\nqueue_url = "${sqs.queueUrl}"\nendpoint = "${sqs.endpoint}"\n[status]\nbind = "127.0.0.1:0"\n[metrics]\ndir = "${join(dir, "m")}"\n`,
    );
    // The built binary, as systemd would start it: with the unit's runtime settings.
    const gw = watchedProcess([await builtBinary(), "gateway", "--config", config], {
      ...unitRuntimeEnv("canferry-gateway.service"),
      ...(jit ? {} : { BUN_JSC_useJIT: "0" }),
      NOTIFY_SOCKET: socketName,
      WATCHDOG_USEC: "400000",
    });
    await gw.waitFor("told systemd we are ready");
    expect(gw.output()).toContain(`"via":"${via}"`);
    await Bun.sleep(1500);
    gw.proc.kill("SIGTERM");
    expect(await gw.finished()).toBe(0);
    receiver.kill();
    for (let r = await reader.read(); !r.done; r = await reader.read()) out += new TextDecoder().decode(r.value);
    const messages = out
      .split("\n")
      .filter((l) => l.startsWith('"'))
      .map((l) => JSON.parse(l) as string);
    await sqs.stop();
    const ready = messages.findIndex((m) => m.split("\n").includes("READY=1"));
    const stopping = messages.findIndex((m) => m.split("\n").includes("STOPPING=1"));
    expect(ready).toBeGreaterThanOrEqual(0);
    expect(messages[ready]).toMatch(/STATUS=\d+ frames in, backlog/);
    expect(messages.filter((m) => m === "WATCHDOG=1").length).toBeGreaterThanOrEqual(5);
    expect(stopping).toBeGreaterThan(ready);
  }, 60_000);
}
