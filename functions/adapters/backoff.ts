// The one backoff every adapter retries with: capped exponential with full jitter (the DynamoDB batches and
// the source connectors alike).

export interface BackoffSettings {
  /** The first retry waits up to this long. */
  baseMs: number;
  /** No retry waits longer than this. */
  capMs: number;
}

/**
 * The wait before retry number `retry` (1 for the first): a uniform draw in [0, min(cap, base·2^(retry-1))).
 * Full jitter spreads the retries of many callers that failed together, so they do not fail together again.
 */
export function backoffDelayMs(retry: number, settings: BackoffSettings, random: () => number = Math.random): number {
  const ceiling = Math.min(settings.capMs, settings.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}
