// One stream of the fake's shop (its orders, its products or its customers): a seeded record table, its changes and
// deletions stamped on the source's clock, the bad data a test plants, and the ground truth a test compares a synced
// copy with. No HTTP here (routes.ts serves it).
import type { Instant } from '../../../functions/core/order';
import { DeletionFeed } from './deletion-feed';
import { SeededRandom, hash32 } from './random';
import type { RecordIds } from './record-ids';
import { RecordTable } from './record-table';
import { MICROS_PER_MS, microsToInstant, OFFSETS, packStyle, parseTimestampMicros } from './time';

export interface RecordVersion {
  id: string;
  updated_at: Instant;
}

export interface Change {
  /** Ids of existing records to change (each gets a new, later updated_at). */
  updates?: readonly string[];
  /** New records to create. */
  creates?: number;
  /** One updated_at shared by every record of this change (a bulk update); otherwise one each. */
  bulk?: boolean;
}

export interface DeletedRecord {
  id: string;
  deleted_at: Instant;
}

/** What a stream's shop needs to know of its stream: how its records are named and rendered. */
export interface ShopStream {
  /** `order`, `product`, `customer`: for error messages. */
  noun: string;
  ids: RecordIds;
  /** The record at this index as JSON, from its table's state (a pure function of the seed, the index and its version). */
  render: (table: RecordTable, seed: number, index: number) => Record<string, unknown>;
}

export interface ShopOptions {
  stream: ShopStream;
  seed: number;
  records: number;
  /** The source's clock, epoch ms. */
  sourceNowMs: () => number;
  historyEndsAtMs: number;
  historyDays: number;
}

export class Shop {
  readonly stream: ShopStream;
  readonly table: RecordTable;
  readonly feed = new DeletionFeed();
  readonly seed: number;
  readonly sourceNowMs: () => number;
  /** Records not visible yet (holdBack). */
  readonly heldBack = new Set<number>();
  /** Records whose pages are answered without the stream's array (breakPagesOf). */
  readonly pageBreakers = new Set<number>();
  /** Records changed or created since start (a bulk update counts each of its records). */
  changeCount = 0;
  /** One stream for the stamps of changes and live mode's choices (live-changes.ts), so a seed replays the same shop. */
  readonly random: SeededRandom;
  private readonly corruptions = new Map<number, Record<string, unknown>>();
  private lastChangeMicros = 0;

  constructor(options: ShopOptions) {
    this.stream = options.stream;
    this.seed = options.seed;
    this.sourceNowMs = options.sourceNowMs;
    this.random = new SeededRandom(hash32(options.seed, 0x11fe));
    this.table = RecordTable.generate({
      seed: options.seed,
      records: options.records,
      historyEndsAtMicros: Math.floor(options.historyEndsAtMs) * MICROS_PER_MS,
      historyDays: options.historyDays,
    });
  }

  /** The record at this index as the API serves it: bad-data patches applied. */
  served(index: number): Record<string, unknown> {
    const record = this.stream.render(this.table, this.seed, index);
    const patch = this.corruptions.get(index);
    if (patch === undefined) return record;
    for (const [field, value] of Object.entries(patch)) {
      if (value === undefined) delete record[field];
      else record[field] = value;
    }
    return record;
  }

  idOf(index: number): string {
    return this.stream.ids.idOf(index);
  }

  /** One change: the given records and `creates` new ones all get one new updated_at. */
  applyChange(updates: readonly number[], creates: number): number[] {
    const { micros, digits } = this.table.nextChangeMicros(this.sourceNowMs() * MICROS_PER_MS, this.random.int(7));
    this.lastChangeMicros = micros;
    const style = packStyle({ offsetIndex: this.random.int(OFFSETS.length), digits });
    const created = this.table.change(updates, creates, micros, style, this.seed);
    this.changeCount += new Set(updates).size + created.length;
    return created;
  }

  mutate(change: Change): { updated: string[]; created: string[] } {
    const updates = (change.updates ?? []).map((id) => this.existingIndex(id));
    const creates = change.creates ?? 0;
    const created: number[] = [];
    if (change.bulk) created.push(...this.applyChange(updates, creates));
    else {
      for (const index of updates) this.applyChange([index], 0);
      for (let c = 0; c < creates; c++) created.push(...this.applyChange([], 1));
    }
    this.clockPast(this.lastChangeMicros);
    return { updated: updates.map((index) => this.idOf(index)), created: created.map((index) => this.idOf(index)) };
  }

