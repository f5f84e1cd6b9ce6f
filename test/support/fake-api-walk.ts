// Walks a window of a RecordSource (orders by default, any stream's records) to its end, as the sync does page by
// page: for the source's tests and any test that wants every record of a window from the fake source API; and the live
// walk both connectors' tests share (docs/source-contract.md's promise while the shop changes records).
import type { Instant, Order } from '../../functions/core/order';
import type { RecordSource, SourceCallStats } from '../../functions/core/ports';
import type { SyncRecord } from '../../functions/core/record';
import type { Window } from '../../functions/core/run-types';

export interface Walk<R extends SyncRecord = Order> {
  /** The records of every page, in the order served (the orders of the orders stream, the products of products, ...). */
  orders: R[];
  pages: number;
  /** Pages that came back empty or shorter than the limit while still carrying a cursor. */
  shortPages: number;
  /** The pages' stats added up (clockSkewMs: the last one seen). */
  stats: SourceCallStats;
}

/** Fetches pages until next_cursor is null; fails after `maxPages` so a broken walk cannot loop forever. */
export async function walkWindow<R extends SyncRecord = Order>(
  source: RecordSource<R>,
  window: Window,
  limit: number,
  maxPages = 10_000,
): Promise<Walk<R>> {
  const walk: Walk<R> = { orders: [], pages: 0, shortPages: 0, stats: { requests: 0, throttled: 0, retried: 0 } };
  let cursor: string | null = null;
  do {
    if (walk.pages === maxPages) throw new Error(`walk did not end within ${maxPages} pages`);
    const page = await source.fetchPage({ window, cursor, limit });
    walk.pages++;
    walk.orders.push(...page.records);
    if (page.nextCursor !== null && page.records.length < limit) walk.shortPages++;
    walk.stats.requests += page.stats.requests;
    walk.stats.throttled += page.stats.throttled;
    walk.stats.retried += page.stats.retried;
    if (page.stats.clockSkewMs !== undefined) walk.stats.clockSkewMs = page.stats.clockSkewMs;
    cursor = page.nextCursor;
  } while (cursor !== null);
  return walk;
}

/** A fake shop seen through one connector: its orders now (ids as that connector returns them) and its live changes. */
export interface LiveShop {
  truth(window?: Window): Array<{ id: string; updated_at: Instant }>;
  setLiveRate(changesPerSecond: number): void;
  /** Changes the live mode has made so far. */
  changes(): number;
}

export interface LiveWalkCase {
  /** The source's clock against ours: 0, or behind (negative), so changed orders move to the window's end. */
  clockOffsetMs: number;
  /** The window starts at this order's updated_at; null: from the beginning. */
  fromIndex: number | null;
  /** Changes per second while the walk runs (default 400); a walk must outpace it to reach the window's end. */
  liveRate?: number;
}

/**
 * docs/source-contract.md's promise, end to end: a walk that keeps its filters, while the shop changes hundreds of orders a
 * second, loses no order that stays inside the window (duplicates allowed) and returns nothing outside it.
 */
export async function expectLiveWalkLosesNothing<R extends SyncRecord>(
  source: RecordSource<R>,
  shop: LiveShop,
  { clockOffsetMs, fromIndex, liveRate = 400 }: LiveWalkCase,
): Promise<void> {
  const to = new Date().toISOString().replace('Z', '000Z');
  const window: Window = { from: fromIndex === null ? null : shop.truth()[fromIndex]!.updated_at, to };
  const before = shop.truth(window);

  // The shop as it was when the walk sent its last request: an order placed after that (the live timer can
  // still fire before setLiveRate(0) below) was never promised to this walk.
  let beforeLastRequest = new Set<string>();
  const recordingSource: RecordSource<R> = {
    fetchPage: (request) => {
      beforeLastRequest = new Set(shop.truth(window).map((order) => order.id));
      return source.fetchPage(request);
    },
    count: (countedWindow) => source.count(countedWindow),
  };
  shop.setLiveRate(liveRate);
  const walk = await walkWindow(recordingSource, window, 100);
  shop.setLiveRate(0);

  const after = shop.truth(window);
  const seen = new Map<string, Set<string>>();
  for (const order of walk.orders) seen.set(order.id, (seen.get(order.id) ?? new Set()).add(order.updatedAt));
  const missing = after.filter((order) => beforeLastRequest.has(order.id) && !seen.has(order.id));
  expect(beforeLastRequest.size).toBeGreaterThan(0);
  expect(shop.changes()).toBeGreaterThan(200);
  expect(missing).toEqual([]);
  // Nothing outside the window, and no version the shop never had after the walk began.
  expect(walk.orders.every((order) => order.updatedAt < to && (window.from === null || order.updatedAt >= window.from))).toBe(true);
  if (clockOffsetMs === 0) {
    // Orders changed during the walk left the window; those that stayed were never changed and were seen as they are.
    expect(after.length).toBeLessThan(before.length);
    expect(after.filter((order) => !seen.get(order.id)!.has(order.updated_at))).toEqual([]);
  } else {
    // Orders changed after the walk passed them were met again at the window's end.
    expect(walk.orders.length).toBeGreaterThan(new Set(walk.orders.map((order) => order.id)).size);
  }
}
