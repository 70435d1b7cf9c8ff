/** A real fauxqs SQS server on 127.0.0.1 for a test, with canferry's queue and dead-letter queue. */
import { GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { createSqsClient, DEFAULT_SQS } from "../../src/uplink/sqsClient.ts";
import { createQueuePair, type QueuePair } from "../../src/uplink/queueSetup.ts";
import { startLocalSqs } from "../../src/uplink/localSqs.ts";

export interface TestSqs extends QueuePair {
  endpoint: string;
  port: number;
  client: SQSClient;
  /** Visible plus in-flight messages of a queue. */
  depth(url: string): Promise<number>;
  stop(): Promise<void>;
}

export async function startTestSqs(name = "canferry-test", opts: { port?: number; visibilityTimeoutS?: number } = {}): Promise<TestSqs> {
  const server = await startLocalSqs(opts.port ?? 0);
  const endpoint = server.endpoint;
  const client = createSqsClient({ ...DEFAULT_SQS, endpoint, requestTimeoutMs: 30_000 });
  const pair = await createQueuePair(client, { name, maxReceiveCount: 3, visibilityTimeoutS: opts.visibilityTimeoutS ?? 30 });
  return {
    ...pair,
    endpoint,
    port: server.port,
    client,
    async depth(url: string) {
      const r = await client.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }),
      );
      return Number(r.Attributes!.ApproximateNumberOfMessages) + Number(r.Attributes!.ApproximateNumberOfMessagesNotVisible);
    },
    async stop() {
      client.destroy();
      await server.stop();
    },
  };
}
