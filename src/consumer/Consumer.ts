/**
 * The consumer: several long-poll loops feed a bounded, time-ordered prefetch queue that a pool of
 * workers drains into a sink, so receiving, processing and deleting overlap. Oldest capture time goes
 * first. Deletes are batched and their failed entries checked; visibility is extended while a message
 * is still held; undecodable messages are handed to the queue's redrive policy (the dead-letter queue)
 * instead of being retried forever. Measures end-to-end latency per frame and queue age per message.
 */
import { EventEmitter } from "node:events";
import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { FrameSink } from "../sink/FrameSink.ts";
import { decodeEnvelope, decodeEnvelopeChunk, WireDecodeError, type ChunkEnvelope } from "../uplink/wireFormat.ts";
import { billedRequests, errorCode } from "../uplink/sqsClient.ts";
import { SlidingHistogram } from "../metrics/SlidingHistogram.ts";
import { PriorityQueue } from "./PriorityQueue.ts";
import { Wakeup } from "../lib/Wakeup.ts";
import { nowUs } from "../source/FrameSource.ts";
import type { ConsumerOptions } from "./ConsumerOptions.ts";

interface Held {
  message: Message;
  env: ChunkEnvelope & { data: string };
  receivedAtMs: number;
  extendedAtMs: number;
  /** An extension call for it is on its way (a slow link must not stack one per sweep). */
  extending: boolean;
}

export interface ConsumerStats {
  receiveCalls: number;
  emptyReceives: number;
  messagesReceived: number;
  messagesProcessed: number;
  framesProcessed: number;
  duplicates: number;
  deleteCalls: number;
  deleteFailures: number;
  /** What AWS bills for receives, deletes and visibility changes (64 KiB units of payload). */
  billedRequests: number;
  visibilityCalls: number;
  /** The least time a held message had left, by this process's clock, when its extension was sent (null before any). */
  visibilityMarginMinMs: number | null;
  poison: number;
  sinkErrors: number;
  errorsByCode: Record<string, number>;
  held: number;
  busyWorkers: number;
}

export interface ConsumerEvents {
  processed: [env: ChunkEnvelope, frames: number, fresh: boolean];
  poison: [messageId: string, reason: string];
  error: [error: Error];
}

const EMPTY_STATS: Omit<ConsumerStats, "held" | "busyWorkers" | "errorsByCode" | "visibilityMarginMinMs"> = {
  receiveCalls: 0,
  emptyReceives: 0,
  messagesReceived: 0,
  messagesProcessed: 0,
  framesProcessed: 0,
  duplicates: 0,
  deleteCalls: 0,
  deleteFailures: 0,
  billedRequests: 0,
  visibilityCalls: 0,
  poison: 0,
  sinkErrors: 0,
};

export class Consumer extends EventEmitter<ConsumerEvents> {
  /** Processed minus capture time, per frame. */
  readonly e2e: SlidingHistogram;
  /** Received minus SentTimestamp, per message. */
  readonly queueAge = new SlidingHistogram();
  /** Decode and sink write, per message. */
  readonly processing = new SlidingHistogram();

  private readonly s = { ...EMPTY_STATS, errorsByCode: {} as Record<string, number>, visibilityMarginMinMs: null as number | null };
  /** Prefetched messages that can still make the SLA, and those past it; each oldest first. */
  private readonly fresh = new PriorityQueue<Held>((a, b) => a.env.ts[0] < b.env.ts[0]);
  private readonly late = new PriorityQueue<Held>((a, b) => a.env.ts[0] < b.env.ts[0]);
  private readonly held = new Set<Held>();
  private reserved = 0;
  private busy = 0;
  private stopping = false;
  /** True from run() until stop() (readiness). */
  running = false;
  private readonly abort = new AbortController();
  private readonly wakeup = new Wakeup();
  private deletes: Held[] = [];
  private deleteTimer?: ReturnType<typeof setTimeout>;
  private readonly deleting = new Set<Promise<void>>();
  /** Per-frame latencies of the chunk being recorded, reused. */
  private latencies = new Float64Array(1024);

  constructor(
    private readonly client: SQSClient,
    private readonly sink: FrameSink,
    private readonly o: ConsumerOptions,
  ) {
    super();
    this.e2e = new SlidingHistogram(o.slaMs);
  }

  get stats(): ConsumerStats {
    return { ...this.s, errorsByCode: { ...this.s.errorsByCode }, held: this.held.size, busyWorkers: this.busy };
  }

