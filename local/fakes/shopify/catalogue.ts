// The fake Shopify's products and customers: a seeded set of records per stream, each with Shopify's whole-second
// createdAt/updatedAt and a version every change bumps, walked by (updatedAt, id) as `sortKey: UPDATED_AT` pages;
// live changes at a rate (the clock decides how many have happened when the fake is next asked), deletions (products
// leave a destroy event, customers only vanish, as docs/source-contract.md says Shopify offers), and nodes rendered
// as the connector's documents select them. Kept small and in memory: catalogues are thousands, not millions.
import { hash32, SeededRandom } from '../orders-api/random';

type Fields = Record<string, unknown>;

export type CatalogueStream = 'products' | 'customers';

interface Entry {
  /** The number in the gid (`gid://shopify/Product/7`). */
  number: number;
  createdMs: number;
  updatedMs: number;
  version: number;
  /** Fields served instead of the rendered ones (a broken record, for quarantine tests). */
  patch: Fields | null;
}

/** One deletion: the destroy event Shopify records for a product (none for a customer). */
export interface CatalogueDeletion {
  gid: string;
  deletedMs: number;
}

export interface CatalogueOptions {
  stream: CatalogueStream;
  count: number;
  seed: number;
  clock: () => number;
  /** How far back the generated history goes (default 400 days). */
  historyDays?: number;
  /** Where the generated history ends (default: the clock at construction): kept, the same catalogue comes back after a restart. */
  historyEndsAtMs?: number;
}

const TYPENAME: Readonly<Record<CatalogueStream, string>> = { products: 'Product', customers: 'Customer' };
const DAY_MS = 86_400_000;
const VENDORS = ['Acme', 'Globex', 'Initech', 'Umbrella', ''];
const TYPES = ['Kitchen', 'Garden', 'Apparel', 'Toys', ''];
const STATUSES = ['ACTIVE', 'ACTIVE', 'ACTIVE', 'DRAFT', 'ARCHIVED', 'UNLISTED'];
const STATES = ['ENABLED', 'ENABLED', 'DISABLED', 'INVITED', 'DECLINED'];
const FIRST_NAMES = ['Ana', 'Bruno', 'Chiara', 'Dmitri', 'Eun-ji', 'Farah', null];
const LAST_NAMES = ['Lima', 'Rossi', 'Kim', 'Okafor', 'Müller', null];
const CURRENCIES = ['USD', 'EUR', 'JPY'];

