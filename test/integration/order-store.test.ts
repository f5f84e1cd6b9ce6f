// The orders store against a real DynamoDB API (dynalite): a page's version check and upsert as the page
// step uses them, retried unprocessed items, and orders far bigger than usual stored whole.
import { randomBytes } from 'node:crypto';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { itemBytes, MAX_ITEM_BYTES, OrderTooLargeError, RAW_GZIP_THRESHOLD_BYTES } from '../../functions/adapters/dynamodb/order-item';
import { decodeRawJson } from '../../functions/adapters/dynamodb/raw-payload';
import { DynamoRecordStore } from '../../functions/adapters/dynamodb/record-store';
import { classifyPage } from '../../functions/core/classify';
import { StoreWriteError } from '../../functions/core/errors';
import type { Order } from '../../functions/core/order';
import { recordDigest } from '../../functions/core/record-digest';
import type { RecordWrite } from '../../functions/core/ports';
import { validateOrder } from '../../functions/core/validate-order';
import { createTestTables, useDynalite } from '../support/dynalite';
import { ShopifyOrdersSource } from '../../functions/adapters/source/shopify/shopify-orders-source';
import { startFakeShopify } from '../../local/fakes/shopify';
import { referenceIdOf, wholeSecond } from '../../local/fakes/shopify/translate';
import { orderIdOf, rawLineItem, rawOrder, rawOrders } from '../support/order-factory';

const dynamo = useDynalite();

/** A store on fresh tables; `send` lets a test put a fault injector between the store and the SDK. */
async function freshStore(options: { send?: DynamoDBDocumentClient['send']; maxAttempts?: number } = {}) {
  const { ordersTable } = await createTestTables(dynamo.endpoint);
  const store = new DynamoRecordStore({
    client: options.send ? { send: options.send } : dynamo.client,
    tableName: ordersTable,
    retry: { baseMs: 1, capMs: 5, ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}) },
  });
  return { store, tableName: ordersTable };
}

const SYNCED_AT = '2025-02-01T00:00:00.000000Z';

function writeOf(
  order: Order,
  writeTag = 'run-a#0',
  kind: RecordWrite['kind'] = 'inserted',
  replaces: string | null = null,
  readAt = SYNCED_AT,
): RecordWrite<Order> {
  return { record: order, kind, replaces, writeTag, syncedAt: SYNCED_AT, digest: recordDigest(order), readAt };
}

/** `count` valid orders, ord_0000001.., all updated at `updatedAt`. */
function ordersOf(count: number, updatedAt = '2025-01-15T08:31:07.456Z'): Order[] {
  return rawOrders(count, () => ({ updated_at: updatedAt })).map(validateOrder);
}

/** An order whose raw JSON is about `bytes` long: many line items, not all alike (gzip has work to do). */
function hugeOrder(id: string, bytes: number): Order {
  const lineItems = [];
  let seed = 7;
  for (let n = 0, size = 0; size < bytes; n++) {
    seed = (seed * 48271) % 2147483647;
    const lineItem = rawLineItem({
      id: `li_${n}`,
      sku: `SKU-${seed.toString(36)}`,
      title: `Item ${n} ${seed.toString(16)}`,
      price: `${n % 97}.${String(seed % 100).padStart(2, '0')}`,
    });
    lineItems.push(lineItem);
    size += JSON.stringify(lineItem).length + 1;
  }
  return validateOrder(rawOrder({ id, line_items: lineItems }));
}

async function scanIds(store: DynamoRecordStore): Promise<string[]> {
  const ids: string[] = [];
  for await (const stored of store.scanAll()) ids.push(stored.id);
  return ids.sort();
}

