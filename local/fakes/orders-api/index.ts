// The fake orders API: a plain node:http server on loopback that serves docs/source-contract.md to the letter from
// a seeded, compact in-memory shop, changes orders while clients page (live mode), and fails on demand.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../../loopback';
import { EXISTING_IDS_MAX, PAGE_SIZE_MAX } from '../../../functions/core/limits';
import type { Instant } from '../../../functions/core/order';
import { decodeCursor, encodeCursor, filtersHash, type CursorScope, type Filters } from './cursor';
import { DeletionFeed } from './deletion-feed';
import { checkedFaults, NO_FAULTS, RateWindow, type FaultSettings, type ScriptedOutcome } from './faults';
import { OrderTable, type Position } from './order-table';
import { hash32, SeededRandom } from './random';
import { indexOfOrderId, orderIdOf, renderOrder } from './render';
import { MICROS_PER_MS, microsToInstant, OFFSETS, packStyle, parseTimestampMicros } from './time';

export type { FaultSettings, ScriptedOutcome } from './faults';

export interface FakeOrdersApiOptions {
  /** Orders in the shop at start (default 1000). */
  orders?: number;
  /** Everything generated (orders, tokens, fault and live-mode choices) follows from it (default 1). */
  seed?: number;
  /** Default 0: any free port. */
  port?: number;
  /** Default: derived from the seed. */
  token?: string;
  /** The source's clock minus ours: its updated_at for a change made now is our now + this. */
  clockOffsetMs?: number;
  /** Our clock, epoch ms (default Date.now). */
  clock?: () => number;
  /** How the fake waits out faults.latencyMs (default a timer): a test on a simulated clock passes one that moves its clock. */
  wait?: (ms: number) => Promise<void>;
  /** Every generated updated_at is before this, epoch ms of the source's clock (default: its now at start). */
  historyEndsAtMs?: number;
  /** How far back the generated history goes (default 730 days). */
  historyDays?: number;
  /** Changes per second made in the background while the server runs (default 0: none). */
  liveRate?: number;
  /** Of the live changes, the share that deletes an order (0..1, default 0: none). */
  liveDeletionShare?: number;
  faults?: Partial<FaultSettings>;
}

export interface OrderVersion {
  id: string;
  updated_at: Instant;
}

export interface Change {
  /** Ids of existing orders to change (each gets a new, later updated_at). */
  updates?: readonly string[];
  /** New orders to create. */
  creates?: number;
  /** One updated_at shared by every order of this change (a bulk update); otherwise one each. */
  bulk?: boolean;
}

export interface DeletedOrder {
  id: string;
  deleted_at: Instant;
}

export interface RecordedRequest {
  path: string;
  query: Record<string, string>;
  /** Whether the bearer token was right (the token itself is never recorded). */
  authorized: boolean;
  outcome: number | 'dropped' | 'hung';
}

export interface FakeApiStats {
  requests: number;
  /** Answers per route and status ("200", "429", "dropped", "hung"). */
  byRoute: Record<string, Record<string, number>>;
  orders: number;
  /** Orders changed or created since start (a bulk update counts each of its orders). */
  changes: number;
  /** Orders deleted since start (the feed may have dropped some of them since). */
  deleted: number;
  /** Bytes held by the shop's columns and sorted index. */
  tableBytes: number;
}

