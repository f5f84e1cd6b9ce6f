// The fake's fault knobs: steady rates (for the local stack and the benchmark) and a script of exact
// outcomes for the next requests (for tests that need one particular failure at one particular moment).

/** What one scripted request gets instead of its normal answer. */
export type ScriptedOutcome =
  | 500
  | 502
  | 503
  | 504
  | 429
  /** Destroy the socket without an answer. */
  | 'drop'
  /** Never answer (the client's timeout must fire). */
  | 'hang'
  /** A page shorter than asked, still with a next_cursor (only a stream's pages: /orders, /products, /customers). */
  | 'short'
  /** An empty page that still carries a next_cursor (only a stream's pages). */
  | 'empty'
  /** A 200 whose body is an HTML error page (only a stream's pages). */
  | 'not-json'
  /** A 200 JSON body without the stream's array (`orders`, ...). */
  | 'wrong-shape'
  /** A 200 page whose next_cursor is a number. */
  | 'cursor-type';

export interface FaultSettings {
  /** Added before every answer. */
  latencyMs: number;
  /** Requests allowed per second (the source's clock); more get 429 with Retry-After. null: unlimited. */
  rateLimitPerSecond: number | null;
  /**
   * What "per second" means (docs/source-contract.md does not say): 'fixed', calendar seconds of the source's clock;
   * 'sliding', any 1000 ms. Either way every request counts, a refused one too.
   */
  rateWindow: RateWindowKind;
  /** What a 429 says in Retry-After. */
  retryAfterSeconds: number;
  /** Share (0..1) of requests answered 500/502/503/504. */
  errorRate: number;
  /** Share (0..1) of requests whose connection is destroyed without an answer. */
  dropRate: number;
  /** Share (0..1) of pages cut short (still with a next_cursor). */
  shortPageRate: number;
  /** Share (0..1) of pages answered empty (still with a next_cursor). */
  emptyPageRate: number;
}

export const NO_FAULTS: FaultSettings = Object.freeze({
  latencyMs: 0,
  rateLimitPerSecond: null,
  rateWindow: 'fixed',
  retryAfterSeconds: 1,
  errorRate: 0,
  dropRate: 0,
  shortPageRate: 0,
  emptyPageRate: 0,
});

/** Checks a settings change, naming the knob that is out of range. */
export function checkedFaults(settings: FaultSettings): FaultSettings {
  for (const knob of ['errorRate', 'dropRate', 'shortPageRate', 'emptyPageRate'] as const) {
    const value = settings[knob];
    if (!(value >= 0 && value <= 1)) throw new RangeError(`fault ${knob} must be a share in 0..1, got ${value}`);
  }
  if (settings.emptyPageRate === 1) throw new RangeError('fault emptyPageRate 1 would never let a walk end');
  if (!(settings.latencyMs >= 0)) throw new RangeError(`fault latencyMs must be >= 0, got ${settings.latencyMs}`);
  if (!(settings.retryAfterSeconds >= 0)) throw new RangeError(`fault retryAfterSeconds must be >= 0`);
  if (settings.rateWindow !== 'fixed' && settings.rateWindow !== 'sliding') {
    throw new RangeError(`fault rateWindow must be 'fixed' or 'sliding', got ${String(settings.rateWindow)}`);
  }
  if (settings.rateLimitPerSecond !== null && !(settings.rateLimitPerSecond >= 1)) {
    throw new RangeError(`fault rateLimitPerSecond must be >= 1 or null, got ${settings.rateLimitPerSecond}`);
  }
  return settings;
}

export type RateWindowKind = 'fixed' | 'sliding';

/** Counts requests against a per-second limit on the source's clock, in a fixed or a sliding window. */
export class RateWindow {
  /** The times of the requests still in the window, oldest first. */
  private readonly times: number[] = [];

  /** Records one request at `nowMs`; returns how many the window has left after it (negative: over the limit). */
  take(nowMs: number, limit: number, kind: RateWindowKind): number {
    // fixed: the calendar second [s, s + 1000) holding now; sliding: the last 1000 ms, (now - 1000, now].
    const inWindow = (time: number): boolean =>
      kind === 'fixed' ? Math.floor(time / 1000) === Math.floor(nowMs / 1000) : time > nowMs - 1000;
    while (this.times.length > 0 && !inWindow(this.times[0]!)) this.times.shift();
    this.times.push(nowMs);
    return limit - this.times.length;
  }
}
