// The Shopify bulk export against the fake Shopify over loopback: start, poll and read a JSONL result range by range
// (a resume from the middle, an order whose children straddle a range boundary), an operation already running (ours
// adopted, another query waited for with a bound), FAILED / CANCELED / EXPIRED named, an expired result URL; the
// result's signed URL asked of Shopify when a read needs it (and again when storage refuses it), never handed out.
import {
  BulkOperationBusyError,
  BulkOperationFailedError,
  BulkResultExpiredError,
  ShopifyBulkExport,
  type BulkStatus,
} from '../../functions/adapters/source/shopify/bulk-export';
import { assemble } from '../../functions/adapters/source/shopify/bulk-jsonl';
import { mapShopifyOrder } from '../../functions/adapters/source/shopify/map-order';
import { ORDERS_PAGE_QUERY } from '../../functions/adapters/source/shopify/queries';
import { ShopifyOrdersSource } from '../../functions/adapters/source/shopify/shopify-orders-source';
import { InvalidPageError, SourceAuthError } from '../../functions/core/errors';
import type { Order } from '../../functions/core/order';
import type { Window } from '../../functions/core/run-types';
import { request } from 'undici';
import { startFakeShopify, type FakeShopify } from '../../local/fakes/shopify';
import { answerProblems } from '../support/shopify-schema';
import { walkWindow } from '../support/fake-api-walk';

let now: number;
let fake: FakeShopify;
const sources: ShopifyOrdersSource[] = [];

function exporter(options: { apiVersion?: string; maxBlockedMs?: number; on?: FakeShopify; clock?: () => number } = {}): ShopifyBulkExport {
  const on = options.on ?? fake;
  const apiVersion = options.apiVersion ?? '2025-10';
  const source = new ShopifyOrdersSource({
    shopDomain: on.url,
    apiVersion,
    token: on.token,
    backoff: { baseMs: 1, capMs: 5 },
    clock: () => now,
  });
  sources.push(source);
  return new ShopifyBulkExport({ source, apiVersion, clock: options.clock ?? (() => now), maxBlockedMs: options.maxBlockedMs });
}

/** Starts an export of the window and moves the clock until it completes. */
async function completed(bulk: ShopifyBulkExport, window: Window): Promise<BulkStatus> {
  const started = await bulk.start({ window });
  if (started.kind !== 'started') throw new Error('blocked');
  for (let polls = 0; polls < 100; polls++) {
    const status = await bulk.poll(started.operationId);
    if (status.done) return status;
    now += 1_000;
  }
  throw new Error('never completed');
}

async function readAll(
  bulk: ShopifyBulkExport,
  operationId: string,
  maxBytes: number,
  from = 0,
): Promise<{ orders: Order[]; ranges: number }> {
  const orders: Order[] = [];
  let offset = from;
  for (let ranges = 1; ; ranges++) {
    const range = await bulk.readRange({ operationId, offset, maxBytes });
    orders.push(...range.records);
    expect(range.nextOffset).toBeGreaterThanOrEqual(offset);
    offset = range.nextOffset;
    if (range.done) return { orders, ranges };
  }
}

beforeEach(async () => {
  now = Date.UTC(2026, 10, 20, 9, 0, 0, 0);
  fake = await startFakeShopify({
    shop: { orders: 400, seed: 8 },
    clock: () => now,
    bucket: { maximumAvailable: 1e7, restoreRate: 1e7 },
    bulkRate: 100,
  });
});
afterEach(async () => {
  await Promise.all(sources.splice(0).map((source) => source.close()));
  await fake.stop();
});

