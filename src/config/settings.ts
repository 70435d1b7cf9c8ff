/** From the validated config to each stage's options. */
import type { BufferOptions } from "../buffer/BufferStore.ts";
import type { ChunkerOptions } from "../chunker/Chunker.ts";
import { DEFAULT_CONSUMER, type ConsumerOptions } from "../consumer/ConsumerOptions.ts";
import { DEFAULT_UPLOADER, type UploaderOptions } from "../uplink/UploaderOptions.ts";
import type { SqsSettings } from "../uplink/sqsClient.ts";
import { parseConfig, type CanferryConfig } from "./configFile.ts";

export function bufferOptions(c: CanferryConfig): BufferOptions {
  const b = c.buffer;
  return { path: b.path, capBytes: b.cap, synchronous: b.synchronous, retainAckedMs: b.retain_acked, retainAckedBytes: b.retain_acked_bytes };
}

export function chunkerOptions(c: CanferryConfig): ChunkerOptions {
  const k = c.chunker;
  return { lingerMs: k.linger, maxFrames: k.max_frames, maxRawBytes: k.max_chunk_bytes, zstdLevel: k.zstd_level };
}

export function sqsSettings(c: CanferryConfig, longPollMs = 0): SqsSettings {
  return {
    region: c.sqs.region,
    endpoint: c.sqs.endpoint,
    requestTimeoutMs: c.sqs.request_timeout + longPollMs,
    connectTimeoutMs: Math.min(2000, c.sqs.request_timeout),
  };
}

export function uploaderOptions(c: CanferryConfig, queueUrl: string): UploaderOptions {
  return {
    ...DEFAULT_UPLOADER,
    queueUrl,
    gateway: c.gateway.id,
    maxInFlightBatches: c.uplink.max_in_flight_batches,
    probeIntervalMs: c.uplink.probe_interval,
  };
}

export function consumerOptions(c: CanferryConfig, queueUrl: string): ConsumerOptions {
  const k = c.consumer;
  return {
    ...DEFAULT_CONSUMER,
    queueUrl,
    pollers: k.pollers,
    workers: k.workers,
    prefetch: k.prefetch,
    waitTimeSeconds: Math.round(k.wait_time / 1000),
    visibilityTimeoutS: Math.round(k.visibility_timeout / 1000),
    shutdownTimeoutMs: k.shutdown_timeout,
    slaMs: c.sla.threshold,
  };
}

/** Every key at its default. */
export const DEFAULT_CONFIG: CanferryConfig = parseConfig("", "defaults", {});

/** Default buffer options for a buffer at `path` (tests, benchmarks). */
export function defaultBufferOptions(path: string): BufferOptions {
  return { ...bufferOptions(DEFAULT_CONFIG), path };
}