  /** Runs until stop(); resolves once in-flight work is finished and deleted (or the bound passed). */
  async run(): Promise<void> {
    this.running = true;
    // A message is extended once half its timeout has passed; sweeping every quarter of it means the
    // extension is sent by three quarters at the latest. Sweeping every second with a 2 s timeout sent
    // it just as the message became visible again, and another consumer could take it.
    const sweeper = setInterval(() => void this.extendVisibility(), Math.min(1000, (this.o.visibilityTimeoutS * 1000) / 4));
    const pollers = Array.from({ length: this.o.pollers }, () => this.poll());
    const workers = Array.from({ length: this.o.workers }, () => this.work());
    await Promise.all(pollers);
    const drained = Promise.all(workers).then(() => this.flushDeletes(true));
    const bound = new Promise<void>((r) => setTimeout(r, this.o.shutdownTimeoutMs).unref?.());
    await Promise.race([drained, bound]);
    clearInterval(sweeper);
  }

  /** Stop polling, finish what was received, delete it, then run() resolves. */
  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.running = false;
    this.abort.abort();
    this.wakeup.wake();
  }

  private countError(code: string): void {
    this.s.errorsByCode[code] = (this.s.errorsByCode[code] ?? 0) + 1;
  }

  private async poll(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      const room = this.o.prefetch - this.held.size - this.reserved;
      if (room <= 0) {
        await this.wakeup.wait(1000);
        continue;
      }
      const max = Math.min(10, room);
      this.reserved += max;
      let messages: Message[];
      try {
        const r = await this.client.send(
          new ReceiveMessageCommand({
            QueueUrl: this.o.queueUrl,
            MaxNumberOfMessages: max,
            WaitTimeSeconds: this.o.waitTimeSeconds,
            VisibilityTimeout: this.o.visibilityTimeoutS,
            MessageSystemAttributeNames: ["SentTimestamp", "ApproximateReceiveCount"],
          }),
          { abortSignal: this.abort.signal },
        );
        messages = r.Messages ?? [];
        failures = 0;
      } catch (e) {
        this.reserved -= max;
        if (this.stopping) break;
        this.countError(errorCode(e));
        failures++;
        await this.wakeup.wait(Math.min(2000, 50 * 2 ** failures) * (0.5 + Math.random() / 2));
        continue;
      } finally {
        this.s.receiveCalls++;
      }
      this.reserved -= max;
      this.s.billedRequests += billedRequests(messages.reduce((n, m) => n + (m.Body?.length ?? 0), 0));
      if (messages.length === 0) {
        this.s.emptyReceives++;
        continue;
      }
      const now = Date.now();
      for (const m of messages) {
        this.s.messagesReceived++;
        const sent = Number(m.Attributes?.SentTimestamp);
        if (sent > 0) this.queueAge.recordMs(Math.max(0, now - sent));
        const env = decodeEnvelope(m.Body ?? "");
        if (env instanceof WireDecodeError) {
          void this.poison(m, env.message);
          continue;
        }
        const h: Held = { message: m, env, receivedAtMs: now, extendedAtMs: now, extending: false };
        this.held.add(h);
        this.fresh.push(h);
      }
      this.wakeup.wake();
    }
  }

  private async work(): Promise<void> {
    for (;;) {
      const h = this.next();
      if (!h) {
        if (this.stopping) return;
        await this.wakeup.wait(1000);
        continue;
      }
      this.busy++;
      try {
        await this.process(h);
      } finally {
        this.busy--;
      }
    }
  }

  /** SLA-aware order: the oldest message that can still make the SLA, else the oldest late one. */
  private next(): Held | undefined {
    const lateBefore = nowUs() - this.o.slaMs * 1000;
    // The oldest fresh messages are the first to turn late.
    for (let top = this.fresh.peek(); top && top.env.ts[0] < lateBefore; top = this.fresh.peek()) this.late.push(this.fresh.pop()!);
    return this.fresh.pop() ?? this.late.pop();
  }

  private async process(h: Held): Promise<void> {
    const t0 = performance.now();
    const dec = decodeEnvelopeChunk(h.env);
    if (dec instanceof WireDecodeError) {
      this.held.delete(h);
      await this.poison(h.message, dec.message);
      return;
    }
    const { envelope, chunk } = dec;
    let fresh: boolean;
    try {
      fresh = await this.sink.write({ gateway: envelope.gateway, epoch: envelope.epoch, seq: envelope.seq[0], bus: envelope.bus, frames: chunk.frames });
    } catch (e) {
      // Not deleted: the message reappears after its visibility timeout and is tried again.
      this.held.delete(h);
      this.s.sinkErrors++;
      this.countError(`sink:${errorCode(e)}`);
      if (this.listenerCount("error")) this.emit("error", e as Error);
      return;
    }
    const doneUs = nowUs();
    if (fresh) {
      const n = chunk.frames.length;
      if (this.latencies.length < n) this.latencies = new Float64Array(n);
      for (let k = 0; k < n; k++) this.latencies[k] = Math.max(0, doneUs - chunk.frames[k]!.tsUs) / 1000;
      this.e2e.recordAllMs(this.latencies, n);
      this.s.framesProcessed += chunk.frames.length;
    } else this.s.duplicates++;
    this.processing.recordMs(performance.now() - t0);
    this.s.messagesProcessed++;
    this.emit("processed", envelope, chunk.frames.length, fresh);
    this.queueDelete(h);
  }

  private async poison(m: Message, reason: string): Promise<void> {
    this.s.poison++;
    this.emit("poison", m.MessageId ?? "?", reason);
    const receives = Number(m.Attributes?.ApproximateReceiveCount ?? 1);
    if (receives > this.o.poisonFastRetries) return; // leave it invisible; the redrive policy will act
    try {
      this.s.visibilityCalls++;
      this.s.billedRequests++;
      await this.client.send(new ChangeMessageVisibilityCommand({ QueueUrl: this.o.queueUrl, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }));
    } catch (e) {
      this.countError(errorCode(e));
    }
  }

  private queueDelete(h: Held): void {
    this.deletes.push(h);
    if (this.deletes.length >= 10) void this.flushDeletes(false);
    else if (!this.deleteTimer) this.deleteTimer = setTimeout(() => void this.flushDeletes(false), this.o.deleteBatchMs);
  }

  private async flushDeletes(all: boolean): Promise<void> {
    clearTimeout(this.deleteTimer);
    this.deleteTimer = undefined;
    do {
      while (this.deletes.length) {
        const batch = this.deletes.splice(0, 10);
        const p = this.deleteBatch(batch);
        this.deleting.add(p);
        void p.finally(() => this.deleting.delete(p));
      }
      if (all) await Promise.all([...this.deleting]);
    } while (all && this.deletes.length);
  }

  private async deleteBatch(batch: Held[]): Promise<void> {
    this.s.deleteCalls++;
    this.s.billedRequests++;
    try {
      const r = await this.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.o.queueUrl,
          Entries: batch.map((h, i) => ({ Id: String(i), ReceiptHandle: h.message.ReceiptHandle })),
        }),
      );
      // A failed delete means the message comes back: the idempotent sink makes that harmless.
      for (const f of r.Failed ?? []) {
        this.s.deleteFailures++;
        this.countError(f.Code ?? "DeleteFailed");
      }
      for (const h of batch) this.held.delete(h);
    } catch (e) {
      this.countError(errorCode(e));
      if (this.stopping) {
        for (const h of batch) this.held.delete(h);
        return;
      }
      await this.wakeup.wait(200);
      this.deletes.push(...batch);
      void this.flushDeletes(false);
    } finally {
      this.wakeup.wake();
    }
  }

  /** Keeps held messages invisible to other consumers while they wait or are processed. */
  private async extendVisibility(): Promise<void> {
    const now = Date.now();
    const timeoutMs = this.o.visibilityTimeoutS * 1000;
    const due = [...this.held].filter((h) => !h.extending && now - h.extendedAtMs >= timeoutMs / 2);
    for (const h of due) {
      h.extending = true;
      const margin = timeoutMs - (now - h.extendedAtMs);
      if (this.s.visibilityMarginMinMs === null || margin < this.s.visibilityMarginMinMs) this.s.visibilityMarginMinMs = margin;
    }
    for (let i = 0; i < due.length; i += 10) {
      const batch = due.slice(i, i + 10);
      this.s.visibilityCalls++;
      this.s.billedRequests++;
      try {
        const r = await this.client.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: this.o.queueUrl,
            Entries: batch.map((h, k) => ({ Id: String(k), ReceiptHandle: h.message.ReceiptHandle, VisibilityTimeout: this.o.visibilityTimeoutS })),
          }),
        );
        // A failed entry is tried again at the next sweep (its message may be deleted by then).
        const failed = new Set((r.Failed ?? []).map((f) => f.Id));
        for (const f of r.Failed ?? []) this.countError(f.Code ?? "ChangeVisibilityFailed");
        batch.forEach((h, k) => {
          if (!failed.has(String(k))) h.extendedAtMs = now;
        });
      } catch (e) {
        this.countError(errorCode(e));
      } finally {
        for (const h of batch) h.extending = false;
      }
    }
  }
}
