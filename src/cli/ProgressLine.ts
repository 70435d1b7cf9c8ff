/** Progress of a long ingest on stderr: rewritten in place on a terminal, a line every few seconds otherwise. */
import type { FrameSource } from "../source/FrameSource.ts";
import type { Ingestor } from "../gateway/Ingestor.ts";

const fmt = new Intl.NumberFormat("en-US");

export class ProgressLine {
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly started = performance.now();
  private readonly tty = process.stderr.isTTY === true;

  constructor(
    private readonly source: FrameSource,
    private readonly ingestor: Ingestor,
    private readonly label: string,
  ) {
    this.timer = setInterval(() => this.print(false), this.tty ? 500 : 5000);
    this.timer.unref?.();
  }

  private text(): string {
    const s = this.ingestor.stats;
    const c = this.source.counters;
    const secs = (performance.now() - this.started) / 1000;
    const rate = secs > 0 ? Math.round(s.framesIn / secs) : 0;
    const done = this.source.bytesRead?.();
    const pct = done && done.total ? ` ${((100 * done.read) / done.total).toFixed(1)}% of file,` : "";
    const bad = c.malformed ? `, ${fmt.format(c.malformed)} malformed lines` : "";
    const drop = s.framesDropped ? `, ${fmt.format(s.framesDropped)} dropped` : "";
    return `ingest ${this.label}:${pct} ${fmt.format(s.framesIn)} frames read, ${fmt.format(s.framesCommitted)} committed in ${fmt.format(s.chunksCommitted)} chunks, ${fmt.format(rate)} frames/s${bad}${drop}`;
  }

  private print(final: boolean): void {
    const line = this.text();
    if (this.tty) process.stderr.write(`\r\x1b[K${line}${final ? "\n" : ""}`);
    else process.stderr.write(`${line}\n`);
  }

  finish(): void {
    this.stop();
    this.print(true);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
