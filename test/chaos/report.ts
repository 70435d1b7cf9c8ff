/**
 * Runs the reliability suites and writes docs/reliability.md from their results.
 *   bun test/chaos/report.ts          the short versions (what CI runs), a few minutes
 *   bun test/chaos/report.ts --long   the long versions (CANFERRY_CHAOS=long)
 * Each suite appends a row to a ledger (test/chaos/ledger.ts); this script turns the rows into the
 * table, with the command and the machine, so the document always shows a real run.
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { cpus, totalmem, tmpdir } from "node:os";
import { existsSync, readFileSync, rmSync } from "node:fs";
import type { SuiteResult } from "./ledger.ts";

const { values } = parseArgs({ options: { long: { type: "boolean", default: false }, out: { type: "string", default: join(import.meta.dir, "..", "..", "docs", "reliability.md") } } });
const root = join(import.meta.dir, "..", "..");
const ledger = join(tmpdir(), `canferry-reliability-${process.pid}.jsonl`);
rmSync(ledger, { force: true });
const version = values.long ? "long" : "short";
const command = `bun test/chaos/report.ts${values.long ? " --long" : ""}`;
process.stderr.write(`reliability: running the ${version} suites (bun test test/chaos)\n`);
const t0 = Date.now();
const run = Bun.spawn([process.execPath, "test", "test/chaos", "--timeout", "3600000"], {
  cwd: root,
  env: { ...process.env, CANFERRY_RELIABILITY_OUT: ledger, CANFERRY_CHAOS: values.long ? "long" : "short" },
  stdout: "inherit",
  stderr: "inherit",
});
const code = await run.exited;
const minutes = (Date.now() - t0) / 60_000;
const rows: (SuiteResult & { version: string })[] = existsSync(ledger)
  ? readFileSync(ledger, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l))
  : [];
rmSync(ledger, { force: true });

const fmt = (n: number) => n.toLocaleString("en-US");
const figures = (f: SuiteResult["figures"]) =>
  Object.entries(f ?? {})
    .map(([k, v]) => `${k.replaceAll("_", " ")}: ${typeof v === "number" ? fmt(v) : v}`)
    .join("; ");
const table = rows
  .map((r) => `| ${r.suite} | ${r.injected} | ${fmt(r.times)} | ${r.framesIn ? fmt(r.framesIn) : "-"} | ${r.framesOut ? fmt(r.framesOut) : "-"} | ${r.framesIn ? fmt(r.duplicates) : "-"} | ${figures(r.figures)} | **${r.result}** |`)
  .join("\n");
const passed = rows.filter((r) => r.result === "pass").length;

const doc = `# Reliability

What canferry promises: nothing lost and nothing doubled through crashes, outages, full buffers and
hostile input, and every frame it does lose (a full buffer under the cap) counted. The suites in
\`test/chaos/\` check it with real processes killed with SIGKILL, a real fauxqs SQS server over HTTP,
real SQLite files on disk, and fault-injecting proxies. CI runs the short versions as part of
\`npm test\`; the long ones are one command.

This file is written by \`${command}\` (${version} versions) on ${new Date().toISOString().slice(0, 10)},
on ${cpus().length} cores and ${Math.round(totalmem() / 2 ** 30)} GiB, in ${minutes.toFixed(1)} minutes: ${passed} of
${rows.length} rows passed${code === 0 ? "" : `; bun test exited ${code}`}. The long versions: \`bun test/chaos/report.ts --long\`.

| suite | injected | times | frames in | frames out (distinct) | duplicates at the sink | figures | result |
|---|---|---|---|---|---|---|---|
${table}

Frames out counts distinct frames at the sink; "frames in" is what the source produced. Where a
full buffer evicts undelivered data by its cap, the difference is exactly the buffer's
\`cap_pending\` eviction counter (the row says so). The torn-storage suite has no uplink: its frames
out are those in the buffer after the next import, and frames in chunks that could not be decoded
are reported as lost (the row's figure).

Covered by other suites in \`npm test\`: a consumer SIGKILLed mid-batch with another taking over
after the visibility timeout (\`test/consumer/consumerProcess.test.ts\`), poison messages to the
dead-letter queue (\`test/uplink/faults.test.ts\`), malformed HTTP to the status server
(\`test/status/statusServer.test.ts\`), an import SIGKILLed 6 times resuming exactly
(\`test/gateway/crashResume.test.ts\`), and SocketCAN drops counted by the kernel (\`test/vcan/\`).
`;
await Bun.write(values.out, doc);
process.stderr.write(`reliability: ${passed}/${rows.length} passed; wrote ${values.out}\n`);
process.exit(code);
