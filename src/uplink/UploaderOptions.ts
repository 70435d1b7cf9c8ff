/** The uploader's settings and their defaults (no SDK import, so config code stays light). */
export interface UploaderOptions {
  queueUrl: string;
  gateway: string;
  /** SendMessageBatch calls in flight at once. */
  maxInFlightBatches: number;
  /** First retry delay; doubles per consecutive failure up to maxBackoffMs, with jitter. */
  baseBackoffMs: number;
  maxBackoffMs: number;
  /** Consecutive failed calls that mean the link is down. */
  outageAfterFailures: number;
  /** During an outage, one probe (a batch of one chunk) this often. */
  probeIntervalMs: number;
}

export const DEFAULT_UPLOADER: Omit<UploaderOptions, "queueUrl" | "gateway"> = {
  maxInFlightBatches: 4,
  baseBackoffMs: 50,
  maxBackoffMs: 1000,
  outageAfterFailures: 3,
  probeIntervalMs: 500,
};
