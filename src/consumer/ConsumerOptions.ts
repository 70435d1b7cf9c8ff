/** The consumer's settings and their defaults (no SDK import, so config code stays light). */
export interface ConsumerOptions {
  queueUrl: string;
  /** Long-poll loops. */
  pollers: number;
  /** Messages processed at once. */
  workers: number;
  /** Messages held at most (queued for a worker, being processed, or being received). */
  prefetch: number;
  waitTimeSeconds: number;
  /** Visibility timeout asked for on receive; extended while a message is held. */
  visibilityTimeoutS: number;
  /** A delete waits at most this long for nine others to share its DeleteMessageBatch call. */
  deleteBatchMs: number;
  /** stop() gives up on unfinished work after this long (the messages then simply reappear). */
  shutdownTimeoutMs: number;
  /**
   * The end-to-end SLA. Messages whose frames can still make it are processed first, oldest first;
   * those already past it come after, so a drained backlog does not make live data late too.
   */
  slaMs: number;
  /** An undecodable message is made visible again at once this many receives, so the redrive policy moves it soon. */
  poisonFastRetries: number;
}

export const DEFAULT_CONSUMER: Omit<ConsumerOptions, "queueUrl"> = {
  pollers: 4,
  workers: 4,
  prefetch: 100,
  waitTimeSeconds: 20,
  visibilityTimeoutS: 30,
  deleteBatchMs: 150,
  shutdownTimeoutMs: 10_000,
  poisonFastRetries: 5,
  slaMs: 5000,
};