describe('a page written to the orders store', () => {
  it('is stored as the item a dashboard reads: snake_case, exact money strings, instants, raw order, no line item copy', async () => {
    const { store, tableName } = await freshStore();
    const order = validateOrder(rawOrder({ total_price: '0.10', unknown_field: { kept: true } }));

    await store.putRecords([writeOf(order, 'run-a#3', 'inserted')]);

    const { Item: item } = await dynamo.client.send(new GetCommand({ TableName: tableName, Key: { id: order.id } }));
    expect(item).toEqual({
      id: 'ord_0000001',
      order_number: 1001,
      status: 'open',
      financial_status: 'paid',
      fulfillment_status: null,
      currency: 'USD',
      total_price: '0.10',
      subtotal_price: '119.95',
      total_tax: '10.00',
      total_discounts: null,
      total_shipping: null,
      refunds: [],
      customer_id: 'cus_42',
      customer_email: 'ana@example.com',
      customer_name: 'Ana Lima',
      line_item_count: 1,
      created_at: '2025-01-15T10:25:00.123000Z',
      // The store's default mapping counts days in UTC (the page step's, in SHOP_TIME_ZONE).
      created_day: '2025-01-15',
      updated_at: '2025-01-15T08:31:07.456000Z',
      cancelled_at: null,
      synced_at: SYNCED_AT,
      write_tag: 'run-a#3',
      write_kind: 'inserted',
      digest: recordDigest(order),
      read_at: SYNCED_AT,
      raw: JSON.stringify(order.raw),
    });
    const stored = await store.readRecord(order.id);
    expect(stored?.raw).toEqual(order.raw);
    expect(stored?.customer).toEqual(order.customer);
  });

  it('stores the optional discounts, shipping and refunds flat (what the daily sales read), and reads them back', async () => {
    const { store, tableName } = await freshStore();
    const order = validateOrder(
      rawOrder({
        total_discounts: '5.00',
        total_shipping: '4.90',
        refunds: [{ id: 'ref_1', created_at: '2025-01-16T09:00:00Z', amount: '20.00' }],
      }),
    );

    await store.putRecords([writeOf(order)]);

    const { Item: item } = await dynamo.client.send(new GetCommand({ TableName: tableName, Key: { id: order.id } }));
    expect(item).toMatchObject({
      total_discounts: '5.00',
      total_shipping: '4.90',
      refunds: [{ id: 'ref_1', created_at: '2025-01-16T09:00:00.000000Z', amount: '20.00' }],
    });
    const stored = await store.readRecord(order.id);
    expect([stored?.totalDiscounts, stored?.totalShipping, stored?.refunds]).toEqual([
      order.totalDiscounts,
      order.totalShipping,
      order.refunds,
    ]);
  });

  it("stores a Shopify order's details as flat attributes a dashboard reads without parsing raw, and reads them back", async () => {
    const { store, tableName } = await freshStore();
    const fake = await startFakeShopify({ shop: { orders: 40, seed: 3 } });
    try {
      // An order with refunds, shipping, tax and a discount: fetched from the fake through the real connector.
      const source = new ShopifyOrdersSource({ shopDomain: fake.url, apiVersion: '2025-10', token: fake.token });
      const page = await source.fetchPage({ window: { from: null, to: fake.shop.now() }, cursor: null, limit: 40 });
      await source.close();
      const order = page.records.find(
        (o) => o.details!.refunds.length > 0 && o.details!.taxLines.length > 0 && o.details!.billingAddress !== null,
      )!;
      expect(order).toBeDefined();

      await store.putRecords([writeOf(order)]);

      const { Item: item } = await dynamo.client.send(new GetCommand({ TableName: tableName, Key: { id: order.id } }));
      const d = order.details!;
      expect(item).toMatchObject({
        current_total_price: d.currentTotalPrice,
        total_refunded: d.totalRefunded,
        refunds: [{ id: d.refunds[0]!.id, created_at: d.refunds[0]!.createdAt, amount: d.refunds[0]!.amount }],
        discount_codes: d.discountCodes,
        shipping_lines: [{ title: 'Standard', price: d.shippingLines[0]!.price, discounted_price: d.shippingLines[0]!.discountedPrice }],
        tax_lines: [{ title: d.taxLines[0]!.title, rate: d.taxLines[0]!.rate, price: order.totalTax }],
        billing_country_code: d.billingAddress!.countryCode,
        billing_city: d.billingAddress!.city,
        tags: d.tags,
        line_items: order.lineItems.map((li) =>
          expect.objectContaining({ id: li.id, product_id: li.productId, variant_id: li.variantId, discounted_total: li.discountedTotal }),
        ),
      });
      const stored = await store.readRecord(order.id);
      expect(stored?.details).toEqual(d);
      expect(stored?.financialStatus).toBe(order.financialStatus);
    } finally {
      await fake.stop();
    }
  });

  it('stores a Shopify order with 30 discount applications, 5 shipping lines and 12 refunds whole, as an incremental run reads it', async () => {
    const { store } = await freshStore();
    const fake = await startFakeShopify({ shop: { orders: 40, seed: 3 }, bucket: { maximumAvailable: 1e7, restoreRate: 1e7 } });
    try {
      // Shopify stamps whole seconds: the window starts at the watermark's second, as the overlap would.
      const watermark = wholeSecond(fake.shop.now());
      const [target] = fake.truth();
      fake.setListLengths(target!.id, { discountApplications: 30, shippingLines: 5, refunds: 12 });
      fake.shop.mutate({ updates: [referenceIdOf(target!.id)!] });
      const source = new ShopifyOrdersSource({ shopDomain: fake.url, apiVersion: '2025-10', token: fake.token });
      const since = fake.calls().length;

      const page = await source.fetchPage({ window: { from: watermark, to: fake.shop.now() }, cursor: null, limit: 50 });
      await source.close();
      const classified = classifyPage(page.records, await store.getVersions(page.records.map((o) => o.id)), 'run-i#0', SYNCED_AT);
      await store.putRecords(classified.writes.map(({ record: order, kind, replaces }) => writeOf(order, 'run-i#0', kind, replaces)));

      expect(page.rejected).toEqual([]);
      expect(page.records.map((o) => o.id)).toEqual([target!.id]);
      const stored = await store.readRecord(target!.id);
      expect(stored?.details).toMatchObject({
        discountApplications: expect.arrayContaining([expect.objectContaining({ title: 'Goodwill 29' })]),
        shippingLines: expect.arrayContaining([expect.objectContaining({ title: 'Extra parcel 4' })]),
      });
      expect([
        stored?.details?.discountApplications.length,
        stored?.details?.shippingLines.length,
        stored?.details?.refunds.length,
      ]).toEqual([30, 5, 12]);
      expect(stored?.raw).toEqual(fake.order(target!.id));
      // The paged query read 5 discount applications and 2 shipping lines; follow-ups read the rest, each under the cost limit.
      const followUps = fake
        .calls()
        .slice(since)
        .filter((call) => call.operation === 'OrderConnections');
      expect(followUps.map((call) => [call.variables.withDiscountApplications, call.variables.withShippingLines])).toEqual([
        [true, false],
        [false, true],
      ]);
    } finally {
      await fake.stop();
    }
  });

  it('comes back from getVersions in one call per 100 ids: stored ids with their version, unknown ids absent', async () => {
    const { store } = await freshStore();
    const page = ordersOf(250);
    await store.putRecords(page.map((order) => writeOf(order, 'run-a#0')));
    const unknownIds = [orderIdOf(900), orderIdOf(901)];

    const versions = await store.getVersions([...page.map((order) => order.id), ...unknownIds]);

    expect(versions.size).toBe(250);
    expect(versions.get(orderIdOf(250))).toEqual({
      id: orderIdOf(250),
      deletedAt: null,
      updatedAt: '2025-01-15T08:31:07.456000Z',
      writeTag: 'run-a#0',
      writeKind: 'inserted',
      digest: recordDigest(page[249]!),
      readAt: SYNCED_AT,
    });
    expect(unknownIds.some((id) => versions.has(id))).toBe(false);
  });

  it('never lets a stale order overwrite a newer one: getVersions + classifyPage + putRecords, as the page step runs them', async () => {
    const { store } = await freshStore();
    const newer = validateOrder(rawOrder({ updated_at: '2025-01-15T10:00:00.000001Z', total_price: '200.00' }));
    await store.putRecords([writeOf(newer, 'run-new#0')]);
    // The same instant written in another offset is the same version, not a newer one.
    const stale = validateOrder(rawOrder({ updated_at: '2025-01-15T11:00:00+01:00', total_price: '100.00' }));

    const classified = classifyPage([stale], await store.getVersions([stale.id]), 'run-old#7', SYNCED_AT);
    await store.putRecords(classified.writes.map(({ record: order, kind, replaces }) => writeOf(order, 'run-old#7', kind, replaces)));

    expect(classified.counts.stale).toBe(1);
    const stored = await store.readRecord(newer.id);
    expect(stored?.totalPrice).toBe('200.00');
    expect(stored?.updatedAt).toBe('2025-01-15T10:00:00.000001Z');
    expect(stored?.writeTag).toBe('run-new#0');
  });

  it('is written again as a newer version when the source sends one', async () => {
    const { store } = await freshStore();
    await store.putRecords([writeOf(validateOrder(rawOrder({ total_price: '1.00' })), 'run-a#0')]);
    const newer = validateOrder(rawOrder({ updated_at: '2025-03-01T00:00:00Z', total_price: '2.00' }));

    const classified = classifyPage([newer], await store.getVersions([newer.id]), 'run-b#0', SYNCED_AT);
    await store.putRecords(classified.writes.map(({ record: order, kind, replaces }) => writeOf(order, 'run-b#0', kind, replaces)));

    expect(classified.counts.updated).toBe(1);
    expect(await store.readRecord(newer.id)).toMatchObject({ totalPrice: '2.00', writeTag: 'run-b#0', writeKind: 'updated' });
  });

  it('written twice (a retried page) leaves exactly the same items: the second time every write is refused', async () => {
    const { store } = await freshStore();
    const writes = ordersOf(60).map((order) => writeOf(order, 'run-a#4'));
    expect(await store.putRecords(writes)).toEqual({ refusedIds: [] });
    const once = [];
    for await (const stored of store.scanAll()) once.push(stored);

    const again = await store.putRecords(writes);

    expect(again.refusedIds).toHaveLength(60);
    const twice = [];
    for await (const stored of store.scanAll()) twice.push(stored);
    expect(twice).toHaveLength(60);
    expect(sortById(twice)).toEqual(sortById(once));
  });

  it('keeps only the newest version when one order appears twice in the writes', async () => {
    const { store } = await freshStore();
    const older = validateOrder(rawOrder({ updated_at: '2025-01-01T00:00:00Z', total_price: '1.00' }));
    const newer = validateOrder(rawOrder({ updated_at: '2025-01-02T00:00:00Z', total_price: '2.00' }));

    await store.putRecords([writeOf(newer), writeOf(older)]);

    expect((await store.readRecord(newer.id))?.totalPrice).toBe('2.00');
  });
});

