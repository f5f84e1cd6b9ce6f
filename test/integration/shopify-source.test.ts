// The Shopify source a deployment runs, against the fake Shopify over loopback: a full window walks a bulk export
// page by page (start, polls that ask the state machine to wait, one byte range a page), an incremental window and
// a run begun paged keep the paged query, and an export whose result is gone or that failed is started anew, a
// bounded number of times.
import type { Order } from '../../functions/core/order';
import { ShopifyBulkExport } from '../../functions/adapters/source/shopify/bulk-export';
import { ShopifyOrdersSource } from '../../functions/adapters/source/shopify/shopify-orders-source';
import { decodeBulkPlace, MAX_EXPORT_RESTARTS, ShopifySource } from '../../functions/adapters/source/shopify/shopify-source';
import { instantFromEpochMs } from '../../functions/core/instant';
import type { SourcePage } from '../../functions/core/ports';
import type { Window } from '../../functions/core/run-types';
import { startFakeShopify, type FakeShopify } from '../../local/fakes/shopify';
import { walkWindow } from '../support/fake-api-walk';

let now: number;
let fake: FakeShopify;
let paged: ShopifyOrdersSource;
const warnings: string[] = [];

function source(options: { bulk?: boolean; rangeBytes?: number } = {}): ShopifySource {
  const bulk = options.bulk === false ? undefined : new ShopifyBulkExport({ source: paged, apiVersion: '2025-10', clock: () => now });
  return new ShopifySource({
    paged,
    ...(bulk ? { bulk } : {}),
    rangeBytes: options.rangeBytes ?? 32 * 1024,
    clock: () => now,
    logger: { info: () => undefined, warn: (message) => warnings.push(message) },
  });
}

/** One page, the clock moved on by what the page asked to wait. */
async function step(shopify: ShopifySource, window: Window, cursor: string | null): Promise<SourcePage<Order>> {
  const page = await shopify.fetchPage({ window, cursor, limit: 250 });
  now += (page.waitSeconds ?? 0) * 1000;
  return page;
}

beforeEach(async () => {
  now = Date.UTC(2026, 10, 20, 9, 0, 0, 0);
  warnings.length = 0;
  fake = await startFakeShopify({
    shop: { orders: 300, seed: 5 },
    clock: () => now,
    bucket: { maximumAvailable: 1e7, restoreRate: 1e7 },
    bulkRate: 50,
  });
  paged = new ShopifyOrdersSource({
    shopDomain: fake.url,
    apiVersion: '2025-10',
    token: fake.token,
    backoff: { baseMs: 1, capMs: 5 },
    clock: () => now,
  });
});
afterEach(async () => {
  await paged.close();
  await fake.stop();
});

