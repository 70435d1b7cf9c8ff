/**
 * Baseline 1, consumer side: the original system's single-threaded loop. Receive up to 10 messages
 * (no long poll), write and delete them one by one, and when the queue gives nothing, sleep 5 s before
 * polling again. On SIGTERM it finishes the messages in hand and prints its final record.
 * Usage: bun bench/baselines/pollingConsumer.ts --endpoint URL --queue-url URL --out FILE
 */
import { parseArgs } from "node:util";
import { DeleteMessageCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { createSqsClient, DEFAULT_SQS } from "../../src/uplink/sqsClient.ts";
import { countCalls } from "./callCounter.ts";
import { BaselineSink } from "./BaselineSink.ts";

const POLL_INTERVAL_MS = 5000;

const { values } = parseArgs({ options: { endpoint: { type: "string" }, "queue-url": { type: "string" }, out: { type: "string" } } });
const queueUrl = values["queue-url"]!;
const client = createSqsClient({ ...DEFAULT_SQS, endpoint: values.endpoint });
const calls = countCalls(client);
const sink = new BaselineSink(values.out!);
let running = true;
let wake: () => void = () => {};
process.on("SIGTERM", () => {
  running = false;
  wake();
});

while (running) {
  const r = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageSystemAttributeNames: ["SentTimestamp"] }));
  const receivedAt = Date.now();
  const messages = r.Messages ?? [];
  if (!messages.length) {
    await new Promise<void>((resolve) => {
      wake = resolve;
      setTimeout(resolve, POLL_INTERVAL_MS);
    });
    continue;
  }
  for (const m of messages) {
    sink.write([m], receivedAt);
    await client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
  }
}
sink.close();
client.destroy();
console.log(JSON.stringify(sink.stoppedRecord(calls)));
