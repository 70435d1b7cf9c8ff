import type { Command } from "../Command.ts";
import { recoveryMessage } from "../../buffer/BufferRecovery.ts";
import { UsageError } from "../Command.ts";
import { BufferStore } from "../../buffer/BufferStore.ts";
import { loadConfig } from "../../config/configFile.ts";
import { bufferOptions, sqsSettings, uploaderOptions } from "../../config/settings.ts";
import { parseTimePoint } from "../../config/units.ts";
import { createSqsClient } from "../../uplink/sqsClient.ts";
import { Uploader } from "../../uplink/Uploader.ts";
import { ConfigError } from "../../config/configFile.ts";
import { onStopSignals } from "../signals.ts";

export const replayCommand: Command = {
  usage: "replay --db FILE --from T --to T [--bus B] [--config FILE] [--queue-url URL] [--endpoint URL]",
  help: `Chunks whose frames overlap [from, to] go back to the buffer's queue and are uploaded again; the
command waits until SQS accepted every one of them. Safe beside a running gateway on the same buffer.
Consumers write each chunk once, so replaying into a queue whose consumer kept its data is harmless.

options:
  --db FILE             the gateway's buffer
  --from T, --to T      epoch seconds (1700000000.5) or ISO 8601 (2024-01-02T03:04:05Z)
  --bus B               only this interface
  --config FILE         gateway configuration (queue, endpoint, gateway id)
  --queue-url URL       instead of sqs.queue_url
  --endpoint URL        instead of sqs.endpoint (a local SQS server)`,
  flags: {
    db: { type: "string" },
    from: { type: "string" },
    to: { type: "string" },
    bus: { type: "string" },
    config: { type: "string" },
    "queue-url": { type: "string" },
    endpoint: { type: "string" },
  },
  async run(v) {
    if (typeof v.from !== "string" || typeof v.to !== "string") throw new UsageError("--from and --to are required");
    const fromUs = parseTimePoint(v.from);
    const toUs = parseTimePoint(v.to);
    if (fromUs > toUs) throw new UsageError("--from is after --to");
    const config = await loadConfig(typeof v.config === "string" ? v.config : undefined, [
      { section: "buffer", key: "path", flag: "--db", value: v.db },
      { section: "sqs", key: "queue_url", flag: "--queue-url", value: v["queue-url"] },
      { section: "sqs", key: "endpoint", flag: "--endpoint", value: v.endpoint },
    ]);
    if (typeof v.db !== "string" && typeof v.config !== "string") throw new UsageError("--db FILE (or --config FILE) is required");
    const queueUrl = config.sqs.queue_url;
    if (!queueUrl) throw new ConfigError("no queue: pass --queue-url or set sqs.queue_url in --config");
    const store = BufferStore.open(bufferOptions(config), { requeue: false });
    if (store.recovered) process.stderr.write(`canferry replay: ${recoveryMessage(store.recovered)}\n`);
    const client = createSqsClient(sqsSettings(config));
    try {
      const seqs = store.replayAcked({ fromUs, toUs, bus: typeof v.bus === "string" ? v.bus : undefined });
      process.stderr.write(`replay: ${seqs.length} acknowledged chunks in range queued for upload\n`);
      if (seqs.length === 0) return 0;
      const uploader = new Uploader(client, store, uploaderOptions(config, queueUrl));
      // Everything in the buffer counts as backlog for this uploader: the replayed chunks go oldest first.
      const running = uploader.run();
      let interrupted = false;
      const off = onStopSignals(() => {
        interrupted = true;
        uploader.stop();
      });
      let left = seqs.length;
      let saidDown = false;
      let lastReport = 0;
      while (left > 0 && !interrupted) {
        await Bun.sleep(200);
        left = store.countUnacked(seqs);
        if (Date.now() - lastReport > 1000 || left === 0) {
          process.stderr.write(`replay: ${seqs.length - left} of ${seqs.length} chunks sent\n`);
          lastReport = Date.now();
        }
        const down = uploader.stats.outageSince !== null;
        if (down && !saidDown) process.stderr.write("replay: the queue is unreachable; retrying (Ctrl-C stops; the chunks stay queued for the gateway)\n");
        saidDown = down;
      }
      uploader.stop();
      await running;
      off();
      process.stderr.write(`replay: ${interrupted ? "interrupted" : "done"}, ${uploader.stats.framesAcked} frames sent\n`);
      return interrupted ? 1 : 0;
    } finally {
      store.close();
      client.destroy();
    }
  },
};
