import { existsSync, mkdirSync, readFileSync, writeFileSync, copyFileSync, chmodSync } from "node:fs";
import { dirname, join } from "node:path";
import { spawnSync } from "node:child_process";
import type { Command } from "../Command.ts";
import { UsageError } from "../Command.ts";
import gatewayUnit from "../../../systemd/canferry-gateway.service" with { type: "text" };
import consumerUnit from "../../../systemd/canferry-consumer.service" with { type: "text" };
import gatewayConfig from "../../../systemd/canferry.toml" with { type: "text" };
import consumerConfig from "../../../systemd/consumer.toml" with { type: "text" };
import gatewaySysctl from "../../../systemd/60-canferry.conf" with { type: "text" };

/** bun-types gives .toml imports an object type; `type: "text"` makes them the file's text. */
const text = (t: unknown) => t as string;

interface Placement {
  path: string;
  write(): void;
  same(): boolean;
  /** Written only when missing: a user's edits are never replaced. */
  keepExisting: boolean;
}

function fileFrom(path: string, content: string, keepExisting = false, mode = 0o644): Placement {
  return {
    path,
    keepExisting,
    same: () => existsSync(path) && readFileSync(path, "utf8") === content,
    write: () => {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content, { mode });
    },
  };
}

function binaryFrom(path: string, source: string): Placement {
  return {
    path,
    keepExisting: false,
    same: () => existsSync(path) && Bun.hash(readFileSync(path)) === Bun.hash(readFileSync(source)),
    write: () => {
      mkdirSync(dirname(path), { recursive: true });
      copyFileSync(source, `${path}.new`);
      chmodSync(`${path}.new`, 0o755);
      // rename over the old one: a running service keeps its inode, the next start gets the new file
      spawnSync("mv", ["-f", `${path}.new`, path]);
    },
  };
}

/** A compiled canferry runs from Bun's embedded file system; from a checkout, Bun runs main.ts. */
function compiledExecutable(): string | undefined {
  return Bun.main.startsWith("/$bunfs/") ? process.execPath : undefined;
}

export const installCommand: Command = {
  usage: "install [--root DIR] [--binary PATH] [--only gateway|consumer] [--enable]",
  help: `Places canferry on this machine, idempotently: the executable in /usr/local/bin, the systemd units in
/etc/systemd/system, the gateway's socket-buffer limit in /etc/sysctl.d, and example configs in /etc/canferry (only where none exists yet: your settings
are never replaced). The units use DynamicUser=, so no user account is created. Run it again after an
upgrade; files that are already right are left alone.

options:
  --root DIR            install below DIR instead of / (images, tests)
  --binary PATH         the executable to install (default: this one, when canferry is a compiled binary)
  --only SIDE           gateway or consumer (default: both units and configs)
  --enable              then apply the sysctl, systemctl daemon-reload and enable --now the unit(s) (only with --root /)`,
  flags: { root: { type: "string" }, binary: { type: "string" }, only: { type: "string" }, enable: { type: "boolean" } },
  async run(v) {
    const root = typeof v.root === "string" ? v.root : "/";
    const only = v.only === undefined ? undefined : String(v.only);
    if (only !== undefined && only !== "gateway" && only !== "consumer") throw new UsageError(`--only must be gateway or consumer (got ${only})`);
    const binary = typeof v.binary === "string" ? v.binary : compiledExecutable();
    if (!binary) throw new UsageError("this canferry runs from a checkout: pass --binary dist/canferry-linux-x64 (npm run build makes it)");
    if (!existsSync(binary)) throw new UsageError(`--binary ${binary}: no such file`);
    if (v.enable && root !== "/") throw new UsageError("--enable only goes with --root /");
    const sides = only ? [only] : ["gateway", "consumer"];
    const places: Placement[] = [binaryFrom(join(root, "usr/local/bin/canferry"), binary)];
    if (sides.includes("gateway"))
      places.push(
        fileFrom(join(root, "etc/systemd/system/canferry-gateway.service"), text(gatewayUnit)),
        fileFrom(join(root, "etc/canferry/canferry.toml"), text(gatewayConfig), true),
        fileFrom(join(root, "etc/sysctl.d/60-canferry.conf"), text(gatewaySysctl)),
      );
    if (sides.includes("consumer"))
      places.push(
        fileFrom(join(root, "etc/systemd/system/canferry-consumer.service"), text(consumerUnit)),
        fileFrom(join(root, "etc/canferry/consumer.toml"), text(consumerConfig), true),
      );
    const say = (what: string, path: string) => process.stdout.write(`${what.padEnd(10)} ${path}\n`);
    for (const p of places) {
      if (p.same()) say("unchanged", p.path);
      else if (p.keepExisting && existsSync(p.path)) say("kept", `${p.path} (yours)`);
      else {
        const existed = existsSync(p.path);
        p.write();
        say(existed ? "updated" : "installed", p.path);
      }
    }
    if (v.enable) {
      const steps = [
        ...(sides.includes("gateway") ? [["sysctl", "-q", "-p", "/etc/sysctl.d/60-canferry.conf"]] : []),
        ["systemctl", "daemon-reload"],
        ["systemctl", "enable", "--now", ...sides.map((s) => `canferry-${s}`)],
      ];
      for (const [cmd, ...args] of steps) {
        const r = spawnSync(cmd!, args, { stdio: "inherit" });
        if (r.status !== 0) {
          process.stderr.write(`canferry install: ${cmd} ${args.join(" ")} failed\n`);
          return 1;
        }
      }
    } else process.stdout.write("next: edit /etc/canferry/*.toml, then systemctl daemon-reload && systemctl enable --now canferry-gateway\n");
    return 0;
  },
};
