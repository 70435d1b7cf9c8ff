/** Events per second over a sliding window, in one-second buckets. */
export class RateMeter {
  private readonly buckets: number[];
  private readonly stamps: number[];

  constructor(private readonly windowMs: number) {
    const n = Math.max(1, Math.ceil(windowMs / 1000));
    this.buckets = new Array(n).fill(0);
    this.stamps = new Array(n).fill(-1);
  }

  add(count: number, nowMs = Date.now()): void {
    const sec = Math.floor(nowMs / 1000);
    const i = sec % this.buckets.length;
    if (this.stamps[i] !== sec) {
      this.stamps[i] = sec;
      this.buckets[i] = 0;
    }
    this.buckets[i]! += count;
  }

  /** Average per second over the window's complete seconds plus the current one. */
  rate(nowMs = Date.now()): number {
    const sec = Math.floor(nowMs / 1000);
    let total = 0;
    for (let k = 0; k < this.buckets.length; k++) if (this.stamps[k]! > sec - this.buckets.length) total += this.buckets[k]!;
    return total / (this.windowMs / 1000);
  }
}
