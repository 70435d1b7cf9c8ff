/**
 * Ships pending chunks from the buffer to SQS: SendMessageBatch (10 entries, 1 MiB) with several
 * batches in flight. A chunk is acknowledged in the buffer only after SQS accepted its entry; failed
 * entries go back to pending and are retried with exponential backoff and jitter. After a run of
 * failures the uploader declares an outage, stops hammering the endpoint and probes it with one chunk
 * at a time, often enough to notice its return within two seconds. Chunks committed after the link
 * came back go first, so live data keeps its latency while the backlog drains.
 */
import { EventEmitter } from "node:events";
import { SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { BufferStore, StoredChunk } from "../buffer/BufferStore.ts";
import { CODEC_NAMES, encodeMessage, MAX_MESSAGE_BYTES, messageSize } from "./wireFormat.ts";
import { billedRequests, errorCode } from "./sqsClient.ts";
import { RateMeter } from "./RateMeter.ts";
import { Wakeup } from "../lib/Wakeup.ts";
import type { UploaderOptions } from "./UploaderOptions.ts";

const MAX_ENTRIES = 10;
/** Envelope JSON and attributes per entry, above the base64 of the payload. */
const ENTRY_OVERHEAD = 1024;
/** Stored (compressed) bytes per batch such that base64 plus overhead stays inside SQS's 1 MiB. */
const MAX_BATCH_STORED_BYTES = Math.floor(((MAX_MESSAGE_BYTES - MAX_ENTRIES * ENTRY_OVERHEAD) * 3) / 4);

export interface UploaderStats {
  sendCalls: number;
  chunksAcked: number;
  framesAcked: number;
  bytesSent: number;
  /** What AWS bills: one request per call per started 64 KiB of payload. */
  billedRequests: number;
  failedCalls: number;
  failedEntries: number;
  errorsByCode: Record<string, number>;
  /** Epoch ms when the current outage began, or null while the link is up. */
  outageSince: number | null;
  outages: number;
  /** Frames acknowledged per second over the last few seconds. */
  ackRateFps: number;
}

export interface UploaderEvents {
  /** Chunks SQS accepted, with the time of the acknowledgement. */
  acked: [chunks: StoredChunk[], atMs: number];
  outage: [since: number, error: string];
  recovered: [downMs: number];
  error: [error: Error];
}

export class Uploader extends EventEmitter<UploaderEvents> {
  private inFlight = 0;
  /** Calls in flight, with when each started, so the ones a dead link swallowed can be cut loose. */
  private readonly calls = new Map<AbortController, number>();
  private failures = 0;
  private stopping = false;
  private readonly wakeup = new Wakeup();
  private retryAt = 0;
  private lastProbeAt = 0;
  /** Last time SQS answered anything (success or error); silence with calls outstanding is a hang. */
  private lastAnswerAt = 0;
  private lastSuccessAt = 0;
  /** Chunks from here on are live; older pending ones are backlog. */
  private live: number;
  private readonly meter = new RateMeter(5000);
  private readonly s: Omit<UploaderStats, "ackRateFps"> = {
    sendCalls: 0,
    chunksAcked: 0,
    framesAcked: 0,
    bytesSent: 0,
    billedRequests: 0,
    failedCalls: 0,
    failedEntries: 0,
    errorsByCode: {},
    outageSince: null,
    outages: 0,
  };
  private readonly fifo: boolean;

  constructor(
    private readonly client: SQSClient,
    private readonly buffer: BufferStore,
    private readonly o: UploaderOptions,
  ) {
    super();
    this.fifo = o.queueUrl.endsWith(".fifo");
    this.live = buffer.lastSeq() + 1;
  }

  /** The first sequence number that counts as live (sent before the backlog). */
  get liveFromSeq(): number {
    return this.live;
  }

  get stats(): UploaderStats {
    return { ...this.s, errorsByCode: { ...this.s.errorsByCode }, ackRateFps: this.meter.rate() };
  }

  /** New chunks were committed: look for work now rather than at the next tick. */
  notify(): void {
    this.wakeup.wake();
  }

  /** Runs until stop(); then waits for the batches in flight (their chunks end acknowledged or pending). */
  async run(): Promise<void> {
    while (!this.stopping) {
      if (!this.launch()) await this.wakeup.wait(this.nextWakeMs());
    }
    while (this.inFlight > 0) await this.wakeup.wait(50);
  }

  stop(): void {
    this.stopping = true;
    this.wakeup.wake();
  }

  /**
   * While the link is down, or calls hang with no answer (a blackholed link answers nothing until the
   * request timeout), the uploader only probes: one chunk every probeIntervalMs, outside the in-flight
   * limit so hung calls cannot hold the probes back. That is what notices the link's return quickly.
   */
  private probing(now: number): boolean {
    return this.s.outageSince !== null || this.silentForMs(now) > this.o.probeIntervalMs;
  }

  /** How long calls have been outstanding with no answer from SQS (0 when none is outstanding). */
  private silentForMs(now: number): number {
    let oldest = Number.POSITIVE_INFINITY;
    for (const started of this.calls.values()) if (started < oldest) oldest = started;
    return oldest === Number.POSITIVE_INFINITY ? 0 : now - Math.max(oldest, this.lastAnswerAt);
  }

  /** Calls outstanding and no answer for two probe intervals: the link is down, even before timeouts say so. */
  private checkSilence(now: number): void {
    const silent = this.silentForMs(now);
    if (this.s.outageSince === null && silent > 2 * this.o.probeIntervalMs) this.declareOutage(now - silent, "NoAnswer");
  }

  private declareOutage(since: number, code: string): void {
    this.s.outageSince = since;
    this.s.outages++;
    this.emit("outage", since, code);
  }

  /** Starts one batch if the rules allow; returns whether it did. */
  private launch(): boolean {
    const now = Date.now();
    this.checkSilence(now);
    const probe = this.probing(now);
    if (probe ? now - this.lastProbeAt < this.o.probeIntervalMs : this.inFlight >= this.o.maxInFlightBatches || now < this.retryAt)
      return false;
    const chunks = this.buffer.claim(probe ? 1 : MAX_ENTRIES, MAX_BATCH_STORED_BYTES, this.live);
    if (chunks.length === 0) return false;
    if (probe) this.lastProbeAt = now;
    this.inFlight++;
    void this.send(chunks)
      .catch((e: Error) => {
        // The buffer itself failed (e.g. its disk): the chunks stay in flight until the next start.
        if (this.listenerCount("error")) this.emit("error", e);
        else console.error(e);
      })
      .finally(() => {
        this.inFlight--;
        this.wakeup.wake();
      });
    return true;
  }

  private nextWakeMs(): number {
    const now = Date.now();
    if (this.probing(now)) return Math.max(1, this.lastProbeAt + this.o.probeIntervalMs - now);
    if (now < this.retryAt) return this.retryAt - now;
    // Commits call notify(); this bounds a missed wake-up and notices a hang starting.
    return Math.min(100, this.o.probeIntervalMs);
  }

  private async send(chunks: StoredChunk[]): Promise<void> {
    const bySeq = new Map(chunks.map((c) => [String(c.seq), c]));
    let batchBytes = 0;
    const entries = chunks.map((c) => {
      const m = encodeMessage(
        {
          gateway: this.o.gateway,
          epoch: this.buffer.epoch,
          bus: c.bus,
          seq: [c.seq, c.seq],
          ts: [c.firstTsUs, c.lastTsUs],
          frames: c.frameCount,
          codec: CODEC_NAMES[c.codec] ?? String(c.codec),
          raw: c.rawBytes,
        },
        c.payload,
      );
      batchBytes += messageSize(m);
      return {
        Id: String(c.seq),
        MessageBody: m.body,
        MessageAttributes: m.attributes,
        ...(this.fifo
          ? { MessageGroupId: `${this.o.gateway}:${c.bus}`, MessageDeduplicationId: `${this.o.gateway}:${this.buffer.epoch}:${c.seq}` }
          : {}),
      };
    });
    this.s.sendCalls++;
    this.s.bytesSent += batchBytes;
    this.s.billedRequests += billedRequests(batchBytes);
    const startedAt = Date.now();
    const abort = new AbortController();
    this.calls.set(abort, startedAt);
    let result;
    try {
      result = await this.client.send(new SendMessageBatchCommand({ QueueUrl: this.o.queueUrl, Entries: entries }), {
        abortSignal: abort.signal,
      });
    } catch (e) {
      this.buffer.release(chunks.map((c) => c.seq));
      // A call that hung through an outage the uploader has since seen the end of says nothing new.
      if (startedAt < this.lastSuccessAt) this.countError(errorCode(e));
      else this.onFailure(errorCode(e));
      return;
    } finally {
      this.calls.delete(abort);
    }
    const now = Date.now();
    this.lastAnswerAt = now;
    const ok = (result.Successful ?? []).map((s) => bySeq.get(s.Id!)!).filter(Boolean);
    if (ok.length) {
      this.buffer.ack(ok.map((c) => c.seq));
      const frames = ok.reduce((n, c) => n + c.frameCount, 0);
      this.s.chunksAcked += ok.length;
      this.s.framesAcked += frames;
      this.meter.add(frames, now);
      this.emit("acked", ok, now);
      this.onSuccess(now, startedAt);
    }
    const failed = result.Failed ?? [];
    if (failed.length) {
      this.buffer.release(failed.map((f) => Number(f.Id)));
      this.s.failedEntries += failed.length;
      for (const f of failed) this.countError(f.Code ?? "BatchEntryFailed");
      if (!ok.length) this.onFailure(failed[0]!.Code ?? "BatchEntryFailed", false);
      else this.retryAt = Math.max(this.retryAt, now + this.backoffMs(1));
    }
  }

  /** A call SQS accepted; `callStartedAt` is when it went out. */
  private onSuccess(now: number, callStartedAt: number): void {
    this.lastSuccessAt = now;
    this.failures = 0;
    this.retryAt = 0;
    if (this.s.outageSince !== null) {
      const down = now - this.s.outageSince;
      this.s.outageSince = null;
      // What was committed while the link was down is backlog; what comes from now on is live.
      this.live = this.buffer.lastSeq() + 1;
      // Calls that went out into the dead link would hold their slots until the request timeout:
      // abort them; their chunks go back to pending and out again with the backlog.
      for (const [abort, started] of this.calls) if (started < callStartedAt) abort.abort();
      this.emit("recovered", down);
    }
  }

  private onFailure(code: string, countCall = true): void {
    if (countCall) this.countError(code);
    this.s.failedCalls++;
    this.failures++;
    const now = Date.now();
    this.lastAnswerAt = now;
    this.retryAt = now + this.backoffMs(this.failures);
    if (this.s.outageSince === null && this.failures >= this.o.outageAfterFailures) {
      this.lastProbeAt = now;
      this.declareOutage(now, code);
    }
  }

  private countError(code: string): void {
    this.s.errorsByCode[code] = (this.s.errorsByCode[code] ?? 0) + 1;
  }

  /** Exponential with full jitter in [d/2, d]; capped so an outage is probed, not waited out. */
  private backoffMs(attempt: number): number {
    const d = Math.min(this.o.maxBackoffMs, this.o.baseBackoffMs * 2 ** Math.min(attempt - 1, 20));
    return d / 2 + (Math.random() * d) / 2;
  }
}
