/** Runs the real canferry CLI in a child process, as a user would. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tracked, watchedProcess } from "./watchedProcess.ts";

export const ROOT = join(import.meta.dir, "..", "..");
export const MAIN = join(ROOT, "src", "cli", "main.ts");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function canferry(args: string[], stdin?: string | Blob): Promise<CliResult> {
  const p = Bun.spawn([process.execPath, MAIN, ...args], {
    cwd: ROOT,
    stdin: stdin === undefined ? "ignore" : typeof stdin === "string" ? new Blob([stdin]) : stdin,
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, stdout, stderr };
}

export function spawnCanferry(args: string[], env: Record<string, string> = {}) {
  return tracked(Bun.spawn([process.execPath, MAIN, ...args], { cwd: ROOT, stdin: "ignore", stdout: "pipe", stderr: "pipe", env: { ...process.env, ...env } }));
}

export function tempDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `canferry-${name}-`));
}

export const fixture = (...parts: string[]) => join(ROOT, "test", "fixtures", ...parts);

/** canferry (from source) whose output is collected as it comes; see watchedProcess. */
export function watchedCanferry(args: string[], env: Record<string, string> = {}) {
  return watchedProcess([process.execPath, MAIN, ...args], env);
}
