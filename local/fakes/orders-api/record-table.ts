// One stream's records (orders, products, customers) as compact columns (a few bytes per record) plus an append-only
// index sorted by (updated_at, id): what keyset paging walks. JSON is never stored; the stream's renderer builds it on
// demand.
import { SeededRandom } from './random';
import { MICROS_PER_SECOND, OFFSETS, packStyle, truncateMicros, unitMicros } from './time';

const DAY_MICROS = 86_400 * MICROS_PER_SECOND;

/** Where a walk stands: after the record at (updatedMicros, index); null for the start of the walk. */
export interface Position {
  updatedMicros: number;
  index: number;
}

export interface GenerateOptions {
  seed: number;
  records: number;
  /** The generated history ends before this updated_at (source time, epoch µs): a window up to it holds every record. */
  historyEndsAtMicros: number;
  /** How far back the history goes. */
  historyDays: number;
}

/** Grows a typed array by doubling, keeping its contents. */
function grown<T extends Float64Array | Uint32Array | Uint8Array>(array: T, minLength: number): T {
  if (array.length >= minLength) return array;
  const next = new (array.constructor as new (length: number) => T)(Math.max(minLength, array.length * 2, 1024));
  next.set(array);
  return next;
}

export class RecordTable {
  /** Records in the stream; index i is id `<prefix>_${i + 1}` (record-ids.ts: 7 digits, so string order = index order). */
  size = 0;
  updatedMicros = new Float64Array(0);
  createdMicros = new Float64Array(0);
  /** How updated_at (and an order's cancelled_at) are written: packed TimestampStyle. */
  updatedStyle = new Uint8Array(0);
  /** Bumped by every change; rendered fields (statuses, notes) derive from it. */
  version = new Uint32Array(0);

  // The sorted index: entry p says "record logOrder[p] had updated_at logMicros[p]". A change appends a new
  // entry (changes always get an updated_at later than any before) and leaves the old one stale; an entry
  // is current when its time is still the record's time. Stale entries are dropped by compaction.
  private logOrder = new Uint32Array(0);
  private logMicros = new Float64Array(0);
  private logLength = 0;
  /** The newest updated_at in the shop: a change always lands strictly after it, as docs/source-contract.md "GET /orders" says of every stream. */
  maxUpdatedMicros = 0;

  static generate(options: GenerateOptions): RecordTable {
    const table = new RecordTable();
    const n = options.records;
    const random = new SeededRandom(options.seed);
    table.reserve(n);
    table.reserveLog(n);
    table.size = n;
    const end = options.historyEndsAtMicros;
    const span = options.historyDays * DAY_MICROS;
    const start = end - span;
    // Bulk updates (a price rule, a status sweep): about 30% of records share an updated_at with ~200 others,
    // so ties straddle page boundaries. Their times are whole seconds, which every written precision can hold.
    const bulkTimes = Array.from(
      { length: Math.max(1, Math.round((n * 0.3) / 200)) },
      () => Math.floor((start + random.next() * span) / MICROS_PER_SECOND) * MICROS_PER_SECOND,
    ).sort((a, b) => a - b);
    for (let i = 0; i < n; i++) {
      const digits = random.int(7);
      const created = truncateMicros(Math.floor(start + (span * (i + random.next())) / n), createdDigitsOf(options.seed, i));
      let updated = created;
      const firstBulk = lowerBound(bulkTimes, created);
      if (random.chance(0.3) && firstBulk < bulkTimes.length) {
        updated = bulkTimes[firstBulk + random.int(bulkTimes.length - firstBulk)]!;
      } else if (random.chance(0.8)) {
        // Most records change a few times after they are made (an order paid, then fulfilled): days later, rarely months.
        const delay = -Math.log(1 - random.next()) * 3 * DAY_MICROS;
        updated = Math.max(created, truncateMicros(Math.min(end - 1, created + delay), digits));
      }
      table.createdMicros[i] = created;
      table.updatedMicros[i] = updated;
      // An updated_at that kept created_at's time may need more digits than were drawn for it.
      const writtenDigits = updated % unitMicros(digits) === 0 ? digits : 6;
      table.updatedStyle[i] = packStyle({ offsetIndex: random.int(OFFSETS.length), digits: writtenDigits });
      table.version[i] = updated === created ? 0 : 1 + random.int(4);
    }
    const sorted = new Uint32Array(n);
    for (let i = 0; i < n; i++) sorted[i] = i;
    const updated = table.updatedMicros;
    sorted.sort((a, b) => updated[a]! - updated[b]! || a - b);
    table.logOrder.set(sorted);
    for (let p = 0; p < n; p++) table.logMicros[p] = updated[sorted[p]!]!;
    table.logLength = n;
    table.maxUpdatedMicros = n > 0 ? table.logMicros[n - 1]! : 0;
    return table;
  }

  private reserve(records: number): void {
    this.updatedMicros = grown(this.updatedMicros, records);
    this.createdMicros = grown(this.createdMicros, records);
    this.updatedStyle = grown(this.updatedStyle, records);
    this.version = grown(this.version, records);
  }

  private reserveLog(entries: number): void {
    this.logOrder = grown(this.logOrder, entries);
    this.logMicros = grown(this.logMicros, entries);
  }

