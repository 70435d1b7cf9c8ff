/**
 * The compiled x64 executable, built once per test run into a temporary folder with the same flags as
 * `npm run build` (scripts/build.ts).
 */
import { join } from "node:path";
import { ROOT, tempDir } from "./cli.ts";

let built: Promise<string> | undefined;

export function builtBinary(): Promise<string> {
  built ??= (async () => {
    const out = join(tempDir("binary"), "canferry-linux-x64");
    const p = Bun.spawn(
      [process.execPath, "build", "--compile", "--minify", "--bytecode", "--target=bun-linux-x64", join(ROOT, "src/cli/main.ts"), "--outfile", out],
      { stdout: "ignore", stderr: "pipe" },
    );
    if ((await p.exited) !== 0) throw new Error(`bun build --compile failed: ${await new Response(p.stderr).text()}`);
    return out;
  })();
  return built;
}
