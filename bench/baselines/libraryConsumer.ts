/**
 * Baseline 2, consumer side: bbc's sqs-consumer, the most used Node SQS consumer library, in its
 * fastest configuration: a batch handler, 10 messages per receive, long polling, no wait between
 * polls, and several instances in one process (--instances, default 4). Each batch is written and
 * then deleted by the library (DeleteMessageBatch). On SIGTERM the instances stop, finishing what they
 * hold, and the process prints its final record.
 * Usage: bun bench/baselines/libraryConsumer.ts --endpoint URL --queue-url URL --out FILE [--instances 4]
 */
import { parseArgs } from "node:util";
import { Consumer } from "sqs-consumer";
import { createSqsClient, DEFAULT_SQS } from "../../src/uplink/sqsClient.ts";
import { countCalls } from "./callCounter.ts";
import { BaselineSink } from "./BaselineSink.ts";

const { values } = parseArgs({
  options: { endpoint: { type: "string" }, "queue-url": { type: "string" }, out: { type: "string" }, instances: { type: "string", default: "4" } },
});
const client = createSqsClient({ ...DEFAULT_SQS, endpoint: values.endpoint, requestTimeoutMs: 30_000 });
const calls = countCalls(client);
const sink = new BaselineSink(values.out!);
const consumers = Array.from({ length: Number(values.instances) }, () =>
  Consumer.create({
    queueUrl: values["queue-url"]!,
    sqs: client,
    batchSize: 10,
    waitTimeSeconds: 20,
    pollingWaitTimeMs: 0,
    pollingCompleteWaitTimeMs: 10_000,
    messageSystemAttributeNames: ["SentTimestamp"],
    handleMessageBatch: async (messages) => {
      sink.write(messages, Date.now());
      return messages;
    },
  }),
);
for (const c of consumers) {
  c.on("error", (e) => console.error(JSON.stringify({ msg: "sqs-consumer error", err: e.message })));
  c.start();
}
await new Promise<void>((resolve) => process.once("SIGTERM", () => resolve()));
await Promise.all(consumers.map((c) => new Promise<void>((resolve) => (c.once("stopped", () => resolve()), c.stop({ abort: false })))));
sink.close();
client.destroy();
console.log(JSON.stringify(sink.stoppedRecord(calls)));