  private isCurrent(p: number): boolean {
    return this.updatedMicros[this.logOrder[p]!] === this.logMicros[p];
  }

  /** First log entry whose key is >= (micros, index) (index -1: any record at that time). */
  private lowerBound(micros: number, index: number): number {
    let lo = 0;
    let hi = this.logLength;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const t = this.logMicros[mid]!;
      if (t < micros || (t === micros && this.logOrder[mid]! < index)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Up to `limit` records after `after` with minMicros <= updated_at < maxMicros, ascending by (updated_at, id),
   * and whether any record follows them in that range.
   */
  page(after: Position | null, minMicros: number | null, maxMicros: number | null, limit: number): { indices: number[]; more: boolean } {
    let p = minMicros === null ? 0 : this.lowerBound(minMicros, -1);
    if (after !== null) p = Math.max(p, this.lowerBound(after.updatedMicros, after.index + 1));
    const indices: number[] = [];
    for (; p < this.logLength; p++) {
      if (maxMicros !== null && this.logMicros[p]! >= maxMicros) break;
      if (!this.isCurrent(p)) continue;
      if (indices.length === limit) return { indices, more: true };
      indices.push(this.logOrder[p]!);
    }
    return { indices, more: false };
  }

  /** How many records have minMicros <= updated_at < maxMicros right now. */
  count(minMicros: number | null, maxMicros: number | null): number {
    let counted = 0;
    for (let p = minMicros === null ? 0 : this.lowerBound(minMicros, -1); p < this.logLength; p++) {
      if (maxMicros !== null && this.logMicros[p]! >= maxMicros) break;
      if (this.isCurrent(p)) counted++;
    }
    return counted;
  }

  /** Whether the record was deleted: it is gone from pages and counts (its updated_at is NaN, so no entry is current). */
  isDeleted(index: number): boolean {
    return Number.isNaN(this.updatedMicros[index]);
  }

  /** Deletes these records: their index entries stop being current, compaction drops them. */
  delete(indices: readonly number[]): void {
    for (const index of indices) {
      if (index < 0 || index >= this.size) throw new RangeError(`no record at index ${index}`);
      this.updatedMicros[index] = Number.NaN;
    }
  }

  /** Every record's index in (updated_at, id) order. */
  *sortedIndices(): Generator<number> {
    for (let p = 0; p < this.logLength; p++) if (this.isCurrent(p)) yield this.logOrder[p]!;
  }

  /** The updated_at the next change gets: the source's now at the change's precision, strictly after every other. */
  nextChangeMicros(sourceNowMicros: number, digits: number): { micros: number; digits: number } {
    const micros = truncateMicros(sourceNowMicros, digits);
    return micros > this.maxUpdatedMicros ? { micros, digits } : { micros: this.maxUpdatedMicros + 1, digits: 6 };
  }

  /**
   * Applies one change at `micros` to existing records (`updates`) and to `creates` new ones, all sharing
   * that updated_at (one record alone, or a bulk). Returns the new records' indices.
   */
  change(updates: readonly number[], creates: number, micros: number, style: number, createdStyleSeed: number): number[] {
    if (micros <= this.maxUpdatedMicros) throw new RangeError('a change must land after every earlier updated_at');
    const created: number[] = [];
    const isNew = new Set<number>();
    this.reserve(this.size + creates);
    for (let c = 0; c < creates; c++) {
      const index = this.size++;
      this.createdMicros[index] = truncateMicros(micros, createdDigitsOf(createdStyleSeed, index));
      this.version[index] = 0;
      created.push(index);
      isNew.add(index);
    }
    // Ties are ordered by id, so the entries of one change are appended in index order.
    const touched = [...new Set([...updates, ...created])].sort((a, b) => a - b);
    this.reserveLog(this.logLength + touched.length);
    for (const index of touched) {
      if (index >= this.size) throw new RangeError(`no record at index ${index}`);
      if (this.isDeleted(index)) throw new RangeError(`record at index ${index} was deleted: it cannot change`);
      if (!isNew.has(index)) this.version[index]! += 1;
      this.updatedMicros[index] = micros;
      this.updatedStyle[index] = style;
      this.logOrder[this.logLength] = index;
      this.logMicros[this.logLength] = micros;
      this.logLength++;
    }
    this.maxUpdatedMicros = micros;
    if (this.logLength > 2 * this.size + 4096) this.compact();
    return created;
  }

  /** Drops stale entries; the survivors keep their order. */
  private compact(): void {
    let kept = 0;
    for (let p = 0; p < this.logLength; p++) {
      if (!this.isCurrent(p)) continue;
      this.logOrder[kept] = this.logOrder[p]!;
      this.logMicros[kept] = this.logMicros[p]!;
      kept++;
    }
    this.logLength = kept;
  }

  /** Bytes held by the columns and the index (for the memory report). */
  bytes(): number {
    return [this.updatedMicros, this.createdMicros, this.updatedStyle, this.version, this.logOrder, this.logMicros].reduce(
      (sum, column) => sum + column.byteLength,
      0,
    );
  }
}

/** created_at's precision is not stored: it is derived from the seed and the record, and never changes. */
export function createdDigitsOf(seed: number, index: number): number {
  return (Math.imul(seed ^ index, 0x9e3779b1) >>> 29) % 7;
}

function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
