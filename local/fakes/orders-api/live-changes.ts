// Live mode: one stream's steady trickle of records made, changed and (a share of them, when asked) deleted, with an
// occasional bulk update, made in the background while the fake runs.
import type { Shop } from './shop';

const LIVE_TICK_MS = 20;
/** One change in this many is a bulk update of BULK_SIZE records. */
const BULK_EVERY = 400;
const BULK_SIZE = 150;

export class LiveChanges {
  private rate = 0;
  private deletionShare: number;
  private timer: NodeJS.Timeout | null = null;
  private due = 0;
  private made = 0;
  private lastTick: number;

  constructor(
    private readonly shop: Shop,
    private readonly clock: () => number,
    deletionShare: number,
  ) {
    this.deletionShare = checkedShare(deletionShare);
    this.lastTick = clock();
  }

  /** Changes per second (0 stops them). */
  setRate(changesPerSecond: number): void {
    if (!(changesPerSecond >= 0)) throw new RangeError(`liveRate must be >= 0, got ${changesPerSecond}`);
    this.rate = changesPerSecond;
    if (this.rate > 0 && this.timer === null) {
      this.lastTick = this.clock();
      this.due = 0;
      this.timer = setInterval(() => this.tick(), LIVE_TICK_MS);
      this.timer.unref();
    } else if (this.rate === 0 && this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  setDeletionShare(share: number): void {
    this.deletionShare = checkedShare(share);
  }

  private tick(): void {
    const { shop } = this;
    const { table, pageBreakers } = shop;
    const now = this.clock();
    this.due += ((now - this.lastTick) / 1000) * this.rate;
    this.lastTick = now;
    for (; this.due >= 1 && table.size > 0; this.due--) {
      this.made++;
      // Live changes leave a record whose pages are broken alone (breakPagesOf): only the test moves it into a window.
      if (this.made % BULK_EVERY === 0) {
        const bulk = Array.from({ length: Math.min(BULK_SIZE, table.size) }, () => this.shop.random.int(table.size));
        shop.applyChange(
          bulk.filter((index) => !pageBreakers.has(index) && !table.isDeleted(index)),
          0,
        );
      } else if (this.shop.random.chance(0.2)) shop.applyChange([], 1);
      else {
        const index = this.shop.random.int(table.size);
        if (table.isDeleted(index) || pageBreakers.has(index)) shop.applyChange([], 1);
        else if (this.deletionShare > 0 && this.shop.random.chance(this.deletionShare)) shop.deleteIndices([index]);
        else shop.applyChange([index], 0);
      }
    }
  }
}

function checkedShare(share: number): number {
  if (!(share >= 0 && share <= 1)) throw new RangeError(`liveDeletionShare must be in 0..1, got ${share}`);
  return share;
}