describe('a bulk export of a window', () => {
  it("runs at the fake's export rate, then its result, read range by range, holds every order of the window as the paged query maps it", async () => {
    const window = { from: null, to: fake.shop.now() };
    const bulk = exporter();
    const started = await bulk.start({ window });
    expect(started).toMatchObject({ kind: 'started', adopted: false });
    const id = (started as { operationId: string }).operationId;
    now += 2_000;
    const running = await bulk.poll(id);
    expect(running).toMatchObject({ status: 'RUNNING', done: false, hasResult: false, rootObjectCount: 200 });
    now += 2_000; // 400 orders at 100 a second
    const done = await bulk.poll(id);
    expect(done).toMatchObject({ status: 'COMPLETED', done: true, hasResult: true, rootObjectCount: 400 });
    expect(JSON.stringify(done)).not.toMatch(/X-Goog-Signature|bulk-results/);
    expect(done.fileSize).toBe(fake.bulk.result(id)!.byteLength);
    expect(Date.parse(done.urlExpiresAt!) - now).toBeGreaterThan(6.9 * 86_400_000);

    const { orders, ranges } = await readAll(bulk, id, 64 * 1024);

    expect(ranges).toBeGreaterThan(3);
    expect(orders.map((order) => ({ id: order.id, updated_at: order.updatedAt }))).toEqual(fake.truth(window));
    const paged = await walkWindow(sources[0]!, window, 100);
    const byId = new Map(paged.orders.map((order) => [order.id, order]));
    for (const order of orders) {
      const { raw: _bulkRaw, ...bulkOrder } = order;
      const { raw: _pagedRaw, ...pagedOrder } = byId.get(order.id)!;
      expect(bulkOrder).toEqual(pagedOrder);
    }
  });

  it('resumes from the middle of the result file: a new process reads on from the saved offset, no order twice or missed', async () => {
    const window = { from: null, to: fake.shop.now() };
    const done = await completed(exporter(), window);
    const first = exporter();
    const seen: Order[] = [];
    let offset = 0;
    for (let i = 0; i < 3; i++) {
      const range = await first.readRange({ operationId: done.operationId, offset, maxBytes: 20_000 });
      seen.push(...range.records);
      offset = range.nextOffset;
    }
    // The saved offset is an order's first byte: the file has a parent line there.
    const result = fake.bulk.result(done.operationId)!;
    expect(result[offset - 1]).toBe(0x0a);
    expect(JSON.parse(result.subarray(offset, result.indexOf(0x0a, offset)).toString()).__parentId).toBeUndefined();

    const rest = await readAll(exporter(), done.operationId, 20_000, offset);

    expect([...seen, ...rest.orders].map((order) => order.id)).toEqual(fake.truth(window).map((order) => order.id));
  });

  it('an order whose children straddle a range boundary comes whole in the next range, which starts at its first byte', async () => {
    const window = { from: null, to: fake.shop.now() };
    const done = await completed(exporter(), window);
    const result = fake.bulk.result(done.operationId)!;
    // Line starts of the parents; pick an order with many children (line items) and the order before it.
    const parents: Array<{ start: number; id: string; lines: number }> = [];
    for (let start = 0; start < result.length;) {
      const end = result.indexOf(0x0a, start);
      const line = JSON.parse(result.subarray(start, end).toString()) as { id: string; __parentId?: string };
      if (line.__parentId === undefined) parents.push({ start, id: line.id, lines: 1 });
      else parents[parents.length - 1]!.lines++;
      start = end + 1;
    }
    const bigIndex = parents.findIndex((parent, i) => i > 0 && parent.lines > 6);
    expect(bigIndex).toBeGreaterThan(0);
    const before = parents[bigIndex - 1]!;
    const big = parents[bigIndex]!;
    const bigEnd = parents[bigIndex + 1]?.start ?? result.length;
    const maxBytes = big.start - before.start + Math.floor((bigEnd - big.start) / 2);

    const bulk = exporter();
    const cut = await bulk.readRange({ operationId: done.operationId, offset: before.start, maxBytes });

    expect(cut.records.map((order) => order.id)).toEqual([before.id]);
    expect(cut.nextOffset).toBe(big.start);
    expect(cut.done).toBe(false);
    const next = await bulk.readRange({ operationId: done.operationId, offset: cut.nextOffset, maxBytes: bigEnd - big.start + 10 });
    expect(next.records[0]!.id).toBe(big.id);
    expect(next.records[0]!.lineItems).toHaveLength((fake.order(big.id)!.lineItems as { nodes: unknown[] }).nodes.length);
    // A range too small for even one order grows until the order fits, rather than never moving.
    const grown = await bulk.readRange({ operationId: done.operationId, offset: big.start, maxBytes: 100 });
    expect(grown.records[0]!.id).toBe(big.id);
    expect(grown.nextOffset).toBeGreaterThanOrEqual(bigEnd);
  });

  it('reassembled bulk orders are shaped as the Admin API schema says an Order is (checked with the paged document)', async () => {
    const done = await completed(exporter(), { from: null, to: fake.shop.now() });
    const { nodes } = assemble(fake.bulk.result(done.operationId)!, true);
    const asPage = nodes.slice(0, 50).map((node) => {
      const withPageInfo = { ...node };
      for (const field of ['lineItems', 'discountApplications', 'shippingLines']) {
        withPageInfo[field] = { ...(node[field] as object), pageInfo: { hasNextPage: false, endCursor: null } };
      }
      return withPageInfo;
    });
    const data = { orders: { nodes: asPage, pageInfo: { hasNextPage: false, endCursor: null } } };
    expect(answerProblems(ORDERS_PAGE_QUERY, '2025-10', data, { first: 50, query: 'x', lineItems: 250 })).toEqual([]);
    expect(nodes.map((node) => mapShopifyOrder(node).id)).toHaveLength(400);
  });
});

