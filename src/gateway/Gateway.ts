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
import { Uploader } from "../uplink/Uploader.ts";
import type { UploaderOptions } from "../uplink/UploaderOptions.ts";

export interface GatewayOptions {
  chunker: ChunkerOptions;
  /** Without an uplink the gateway only buffers (an import, or a box that ships later). */
  uplink?: { client: SQSClient; options: UploaderOptions };
  pruneIntervalMs: number;
  /** On stop, keep uploading the backlog for up to this long (what is left stays buffered for the next start). */
  drainOnStopMs: number;
}

export class Gateway {
  readonly ingestor: Ingestor;
  readonly uploader?: Uploader;
  private pruneTimer?: ReturnType<typeof setInterval>;
  private readonly stopRequested: Promise<void>;
  /** True while the source is being read (readiness). */
  running = false;
  private requestStop!: () => void;

  constructor(
    readonly source: FrameSource,
    readonly buffer: BufferStore,
    private readonly o: GatewayOptions,
  ) {
    this.stopRequested = new Promise((r) => (this.requestStop = r));
    this.ingestor = new Ingestor(source, buffer, o.chunker);
    if (o.uplink) {
      const uploader = new Uploader(o.uplink.client, buffer, o.uplink.options);
      this.ingestor.onCommit = () => uploader.notify();
      this.uploader = uploader;
    }
  }

  /**
   * Runs until stop(). Without an uplink it returns when the source ends (an import); with one it
   * keeps uploading after a finite source ends, until stop().
   */
  async run(): Promise<void> {
    this.pruneTimer = setInterval(() => this.buffer.pruneAcked(), this.o.pruneIntervalMs);
    const uploading = this.uploader?.run();
    try {
      this.running = true;
      await this.ingestor.run().finally(() => (this.running = false));
      if (!this.uploader) return;
      this.uploader.notify();
      await this.stopRequested;
      await this.drain();
      this.uploader.stop();
      await uploading;
    } finally {
      clearInterval(this.pruneTimer);
    }
  }

  /** Stops the source; run() returns once the open chunks are committed and the backlog is sent or the drain time is up. */
  stop(): void {
    this.ingestor.stop();
    this.requestStop();
  }

  private async drain(): Promise<void> {
    const end = Date.now() + this.o.drainOnStopMs;
    while (Date.now() < end && this.buffer.backlog().chunks > 0 && this.uploader?.stats.outageSince === null) await Bun.sleep(20);
  }
}