describe('two versions with one updated_at (a source that stamps whole seconds changed the order twice in a second)', () => {
  const SECOND = '2025-01-15T08:31:07Z';
  const first = validateOrder(rawOrder({ updated_at: SECOND, total_price: '129.95', financial_status: 'paid' }));
  const second = validateOrder(rawOrder({ updated_at: SECOND, total_price: '129.95', financial_status: 'refunded' }));
  const READ_EARLY = '2025-01-15T08:31:07.400000Z';
  const READ_LATE = '2025-01-15T08:31:08.100000Z';

  it('the later read replaces the earlier one, classified as updated', async () => {
    const { store } = await freshStore();
    await store.putRecords([writeOf(first, 'run-a#0', 'inserted', null, READ_EARLY)]);

    const classified = classifyPage([second], await store.getVersions([second.id]), 'run-b#0', READ_LATE);
    const result = await store.putRecords(
      classified.writes.map(({ record: order, kind, replaces }) => writeOf(order, 'run-b#0', kind, replaces, READ_LATE)),
    );

    expect(classified.counts).toMatchObject({ updated: 1, unchanged: 0, stale: 0 });
    expect(result.refusedIds).toEqual([]);
    expect(await store.readRecord(second.id)).toMatchObject({ financialStatus: 'refunded', writeTag: 'run-b#0', writeKind: 'updated' });
    expect((await store.getVersions([second.id])).get(second.id)).toMatchObject({ digest: recordDigest(second), readAt: READ_LATE });
  });

  it('an earlier read written after a later one (a zombie step) is refused, and the later stays', async () => {
    const { store } = await freshStore();
    await store.putRecords([writeOf(first, 'run-a#0', 'inserted', null, '2025-01-15T08:31:07.100000Z')]);
    // The zombie read the paid version early and classified it; the live run read the refund later and stored it first.
    await store.putRecords([writeOf(second, 'run-live#3', 'updated', first.updatedAt, READ_LATE)]);

    const result = await store.putRecords([writeOf(first, 'run-zombie#9', 'updated', first.updatedAt, READ_EARLY)]);

    expect(result.refusedIds).toEqual([first.id]);
    expect(await store.readRecord(first.id)).toMatchObject({ financialStatus: 'refunded', writeTag: 'run-live#3' });
    // Classified again against what is stored now, the zombie's version is stale: it would not be tried again.
    const again = classifyPage([first], await store.getVersions([first.id]), 'run-zombie#9', READ_EARLY);
    expect(again).toMatchObject({ writes: [], counts: { stale: 1, updated: 0 } });
  });

  it('the same content read again is unchanged, and not written', async () => {
    const { store } = await freshStore();
    await store.putRecords([writeOf(first, 'run-a#0', 'inserted', null, READ_EARLY)]);

    const classified = classifyPage([first], await store.getVersions([first.id]), 'run-b#0', READ_LATE);

    expect(classified).toMatchObject({ writes: [], counts: { unchanged: 1 } });
  });
});