export interface FakeOrdersApi {
  url: string;
  token: string;
  clockOffsetMs: number;
  stop(): Promise<void>;
  /** Every order's id and updated_at (as Instants), sorted by (updated_at, id); only the window's when given. */
  truth(window?: { from?: Instant | null; to?: Instant | null }): OrderVersion[];
  /** The order as the API serves it now (bad-data patches included), or undefined. */
  order(id: string): Record<string, unknown> | undefined;
  /** Changes orders now; returns the ids changed and created. */
  mutate(change: Change): { updated: string[]; created: string[] };
  /** Changes some fault knobs (the others keep their value); resetFaults() restores none. */
  setFaults(faults: Partial<FaultSettings>): void;
  resetFaults(): void;
  /** The next requests get these outcomes, in order, before any rate applies. */
  script(...outcomes: ScriptedOutcome[]): void;
  /** Serves the order with these fields replaced (undefined removes one): bad data for the reliability tests. null clears. */
  corruptOrder(id: string, patch: Record<string, unknown> | null): void;
  /**
   * Serves the order with these fields replaced too (added to its earlier patches), its updated_at unchanged: a second
   * version stamped in the same second as one a sync may have read already, as a source that stamps whole seconds
   * (Shopify) serves it. `updated_at` in the patch is a RangeError.
   */
  reviseInSameSecond(id: string, patch: Record<string, unknown>): void;
  /**
   * Every page that holds this order is answered without an `orders` array (a request failure, not an order's:
   * InvalidPageError, which fails the run as a permanent error); false serves it normally again.
   */
  breakPagesOf(id: string, broken: boolean): void;
  /**
   * Serves these orders as a lagging replica (or search index) would: left out of `/orders` pages and `?ids=` while
   * held back, their `updated_at` unchanged, then served again (false): a change that becomes visible later than its
   * updated_at. truth() holds them throughout.
   */
  holdBack(ids: readonly string[], held: boolean): void;
  /** Changes per second in the background (0 stops them). */
  setLiveRate(changesPerSecond: number): void;
  /** Of the live changes, the share that deletes an order (0..1). */
  setLiveDeletionShare(share: number): void;
  /**
   * Deletes these orders now, all with one deleted_at (returned): they leave /orders, ?ids= and the count, and enter
   * the deletion feed. An unknown or already deleted id is a RangeError.
   */
  deleteOrders(ids: readonly string[]): { deletedAt: Instant };
  /** Every order deleted since start, oldest first, including those the feed no longer lists. */
  deletions(): DeletedOrder[];
  /** The feed's retention: drops its entries deleted before `instant` (as a feed kept 30 days does); answers how many. */
  dropDeletionsBefore(instant: Instant): number;
  stats(): FakeApiStats;
  /** The last 1000 requests, oldest first. */
  requests(): readonly RecordedRequest[];
  /** The source's clock now, as an Instant. */
  now(): Instant;
}

const PAGE_LIMIT_DEFAULT = 50;
const RECORDED_REQUESTS = 1000;
const LIVE_TICK_MS = 20;
/** In live mode, one change in this many is a bulk update of BULK_SIZE orders. */
const BULK_EVERY = 400;
const BULK_SIZE = 150;
const ORDERS_PARAMETERS = new Set(['updated_at_min', 'updated_at_max', 'limit', 'cursor']);
const COUNT_PARAMETERS = new Set(['updated_at_min', 'updated_at_max']);
const DELETED_PARAMETERS = new Set(['deleted_at_min', 'deleted_at_max', 'limit', 'cursor']);
/** `GET /orders?ids=`: at most this many ids, and no other parameter. */
const IDS_MAX = EXISTING_IDS_MAX;

class BadRequest extends Error {}

