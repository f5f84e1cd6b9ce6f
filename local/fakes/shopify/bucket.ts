// Shopify's leaky bucket of query cost points: a request takes its requested cost up front, gets back what it did not
// use, and the bucket refills at its restore rate; every answer carries the bucket's state (extensions.cost).

export interface BucketSettings {
  maximumAvailable: number;
  /** Points restored per second. */
  restoreRate: number;
}

export class CostBucket {
  private settings: BucketSettings;
  private currentlyAvailable: number;
  private at: number;

  constructor(
    private readonly clock: () => number,
    settings: Partial<BucketSettings> = {},
  ) {
    this.settings = { maximumAvailable: 10_000, restoreRate: 1_000, ...settings };
    this.currentlyAvailable = this.settings.maximumAvailable;
    this.at = clock();
  }

  /** The points available now. */
  available(): number {
    const now = this.clock();
    this.currentlyAvailable = Math.min(
      this.settings.maximumAvailable,
      this.currentlyAvailable + (this.settings.restoreRate * (now - this.at)) / 1000,
    );
    this.at = now;
    return this.currentlyAvailable;
  }

  /** Takes `requested` points when the bucket has them; false (nothing taken) otherwise. */
  take(requested: number): boolean {
    if (this.available() < requested) return false;
    this.currentlyAvailable -= requested;
    return true;
  }

  /** Gives back what a request took and did not use. */
  refund(points: number): void {
    this.currentlyAvailable = Math.min(this.settings.maximumAvailable, this.currentlyAvailable + points);
  }

  /** Changes the bucket now (currentlyAvailable as of this moment). */
  set(change: Partial<BucketSettings> & { currentlyAvailable?: number }): void {
    this.available();
    this.settings = {
      maximumAvailable: change.maximumAvailable ?? this.settings.maximumAvailable,
      restoreRate: change.restoreRate ?? this.settings.restoreRate,
    };
    if (change.currentlyAvailable !== undefined) this.currentlyAvailable = change.currentlyAvailable;
    this.currentlyAvailable = Math.min(this.currentlyAvailable, this.settings.maximumAvailable);
  }

  /** `extensions.cost` of an answer. */
  extension(requested: number, actual: number | null): Record<string, unknown> {
    return {
      cost: {
        requestedQueryCost: requested,
        actualQueryCost: actual,
        throttleStatus: {
          maximumAvailable: this.settings.maximumAvailable,
          currentlyAvailable: Math.floor(this.available()),
          restoreRate: this.settings.restoreRate,
        },
      },
    };
  }
}