describe('a write that another write overtook (a zombie step: its lease expired, another run went on)', () => {
  const older = validateOrder(rawOrder({ updated_at: '2025-01-01T00:00:00Z', total_price: '1.00' }));
  const newer = validateOrder(rawOrder({ updated_at: '2025-01-02T00:00:00Z', total_price: '2.00' }));

  it('is refused when it would put an older version over a newer one it never saw', async () => {
    const { store } = await freshStore();
    await store.putRecords([writeOf(validateOrder(rawOrder({ updated_at: '2024-12-01T00:00:00Z' })), 'run-a#0')]);
    // The zombie read 2024-12-01 and classified its version as newer; the live run then stored a newer one.
    await store.putRecords([writeOf(newer, 'run-live#3', 'updated', '2024-12-01T00:00:00.000000Z')]);

    const result = await store.putRecords([writeOf(older, 'run-zombie#9', 'updated', '2024-12-01T00:00:00.000000Z')]);

    expect(result.refusedIds).toEqual([older.id]);
    expect(await store.readRecord(older.id)).toMatchObject({ totalPrice: '2.00', writeTag: 'run-live#3' });
  });

  it('as an insert, is refused over any stored version, even an older one: it saw none, so it is classified again', async () => {
    const { store } = await freshStore();
    await store.putRecords([writeOf(older, 'run-live#3')]);

    const result = await store.putRecords([writeOf(newer, 'run-zombie#9', 'inserted', null)]);

    expect(result.refusedIds).toEqual([newer.id]);
    expect(await store.readRecord(newer.id)).toMatchObject({ totalPrice: '1.00', writeTag: 'run-live#3', writeKind: 'inserted' });
  });

  it('over a tombstone (deleted_at) older than the write, lands; over a newer tombstone, is refused', async () => {
    const { store, tableName } = await freshStore();
    const tombstone = (deletedAt: string) =>
      dynamo.client.send(
        new PutCommand({ TableName: tableName, Item: { id: older.id, updated_at: '2024-06-01T00:00:00.000000Z', deleted_at: deletedAt } }),
      );
    await tombstone('2025-01-01T12:00:00.000000Z');

    expect(await store.putRecords([writeOf(older, 'run-a#0', 'inserted', null)])).toEqual({ refusedIds: [older.id] });
    expect(await store.putRecords([writeOf(newer, 'run-a#0', 'inserted', null)])).toEqual({ refusedIds: [] });
    expect(await store.readRecord(newer.id)).toMatchObject({ totalPrice: '2.00' });
  });
});

