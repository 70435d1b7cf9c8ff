/** The demo's one-line status, every second: the whole pipeline at a glance. */
import type { Gateway } from "../gateway/Gateway.ts";
import type { Consumer } from "../consumer/Consumer.ts";

const fmt = new Intl.NumberFormat("en-US");

export class StatusLine {
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly tty = process.stdout.isTTY === true;
  /** The buffer closes with the gateway; the final line reuses the last backlog read. */
  private backlogFrames = 0;

  constructor(
    private readonly gateway: Gateway,
    private readonly consumer: Consumer,
  ) {
    this.timer = setInterval(() => {
      this.backlogFrames = this.gateway.buffer.backlog().frames;
      this.write(this.text() + (this.tty ? "\r" : "\n"));
    }, 1000);
  }

  text(): string {
    const g = this.gateway.ingestor.stats;
    const up = this.gateway.uploader?.stats;
    const c = this.consumer.stats;
    const e2e = this.consumer.e2e;
    const link = up?.outageSince ? "DOWN" : "up";
    return (
      `in ${fmt.format(g.framesIn)} | buffered ${fmt.format(this.backlogFrames)} | uploaded ${fmt.format(up?.framesAcked ?? 0)} (link ${link})` +
      ` | consumed ${fmt.format(c.framesProcessed)} | e2e p50 ${e2e.percentileMs(50).toFixed(0)} ms p95 ${e2e.percentileMs(95).toFixed(0)} ms` +
      ` | queue age p95 ${this.consumer.queueAge.percentileMs(95).toFixed(0)} ms`
    );
  }

  stop(): void {
    clearInterval(this.timer);
  }

  printFinal(): void {
    this.write(`${this.tty ? "\n" : ""}${this.text()}\n`);
  }

  /** A reader that went away (`canferry demo | head`) ends the status lines, not the pipeline. */
  private write(text: string): void {
    try {
      process.stdout.write(text);
    } catch {
      this.stop();
    }
  }
}