  /** Deletes these records now, all with one deleted_at (epoch micros, returned), into the deletion feed. */
  deleteIndices(indices: readonly number[]): number {
    const atMicros = Math.max(this.sourceNowMs() * MICROS_PER_MS, this.feed.newestMicros + 1);
    this.table.delete(indices);
    this.feed.append([...new Set(indices)], atMicros);
    this.clockPast(atMicros);
    return atMicros;
  }

  deleteRecords(ids: readonly string[]): { deletedAt: Instant } {
    if (ids.length === 0) throw new RangeError(`deleting ${this.stream.noun}s: no ids`);
    return { deletedAt: microsToInstant(this.deleteIndices(ids.map((id) => this.existingIndex(id)))) };
  }

  /** The index of a record that exists now (not deleted); a RangeError otherwise. */
  existingIndex(id: string): number {
    const index = this.indexOf(id);
    if (this.table.isDeleted(index)) throw new RangeError(`${this.stream.noun} ${id} was deleted from the fake shop`);
    return index;
  }

  indexOf(id: string): number {
    const index = this.stream.ids.indexOf(id, this.table.size);
    if (index === null) throw new RangeError(`no ${this.stream.noun} ${id} in the fake shop`);
    return index;
  }

  corrupt(id: string, patch: Record<string, unknown> | null): void {
    const index = this.indexOf(id);
    if (patch === null) this.corruptions.delete(index);
    else this.corruptions.set(index, patch);
  }

  /** Adds these fields to the record's patches, its updated_at unchanged: a second version stamped in the same second. */
  reviseInSameSecond(id: string, patch: Record<string, unknown>): void {
    const index = this.existingIndex(id);
    if ('updated_at' in patch) throw new RangeError('reviseInSameSecond: a revision in the same second keeps its updated_at');
    this.corruptions.set(index, { ...this.corruptions.get(index), ...patch });
  }

  breakPagesOf(id: string, broken: boolean): void {
    const index = this.indexOf(id);
    if (broken) this.pageBreakers.add(index);
    else this.pageBreakers.delete(index);
  }

  /** Leaves these records out of what the API serves while `held` (a lagging replica); truth() keeps them. */
  holdBack(ids: readonly string[], held: boolean): void {
    for (const index of ids.map((id) => this.existingIndex(id))) {
      if (held) this.heldBack.add(index);
      else this.heldBack.delete(index);
    }
  }

  truth(window: { from?: Instant | null; to?: Instant | null } = {}): RecordVersion[] {
    const bound = (instant: Instant | null | undefined): number | null => {
      if (instant === null || instant === undefined) return null;
      const parsed = parseTimestampMicros(instant);
      if (!parsed.ok) throw new RangeError(`truth(): ${instant} ${parsed.problem}`);
      return parsed.micros;
    };
    const { indices } = this.table.page(null, bound(window.from), bound(window.to), Number.POSITIVE_INFINITY);
    return indices.map((index) => ({ id: this.idOf(index), updated_at: microsToInstant(this.table.updatedMicros[index]!) }));
  }

  record(id: string): Record<string, unknown> | undefined {
    const index = this.stream.ids.indexOf(id, this.table.size);
    return index === null || this.table.isDeleted(index) ? undefined : this.served(index);
  }

  deletions(): DeletedRecord[] {
    return [...this.feed.deletedAt]
      .sort(([a, atA], [b, atB]) => atA - atB || a - b)
      .map(([index, at]) => ({ id: this.idOf(index), deleted_at: microsToInstant(at) }));
  }

  dropDeletionsBefore(instant: Instant): number {
    const parsed = parseTimestampMicros(instant);
    if (!parsed.ok) throw new RangeError(`dropDeletionsBefore(): ${instant} ${parsed.problem}`);
    return this.feed.dropBefore(parsed.micros);
  }

  now(): Instant {
    return microsToInstant(this.sourceNowMs() * MICROS_PER_MS);
  }

  /**
   * A shop acknowledges a write after stamping it: return only once the source's clock has passed the last stamp
   * (changes in one millisecond take microseconds after it), so a sync started after `mutate` returns has them all
   * before its window's end. Bounded, for an injected clock that does not move.
   */
  private clockPast(micros: number): void {
    const giveUpAt = Date.now() + 20;
    while (this.sourceNowMs() * MICROS_PER_MS <= micros && Date.now() < giveUpAt) {
      // spin: at most a few milliseconds
    }
  }
}