/** A whole second, as Shopify writes a DateTime. */
export function dateTime(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

function wholeSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

export class Catalogue {
  readonly stream: CatalogueStream;
  private readonly entries = new Map<number, Entry>();
  private readonly deletions: CatalogueDeletion[] = [];
  private readonly random: SeededRandom;
  private readonly clock: () => number;
  private nextNumber: number;
  private liveRate = 0;
  private deletionShare = 0;
  private liveSinceMs: number;

  constructor(options: CatalogueOptions) {
    this.stream = options.stream;
    this.clock = options.clock;
    this.random = new SeededRandom(hash32(options.seed, options.stream === 'products' ? 0x9a0d : 0xc057));
    const now = options.historyEndsAtMs ?? options.clock();
    const span = (options.historyDays ?? 400) * DAY_MS;
    for (let number = 1; number <= options.count; number++) {
      const createdMs = wholeSecond(now - span + Math.floor(this.random.next() * span * 0.9));
      // A share of records is changed later (a price sweep, a sign-in), many of them in one shared second.
      const updatedMs = this.random.next() < 0.3 ? wholeSecond(now - Math.floor(this.random.next() * 20) * 3_600_000 - 60_000) : createdMs;
      this.entries.set(number, { number, createdMs, updatedMs: Math.max(createdMs, updatedMs), version: 0, patch: null });
    }
    this.nextNumber = options.count + 1;
    this.liveSinceMs = options.clock();
  }

  gid(number: number): string {
    return `gid://shopify/${TYPENAME[this.stream]}/${number}`;
  }

  numberOf(gid: unknown): number | null {
    const match = typeof gid === 'string' ? new RegExp(`^gid://shopify/${TYPENAME[this.stream]}/(\\d+)$`).exec(gid) : null;
    return match ? Number(match[1]) : null;
  }

  // ------------------------------------------------------------------ changes

  /** Changes per second from now on (the clock decides how many have happened when the fake is next asked), a share of them deletions. */
  setLiveRate(changesPerSecond: number, deletionShare = 0): void {
    this.catchUp();
    this.liveRate = changesPerSecond;
    this.deletionShare = deletionShare;
  }

  /** Changes these records now (a new version, updatedAt now); creates `creates` new ones. Returns their gids. */
  change(gids: readonly string[], creates = 0): string[] {
    this.catchUp();
    return this.apply(
      gids.map((gid) => this.existing(gid)),
      creates,
    );
  }

  /** Deletes these records now. */
  delete(gids: readonly string[]): void {
    this.catchUp();
    for (const gid of gids) this.remove(this.existing(gid).number, this.clock());
  }

  /** Serves these fields over the rendered ones (null: serve it whole again) without a new updatedAt. */
  corrupt(gid: string, patch: Fields | null): void {
    this.existing(gid).patch = patch;
  }

  private existing(gid: string): Entry {
    const number = this.numberOf(gid);
    const entry = number === null ? undefined : this.entries.get(number);
    if (entry === undefined) throw new RangeError(`the fake Shopify has no ${this.stream} record ${gid}`);
    return entry;
  }

  private apply(entries: readonly Entry[], creates: number, atMs = this.clock()): string[] {
    const at = wholeSecond(atMs);
    for (const entry of entries) {
      entry.version++;
      entry.updatedMs = Math.max(at, entry.updatedMs);
    }
    const created: Entry[] = [];
    for (let i = 0; i < creates; i++) {
      const entry = { number: this.nextNumber++, createdMs: at, updatedMs: at, version: 0, patch: null };
      this.entries.set(entry.number, entry);
      created.push(entry);
    }
    return [...entries, ...created].map((entry) => this.gid(entry.number));
  }

  private remove(number: number, atMs: number): void {
    if (!this.entries.delete(number)) return;
    if (this.stream === 'products') this.deletions.push({ gid: this.gid(number), deletedMs: wholeSecond(atMs) });
  }

  /** The live changes the clock says have happened since the last look, each at its own moment. */
  private catchUp(): void {
    const now = this.clock();
    if (this.liveRate <= 0) {
      this.liveSinceMs = now;
      return;
    }
    const due = Math.floor(((now - this.liveSinceMs) / 1000) * this.liveRate);
    for (let i = 0; i < due; i++) {
      const atMs = this.liveSinceMs + Math.floor(((i + 1) * 1000) / this.liveRate);
      const numbers = [...this.entries.keys()];
      if (numbers.length === 0 || this.random.next() < 0.1) this.apply([], 1, atMs);
      else {
        const number = numbers[Math.floor(this.random.next() * numbers.length)]!;
        if (this.random.next() < this.deletionShare) this.remove(number, atMs);
        else this.apply([this.entries.get(number)!], 0, atMs);
      }
    }
    if (due > 0) this.liveSinceMs += Math.floor((due * 1000) / this.liveRate);
  }

  // ------------------------------------------------------------------ reads

  /** The records of a window (`from <= updatedAt < to`, ms), by (updatedAt, number), after a keyset position. */
  walk(window: { fromMs: number | null; toMs: number }, after: { u: number; n: number } | null = null): Entry[] {
    this.catchUp();
    return [...this.entries.values()]
      .filter((entry) => (window.fromMs === null || entry.updatedMs >= window.fromMs) && entry.updatedMs < window.toMs)
      .filter((entry) => after === null || entry.updatedMs > after.u || (entry.updatedMs === after.u && entry.number > after.n))
      .sort((a, b) => a.updatedMs - b.updatedMs || a.number - b.number);
  }

  /** Every record's gid and updatedAt (whole seconds), sorted as a walk: what an exact copy holds. */
  truth(): Array<{ id: string; updatedAt: string }> {
    return this.walk({ fromMs: null, toMs: Number.MAX_SAFE_INTEGER }).map((entry) => ({
      id: this.gid(entry.number),
      updatedAt: dateTime(entry.updatedMs),
    }));
  }

  /** The record's node by gid (every variant of a product), or undefined when there is none. */
  node(gid: unknown): Fields | undefined {
    this.catchUp();
    const number = this.numberOf(gid);
    const entry = number === null ? undefined : this.entries.get(number);
    return entry === undefined ? undefined : this.render(entry);
  }

  /** Product destroy events with `fromMs <= deletedMs < toMs`, oldest first (ties by gid). */
  deleted(window: { fromMs: number | null; toMs: number }): CatalogueDeletion[] {
    this.catchUp();
    return this.deletions
      .filter((deletion) => (window.fromMs === null || deletion.deletedMs >= window.fromMs) && deletion.deletedMs < window.toMs)
      .sort((a, b) => a.deletedMs - b.deletedMs || (a.gid < b.gid ? -1 : a.gid > b.gid ? 1 : 0));
  }

  /** The node of an entry as the connector's documents select it (a product's variants as `{nodes}`, all of them). */
  render(entry: Entry): Fields {
    const node = this.stream === 'products' ? this.product(entry) : this.customer(entry);
    return entry.patch === null ? node : { ...node, ...entry.patch };
  }

  private product({ number, createdMs, updatedMs, version }: Entry): Fields {
    const h = hash32(number, 0x7a0d);
    // Most products have a few variants; every 40th has more than a page query reads with it (follow-ups).
    const variantCount = number % 40 === 0 ? 30 : 1 + (h % 4);
    const cents = 500 + (hash32(number, version) % 9_500);
    return {
      id: this.gid(number),
      title: `Product ${number}${version > 0 ? ` (rev ${version})` : ''}`,
      vendor: VENDORS[h % VENDORS.length],
      productType: TYPES[(h >>> 3) % TYPES.length],
      status: STATUSES[(h >>> 5) % STATUSES.length],
      tags: h % 3 === 0 ? ['gift'] : [],
      createdAt: dateTime(createdMs),
      updatedAt: dateTime(updatedMs),
      variants: {
        nodes: Array.from({ length: variantCount }, (_, i) => ({
          id: `gid://shopify/ProductVariant/${number * 1000 + i + 1}`,
          sku: i === 1 ? null : `SKU-${number}-${i + 1}`,
          title: `Variant ${i + 1}`,
          price: `${Math.floor((cents + i * 100) / 100)}.${String((cents + i * 100) % 100).padStart(2, '0')}`,
          inventoryQuantity: (h + i) % 7 === 0 ? null : ((h + version + i) % 50) - 5,
        })),
      },
    };
  }

  private customer({ number, createdMs, updatedMs, version }: Entry): Fields {
    const h = hash32(number, 0xc057);
    const first = FIRST_NAMES[h % FIRST_NAMES.length] ?? null;
    const currency = CURRENCIES[(h >>> 4) % CURRENCIES.length]!;
    const orders = (h % 12) + version;
    const spent = orders * (currency === 'JPY' ? 4_000 : 3_750);
    return {
      id: this.gid(number),
      firstName: first,
      lastName: LAST_NAMES[(h >>> 2) % LAST_NAMES.length] ?? null,
      state: STATES[(h >>> 6) % STATES.length],
      tags: h % 5 === 0 ? ['vip'] : [],
      numberOfOrders: String(orders),
      amountSpent: {
        amount: currency === 'JPY' ? String(spent) : `${Math.floor(spent / 100)}.${String(spent % 100).padStart(2, '0')}`,
        currencyCode: currency,
      },
      // Every 9th customer signed up by phone: no email address.
      defaultEmailAddress: number % 9 === 0 ? null : { emailAddress: `customer${number}@example.com` },
      createdAt: dateTime(createdMs),
      updatedAt: dateTime(updatedMs),
    };
  }
}
