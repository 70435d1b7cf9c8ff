/**
 * Creates a queue with its dead-letter queue and redrive policy (idempotent: CreateQueue returns an
 * existing queue with the same attributes). Used by the demo, the tests and `canferry queue create`.
 */
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";

export interface QueuePair {
  queueUrl: string;
  dlqUrl: string;
}

export interface QueueSetupOptions {
  name: string;
  /** Receives before an undecodable message moves to the dead-letter queue. */
  maxReceiveCount: number;
  visibilityTimeoutS: number;
}

export async function createQueuePair(client: SQSClient, o: QueueSetupOptions): Promise<QueuePair> {
  const fifo = o.name.endsWith(".fifo");
  const base = fifo ? o.name.slice(0, -5) : o.name;
  const dlqName = `${base}-dlq${fifo ? ".fifo" : ""}`;
  const fifoAttrs: Record<string, string> = fifo ? { FifoQueue: "true" } : {};
  const dlq = await client.send(new CreateQueueCommand({ QueueName: dlqName, Attributes: { ...fifoAttrs } }));
  const arn = await client.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ["QueueArn"] }));
  const q = await client.send(
    new CreateQueueCommand({
      QueueName: o.name,
      Attributes: {
        ...fifoAttrs,
        VisibilityTimeout: String(o.visibilityTimeoutS),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn.Attributes!.QueueArn, maxReceiveCount: o.maxReceiveCount }),
      },
    }),
  );
  return { queueUrl: q.QueueUrl!, dlqUrl: dlq.QueueUrl! };
}
