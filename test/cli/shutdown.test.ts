import { expect, test } from "bun:test";
import { join } from "node:path";
import { canferry, spawnCanferry, tempDir } from "../helpers/cli.ts";

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  test(`${signal} stops the source, commits the open chunks and exits 0`, async () => {
    const dir = tempDir("signal");
    const db = join(dir, "b.db");
    // A linger far longer than the run: every frame is still in an open chunk when the signal comes.
    const child = spawnCanferry(["ingest", "gen:rate=5000,buses=a+b", "--db", db, "--linger", "60s", "--quiet"]);
    await Bun.sleep(1000);
    child.kill(signal);
    expect(await child.exited).toBe(0);
    const log = await new Response(child.stdout).text();
    const finished = JSON.parse(log.split("\n").find((l) => l.includes("ingest finished"))!);
    expect(finished.framesIn).toBeGreaterThan(1000);
    const stats = JSON.parse((await canferry(["buffer", "stats", "--db", db, "--json"])).stdout);
    expect(stats.pending.frames).toBe(finished.framesIn);
    expect(stats.pending.chunks).toBe(2);
  });
}
