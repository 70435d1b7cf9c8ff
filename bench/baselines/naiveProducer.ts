/**
 * Baselines 1 and 2, edge side: the design canferry replaces. Every frame becomes one SQS message
 * (SendMessage, a JSON body), sent as it arrives: no buffer on disk, no batching. Up to 64 sends are
 * in flight; frames beyond that wait in memory. It reads the same frames canferry's gateway does
 * (--source gen:..., e.g. gen:rate=1000,buses=can0+can1). On SIGTERM it stops reading, finishes the sends in
 * hand (10 s at most) and prints its final record in the shape canferry's gateway logs
 * ("gateway stopped"), so one benchmark harness reads every design.
 * Usage: bun bench/baselines/naiveProducer.ts --endpoint URL --queue-url URL --source SPEC
 */
import { parseArgs } from "node:util";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { createSqsClient, DEFAULT_SQS } from "../../src/uplink/sqsClient.ts";
import { GeneratorSource } from "../../src/source/GeneratorSource.ts";
import { parseGeneratorSpec } from "../../src/source/openSource.ts";
import type { CanFrame } from "../../src/frame/CanFrame.ts";
import { frameBody } from "./frameMessage.ts";

const IN_FLIGHT = 64;

const { values } = parseArgs({ options: { endpoint: { type: "string" }, "queue-url": { type: "string" }, source: { type: "string" } } });
const queueUrl = values["queue-url"]!;
const client = createSqsClient({ ...DEFAULT_SQS, endpoint: values.endpoint, requestTimeoutMs: 30_000 });
const source = new GeneratorSource(parseGeneratorSpec(values.source!.replace(/^gen:?/, "")));
const stats = { framesIn: 0, framesAcked: 0, sendCalls: 0, failedCalls: 0, bytesSent: 0, billedRequests: 0, maxWaiting: 0 };
const waiting: CanFrame[] = [];
let inFlight = 0;
let idle: () => void = () => {};

function pump(): void {
  while (inFlight < IN_FLIGHT && waiting.length) {
    const body = frameBody(waiting.shift()!);
    inFlight++;
    stats.sendCalls++;
    stats.billedRequests++;
    client
      .send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }))
      .then(
        () => {
          stats.framesAcked++;
          stats.bytesSent += body.length;
        },
        () => stats.failedCalls++,
      )
      .finally(() => {
        inFlight--;
        pump();
        if (!inFlight && !waiting.length) idle();
      });
  }
}

process.on("SIGTERM", () => source.stop());
for await (const batch of source.batches()) {
  stats.framesIn += batch.frames.length;
  waiting.push(...batch.frames);
  stats.maxWaiting = Math.max(stats.maxWaiting, waiting.length);
  pump();
}
if (inFlight || waiting.length) await Promise.race([new Promise<void>((resolve) => (idle = resolve)), Bun.sleep(10_000)]);
client.destroy();
console.log(JSON.stringify({ msg: "gateway stopped", ...stats, framesWaiting: waiting.length + inFlight }));