/** The BulkOperation queries the fake has answered since call number `since`. */
function urlQueries(since = 0): number {
  return fake
    .calls()
    .slice(since)
    .filter((call) => call.operation === 'BulkOperation').length;
}

describe("the result's signed URL", () => {
  it('stays inside the export: a new process asks Shopify for it (node(id:)) at its first read, a warm one reuses it', async () => {
    const window = { from: null, to: fake.shop.now() };
    const done = await completed(exporter(), window);
    const reader = exporter();
    const before = fake.calls().length;

    const first = await reader.readRange({ operationId: done.operationId, offset: 0, maxBytes: 20_000 });
    expect(urlQueries(before)).toBe(1);
    expect(first.stats.requests).toBe(2); // the URL, then the range
    const second = await reader.readRange({ operationId: done.operationId, offset: first.nextOffset, maxBytes: 20_000 });

    expect(urlQueries(before)).toBe(1);
    expect(second.stats.requests).toBe(1);
    expect(JSON.stringify([first, second])).not.toMatch(/X-Goog|bulk-results/);
  });

  it('a kept URL about to lapse is replaced by a fresh one before the read, and the read goes on from its offset', async () => {
    await fake.stop();
    fake = await startFakeShopify({
      shop: { orders: 400, seed: 8 },
      clock: () => now,
      bucket: { maximumAvailable: 1e7, restoreRate: 1e7 },
      bulkRate: 100,
      bulkUrlTtlMs: 3_600_000,
    });
    const window = { from: null, to: fake.shop.now() };
    const bulk = exporter();
    const done = await completed(bulk, window);
    const first = await bulk.readRange({ operationId: done.operationId, offset: 0, maxBytes: 20_000 });
    now += 2 * 3_600_000;
    const before = fake.calls().length;

    const rest = await readAll(bulk, done.operationId, 20_000, first.nextOffset);

    expect(urlQueries(before)).toBe(1);
    expect([...first.records, ...rest.orders].map((order) => order.id)).toEqual(fake.truth(window).map((order) => order.id));
    expect(fake.bulk.urlsIssued().length).toBeGreaterThanOrEqual(2);
  });

  it("a kept URL that storage refuses (our clock behind storage's: it looked valid) is asked for again once, and the read goes on", async () => {
    await fake.stop();
    fake = await startFakeShopify({
      shop: { orders: 400, seed: 8 },
      clock: () => now,
      bucket: { maximumAvailable: 1e7, restoreRate: 1e7 },
      bulkRate: 100,
      bulkUrlTtlMs: 3_600_000,
    });
    const behindMs = 3 * 3_600_000;
    const bulk = exporter({ clock: () => now - behindMs });
    const done = await completed(bulk, { from: null, to: fake.shop.now() });
    const first = await bulk.readRange({ operationId: done.operationId, offset: 0, maxBytes: 20_000 });
    now += 2 * 3_600_000;
    const before = fake.calls().length;

    const second = await bulk.readRange({ operationId: done.operationId, offset: first.nextOffset, maxBytes: 20_000 });

    expect(urlQueries(before)).toBe(1);
    expect(second.records.length).toBeGreaterThan(0);
    expect(second.stats.requests).toBe(3); // the refused range, the new URL, the range again
  });

  it('is refused by storage unsigned or with a wrong signature (403), past its lifetime (400 ExpiredToken), and only then', async () => {
    await fake.stop();
    fake = await startFakeShopify({ shop: { orders: 50, seed: 8 }, clock: () => now, bulkRate: 1e6, bulkUrlTtlMs: 3_600_000 });
    await completed(exporter(), { from: null, to: fake.shop.now() });
    const signed = new URL(fake.bulk.list()[0]!.url!);
    const answer = async (url: URL) => {
      const response = await request(url, { headers: { range: 'bytes=0-9' } });
      const text = await response.body.text();
      return `${response.statusCode} ${/<Code>([^<]+)/.exec(text)?.[1] ?? ''}`.trim();
    };
    const changed = (name: string, value: string | null) => {
      const url = new URL(signed);
      if (value === null) url.searchParams.delete(name);
      else url.searchParams.set(name, value);
      return url;
    };

    expect(await answer(signed)).toBe('206');
    expect(await answer(new URL(signed.pathname, signed.origin))).toBe('403 AccessDenied');
    expect(await answer(changed('X-Goog-Signature', null))).toBe('403 AccessDenied');
    expect(await answer(changed('X-Goog-Signature', '0'.repeat(64)))).toBe('403 SignatureDoesNotMatch');
    expect(await answer(changed('X-Goog-Expires', '604800'))).toBe('403 SignatureDoesNotMatch');
    now += 3_600_000;
    expect(await answer(signed)).toBe('400 ExpiredToken');
  });
});