export async function startFakeOrdersApi(options: FakeOrdersApiOptions = {}): Promise<FakeOrdersApi> {
  const seed = options.seed ?? 1;
  const clock = options.clock ?? Date.now;
  const clockOffsetMs = options.clockOffsetMs ?? 0;
  const sourceNowMs = (): number => clock() + clockOffsetMs;
  const token = options.token ?? `fake_${hash32(seed, 0x70c3).toString(16)}${hash32(seed, 0xbeef).toString(16)}`;
  const feed = new DeletionFeed();
  const table = OrderTable.generate({
    seed,
    orders: options.orders ?? 1000,
    historyEndsAtMicros: Math.floor(options.historyEndsAtMs ?? sourceNowMs()) * MICROS_PER_MS,
    historyDays: options.historyDays ?? 730,
  });
  let faults = checkedFaults({ ...NO_FAULTS, ...options.faults });
  const scripted: ScriptedOutcome[] = [];
  /** Orders not visible yet (holdBack). */
  const heldBack = new Set<number>();
  /** Orders whose pages are answered without an orders array (breakPagesOf). */
  const pageBreakers = new Set<number>();
  const faultRandom = new SeededRandom(hash32(seed, 0xfa17));
  const liveRandom = new SeededRandom(hash32(seed, 0x11fe));
  const rateWindow = new RateWindow();
  const corruptions = new Map<number, Record<string, unknown>>();
  const byRoute: Record<string, Record<string, number>> = {};
  const recorded: RecordedRequest[] = [];
  const pendingTimers = new Set<NodeJS.Timeout>();
  let requestCount = 0;
  let changeCount = 0;

  // ------------------------------------------------------------------ the shop

  function served(index: number): Record<string, unknown> {
    const order = renderOrder(table, seed, index);
    const patch = corruptions.get(index);
    if (patch === undefined) return order;
    for (const [field, value] of Object.entries(patch)) {
      if (value === undefined) delete order[field];
      else order[field] = value;
    }
    return order;
  }

  /** One change: the given orders and `creates` new ones all get one new updated_at. */
  let lastChangeMicros = 0;
  function applyChange(updates: readonly number[], creates: number): number[] {
    const { micros, digits } = table.nextChangeMicros(sourceNowMs() * MICROS_PER_MS, liveRandom.int(7));
    lastChangeMicros = micros;
    const style = packStyle({ offsetIndex: liveRandom.int(OFFSETS.length), digits });
    const created = table.change(updates, creates, micros, style, seed);
    changeCount += new Set(updates).size + created.length;
    return created;
  }

  function mutate(change: Change): { updated: string[]; created: string[] } {
    const updates = (change.updates ?? []).map(existingIndex);
    const creates = change.creates ?? 0;
    const created: number[] = [];
    if (change.bulk) created.push(...applyChange(updates, creates));
    else {
      for (const index of updates) applyChange([index], 0);
      for (let c = 0; c < creates; c++) created.push(...applyChange([], 1));
    }
    clockPast(lastChangeMicros);
    return { updated: updates.map(orderIdOf), created: created.map(orderIdOf) };
  }

  /**
   * A shop acknowledges a write after stamping it: return only once the source's clock has passed the last stamp
   * (changes in one millisecond take microseconds after it), so a sync started after `mutate` returns has them all
   * before its window's end. Bounded, for an injected clock that does not move.
   */
  function clockPast(micros: number): void {
    const giveUpAt = Date.now() + 20;
    while (sourceNowMs() * MICROS_PER_MS <= micros && Date.now() < giveUpAt) {
      // spin: at most a few milliseconds
    }
  }

  /** Indices of orders that exist now (not deleted). */
  function existingIndex(id: string): number {
    const index = indexOfOrderId(id, table.size);
    if (index === null) throw new RangeError(`no order ${id} in the fake shop`);
    if (table.isDeleted(index)) throw new RangeError(`order ${id} was deleted from the fake shop`);
    return index;
  }

  function deleteIndices(indices: readonly number[]): number {
    const atMicros = Math.max(sourceNowMs() * MICROS_PER_MS, feed.newestMicros + 1);
    table.delete(indices);
    feed.append([...new Set(indices)], atMicros);
    clockPast(atMicros);
    return atMicros;
  }

  // Live mode: a shop's steady trickle of orders placed, changed and (a share of them, when asked) deleted, with an
  // occasional bulk update.
  let liveRate = 0;
  let liveDeletionShare = checkedShare(options.liveDeletionShare ?? 0);
  let liveTimer: NodeJS.Timeout | null = null;
  let liveDue = 0;
  let liveChanges = 0;
  let lastTick = clock();
  function liveTick(): void {
    const now = clock();
    liveDue += ((now - lastTick) / 1000) * liveRate;
    lastTick = now;
    for (; liveDue >= 1 && table.size > 0; liveDue--) {
      liveChanges++;
      // Live changes leave an order whose pages are broken alone (breakPagesOf): only the test moves it into a window.
      const unbroken = (indices: number[]) => indices.filter((index) => !pageBreakers.has(index));
      if (liveChanges % BULK_EVERY === 0) {
        const bulk = Array.from({ length: Math.min(BULK_SIZE, table.size) }, () => liveRandom.int(table.size));
        applyChange(
          unbroken(bulk).filter((index) => !table.isDeleted(index)),
          0,
        );
      } else if (liveRandom.chance(0.2)) applyChange([], 1);
      else {
        const index = liveRandom.int(table.size);
        if (table.isDeleted(index) || pageBreakers.has(index)) applyChange([], 1);
        else if (liveDeletionShare > 0 && liveRandom.chance(liveDeletionShare)) deleteIndices([index]);
        else applyChange([index], 0);
      }
    }
  }
  function setLiveRate(changesPerSecond: number): void {
    if (!(changesPerSecond >= 0)) throw new RangeError(`liveRate must be >= 0, got ${changesPerSecond}`);
    liveRate = changesPerSecond;
    if (liveRate > 0 && liveTimer === null) {
      lastTick = clock();
      liveDue = 0;
      liveTimer = setInterval(liveTick, LIVE_TICK_MS);
      liveTimer.unref();
    } else if (liveRate === 0 && liveTimer !== null) {
      clearInterval(liveTimer);
      liveTimer = null;
    }
  }

  // ------------------------------------------------------------------ HTTP

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

  function ordersPage(query: URLSearchParams, outcome: ScriptedOutcome | undefined): string {
    if (query.has('ids')) return ordersById(query);
    checkParameters(query, ORDERS_PARAMETERS);
    const filters = parseFilters(query);
    const limit = limitOf(query);
    const after = cursorPosition(query, filters, 'orders');
    if (outcome === 'empty' || (outcome === undefined && faultRandom.chance(faults.emptyPageRate))) {
      return pageBody([], encodeCursor(after, filters));
    }
    const short = outcome === 'short' || (outcome === undefined && faultRandom.chance(faults.shortPageRate));
    const pageLimit = short && limit > 1 ? 1 + faultRandom.int(limit - 1) : limit;
    const { indices, more } = table.page(after, filters.minMicros, filters.maxMicros, pageLimit);
    const last = indices[indices.length - 1];
    const cutShort = pageLimit < limit && indices.length === pageLimit;
    const nextCursor =
      last !== undefined && (more || cutShort) ? encodeCursor({ updatedMicros: table.updatedMicros[last]!, index: last }, filters) : null;
    // The cursor goes past a held-back order as it would past any other: the walk does not meet it again.
    const body = pageBody(heldBack.size === 0 ? indices : indices.filter((index) => !heldBack.has(index)), nextCursor);
    if (outcome === 'wrong-shape' || indices.some((index) => pageBreakers.has(index)))
      return JSON.stringify({ data: { orders: [] }, next: null });
    if (outcome === 'cursor-type') return body.replace(/"next_cursor":(null|"[^"]*")\}$/, '"next_cursor":12345}');
    return body;
  }

  function limitOf(query: URLSearchParams): number {
    const limitText = query.get('limit');
    const limit = limitText === null ? PAGE_LIMIT_DEFAULT : /^\d{1,4}$/.test(limitText) ? Number(limitText) : NaN;
    if (!(limit >= 1 && limit <= PAGE_SIZE_MAX))
      throw new BadRequest(`limit must be an integer in 1..${PAGE_SIZE_MAX}, got "${limitText}"`);
    return limit;
  }

  /** The position the request's cursor stands at (null: none sent), refused when made for other filters or another walk. */
  function cursorPosition(query: URLSearchParams, filters: Filters, scope: CursorScope): Position | null {
    const cursorText = query.get('cursor');
    if (cursorText === null) return null;
    const decoded = decodeCursor(cursorText, table.size);
    if (!decoded.ok) throw new BadRequest(decoded.problem);
    if (decoded.filtersHash !== filtersHash(filters, scope)) {
      const field = scope === 'orders' ? 'updated_at' : 'deleted_at';
      throw new BadRequest(
        `cursor was issued for other filters or another route: send the same ${field}_min and ${field}_max as the walk began with`,
      );
    }
    return decoded.position;
  }

  /** `GET /orders?ids=a,b`: the orders among them that exist now (docs/source-contract.md "GET /orders?ids=…"). */
  function ordersById(query: URLSearchParams): string {
    const others = [...query.keys()].filter((name) => name !== 'ids');
    if (others.length > 0) throw new BadRequest(`ids takes no other parameter, got ${others.join(', ')}`);
    if (query.getAll('ids').length > 1) throw new BadRequest('parameter "ids" given more than once');
    const ids = query.get('ids')!.split(',');
    if (ids.length > IDS_MAX) throw new BadRequest(`ids takes 1..${IDS_MAX} order ids, got ${ids.length}`);
    if (ids.some((id) => id === '')) throw new BadRequest('ids must be a comma-separated list of order ids, with no empty one');
    const existing = [...new Set(ids)]
      .map((id) => indexOfOrderId(id, table.size))
      .filter((index): index is number => index !== null && !table.isDeleted(index) && !heldBack.has(index));
    return pageBody(existing, null);
  }

  /** `GET /orders/deleted`: the deletion feed, keyset-paged by (deleted_at, id). */
  function deletedPage(query: URLSearchParams): string {
    checkParameters(query, DELETED_PARAMETERS);
    const filters = parseFilters(query, 'deleted_at');
    const limit = limitOf(query);
    const after = cursorPosition(query, filters, 'deleted');
    const { entries, more } = feed.page(after, filters.minMicros, filters.maxMicros, limit);
    const last = entries[entries.length - 1];
    const nextCursor = more && last !== undefined ? encodeCursor(last, filters, 'deleted') : null;
    const deleted = entries.map(({ updatedMicros, index }) => ({ id: orderIdOf(index), deleted_at: microsToInstant(updatedMicros) }));
    return JSON.stringify({ deleted, next_cursor: nextCursor });
  }

  function pageBody(indices: readonly number[], nextCursor: string | null): string {
    return `{"orders":[${indices.map((index) => JSON.stringify(served(index))).join(',')}],"next_cursor":${JSON.stringify(nextCursor)}}`;
  }

  function ordersCount(query: URLSearchParams): string {
    checkParameters(query, COUNT_PARAMETERS);
    const filters = parseFilters(query);
    return JSON.stringify({ count: table.count(filters.minMicros, filters.maxMicros) });
  }

  function record(path: string, query: URLSearchParams, authorized: boolean, outcome: RecordedRequest['outcome']): void {
    const route = (byRoute[path] ??= {});
    route[String(outcome)] = (route[String(outcome)] ?? 0) + 1;
    recorded.push({ path, query: Object.fromEntries(query), authorized, outcome });
    if (recorded.length > RECORDED_REQUESTS) recorded.shift();
  }

  function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
    res.writeHead(status, {
      'content-type': headers['content-type'] ?? 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      ...headers,
    });
    res.end(body);
  }

  function errorBody(code: string, message: string): string {
    return JSON.stringify({ error: { code, message } });
  }

  function answer(req: IncomingMessage, res: ServerResponse, outcome: ScriptedOutcome | undefined): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname;
    const authorized = req.headers.authorization === `Bearer ${token}`;
    const done = (status: number, body: string, headers: Record<string, string> = {}): void => {
      record(path, url.searchParams, authorized, status);
      send(res, status, body, headers);
    };

    if (outcome === 'drop' || (outcome === undefined && faultRandom.chance(faults.dropRate))) {
      record(path, url.searchParams, authorized, 'dropped');
      req.socket.destroy();
      return;
    }
    if (outcome === 'hang') {
      record(path, url.searchParams, authorized, 'hung');
      return;
    }
    // The Date header is the source's clock: what a client reads its clock skew from.
    const headers: Record<string, string> = { date: new Date(sourceNowMs()).toUTCString() };
    if (faults.rateLimitPerSecond !== null) {
      const left = rateWindow.take(sourceNowMs(), faults.rateLimitPerSecond, faults.rateWindow);
      headers['x-ratelimit-limit'] = String(faults.rateLimitPerSecond);
      headers['x-ratelimit-remaining'] = String(Math.max(0, left));
      if (left < 0 && outcome === undefined) outcome = 429;
    }
    if (outcome === 429) {
      return done(429, errorBody('rate_limited', 'too many requests'), { ...headers, 'retry-after': String(faults.retryAfterSeconds) });
    }
    if (typeof outcome === 'number' || (outcome === undefined && faultRandom.chance(faults.errorRate))) {
      const status = typeof outcome === 'number' ? outcome : ([500, 502, 503, 504] as const)[faultRandom.int(4)]!;
      return done(status, errorBody('unavailable', `the orders service answered ${status} (injected fault)`), headers);
    }
    if (req.method !== 'GET') return done(405, errorBody('method_not_allowed', `${req.method} is not supported: use GET`), headers);
    if (!authorized) return done(401, errorBody('unauthorized', 'missing or invalid bearer token'), headers);
    try {
      if (path === '/orders') {
        if (outcome === 'not-json') {
          return done(200, '<html><body><h1>502 Bad Gateway</h1></body></html>', { ...headers, 'content-type': 'text/html' });
        }
        return done(200, ordersPage(url.searchParams, outcome), headers);
      }
      if (path === '/orders/count') return done(200, ordersCount(url.searchParams), headers);
      if (path === '/orders/deleted') return done(200, deletedPage(url.searchParams), headers);
      return done(404, errorBody('not_found', `no route ${path} (routes: /orders, /orders/count, /orders/deleted)`), headers);
    } catch (error) {
      if (error instanceof BadRequest) return done(400, errorBody('invalid_parameter', error.message), headers);
      throw error;
    }
  }

  const server = createServer((req, res) => {
    requestCount++;
    const outcome = scripted.shift();
    const respond = (): void => {
      try {
        answer(req, res, outcome);
      } catch (error) {
        send(res, 500, errorBody('internal', `fake orders API bug: ${(error as Error).message}`));
      }
    };
    if (faults.latencyMs > 0 && options.wait) void options.wait(faults.latencyMs).then(respond);
    else if (faults.latencyMs > 0) {
      const timer = setTimeout(() => {
        pendingTimers.delete(timer);
        respond();
      }, faults.latencyMs);
      pendingTimers.add(timer);
    } else respond();
  });
  server.keepAliveTimeout = 5000;
  const listening = await listenOnLoopback(server, { port: options.port });
  setLiveRate(options.liveRate ?? 0);

  return {
    url: listening.url,
    token,
    clockOffsetMs,
    async stop() {
      setLiveRate(0);
      for (const timer of pendingTimers) clearTimeout(timer);
      pendingTimers.clear();
      await listening.close();
    },
    truth(window = {}) {
      const bound = (instant: Instant | null | undefined): number | null => {
        if (instant === null || instant === undefined) return null;
        const parsed = parseTimestampMicros(instant);
        if (!parsed.ok) throw new RangeError(`truth(): ${instant} ${parsed.problem}`);
        return parsed.micros;
      };
      const { indices } = table.page(null, bound(window.from), bound(window.to), Number.POSITIVE_INFINITY);
      return indices.map((index) => ({ id: orderIdOf(index), updated_at: microsToInstant(table.updatedMicros[index]!) }));
    },
    order(id) {
      const index = indexOfOrderId(id, table.size);
      return index === null || table.isDeleted(index) ? undefined : served(index);
    },
    mutate,
    setFaults(change) {
      faults = checkedFaults({ ...faults, ...change });
    },
    resetFaults() {
      faults = NO_FAULTS;
      scripted.length = 0;
    },
    script(...outcomes) {
      scripted.push(...outcomes);
    },
    breakPagesOf(id, broken) {
      const index = indexOfOrderId(id, table.size);
      if (index === null) throw new RangeError(`no order ${id} in the fake shop`);
      if (broken) pageBreakers.add(index);
      else pageBreakers.delete(index);
    },
    holdBack(ids, held) {
      for (const index of ids.map(existingIndex)) {
        if (held) heldBack.add(index);
        else heldBack.delete(index);
      }
    },
    corruptOrder(id, patch) {
      const index = indexOfOrderId(id, table.size);
      if (index === null) throw new RangeError(`no order ${id} in the fake shop`);
      if (patch === null) corruptions.delete(index);
      else corruptions.set(index, patch);
    },
    reviseInSameSecond(id, patch) {
      const index = existingIndex(id);
      if ('updated_at' in patch) throw new RangeError('reviseInSameSecond: a revision in the same second keeps its updated_at');
      corruptions.set(index, { ...corruptions.get(index), ...patch });
    },
    setLiveRate,
    setLiveDeletionShare(share) {
      liveDeletionShare = checkedShare(share);
    },
    deleteOrders(ids) {
      if (ids.length === 0) throw new RangeError('deleteOrders: no ids');
      return { deletedAt: microsToInstant(deleteIndices(ids.map(existingIndex))) };
    },
    deletions() {
      return [...feed.deletedAt]
        .sort(([a, atA], [b, atB]) => atA - atB || a - b)
        .map(([index, at]) => ({ id: orderIdOf(index), deleted_at: microsToInstant(at) }));
    },
    dropDeletionsBefore(instant) {
      const parsed = parseTimestampMicros(instant);
      if (!parsed.ok) throw new RangeError(`dropDeletionsBefore(): ${instant} ${parsed.problem}`);
      return feed.dropBefore(parsed.micros);
    },
    stats() {
      return {
        requests: requestCount,
        byRoute: structuredClone(byRoute),
        orders: table.size,
        changes: changeCount,
        deleted: feed.deletedAt.size,
        tableBytes: table.bytes(),
      };
    },
    requests() {
      return [...recorded];
    },
    now() {
      return microsToInstant(sourceNowMs() * MICROS_PER_MS);
    },
  };
}

function checkedShare(share: number): number {
  if (!(share >= 0 && share <= 1)) throw new RangeError(`liveDeletionShare must be in 0..1, got ${share}`);
  return share;
}
