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

/** A child whose stderr is collected as it comes, so a test can wait for a line and read the rest later. */
export function watchedProcess(cmd: string[], env: Record<string, string> = {}) {
  const proc = tracked(Bun.spawn(cmd, { stdin: "ignore", stdout: "ignore", stderr: "pipe", env: { ...process.env, ...env } }));
  let text = "";
  const pump = (async () => {
    const decoder = new TextDecoder();
    for await (const part of proc.stderr) text += decoder.decode(part);
  })();
  return {
    proc,
    stderr: () => text,
    async waitFor(needle: string, timeoutMs = 20_000): Promise<void> {
      const end = Date.now() + timeoutMs;
      while (!text.includes(needle)) {
        if (Date.now() > end) throw new Error(`no '${needle}' from ${cmd.join(" ")}; stderr: ${text.slice(-1000)}`);
        await Bun.sleep(20);
      }
    },
    /** Waits for exit and the end of stderr. */
    async finished(): Promise<number> {
      const code = await proc.exited;
      await pump;
      return code;
    },
  };
}