describe('an export result that is gone', () => {
  it('a result past its 7 days is named, on read and on poll (EXPIRED): a new export is needed', async () => {
    const bulk = exporter();
    const done = await completed(bulk, { from: null, to: fake.shop.now() });
    now += 7 * 86_400_000 + 1_000;

    const error = await bulk.readRange({ operationId: done.operationId, offset: 0, maxBytes: 10_000 }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(BulkResultExpiredError);
    expect((error as Error).message).toMatch(/has EXPIRED.*a new export is needed/);
    await expect(bulk.poll(done.operationId)).rejects.toThrow(/has EXPIRED/);
  });

  it.each([
    ['FAILED', { errorCode: 'TIMEOUT' as const }, BulkOperationFailedError, /FAILED \(TIMEOUT\): the export ran out of time/],
    [
      'FAILED',
      { errorCode: 'INTERNAL_SERVER_ERROR' as const, partial: true },
      BulkOperationFailedError,
      /partial data, which a full resync cannot use/,
    ],
    ['FAILED', { errorCode: 'ACCESS_DENIED' as const }, SourceAuthError, /ACCESS_DENIED/],
    ['CANCELED', {}, BulkOperationFailedError, /was CANCELED/],
  ] as const)('an operation that ends %s (%o) is a named error', async (outcome, options, type, message) => {
    const bulk = exporter();
    const started = (await bulk.start({ window: { from: null, to: fake.shop.now() } })) as { operationId: string };
    fake.bulk.end(started.operationId, outcome, options);

    const error = await bulk.poll(started.operationId).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).name).toBe(type.name);
    // Partial data has a signed URL too: the error says there is some, never where.
    expect(JSON.stringify({ ...(error as object), message: (error as Error).message })).not.toMatch(/X-Goog|bulk-results/);
  });
});

