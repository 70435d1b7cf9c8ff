#!/usr/bin/env bun
/** The `canferry` command: subcommands, --help everywhere, clear errors with exit code 2 for misuse. */
import { type CommandEntry, UsageError, commandHelp, parseCommandArgs } from "./Command.ts";
import { ConfigError } from "../config/configFile.ts";
import { UnitError } from "../config/units.ts";
import { SourceSpecError } from "../source/openSource.ts";
import { SocketCanUnavailable } from "../source/SocketCanSource.ts";
import { BufferDamaged, BufferNotFound } from "../buffer/BufferErrors.ts";
import { isDamageError } from "../buffer/BufferRecovery.ts";

export const COMMANDS: CommandEntry[] = [
  { path: ["demo"], summary: "The whole pipeline on this machine: local SQS, a gateway replaying a real log, a consumer.", load: async () => (await import("./commands/demo.ts")).demoCommand },
  { path: ["gateway"], summary: "Run the gateway: a source into the buffer, and the buffer to SQS.", load: async () => (await import("./commands/gateway.ts")).gatewayCommand },
  { path: ["consumer"], summary: "Run a consumer: SQS into a sink (SQLite, candump or NDJSON files, or decoded signals).", load: async () => (await import("./commands/consumer.ts")).consumerCommand },
  { path: ["ingest"], summary: "Read frames from a source into the SQLite buffer.", load: async () => (await import("./commands/ingest.ts")).ingestCommand },
  { path: ["buffer", "stats"], summary: "Show what a buffer holds: chunks and frames by state, size, time range, evictions.", load: async () => (await import("./commands/bufferStats.ts")).bufferStatsCommand },
  { path: ["buffer", "export"], summary: "Write buffered frames as candump -l lines (canplayer replays them), in capture order.", load: async () => (await import("./commands/bufferExport.ts")).bufferExportCommand },
  { path: ["status"], summary: "Ask a running process for its SLA and state; exit 0 inside the SLA, 1 violated, 2 unreachable.", load: async () => (await import("./commands/status.ts")).statusCommand },
  { path: ["replay"], summary: "Send retained, already acknowledged chunks again, for a consumer that lost data.", load: async () => (await import("./commands/replay.ts")).replayCommand },
  { path: ["install"], summary: "Place the executable, systemd units and example configs on this machine (idempotent).", load: async () => (await import("./commands/install.ts")).installCommand },
  { path: ["decode"], summary: "Decode a candump log into signals with DBC files (like cantools decode).", load: async () => (await import("./commands/decode.ts")).decodeCommand },
  { path: ["local-sqs"], summary: "Serve a local SQS (fauxqs, 127.0.0.1 only) with a queue and its dead-letter queue.", load: async () => (await import("./commands/localSqs.ts")).localSqsCommand },
];

/** Errors that mean "the input was wrong": shown as one message, no stack trace. */
const USER_ERRORS = [UsageError, ConfigError, UnitError, SourceSpecError, SocketCanUnavailable, BufferNotFound, BufferDamaged];

function mainHelp(): string {
  const w = Math.max(...COMMANDS.map((c) => c.path.join(" ").length));
  const lines = COMMANDS.map((c) => `  ${c.path.join(" ").padEnd(w)}  ${c.summary}`);
  return `canferry: CAN frames through a crash-safe SQLite buffer to AWS SQS.\n\nusage: canferry COMMAND [options]\n\ncommands:\n${lines.join("\n")}\n\nRun canferry COMMAND --help for its options.\n`;
}

export async function main(argv: string[]): Promise<number> {
  const entry = COMMANDS.find((c) => c.path.every((w, i) => argv[i] === w));
  if (!entry) {
    if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
      process.stdout.write(mainHelp());
      return argv.length === 0 ? 2 : 0;
    }
    const group = COMMANDS.filter((c) => c.path[0] === argv[0]);
    if (group.length && (argv.length === 1 || argv[1] === "--help" || argv[1] === "-h")) {
      process.stdout.write(group.map((c) => `canferry ${c.path.join(" ")} ...\n  ${c.summary}`).join("\n") + "\n");
      return argv.length === 1 ? 2 : 0;
    }
    process.stderr.write(`canferry: unknown command '${argv.slice(0, 2).join(" ")}'\n\n${mainHelp()}`);
    return 2;
  }
  const cmd = await entry.load();
  const rest = argv.slice(entry.path.length);
  try {
    const { values, positionals } = parseCommandArgs(cmd, rest);
    if (values.help) {
      process.stdout.write(commandHelp(cmd, entry.summary));
      return 0;
    }
    return await cmd.run(values as Record<string, string | boolean | undefined>, positionals);
  } catch (caught) {
    // A damaged page can also be met after a buffer opened fine, while a command reads it.
    const e = isDamageError(caught) ? new BufferDamaged(undefined, caught.message) : caught;
    if (USER_ERRORS.some((k) => e instanceof k)) {
      process.stderr.write(`canferry ${entry.path.join(" ")}: ${(e as Error).message}\n`);
      if (e instanceof UsageError) process.stderr.write(`usage: canferry ${cmd.usage} (see --help)\n`);
      return 2;
    }
    throw e;
  }
}

if (import.meta.main) void main(process.argv.slice(2)).then((code) => process.exit(code));
