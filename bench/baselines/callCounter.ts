/**
 * Counts the SQS calls a client makes, by command, and the receives that came back empty: for the
 * baseline consumers, whose calls a library makes (sqs-consumer) or a loop makes, counted the same way.
 */
import type { SQSClient } from "@aws-sdk/client-sqs";
import { billedRequests } from "../../src/uplink/sqsClient.ts";

export interface CallCounts {
  receiveCalls: number;
  emptyReceives: number;
  deleteCalls: number;
  visibilityCalls: number;
  billedRequests: number;
}

export function countCalls(client: SQSClient): CallCounts {
  const c: CallCounts = { receiveCalls: 0, emptyReceives: 0, deleteCalls: 0, visibilityCalls: 0, billedRequests: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const command = context.commandName;
      if (command === "ReceiveMessageCommand") {
        const messages = (result.output as { Messages?: { Body?: string }[] }).Messages ?? [];
        c.receiveCalls++;
        if (!messages.length) c.emptyReceives++;
        c.billedRequests += billedRequests(messages.reduce((n, m) => n + (m.Body?.length ?? 0), 0));
      } else {
        if (command === "DeleteMessageCommand" || command === "DeleteMessageBatchCommand") c.deleteCalls++;
        if (command === "ChangeMessageVisibilityCommand" || command === "ChangeMessageVisibilityBatchCommand") c.visibilityCalls++;
        c.billedRequests++;
      }
      return result;
    },
    { step: "initialize", name: "baselineCallCounter" },
  );
  return c;
}