describe('an operation already running', () => {
  it('ours over the same window (a start step retried after Shopify created it) is adopted, running or done', async () => {
    const window = { from: null, to: fake.shop.now() };
    const first = await exporter().start({ window });
    const again = await exporter().start({ window });
    expect(again).toEqual({ kind: 'started', operationId: (first as { operationId: string }).operationId, adopted: true });
    now += 10_000;
    await expect(exporter().start({ window })).resolves.toMatchObject({ adopted: true });
    expect(fake.bulk.list()).toHaveLength(1);
  });

  it('another query of the app is waited for (blocked, the state machine waits) with a clear error after the bound; then the export starts', async () => {
    const other = fake.bulk.startOther();
    const bulk = exporter({ maxBlockedMs: 60_000 });
    const window = { from: null, to: fake.shop.now() };

    const blocked = await bulk.start({ window });
    expect(blocked).toEqual({ kind: 'blocked', blockingOperationIds: [other], blockedSinceMs: now });
    now += 30_000;
    await expect(bulk.start({ window, blockedSinceMs: (blocked as { blockedSinceMs: number }).blockedSinceMs })).resolves.toMatchObject({
      kind: 'blocked',
    });
    now += 31_000;
    const error = await bulk
      .start({ window, blockedSinceMs: (blocked as { blockedSinceMs: number }).blockedSinceMs })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BulkOperationBusyError);
    expect((error as BulkOperationBusyError).retryable).toBe(true);
    expect((error as Error).message).toMatch(
      new RegExp(`another bulk query of this app \\(${other}\\) has held Shopify's bulk slot for 1 minutes`),
    );

    fake.bulk.end(other, 'CANCELED');
    await expect(bulk.start({ window })).resolves.toMatchObject({ kind: 'started', adopted: false });
  });

  it('from 2026-01 another query does not block: five may run at once', async () => {
    fake.bulk.startOther();
    const bulk = exporter({ apiVersion: '2026-10' });
    const window = { from: null, to: fake.shop.now() };
    await expect(bulk.start({ window })).resolves.toMatchObject({ kind: 'started', adopted: false });
    await expect(bulk.start({ window })).resolves.toMatchObject({ kind: 'started', adopted: true });
    for (let i = 0; i < 3; i++) fake.bulk.startOther();
    await expect(bulk.start({ window: { from: null, to: fake.shop.now() } })).resolves.toMatchObject({ kind: 'started', adopted: true });
    await expect(bulk.start({ window: { from: null, to: '2020-01-01T00:00:00.000000Z' } })).resolves.toMatchObject({ kind: 'blocked' });
  });
});

describe('assembling JSONL', () => {
  const parent = (id: number) => JSON.stringify({ id: `gid://shopify/Order/${id}` });
  const child = (id: number) =>
    JSON.stringify({ __typename: 'LineItem', id: `gid://shopify/LineItem/${id}0`, __parentId: `gid://shopify/Order/${id}` });

  it('refuses children that are not grouped after their order (groupObjects false) and a range that starts inside an order', () => {
    const ungrouped = Buffer.from(`${parent(1)}\n${parent(2)}\n${child(1)}\n`);
    expect(() => assemble(ungrouped, true)).toThrow(InvalidPageError);
    expect(() => assemble(ungrouped, true)).toThrow(/groupObjects: true/);
    expect(() => assemble(Buffer.from(`${child(1)}\n${parent(2)}\n`), false)).toThrow(/must start at an order's first byte/);
  });

  it('keeps the last order for the next range until the next order begins or the file ends, a cut line included', () => {
    const text = `${parent(1)}\n${child(1)}\n${parent(2)}\n${child(2)}\n`;
    const cut = Buffer.from(text.slice(0, text.length - 5));
    expect(assemble(cut, false)).toMatchObject({ nodes: [{ id: 'gid://shopify/Order/1' }], consumed: text.indexOf(parent(2)) });
    expect(assemble(Buffer.from(text), true).nodes).toHaveLength(2);
    expect(assemble(Buffer.from(text), false).nodes).toHaveLength(1);
  });
});
