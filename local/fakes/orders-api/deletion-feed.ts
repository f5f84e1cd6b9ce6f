// One stream's deletion feed (docs/source-contract.md "GET /orders/deleted"): an append-only list of (deleted_at,
// record index), ascending, keyset-paged like /orders, with a retention edge a test moves to drop old entries.
import type { Position } from './record-table';

export class DeletionFeed {
  private readonly indices: number[] = [];
  private readonly micros: number[] = [];
  /** Entries before this one are past the feed's retention: gone from the feed. */
  private start = 0;
  /** When each deleted record was deleted, kept after the feed drops it (the truth for tests). */
  readonly deletedAt = new Map<number, number>();

  get newestMicros(): number {
    return this.micros.length === 0 ? 0 : this.micros[this.micros.length - 1]!;
  }

  /** Records these records deleted at `atMicros` (later than every earlier deletion), in id order. */
  append(indices: readonly number[], atMicros: number): void {
    if (atMicros <= this.newestMicros) throw new RangeError('a deletion must land after every earlier one');
    for (const index of [...indices].sort((a, b) => a - b)) {
      this.indices.push(index);
      this.micros.push(atMicros);
      this.deletedAt.set(index, atMicros);
    }
  }

  /** Drops the entries deleted before `cutoffMicros` (the feed keeps deletions only so long); answers how many went. */
  dropBefore(cutoffMicros: number): number {
    const before = this.start;
    while (this.start < this.micros.length && this.micros[this.start]! < cutoffMicros) this.start++;
    return this.start - before;
  }

  /** Up to `limit` entries after `after` with minMicros <= deleted_at < maxMicros, and whether more follow. */
  page(after: Position | null, minMicros: number | null, maxMicros: number | null, limit: number): { entries: Position[]; more: boolean } {
    const entries: Position[] = [];
    for (let p = this.start; p < this.micros.length; p++) {
      const at = this.micros[p]!;
      const index = this.indices[p]!;
      if (minMicros !== null && at < minMicros) continue;
      if (maxMicros !== null && at >= maxMicros) break;
      if (after !== null && (at < after.updatedMicros || (at === after.updatedMicros && index <= after.index))) continue;
      if (entries.length === limit) return { entries, more: true };
      entries.push({ updatedMicros: at, index });
    }
    return { entries, more: false };
  }
}
