// The reference contract's routes of one stream over its shop (docs/source-contract.md): /<stream> (a window's pages,
// or ?ids=), /<stream>/count and /<stream>/deleted, each refusing a bad parameter with a BadRequest that names it.
import { EXISTING_IDS_MAX, PAGE_SIZE_MAX } from '../../../functions/core/limits';
import type { StreamName } from '../../../functions/core/stream';
import { decodeCursor, encodeCursor, filtersHash, type CursorScope, type Filters } from './cursor';
import type { FaultSettings, ScriptedOutcome } from './faults';
import type { SeededRandom } from './random';
import type { Position } from './record-table';
import type { Shop } from './shop';
import { microsToInstant, parseTimestampMicros } from './time';

const PAGE_LIMIT_DEFAULT = 50;
const ORDERS_PARAMETERS = new Set(['updated_at_min', 'updated_at_max', 'limit', 'cursor']);
const COUNT_PARAMETERS = new Set(['updated_at_min', 'updated_at_max']);
const DELETED_PARAMETERS = new Set(['deleted_at_min', 'deleted_at_max', 'limit', 'cursor']);

/** A request the contract refuses: answered 400 invalid_parameter with this message. */
export class BadRequest extends Error {
  override readonly name = 'BadRequest';
}

/** The three routes of a stream, for the 404's list. */
export function routesOf(stream: StreamName): string[] {
  return [`/${stream}`, `/${stream}/count`, `/${stream}/deleted`];
}

export class StreamRoutes {
  /** Empty pages served so far: each one's cursor is new although the walk stands where it stood. */
  private emptyPagesServed = 0;
  /** The cursor scopes of the stream's pages and of its deletion feed. */
  private readonly pagesScope: CursorScope;
  private readonly feedScope: CursorScope;

  constructor(
    readonly stream: StreamName,
    private readonly shop: Shop,
    /** The fault knobs now, for the empty and short pages they ask for. */
    private readonly faults: () => FaultSettings,
    private readonly faultRandom: SeededRandom,
  ) {
    this.pagesScope = stream;
    this.feedScope = `${stream}/deleted`;
  }

  /** The body of a route's 200 answer, or undefined when the path is none of this stream's routes. */
  answer(path: string, query: URLSearchParams, outcome: ScriptedOutcome | undefined): string | undefined {
    if (path === `/${this.stream}`) return this.recordsPage(query, outcome);
    if (path === `/${this.stream}/count`) return this.recordsCount(query);
    if (path === `/${this.stream}/deleted`) return this.deletedPage(query);
    return undefined;
  }