describe('orders far bigger than usual', () => {
  it.each([
    ['~500 KB', 500 * 1024],
    ['~350 KB', 350 * 1024],
  ])('an order whose raw JSON is %s is stored gzip-compressed and read back byte for byte', async (_, bytes) => {
    const { store, tableName } = await freshStore();
    const huge = hugeOrder(orderIdOf(1), bytes);
    const rawJson = JSON.stringify(huge.raw);
    expect(rawJson.length).toBeGreaterThanOrEqual(bytes);

    await store.putRecords([writeOf(huge), writeOf(validateOrder(rawOrder({ id: orderIdOf(2) })))]);

    const { Item: item } = await dynamo.client.send(new GetCommand({ TableName: tableName, Key: { id: huge.id } }));
    expect(item?.raw).toBeUndefined();
    expect(item?.raw_gz).toBeInstanceOf(Uint8Array);
    const stored = await store.readRecord(huge.id);
    expect(JSON.stringify(stored?.raw)).toBe(rawJson);
    expect(stored?.lineItemCount).toBe(huge.lineItems.length);
    expect(await scanIds(store)).toEqual([orderIdOf(1), orderIdOf(2)]);
  });

  it('an order just under the threshold stays plain JSON', async () => {
    const { store, tableName } = await freshStore();
    const large = hugeOrder(orderIdOf(1), RAW_GZIP_THRESHOLD_BYTES - 2048);

    await store.putRecords([writeOf(large)]);

    const { Item: item } = await dynamo.client.send(new GetCommand({ TableName: tableName, Key: { id: large.id } }));
    expect(item?.raw).toBe(JSON.stringify(large.raw));
    expect(item?.raw_gz).toBeUndefined();
  });
});

describe('an order too big for DynamoDB even compressed', () => {
  it('fails the page with OrderTooLargeError naming the order, before any order of the page is written', async () => {
    const { store } = await freshStore();
    // Random bytes do not compress: ~800 KB of base64 stays far above the 400 KB item limit.
    const tooBig = validateOrder(rawOrder({ id: orderIdOf(2), attachment: randomBytes(600 * 1024).toString('base64') }));
    const page = [validateOrder(rawOrder({ id: orderIdOf(1) })), tooBig, validateOrder(rawOrder({ id: orderIdOf(3) }))];

    const attempt = store.putRecords(page.map((order) => writeOf(order)));

    await expect(attempt).rejects.toThrow(OrderTooLargeError);
    await expect(attempt).rejects.toThrow(/^order ord_0000002: raw order is \d+ bytes/);
    expect(await scanIds(store)).toEqual([]);
  });
});

/**
 * An order of 1,600 line items with 255-character titles, with the details a Shopify order has: its raw JSON
 * compresses well, but stored flat its line items alone are over 400 KB.
 */
