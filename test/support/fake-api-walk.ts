// Walks a window of an OrderSource to its end, as the sync does page by page: for the source's tests and
// any test that wants every order of a window from the fake orders API.
import type { Order } from '../../functions/core/order';
import type { OrderSource, SourceCallStats } from '../../functions/core/ports';
import type { Window } from '../../functions/core/run-types';

export interface Walk {
  orders: Order[];
  pages: number;
  /** Pages that came back empty or shorter than the limit while still carrying a cursor. */
  shortPages: number;
  /** The pages' stats added up (clockSkewMs: the last one seen). */
  stats: SourceCallStats;
}

/** Fetches pages until next_cursor is null; fails after `maxPages` so a broken walk cannot loop forever. */
export async function walkWindow(source: OrderSource, window: Window, limit: number, maxPages = 10_000): Promise<Walk> {
  const walk: Walk = { orders: [], pages: 0, shortPages: 0, stats: { requests: 0, throttled: 0, retried: 0 } };
  let cursor: string | null = null;
  do {
    if (walk.pages === maxPages) throw new Error(`walk did not end within ${maxPages} pages`);
    const page = await source.fetchPage({ window, cursor, limit });
    walk.pages++;
    walk.orders.push(...page.orders);
    if (page.nextCursor !== null && page.orders.length < limit) walk.shortPages++;
    walk.stats.requests += page.stats.requests;
    walk.stats.throttled += page.stats.throttled;
    walk.stats.retried += page.stats.retried;
    if (page.stats.clockSkewMs !== undefined) walk.stats.clockSkewMs = page.stats.clockSkewMs;
    cursor = page.nextCursor;
  } while (cursor !== null);
  return walk;
}
