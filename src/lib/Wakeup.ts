/**
 * Sleeps that another part of the program can cut short: a stop, new work, a freed slot. The uploader,
 * the consumer and the sources all wait this way.
 */
export class Wakeup {
  private readonly waiters = new Set<() => void>();

  /** Resolves after `ms`, or at the next wake(), whichever comes first; without `ms`, only wake() ends it. */
  wait(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = ms === undefined ? undefined : setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  /** Ends every wait in progress. */
  wake(): void {
    for (const w of [...this.waiters]) w();
  }
}
