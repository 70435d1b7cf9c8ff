import { expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { JOURNAL, MIGRATION_SQL } from "../../db/migrations.ts";
import { migrations } from "../../src/buffer/openDatabase.ts";

const DIR = join(import.meta.dir, "..", "..", "db", "migrations");

test("every generated migration is embedded, unchanged, in journal order", async () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith(".sql")).map((f) => f.slice(0, -4)).sort();
  expect(JOURNAL.map((e) => e.tag)).toEqual(files);
  expect(Object.keys(MIGRATION_SQL).sort()).toEqual(files);
  for (const [m, e] of migrations().map((m, i) => [m, JOURNAL[i]!] as const)) {
    const onDisk = await Bun.file(join(DIR, `${e.tag}.sql`)).text();
    // The same hash drizzle's folder migrator records, so buffers migrated either way agree.
    expect(m.hash).toBe(createHash("sha256").update(onDisk).digest("hex"));
  }
});