  private recordsPage(query: URLSearchParams, outcome: ScriptedOutcome | undefined): string {
    if (query.has('ids')) return this.recordsById(query);
    checkParameters(query, ORDERS_PARAMETERS);
    const { table } = this.shop;
    const faults = this.faults();
    const filters = parseFilters(query);
    const limit = limitOf(query);
    const after = this.cursorPosition(query, filters, this.pagesScope);
    if (outcome === 'empty' || (outcome === undefined && this.faultRandom.chance(faults.emptyPageRate))) {
      this.emptyPagesServed += 1;
      return this.pageBody([], encodeCursor(after, filters, this.pagesScope, this.shop.stream.ids, this.emptyPagesServed));
    }
    const short = outcome === 'short' || (outcome === undefined && this.faultRandom.chance(faults.shortPageRate));
    const pageLimit = short && limit > 1 ? 1 + this.faultRandom.int(limit - 1) : limit;
    const { indices, more } = table.page(after, filters.minMicros, filters.maxMicros, pageLimit);
    const last = indices[indices.length - 1];
    const cutShort = pageLimit < limit && indices.length === pageLimit;
    const nextCursor =
      last !== undefined && (more || cutShort)
        ? encodeCursor({ updatedMicros: table.updatedMicros[last]!, index: last }, filters, this.pagesScope, this.shop.stream.ids)
        : null;
    // The cursor goes past a held-back order as it would past any other: the walk does not meet it again.
    const { heldBack } = this.shop;
    const body = this.pageBody(heldBack.size === 0 ? indices : indices.filter((index) => !heldBack.has(index)), nextCursor);
    if (outcome === 'wrong-shape' || indices.some((index) => this.shop.pageBreakers.has(index)))
      return JSON.stringify({ data: { [this.stream]: [] }, next: null });
    if (outcome === 'cursor-type') return body.replace(/"next_cursor":(null|"[^"]*")\}$/, '"next_cursor":12345}');
    return body;
  }

  /** The position the request's cursor stands at (null: none sent), refused when made for other filters or another walk. */
  private cursorPosition(query: URLSearchParams, filters: Filters, scope: CursorScope): Position | null {
    const cursorText = query.get('cursor');
    if (cursorText === null) return null;
    const decoded = decodeCursor(cursorText, this.shop.stream.ids, this.shop.table.size);
    if (!decoded.ok) throw new BadRequest(decoded.problem);
    if (decoded.filtersHash !== filtersHash(filters, scope)) {
      const field = scope === this.feedScope ? 'deleted_at' : 'updated_at';
      throw new BadRequest(
        `cursor was issued for other filters or another route: send the same ${field}_min and ${field}_max as the walk began with`,
      );
    }
    return decoded.position;
  }

  /** `GET /orders?ids=a,b`: the records among them that exist now (docs/source-contract.md "GET /orders?ids=…"). */
  private recordsById(query: URLSearchParams): string {
    const others = [...query.keys()].filter((name) => name !== 'ids');
    if (others.length > 0) throw new BadRequest(`ids takes no other parameter, got ${others.join(', ')}`);
    if (query.getAll('ids').length > 1) throw new BadRequest('parameter "ids" given more than once');
    const ids = query.get('ids')!.split(',');
    const { noun, ids: recordIds } = this.shop.stream;
    if (ids.length > EXISTING_IDS_MAX) throw new BadRequest(`ids takes 1..${EXISTING_IDS_MAX} ${noun} ids, got ${ids.length}`);
    if (ids.some((id) => id === '')) throw new BadRequest(`ids must be a comma-separated list of ${noun} ids, with no empty one`);
    const { table } = this.shop;
    const existing = [...new Set(ids)]
      .map((id) => recordIds.indexOf(id, table.size))
      .filter((index): index is number => index !== null && !table.isDeleted(index) && !this.shop.heldBack.has(index));
    return this.pageBody(existing, null);
  }

  /** `GET /orders/deleted`: the deletion feed, keyset-paged by (deleted_at, id). */
  private deletedPage(query: URLSearchParams): string {
    checkParameters(query, DELETED_PARAMETERS);
    const filters = parseFilters(query, 'deleted_at');
    const limit = limitOf(query);
    const after = this.cursorPosition(query, filters, this.feedScope);
    const { entries, more } = this.shop.feed.page(after, filters.minMicros, filters.maxMicros, limit);
    const last = entries[entries.length - 1];
    const nextCursor = more && last !== undefined ? encodeCursor(last, filters, this.feedScope, this.shop.stream.ids) : null;
    const deleted = entries.map(({ updatedMicros, index }) => ({ id: this.shop.idOf(index), deleted_at: microsToInstant(updatedMicros) }));
    return JSON.stringify({ deleted, next_cursor: nextCursor });
  }

  private recordsCount(query: URLSearchParams): string {
    checkParameters(query, COUNT_PARAMETERS);
    const filters = parseFilters(query);
    return JSON.stringify({ count: this.shop.table.count(filters.minMicros, filters.maxMicros) });
  }

  private pageBody(indices: readonly number[], nextCursor: string | null): string {
    return `{"${this.stream}":[${indices.map((index) => JSON.stringify(this.shop.served(index))).join(',')}],"next_cursor":${JSON.stringify(nextCursor)}}`;
  }
}

function parseFilters(query: URLSearchParams, field: 'updated_at' | 'deleted_at' = 'updated_at'): Filters {
  const bound = (name: string): number | null => {
    const text = query.get(name);
    if (text === null) return null;
    const parsed = parseTimestampMicros(text);
    if (!parsed.ok) throw new BadRequest(`${name} "${text}" ${parsed.problem}`);
    return parsed.micros;
  };
  return { minMicros: bound(`${field}_min`), maxMicros: bound(`${field}_max`) };
}

function checkParameters(query: URLSearchParams, allowed: ReadonlySet<string>): void {
  const seen = new Set<string>();
  for (const name of query.keys()) {
    if (!allowed.has(name)) throw new BadRequest(`unknown parameter "${name}" (accepted: ${[...allowed].join(', ')})`);
    if (seen.has(name)) throw new BadRequest(`parameter "${name}" given more than once`);
    seen.add(name);
  }
}

function limitOf(query: URLSearchParams): number {
  const limitText = query.get('limit');
  const limit = limitText === null ? PAGE_LIMIT_DEFAULT : /^\d{1,4}$/.test(limitText) ? Number(limitText) : NaN;
  if (!(limit >= 1 && limit <= PAGE_SIZE_MAX)) throw new BadRequest(`limit must be an integer in 1..${PAGE_SIZE_MAX}, got "${limitText}"`);
  return limit;
}
