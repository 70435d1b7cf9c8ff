/**
 * What both baseline consumers do with a message: its frame becomes a candump line in a file (like
 * canferry's candump sink, without its exactly-once ledger), and it is measured the way canferry's
 * consumer measures: end to end per frame (written minus capture time) and queue age per message
 * (received minus SentTimestamp). `stoppedRecord` is the final log record in the shape canferry's
 * consumer logs ("consumer stopped"), so one benchmark harness reads every design.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import type { Message } from "@aws-sdk/client-sqs";
import { ByteWriter } from "../../src/codec/ByteWriter.ts";
import { writeCandumpLine } from "../../src/source/candump/candumpLine.ts";
import { SlidingHistogram } from "../../src/metrics/SlidingHistogram.ts";
import type { CallCounts } from "./callCounter.ts";
import { frameOf } from "./frameMessage.ts";

export class BaselineSink {
  readonly e2e = new SlidingHistogram();
  readonly queueAge = new SlidingHistogram();
  framesProcessed = 0;
  private readonly fd: number;
  private readonly w = new ByteWriter();

  constructor(path: string) {
    this.fd = openSync(path, "a");
  }

  write(messages: Message[], receivedAtMs: number): void {
    this.w.reset();
    const frames = messages.map((m) => {
      const sent = Number(m.Attributes?.SentTimestamp ?? 0);
      if (sent > 0) this.queueAge.recordMs(Math.max(0, receivedAtMs - sent));
      return frameOf(m.Body ?? "");
    });
    for (const f of frames) writeCandumpLine(this.w, f);
    const bytes = this.w.view();
    for (let off = 0; off < bytes.length; ) off += writeSync(this.fd, bytes, off, bytes.length - off);
    const nowUs = Date.now() * 1000;
    for (const f of frames) this.e2e.recordMs(Math.max(0, (nowUs - f.tsUs) / 1000));
    this.framesProcessed += frames.length;
  }

  stoppedRecord(calls: CallCounts): Record<string, number | string> {
    return {
      msg: "consumer stopped",
      ...calls,
      framesProcessed: this.framesProcessed,
      messagesProcessed: this.framesProcessed,
      e2eP50Ms: this.e2e.percentileMs(50),
      e2eP95Ms: this.e2e.percentileMs(95),
      e2eP99Ms: this.e2e.percentileMs(99),
      queueAgeP95Ms: this.queueAge.percentileMs(95),
    };
  }

  close(): void {
    closeSync(this.fd);
  }
}