describe('a full window', () => {
  it('walks one bulk export: a start, polls that ask to wait (longer as the export ages), then the result range by range, every order once', async () => {
    const window = { from: null, to: fake.shop.now() };
    const shopify = source();
    const pages: SourcePage[] = [];
    let cursor: string | null = null;
    do {
      const page = await step(shopify, window, cursor);
      pages.push(page);
      cursor = page.nextCursor;
    } while (cursor !== null && pages.length < 100);

    const phases = pages.map((page) => (page.nextCursor === null ? 'end' : decodeBulkPlace(page.nextCursor).phase));
    expect(phases[0]).toBe('exporting');
    expect(pages[0]!.waitSeconds).toBe(2);
    // 300 orders at 50 a second: 6 s of export, polled every 2 s or more.
    const polls = pages.filter((page, i) => i > 0 && phases[i] === 'exporting');
    expect(polls.length).toBeGreaterThanOrEqual(1);
    expect(polls.every((page) => page.waitSeconds! >= 2 && page.records.length === 0)).toBe(true);
    expect(phases.filter((phase) => phase === 'reading').length).toBeGreaterThan(3);
    expect(phases.at(-1)).toBe('end');
    expect(pages.filter((page) => phases[pages.indexOf(page)] === 'reading').every((page) => page.waitSeconds === undefined)).toBe(true);
    expect(pages.flatMap((page) => page.records).map((order) => ({ id: order.id, updated_at: order.updatedAt }))).toEqual(
      fake.truth(window),
    );
    expect(fake.bulk.list()).toHaveLength(1);
    expect(fake.calls().filter((call) => call.operation === 'OrdersPage')).toHaveLength(0);
    // The cursors (saved in the sync state) hold the operation and an offset, never the result's signed URL.
    const reading = pages.map((page) => page.nextCursor).filter((next) => next !== null && decodeBulkPlace(next).phase === 'reading');
    expect(reading.map((next) => Object.keys(decodeBulkPlace(next!)).sort())).toEqual(
      reading.map(() => ['offset', 'operationId', 'phase', 'restarts', 'startedAtMs']),
    );
    const signatures = fake.bulk.urlsIssued().map((url) => new URL(url).searchParams.get('X-Goog-Signature')!);
    expect(signatures.length).toBeGreaterThan(0);
    const cursors = pages.map((page) => `${page.nextCursor} ${Buffer.from(page.nextCursor?.slice(5) ?? '', 'base64url').toString()}`);
    expect(cursors.filter((text) => signatures.some((signature) => text.includes(signature.slice(0, 16))))).toEqual([]);
    // Every page of the file was read when the export started (what orders it against a later read of the same second).
    const exportStarted = (decodeBulkPlace(pages[0]!.nextCursor!) as { startedAtMs: number }).startedAtMs;
    const withOrders = pages.filter((page) => page.records.length > 0);
    expect(withOrders.map((page) => page.readAt)).toEqual(withOrders.map(() => instantFromEpochMs(exportStarted)));
  });

  it('a cursor saved by an earlier version, with the result URL in it, reads on from its offset and is saved again without it', async () => {
    const window = { from: null, to: fake.shop.now() };
    const shopify = source();
    let cursor: string | null = null;
    do cursor = (await step(shopify, window, cursor)).nextCursor;
    while (decodeBulkPlace(cursor!).phase !== 'reading');
    const place = decodeBulkPlace(cursor!) as { operationId: string };
    const url = 'https://storage.example/bulk.jsonl?X-Goog-Signature=0123456789abcdef';
    const earlier = `bulk:${Buffer.from(JSON.stringify({ ...place, url, urlExpiresAtMs: null })).toString('base64url')}`;

    const page = await step(source(), window, earlier);

    expect(page.records.length).toBeGreaterThan(0);
    expect(decodeBulkPlace(page.nextCursor!)).toEqual({ ...place, offset: expect.any(Number) });
    expect(Buffer.from(page.nextCursor!.slice(5), 'base64url').toString()).not.toContain('storage.example');
  });

  it('pages instead when bulk is off, and a run begun paged goes on paged after bulk is turned on', async () => {
    const window = { from: null, to: fake.shop.now() };
    const walk = await walkWindow(source({ bulk: false }), window, 50);
    expect(walk.orders).toHaveLength(300);
    const first = await source({ bulk: false }).fetchPage({ window, cursor: null, limit: 50 });
    const rest = await walkWindow(
      { fetchPage: (request) => source().fetchPage({ ...request, cursor: request.cursor ?? first.nextCursor }), count: async () => 0 },
      window,
      50,
    );
    expect([...first.records, ...rest.orders].map((order) => order.id)).toEqual(fake.truth(window).map((order) => order.id));
    expect(fake.bulk.list()).toHaveLength(0);
  });
});

it('an incremental window keeps the paged query', async () => {
  const all = fake.truth();
  const window = { from: all[200]!.updated_at, to: fake.shop.now() };
  const walk = await walkWindow(source(), window, 50);
  expect(walk.orders.map((order) => order.id)).toEqual(fake.truth(window).map((order) => order.id));
  expect(fake.bulk.list()).toHaveLength(0);
});

