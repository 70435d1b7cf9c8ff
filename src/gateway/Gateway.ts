/**
 * The gateway process: source -> Ingestor -> BufferStore -> Uploader -> SQS, plus retention pruning.
 * Shutdown order keeps every accepted frame: the source stops, the ingestor commits its open chunks,
 * the uploader finishes the batches in flight (their chunks end acknowledged or pending), the buffer
 * closes.
 */
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { BufferStore } from "../buffer/BufferStore.ts";
import type { ChunkerOptions } from "../chunker/Chunker.ts";
import type { FrameSource } from "../source/FrameSource.ts";
import { Ingestor } from "./Ingestor.ts";
import { Uploader, type UploaderOptions } from "../uplink/Uploader.ts";

export interface GatewayOptions {
  chunker: ChunkerOptions;
  /** Without an uplink the gateway only buffers (an import, or a box that ships later). */
  uplink?: { client: SQSClient; options: UploaderOptions };
  pruneIntervalMs: number;
}

export class Gateway {
  readonly ingestor: Ingestor;
  readonly uploader?: Uploader;
  private pruneTimer?: ReturnType<typeof setInterval>;

  constructor(
    readonly source: FrameSource,
    readonly buffer: BufferStore,
    private readonly o: GatewayOptions,
  ) {
    this.ingestor = new Ingestor(source, buffer, o.chunker);
    if (o.uplink) {
      const uploader = new Uploader(o.uplink.client, buffer, o.uplink.options);
      this.ingestor.onCommit = () => uploader.notify();
      this.uploader = uploader;
    }
  }

  /** Runs until the source ends (a finite import) or stop(); the uplink keeps going until stop(). */
  async run(): Promise<void> {
    this.pruneTimer = setInterval(() => this.buffer.pruneAcked(), this.o.pruneIntervalMs);
    const uploading = this.uploader?.run();
    try {
      await this.ingestor.run();
      this.uploader?.notify();
      await uploading;
    } finally {
      clearInterval(this.pruneTimer);
    }
  }

  /** Stops the source; run() returns once the open chunks are committed and uploads in flight settle. */
  stop(): void {
    this.ingestor.stop();
    this.uploader?.stop();
  }
}
