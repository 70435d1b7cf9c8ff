#!/usr/bin/env bun
/** The `canferry` command: subcommands, --help everywhere, clear errors with exit code 2 for misuse. */
import { type Command, UsageError, commandHelp, parseCommandArgs } from "./Command.ts";
import { ingestCommand } from "./commands/ingest.ts";
import { bufferStatsCommand } from "./commands/bufferStats.ts";
import { bufferExportCommand } from "./commands/bufferExport.ts";
import { gatewayCommand } from "./commands/gateway.ts";
import { consumerCommand } from "./commands/consumer.ts";
import { demoCommand } from "./commands/demo.ts";
import { replayCommand } from "./commands/replay.ts";
import { ConfigError } from "../config/configFile.ts";
import { UnitError } from "../config/units.ts";
import { SourceSpecError } from "../source/openSource.ts";
import { SocketCanUnavailable } from "../source/SocketCanSource.ts";
import { BufferNotFound } from "../buffer/BufferStore.ts";

export const COMMANDS: Command[] = [
  demoCommand,
  gatewayCommand,
  consumerCommand,
  ingestCommand,
  bufferStatsCommand,
  bufferExportCommand,
  replayCommand,
];

/** Errors that mean "the input was wrong": shown as one message, no stack trace. */
const USER_ERRORS = [UsageError, ConfigError, UnitError, SourceSpecError, SocketCanUnavailable, BufferNotFound];

function mainHelp(): string {
  const w = Math.max(...COMMANDS.map((c) => c.path.join(" ").length));
  const lines = COMMANDS.map((c) => `  ${c.path.join(" ").padEnd(w)}  ${c.summary}`);
  return `canferry: CAN frames through a crash-safe SQLite buffer to AWS SQS.\n\nusage: canferry COMMAND [options]\n\ncommands:\n${lines.join("\n")}\n\nRun canferry COMMAND --help for its options.\n`;
}

export async function main(argv: string[]): Promise<number> {
  const cmd = COMMANDS.find((c) => c.path.every((w, i) => argv[i] === w));
  if (!cmd) {
    if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
      process.stdout.write(mainHelp());
      return argv.length === 0 ? 2 : 0;
    }
    const group = COMMANDS.filter((c) => c.path[0] === argv[0]);
    if (group.length && (argv.length === 1 || argv[1] === "--help" || argv[1] === "-h")) {
      process.stdout.write(group.map((c) => `canferry ${c.usage}\n  ${c.summary}`).join("\n") + "\n");
      return argv.length === 1 ? 2 : 0;
    }
    process.stderr.write(`canferry: unknown command '${argv.slice(0, 2).join(" ")}'\n\n${mainHelp()}`);
    return 2;
  }
  const rest = argv.slice(cmd.path.length);
  try {
    const { values, positionals } = parseCommandArgs(cmd, rest);
    if (values.help) {
      process.stdout.write(commandHelp(cmd));
      return 0;
    }
    return await cmd.run(values as Record<string, string | boolean | undefined>, positionals);
  } catch (e) {
    if (USER_ERRORS.some((k) => e instanceof k)) {
      process.stderr.write(`canferry ${cmd.path.join(" ")}: ${(e as Error).message}\n`);
      if (e instanceof UsageError) process.stderr.write(`usage: canferry ${cmd.usage} (see --help)\n`);
      return 2;
    }
    throw e;
  }
}

if (import.meta.main) process.exit(await main(process.argv.slice(2)));
