/** A CLI subcommand: its flags, its help text and what it runs. */
import { parseArgs, type ParseArgsConfig } from "node:util";

export type Flags = NonNullable<ParseArgsConfig["options"]>;

export interface Command {
  usage: string;
  /** Help text for the flags, shown by --help. */
  help: string;
  flags: Flags;
  run(values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<number>;
}

/** A mistake in how the command was called: printed with the usage line, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export function parseCommandArgs(cmd: Command, argv: string[]) {
  try {
    return parseArgs({ args: argv, options: { ...cmd.flags, help: { type: "boolean", short: "h" } }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export function commandHelp(cmd: Command, summary: string): string {
  return `${summary}\n\nusage: canferry ${cmd.usage}\n\n${cmd.help}\n  -h, --help            this text\n`;
}

/** A command as the top-level help lists it; its module (and what that imports) loads only when run. */
export interface CommandEntry {
  /** Words that select it, e.g. ["buffer", "stats"]. */
  path: string[];
  summary: string;
  load(): Promise<Command>;
}