function orderWithHugeDetails(id: string): Order {
  const lineItems = Array.from({ length: 1600 }, (_, n) =>
    rawLineItem({ id: `li_${n}`, sku: `SKU-${n}`, title: `${n} `.padEnd(255, 'Handmade ceramic mug, glazed '), price: '0.00' }),
  );
  lineItems[0]!.price = '119.95';
  const order = validateOrder(rawOrder({ id, line_items: lineItems }));
  const details: NonNullable<Order['details']> = {
    currentTotalPrice: '129.95',
    currentSubtotalPrice: '119.95',
    currentTotalTax: '10.00',
    currentTotalDiscounts: '0.00',
    totalDiscounts: '0.00',
    totalRefunded: '0.00',
    totalShipping: '0.00',
    currentTotalShipping: '0.00',
    refunds: [{ id: 'ref_1', createdAt: null, amount: '0.00' }],
    discountCodes: [],
    discountApplications: [],
    shippingLines: [],
    taxLines: [{ title: 'VAT', rate: 0.2, price: '10.00' }],
    billingAddress: null,
    shippingAddress: null,
    tags: ['wholesale'],
    note: null,
  };
  return { ...order, details };
}

describe('an order whose flat details would not fit a DynamoDB item', () => {
  it('dynalite refuses such an item as DynamoDB does (the 400 KB limit counts names and values)', async () => {
    const { tableName } = await freshStore();
    const order = orderWithHugeDetails(orderIdOf(1));
    const item = {
      id: order.id,
      raw_gz: new Uint8Array(1000),
      line_items: order.lineItems.map((line) => ({ id: line.id, title: line.title, quantity: line.quantity, price: line.price })),
    };
    expect(itemBytes(item)).toBeGreaterThan(MAX_ITEM_BYTES);

    await expect(dynamo.client.send(new PutCommand({ TableName: tableName, Item: item }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(/Item size has exceeded the maximum allowed size/),
    });
  });

  it('is stored with its line items left out, saying so, its totals exact and its raw order whole', async () => {
    const { store, tableName } = await freshStore();
    const huge = orderWithHugeDetails(orderIdOf(1));
    const small = { ...validateOrder(rawOrder({ id: orderIdOf(2) })), details: huge.details };
    expect(store.unstorable(huge)).toBeNull();

    await store.putRecords([writeOf(huge), writeOf(small)]);

    const { Item: item } = await dynamo.client.send(new GetCommand({ TableName: tableName, Key: { id: huge.id } }));
    expect(item).toMatchObject({
      trimmed_details: ['line_items'],
      line_item_count: 1600,
      total_price: '129.95',
      current_total_price: '129.95',
    });
    expect(item?.line_items).toBeUndefined();
    expect(item?.tax_lines).toEqual([{ title: 'VAT', rate: 0.2, price: '10.00' }]);
    expect(decodeRawJson(item!)).toEqual(huge.raw);
    const stored = await store.readRecord(huge.id);
    expect(stored?.trimmedDetails).toEqual(['line_items']);
    // The small order of the same page keeps every detail.
    const { Item: smallItem } = await dynamo.client.send(new GetCommand({ TableName: tableName, Key: { id: small.id } }));
    expect(smallItem?.trimmed_details).toBeUndefined();
    expect(smallItem?.line_items).toHaveLength(1);
  });

  it('an order too big even trimmed is unstorable, with that reason', async () => {
    const { store } = await freshStore();
    // The customer's name is no detail to trim: stored flat beside a raw order that compresses badly, it cannot fit.
    const tooBig = validateOrder(
      rawOrder({
        id: orderIdOf(2),
        attachment: randomBytes(290 * 1024).toString('base64'),
        customer: { id: 'cus_1', email: null, name: randomBytes(60 * 1024).toString('base64') },
      }),
    );

    expect(store.unstorable(tooBig)).toMatch(/^order ord_0000002: \d+ bytes as an item, still \d+ with its flat details trimmed/);
    await expect(store.putRecords([writeOf(tooBig)])).rejects.toThrow(OrderTooLargeError);
  });
});

describe('scanning the whole table', () => {
  it('pages past DynamoDB’s 1 MB scan limit and yields every order once', async () => {
    const { store } = await freshStore();
    // ~1.3 KB each: 1,200 orders are more than one 1 MB scan page.
    const orders = rawOrders(1200, () => ({ note: 'x'.repeat(800) })).map(validateOrder);
    await store.putRecords(orders.map((order) => writeOf(order)));

    const ids = await scanIds(store);
    const versions = [];
    for await (const version of store.scanVersions()) versions.push(version);

    expect(ids).toEqual(orders.map((order) => order.id).sort());
    expect(versions).toHaveLength(1200);
  });
});

// ---------------------------------------------------------------- unprocessed items and keys

/**
 * A fault injector around the real SDK client, standing in for DynamoDB under throttling (which dynalite
 * never simulates): for the calls `withhold` picks, part of the request is answered as unprocessed instead
 * of being sent; the rest goes to dynalite, which really writes or reads it.
 */
function throttlingClient(withhold: (call: number, ids: string[]) => Set<string>) {
  const calls = { batchGet: 0, withheld: 0 };
  const send = (async (command: unknown) => {
    if (command instanceof BatchGetCommand) {
      const [[table, request]] = Object.entries(command.input.RequestItems ?? {}) as [[string, { Keys: Array<{ id: string }> }]];
      const held = withhold(
        ++calls.batchGet,
        request.Keys.map((key) => key.id),
      );
      const forwardedKeys = request.Keys.filter((key) => !held.has(key.id));
      const unprocessedKeys = request.Keys.filter((key) => held.has(key.id));
      calls.withheld += unprocessedKeys.length;
      const answer =
        forwardedKeys.length > 0
          ? await dynamo.client.send(new BatchGetCommand({ RequestItems: { [table]: { ...request, Keys: forwardedKeys } } }))
          : { Responses: { [table]: [] } };
      return {
        Responses: answer.Responses,
        UnprocessedKeys: unprocessedKeys.length > 0 ? { [table]: { ...request, Keys: unprocessedKeys } } : {},
        $metadata: {},
      };
    }
    return dynamo.client.send(command as GetCommand);
  }) as DynamoDBDocumentClient['send'];
  return { send, calls };
}

describe('a store under DynamoDB throttling (unprocessed keys)', () => {
  it('retries unprocessed keys so getVersions still answers for the whole page', async () => {
    const page = ordersOf(250);
    const { store: writer, tableName } = await freshStore();
    await writer.putRecords(page.map((order) => writeOf(order)));
    const throttled = throttlingClient((call, ids) => new Set(call <= 3 ? ids.slice(0, ids.length / 2) : []));
    const reader = new DynamoRecordStore({ client: { send: throttled.send }, tableName, retry: { baseMs: 1, capMs: 5 } });

    const versions = await reader.getVersions(page.map((order) => order.id));

    expect(throttled.calls.withheld).toBeGreaterThan(0);
    expect(versions.size).toBe(250);
  });
});

describe('a store whose DynamoDB calls fail outright', () => {
  it('turns throttling that outlasted the SDK’s own retries into StoreWriteError, which the state machine retries', async () => {
    const throttledSend = (async () => {
      throw new ProvisionedThroughputExceededException({
        message: 'The level of configured provisioned throughput for the table was exceeded',
        $metadata: { httpStatusCode: 400 },
      });
    }) as unknown as DynamoDBDocumentClient['send'];
    const { store } = await freshStore({ send: throttledSend });

    const write = store.putRecords(ordersOf(30).map((order) => writeOf(order)));
    const read = store.getVersions([orderIdOf(1)]);

    await expect(write).rejects.toThrow(StoreWriteError);
    await expect(write).rejects.toThrow(/^writing item ord_\d+ in orders-\w+ failed: ProvisionedThroughputExceededException/);
    await expect(read).rejects.toThrow(StoreWriteError);
  });

  it('lets a request DynamoDB rejects as invalid through unchanged: retrying it would not help', async () => {
    const missingTable = new DynamoRecordStore({ client: dynamo.client, tableName: 'no-such-table' });

    const write = missingTable.putRecords(ordersOf(1).map((order) => writeOf(order)));

    await expect(write).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(write).rejects.not.toBeInstanceOf(StoreWriteError);
  });
});

function sortById<T extends { id: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => a.id.localeCompare(b.id));
}

