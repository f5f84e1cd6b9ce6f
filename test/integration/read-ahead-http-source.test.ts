// The HTTP source with read-ahead (as the SyncPage function composes it) against the fake orders API in real time:
// a walk whose every page is followed by some work (the page step's store) fetches each next page during that
// work, so the walk takes about the work's time, not the work's plus the source's; and asks for each page once.
import { HttpSource } from '../../functions/adapters/source/http-source';
import { ReadAheadSource } from '../../functions/adapters/source/read-ahead-source';
import type { RecordSource } from '../../functions/core/ports';
import { startFakeOrdersApi, type FakeOrdersApi } from '../../local/fakes/orders-api';

const LATENCY_MS = 400;
const STORE_MS = 400;
const PAGES = 6;
const LIMIT = 25;
const ORDERS = PAGES * LIMIT - 5;

/** Walks the whole window as the page steps do: fetch a page, then store it (here: wait), then the next. */
async function walkStoringEachPage(source: RecordSource, api: FakeOrdersApi): Promise<{ orders: string[]; pages: number }> {
  const window = { from: null, to: api.now() };
  let cursor: string | null = null;
  const orders: string[] = [];
  let pages = 0;
  do {
    const page = await source.fetchPage({ window, cursor, limit: LIMIT });
    await new Promise((resolve) => setTimeout(resolve, STORE_MS));
    orders.push(...page.records.map((order) => order.id));
    pages++;
    cursor = page.nextCursor;
  } while (cursor !== null);
  return { orders, pages };
}

describe('the HTTP source read ahead', () => {
  let api: FakeOrdersApi;
  let http: HttpSource;

  beforeAll(async () => {
    api = await startFakeOrdersApi({ orders: ORDERS, seed: 7, faults: { latencyMs: LATENCY_MS } });
    http = new HttpSource({ baseUrl: api.url, token: api.token });
  });
  afterAll(async () => {
    await http.close();
    await api.stop();
  });

  it('fetches each next page while the last one is stored: every order once, one request a page, the fetches hidden', async () => {
    const source = new ReadAheadSource(http, { clock: Date.now, log: { info: () => undefined } });
    const startedAt = performance.now();

    const walk = await walkStoringEachPage(source, api);

    const ms = performance.now() - startedAt;
    expect(walk.pages).toBe(PAGES);
    expect(new Set(walk.orders).size).toBe(ORDERS);
    expect(walk.orders).toEqual(api.truth().map((order) => order.id));
    expect(api.stats().byRoute['/orders']).toEqual({ '200': PAGES });
    // One after the other: 6 x (400 + 400) ms = 4.8 s at least. Read ahead: the first fetch, then 6 stores, 2.8 s.
    expect(ms).toBeLessThan(0.8 * PAGES * (LATENCY_MS + STORE_MS));
  });
});