describe('an export that cannot be used', () => {
  async function placeAfterReading(shopify: ShopifySource, window: Window, ranges: number): Promise<{ cursor: string; seen: string[] }> {
    let cursor: string | null = null;
    const seen: string[] = [];
    for (let read = 0; read < ranges;) {
      const page = await step(shopify, window, cursor);
      seen.push(...page.records.map((order) => order.id));
      if (cursor !== null && decodeBulkPlace(cursor).phase === 'reading') read++;
      cursor = page.nextCursor!;
    }
    return { cursor: cursor!, seen };
  }

  it("a resume past the result URL's expiry starts a new export from the first byte, says so, and ends with every order", async () => {
    const window = { from: null, to: fake.shop.now() };
    const { cursor, seen } = await placeAfterReading(source(), window, 2);
    expect(decodeBulkPlace(cursor)).toMatchObject({ phase: 'reading', restarts: 0 });
    expect(decodeBulkPlace(cursor)).toHaveProperty('offset', expect.any(Number));
    now += 8 * 86_400_000;

    const restarted = await step(source(), window, cursor);

    expect(restarted.records).toEqual([]);
    expect(decodeBulkPlace(restarted.nextCursor!)).toEqual({ phase: 'starting', restarts: 1, blockedSinceMs: null });
    expect(warnings).toEqual([expect.stringMatching(/^Shopify bulk export unusable at byte \d+ of its result: starting a new export/)]);
    const rest = await walkWindow(
      { fetchPage: (request) => step(source(), window, request.cursor ?? restarted.nextCursor), count: async () => 0 },
      window,
      250,
    );
    expect(fake.bulk.list()).toHaveLength(2);
    expect(new Set([...seen, ...rest.orders.map((order) => order.id)]).size).toBe(300);
    expect(rest.orders.map((order) => order.id)).toEqual(fake.truth(window).map((order) => order.id));
  });

  it('a FAILED or CANCELED export is started anew up to the bound, then fails the run with its named error', async () => {
    const window = { from: null, to: fake.shop.now() };
    const shopify = source();
    let cursor = (await step(shopify, window, null)).nextCursor;
    for (let restart = 1; restart <= MAX_EXPORT_RESTARTS; restart++) {
      const { operationId } = decodeBulkPlace(cursor!) as { operationId: string };
      fake.bulk.end(operationId, restart === 1 ? 'CANCELED' : 'FAILED', { errorCode: 'INTERNAL_SERVER_ERROR' });
      const page = await step(shopify, window, cursor);
      expect(decodeBulkPlace(page.nextCursor!)).toMatchObject({ phase: 'starting', restarts: restart });
      cursor = (await step(shopify, window, page.nextCursor)).nextCursor;
      expect(decodeBulkPlace(cursor!)).toMatchObject({ phase: 'exporting', restarts: restart });
    }
    fake.bulk.end((decodeBulkPlace(cursor!) as { operationId: string }).operationId, 'FAILED', { errorCode: 'TIMEOUT' });

    const error = await step(shopify, window, cursor).catch((e: unknown) => e);

    expect((error as Error).name).toBe('BulkOperationFailedError');
    expect((error as Error).message).toMatch(/FAILED \(TIMEOUT\).*after 2 new exports in this run/);
    expect(fake.bulk.list()).toHaveLength(MAX_EXPORT_RESTARTS + 1);
    expect(warnings).toHaveLength(MAX_EXPORT_RESTARTS);
  });

  it('another query holding the slot makes the page wait 30 s and start again, keeping when the wait began', async () => {
    const other = fake.bulk.startOther();
    const window = { from: null, to: fake.shop.now() };
    const blocked = await step(source(), window, null);
    expect(blocked.waitSeconds).toBe(30);
    expect(decodeBulkPlace(blocked.nextCursor!)).toEqual({ phase: 'starting', restarts: 0, blockedSinceMs: now - 30_000 });
    fake.bulk.end(other, 'CANCELED');
    const started = await step(source(), window, blocked.nextCursor);
    expect(decodeBulkPlace(started.nextCursor!)).toMatchObject({ phase: 'exporting' });
  });
});
