import type { Subprocess } from "bun";

/** Children still running when the test process ends (a failed or timed-out test) are killed with it. */
const children = new Set<Subprocess>();
process.on("exit", () => {
  for (const c of children) c.kill("SIGKILL");
});

/** Registers a child for that clean-up; returns it. */
export function tracked<T extends Subprocess>(proc: T): T {
  children.add(proc);
  void proc.exited.then(() => children.delete(proc));
  return proc;
}

/**
 * A child whose output (stdout and stderr, as they come) is collected, so a test can wait for a line
 * and read the rest later.
 */
export function watchedProcess(cmd: string[], env: Record<string, string> = {}) {
  const proc = tracked(Bun.spawn(cmd, { stdin: "ignore", stdout: "pipe", stderr: "pipe", env: { ...process.env, ...env } }));
  let text = "";
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const part of stream) text += decoder.decode(part);
  };
  const pump = Promise.all([collect(proc.stdout), collect(proc.stderr)]);
  return {
    proc,
    output: () => text,
    async waitFor(needle: string, timeoutMs = 20_000): Promise<void> {
      const end = Date.now() + timeoutMs;
      while (!text.includes(needle)) {
        if (Date.now() > end) throw new Error(`no '${needle}' from ${cmd.join(" ")}; output: ${text.slice(-1000)}`);
        await Bun.sleep(20);
      }
    },
    /** Waits for exit and the end of its output. */
    async finished(): Promise<number> {
      const code = await proc.exited;
      await pump;
      return code;
    },
  };
}
