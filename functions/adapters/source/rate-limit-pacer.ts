// Paces requests to the per-second budget a source announces (X-RateLimit-Limit, X-RateLimit-Remaining): no
// 1000 ms ever holds more than `limit` requests, which keeps to a sliding window and therefore to a fixed one.

import { spacingFor } from './send-slots';

/** The span the budget is counted over. */
const WINDOW_MS = 1000;
/**
 * Added to every wait: we book a request when we send it, the source counts it when it arrives, and that delay
 * varies from request to request. A few ms of slack per window costs far less than a 429 (a second of Retry-After).
 */
const MARGIN_MS_DEFAULT = 10;
/** A 429 doubles the margin up to this; every answer that is not a 429 takes 1 ms off, down to the start value. */
const MARGIN_MS_MAX = 200;

export interface RateLimitPacerOptions {
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
  /** The margin to start from (default 10 ms). */
  marginMs?: number;
}

/** What one answer said of the budget. */
export interface BudgetAnswer {
  /** X-RateLimit-Limit. */
  limit?: number;
  /** X-RateLimit-Remaining. */
  remaining?: number;
  /** Whether it was a 429. */
  refused: boolean;
}

export class RateLimitPacer {
  /** Requests per window, as the source last announced it (null until it has). */
  private limit: number | null = null;
  /** Whether any answer was observed (with or without a budget). */
  private answered = false;
  /** Send times of the requests the source may still be counting, oldest first: ours, and others' it told us of. */
  private readonly booked: number[] = [];
  private readonly baseMarginMs: number;
  private marginMs: number;

  constructor(private readonly options: RateLimitPacerOptions) {
    this.baseMarginMs = options.marginMs ?? MARGIN_MS_DEFAULT;
    this.marginMs = this.baseMarginMs;
  }

  /**
   * The spacing of requests that keeps to the budget learnt so far, for the shared send slots: 0 once an answer came
   * without a budget (a source that announces none is not paced), null before any answer.
   */
  spacingMs(): number | null {
    if (this.limit !== null) return spacingFor(this.limit, this.marginMs);
    return this.answered ? 0 : null;
  }

  /** Waits until one more request fits the budget, then books it as sent now: call it right before sending. */
  async take(): Promise<void> {
    const { clock, sleep } = this.options;
    if (this.limit !== null && this.booked.length >= this.limit) {
      // The request `limit` places back must have left the window before this one may go.
      const waitMs = this.booked[this.booked.length - this.limit]! + WINDOW_MS + this.marginMs - clock();
      if (waitMs > 0) await sleep(waitMs);
    }
    const now = clock();
    while (this.booked.length > 0 && this.booked[0]! <= now - WINDOW_MS - this.marginMs) this.booked.shift();
    this.booked.push(now);
  }

  /**
   * What the answer to the request sent at `sentAt` said of the budget. When the source counts more requests in
   * the window than we booked (another client on the same token, or ours from before a restart), the extra ones
   * are booked at `sentAt`: it counted them before this request, so no later. When it counts fewer (a fixed
   * window that just began), our bookings stand: they are what keeps a sliding window.
   */
  observe(sentAt: number, { limit, remaining, refused }: BudgetAnswer): void {
    this.answered = true;
    // A 429 although we paced: most likely the source counts our requests less evenly than the margin allows for.
    this.marginMs = refused ? Math.min(MARGIN_MS_MAX, 2 * this.marginMs) : Math.max(this.baseMarginMs, this.marginMs - 1);
    if (limit !== undefined && limit < 1) limit = undefined;
    if (remaining === undefined) {
      // An answer that is not a 429 and announces no budget: the source no longer limits us (its budget was lifted).
      if (limit !== undefined) this.limit = limit;
      else if (!refused) this.limit = null;
      return;
    }
    // Without X-RateLimit-Limit: the budget is at least this request plus what is left, and the first request of a
    // window shows it whole. Never more than the source allows, so never a reason for a 429.
    this.limit = limit ?? Math.max(this.limit ?? 1, remaining + 1);
    const known = this.booked.filter((time) => time > sentAt - WINDOW_MS && time <= sentAt).length;
    const unknown = this.limit - remaining - known;
    if (unknown <= 0) return;
    const at = this.booked.findIndex((time) => time > sentAt);
    this.booked.splice(at === -1 ? this.booked.length : at, 0, ...Array<number>(unknown).fill(sentAt));
  }
}
