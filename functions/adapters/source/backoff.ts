// How long the HTTP source waits before trying again: capped exponential backoff with full jitter for
// transient failures, and the server's Retry-After for 429s.

export interface BackoffSettings {
  /** The first retry waits up to this long. */
  baseMs: number;
  /** No retry waits longer than this. */
  capMs: number;
}

/**
 * The wait before retry number `retry` (1 for the first): a uniform draw in [0, min(cap, base·2^(retry-1))).
 * Full jitter spreads the retries of many clients that failed together, so they do not fail together again.
 */
export function backoffDelayMs(retry: number, settings: BackoffSettings, random: () => number): number {
  const ceiling = Math.min(settings.capMs, settings.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date (RFC 9110); null when absent or unreadable. */
export function retryAfterMs(header: string | undefined, nowMs: number): number | null {
  if (header === undefined || header.trim() === '') return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}
