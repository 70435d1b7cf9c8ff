/** In-process gateway and consumer wired to a test SQS server, for the pipeline tests. */
import { join } from "node:path";
import { Database } from "bun:sqlite";
import { BufferStore, type BufferOptions } from "../../src/buffer/BufferStore.ts";
import { Gateway } from "../../src/gateway/Gateway.ts";
import { Consumer } from "../../src/consumer/Consumer.ts";
import { DEFAULT_CONSUMER, type ConsumerOptions } from "../../src/consumer/ConsumerOptions.ts";
import { SqliteSink } from "../../src/sink/SqliteSink.ts";
import { DEFAULT_CHUNKER } from "../../src/chunker/Chunker.ts";
import { defaultBufferOptions } from "../../src/config/settings.ts";
import { DEFAULT_UPLOADER, type UploaderOptions } from "../../src/uplink/UploaderOptions.ts";
import { createSqsClient, DEFAULT_SQS } from "../../src/uplink/sqsClient.ts";
import type { FrameSource } from "../../src/source/FrameSource.ts";
import type { TestSqs } from "./sqs.ts";
import type { ChunkerOptions } from "../../src/chunker/Chunker.ts";

export function startGateway(
  dir: string,
  sqs: { endpoint: string; queueUrl: string },
  source: FrameSource,
  over: { uploader?: Partial<UploaderOptions>; chunker?: Partial<ChunkerOptions>; buffer?: Partial<BufferOptions> } = {},
) {
  const buffer = BufferStore.open({ ...defaultBufferOptions(join(dir, "buffer.db")), ...over.buffer });
  const client = createSqsClient({ ...DEFAULT_SQS, endpoint: sqs.endpoint });
  const gateway = new Gateway(source, buffer, {
    chunker: { ...DEFAULT_CHUNKER, ...over.chunker },
    uplink: { client, options: { ...DEFAULT_UPLOADER, queueUrl: sqs.queueUrl, gateway: "gw-test", ...over.uploader } },
    pruneIntervalMs: 60_000,
    drainOnStopMs: 2000,
  });
  const done = gateway.run();
  return {
    gateway,
    buffer,
    async stop() {
      gateway.stop();
      await done;
      buffer.close();
      client.destroy();
    },
  };
}

export function startConsumer(dir: string, sqs: TestSqs, over: Partial<ConsumerOptions> = {}) {
  const sink = new SqliteSink(join(dir, "sink.db"));
  const client = createSqsClient({ ...DEFAULT_SQS, endpoint: sqs.endpoint, requestTimeoutMs: 30_000 });
  const consumer = new Consumer(client, sink, { ...DEFAULT_CONSUMER, waitTimeSeconds: 2, queueUrl: sqs.queueUrl, ...over });
  const done = consumer.run();
  return {
    consumer,
    sink,
    async stop() {
      consumer.stop();
      await done;
      await sink.close();
      client.destroy();
    },
  };
}

export interface SinkRow {
  bus: string;
  ts_us: number;
  ts_ns: number;
  id: number;
  flags: number;
  dlc: number;
  data: Uint8Array;
  chunk: string;
}

/** Reads a sink database (another connection, as a user's tool would). */
export function sinkRows(path: string): SinkRow[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.query("SELECT bus, ts_us, ts_ns, id, flags, dlc, data, chunk FROM frames ORDER BY rowid").all() as SinkRow[];
  } finally {
    db.close();
  }
}

export function sinkCount(path: string): number {
  try {
    const db = new Database(path, { readonly: true });
    try {
      return (db.query("SELECT count(*) AS n FROM frames").get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return 0;
  }
}

/** Stops reading, waits for the buffer to ship everything and the sink to hold every frame the source made; returns that count. */
export async function drainToSink(gw: ReturnType<typeof startGateway>, source: FrameSource, dir: string, timeoutMs: number): Promise<number> {
  gw.gateway.ingestor.stop();
  await waitFor("backlog drained", () => gw.buffer.backlog().chunks === 0, timeoutMs);
  const generated = source.counters.frames;
  await waitFor("every frame at the sink", () => sinkCount(join(dir, "sink.db")) >= generated, timeoutMs);
  return generated;
}

export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await Bun.sleep(25);
  }
}

/** A canonical text per frame, so sink contents and a log compare as multisets. */
export function frameKey(f: { bus: string; id: number; flags: number; dlc: number; data: Uint8Array; tsUs: number; tsNs: number }): string {
  return `${f.bus} ${f.tsUs}.${f.tsNs} ${f.id} ${f.flags} ${f.dlc} ${Buffer.from(f.data).toString("hex")}`;
}

export function rowKey(r: SinkRow): string {
  return frameKey({ bus: r.bus, id: r.id, flags: r.flags, dlc: r.dlc, data: r.data, tsUs: r.ts_us, tsNs: r.ts_ns });
}
