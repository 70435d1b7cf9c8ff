/**
 * The buffer's migrations, embedded in the program so a bundled or compiled canferry needs no
 * migrations folder beside it. Every entry of meta/_journal.json needs its SQL file imported here;
 * test/buffer/migrations.test.ts fails when one is missing. Generate new ones with `npm run db:generate`.
 */
import journal from "./migrations/meta/_journal.json";
import m0000 from "./migrations/0000_init.sql" with { type: "text" };
import m0001 from "./migrations/0001_meta.sql" with { type: "text" };

export const MIGRATION_SQL: Record<string, string> = {
  "0000_init": m0000,
  "0001_meta": m0001,
};

export interface JournalEntry {
  tag: string;
  when: number;
  breakpoints: boolean;
}

export const JOURNAL: JournalEntry[] = journal.entries;
