/**
 * SQS clients for both sides. Real AWS uses the SDK's default credential chain and region; `endpoint`
 * points at a local server (fauxqs) instead. The SDK's own retries are off: the uploader and consumer
 * retry with their own backoff, so they know when the link is down.
 */
import { SQSClient } from "@aws-sdk/client-sqs";

export interface SqsSettings {
  /** Region; default: the SDK's chain (AWS_REGION, profile), else us-east-1 for a local endpoint. */
  region?: string;
  /** e.g. http://127.0.0.1:4566 for fauxqs. */
  endpoint?: string;
  /** Abort a request after this long (long polls add their wait to it). */
  requestTimeoutMs: number;
  connectTimeoutMs: number;
}

export const DEFAULT_SQS: SqsSettings = { requestTimeoutMs: 5000, connectTimeoutMs: 2000 };

export function createSqsClient(s: SqsSettings): SQSClient {
  const local = s.endpoint !== undefined;
  return new SQSClient({
    ...(s.region ? { region: s.region } : local && !process.env.AWS_REGION ? { region: "us-east-1" } : {}),
    ...(local ? { endpoint: s.endpoint } : {}),
    // A local server takes any credentials; real AWS gets the default chain.
    ...(local && !process.env.AWS_ACCESS_KEY_ID ? { credentials: { accessKeyId: "local", secretAccessKey: "local" } } : {}),
    maxAttempts: 1,
    requestHandler: {
      connectionTimeout: s.connectTimeoutMs,
      requestTimeout: s.requestTimeoutMs,
      throwOnRequestTimeout: true,
      httpAgent: { keepAlive: true, maxSockets: 64 },
      httpsAgent: { keepAlive: true, maxSockets: 64 },
    },
  });
}

/** A short, stable name for an SDK or network error, for counters ("by code"). */
export function errorCode(e: unknown): string {
  const err = e as { name?: string; code?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  return err?.Code ?? err?.code ?? err?.name ?? "Error";
}

/** AWS bills each SQS call as one request per started 64 KiB of payload. */
export function billedRequests(payloadBytes: number): number {
  return Math.max(1, Math.ceil(payloadBytes / 65536));
}