describe('tombstones in the orders store', () => {
  const live = validateOrder(rawOrder({ updated_at: '2025-01-01T00:00:00Z', total_price: '1.00' }));
  const deletedAt = '2025-01-05T00:00:00.000000Z';
  const tombstoneOf = (replaces: string | null, kind: 'deleted' | 'deleted-absent' = 'deleted', writeTag = 'run-d#7') => ({
    id: live.id,
    deletedAt,
    kind,
    replaces,
    writeTag,
    syncedAt: '2025-01-06T00:00:00.000000Z',
  });

  it('replaces a live order not newer than the deletion with an item that holds no order field, once', async () => {
    const { store, tableName } = await freshStore();
    await store.putRecords([writeOf(live)]);

    expect(await store.putTombstones([tombstoneOf(live.updatedAt)])).toEqual({ refusedIds: [] });
    expect(await store.putTombstones([tombstoneOf(live.updatedAt, 'deleted', 'run-e#0')])).toEqual({ refusedIds: [live.id] });

    const { Item: item } = await dynamo.client.send(new GetCommand({ TableName: tableName, Key: { id: live.id } }));
    expect(item).toEqual({
      id: live.id,
      deleted_at: deletedAt,
      synced_at: '2025-01-06T00:00:00.000000Z',
      write_tag: 'run-d#7',
      write_kind: 'deleted',
    });
    expect((await store.getVersions([live.id])).get(live.id)).toEqual({
      id: live.id,
      updatedAt: deletedAt,
      deletedAt,
      writeTag: 'run-d#7',
      writeKind: 'deleted',
      digest: null,
      readAt: null,
    });
    expect(await scanIds(store)).toEqual([]);
  });

  it('is never overwritten by a version made before the deletion, whatever the write saw; a later version brings it back', async () => {
    const { store } = await freshStore();
    await store.putTombstones([tombstoneOf(null, 'deleted-absent')]);
    const olderButNewerThanLive = validateOrder(rawOrder({ updated_at: '2025-01-04T23:59:59Z', total_price: '3.00' }));

    expect(await store.putRecords([writeOf(olderButNewerThanLive, 'zombie#1', 'inserted', null)])).toEqual({ refusedIds: [live.id] });
    expect(await store.putRecords([writeOf(olderButNewerThanLive, 'zombie#1', 'updated', live.updatedAt)])).toEqual({
      refusedIds: [live.id],
    });
    expect((await store.getVersions([live.id])).get(live.id)?.deletedAt).toBe(deletedAt);

    const afterDeletion = validateOrder(rawOrder({ updated_at: '2025-01-05T00:00:01Z', total_price: '4.00' }));
    expect(await store.putRecords([writeOf(afterDeletion, 'run-f#0', 'inserted', null)])).toEqual({ refusedIds: [] });
    expect(await store.readRecord(live.id)).toMatchObject({ totalPrice: '4.00' });
  });

  it('inferred by reconciliation, it says so and gives way to any version a page sees live, even one made before it', async () => {
    const { store, tableName } = await freshStore();
    await store.putRecords([writeOf(live)]);
    await store.putTombstones([{ ...tombstoneOf(live.updatedAt), inferred: true }]);
    expect((await store.getVersions([live.id])).get(live.id)).toMatchObject({ deletedAt, inferred: true });

    expect(await store.putRecords([writeOf(live, 'run-g#0', 'inserted', null)])).toEqual({ refusedIds: [] });

    const { Item: item } = await dynamo.client.send(new GetCommand({ TableName: tableName, Key: { id: live.id } }));
    expect(item).not.toHaveProperty('deleted_at');
    expect(item).not.toHaveProperty('inferred');
    expect(await store.readRecord(live.id)).toMatchObject({ updatedAt: live.updatedAt, writeTag: 'run-g#0' });
  });

  it('is refused over a live version made after the deletion', async () => {
    const { store } = await freshStore();
    const newer = validateOrder(rawOrder({ updated_at: '2025-02-01T00:00:00Z' }));
    await store.putRecords([writeOf(newer)]);
    expect(await store.putTombstones([tombstoneOf(live.updatedAt)])).toEqual({ refusedIds: [live.id] });
    expect(await store.putTombstones([tombstoneOf(null, 'deleted-absent')])).toEqual({ refusedIds: [live.id] });
  });

  it('scanUnwritten pages the live orders another run wrote, skipping tombstones and this run own writes', async () => {
    const { store } = await freshStore();
    const orders = ordersOf(30);
    await store.putRecords(orders.slice(0, 20).map((order) => writeOf(order, 'old-run#3')));
    await store.putRecords(orders.slice(20).map((order) => writeOf(order, 'this-run#0')));
    await store.putTombstones(
      orders.slice(0, 5).map((order) => ({ ...tombstoneOf(order.updatedAt), id: order.id, deletedAt: '2099-01-01T00:00:00.000000Z' })),
    );

    const seen: string[] = [];
    let cursor: string | null = null;
    let calls = 0;
    do {
      const page: Awaited<ReturnType<typeof store.scanUnwritten>> = await store.scanUnwritten('this-run', { cursor, limit: 4 });
      expect(page.versions.length).toBeLessThanOrEqual(4);
      seen.push(...page.versions.map((version) => version.id));
      cursor = page.nextCursor;
      calls++;
    } while (cursor !== null && calls < 50);
    expect(seen.sort()).toEqual(
      orders
        .slice(5, 20)
        .map((order) => order.id)
        .sort(),
    );
  });
});
