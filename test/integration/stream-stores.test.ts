// The products and customers copies on a real DynamoDB API (dynalite): each stream's record stored as the item a
// dashboard reads (the contract's fields flat, snake_case, exact money strings, the raw payload beside them), read
// back whole, replaced only by a newer version, turned into a tombstone, and a product too big for its flat variants.
import { randomBytes } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { CUSTOMER_ITEMS } from '../../functions/adapters/dynamodb/items/customer-item';
import { PRODUCT_ITEMS } from '../../functions/adapters/dynamodb/items/product-item';
import { RecordTooLargeError } from '../../functions/adapters/dynamodb/items/raw-attributes';
import { decodeRawJson } from '../../functions/adapters/dynamodb/raw-payload';
import { DynamoRecordStore } from '../../functions/adapters/dynamodb/record-store';
import type { RecordWrite } from '../../functions/core/ports';
import { recordDigest } from '../../functions/core/record-digest';
import type { SyncRecord } from '../../functions/core/record';
import type { Customer } from '../../functions/core/streams/customers/customer';
import type { Product } from '../../functions/core/streams/products/product';
import { customer } from '../support/customer-factory';
import { createTestTables, useDynalite } from '../support/dynalite';
import { product, rawVariant } from '../support/product-factory';

const dynamo = useDynalite();
const SYNCED_AT = '2025-02-01T00:00:00.000000Z';

function writeOf<R extends SyncRecord>(record: R, kind: RecordWrite['kind'] = 'inserted', replaces: string | null = null): RecordWrite<R> {
  return { record, kind, replaces, writeTag: 'run-a#0', syncedAt: SYNCED_AT, digest: recordDigest(record), readAt: SYNCED_AT };
}

/** A store of the stream's items on a fresh table (the copy tables share one key schema: `id`). */
async function freshStore<R extends SyncRecord, Stored>(items: ConstructorParameters<typeof DynamoRecordStore<R, Stored>>[0]['items']) {
  const { ordersTable: tableName } = await createTestTables(dynamo.endpoint);
  return {
    tableName,
    store: new DynamoRecordStore<R, Stored>({ client: dynamo.client, tableName, items, retry: { baseMs: 1, capMs: 5 } }),
  };
}

async function itemOf(tableName: string, id: string): Promise<Record<string, unknown>> {
  const { Item } = await dynamo.client.send(new GetCommand({ TableName: tableName, Key: { id } }));
  return Item!;
}

describe('the products copy', () => {
  it('stores the contract fields flat (variants as flat maps, exact prices), the version and the raw product', async () => {
    const { store, tableName } = await freshStore(PRODUCT_ITEMS);
    const stored = product({
      vendor: null,
      tags: [],
      handle: 'ceramic-mug',
      variants: [rawVariant(), rawVariant({ id: 'var_2', sku: null, title: '', price: '1234567890.123456789', inventory_quantity: -4 })],
    });

    await store.putRecords([writeOf(stored)]);

    const item = await itemOf(tableName, stored.id);
    expect(item).toMatchObject({
      id: 'prod_0000042',
      title: 'Ceramic Mug',
      vendor: null,
      product_type: 'Kitchen',
      status: 'active',
      tags: [],
      variant_count: 2,
      variants: [
        { id: 'var_0000101', sku: 'SKU-1', title: 'Blue / 350 ml', price: '29.99', inventory_quantity: 12 },
        { id: 'var_2', sku: null, title: '', price: '1234567890.123456789', inventory_quantity: -4 },
      ],
      created_at: '2024-03-02T09:00:00.000000Z',
      updated_at: '2025-01-15T10:31:07.456000Z',
      synced_at: SYNCED_AT,
      write_kind: 'inserted',
      digest: recordDigest(stored),
    });
    expect(decodeRawJson(item)).toEqual(stored.raw);
    expect(item).not.toHaveProperty('trimmed_details');
    expect(await store.readRecord(stored.id)).toEqual({
      ...stored,
      variantCount: 2,
      syncedAt: SYNCED_AT,
      writeTag: 'run-a#0',
      writeKind: 'inserted',
      trimmedDetails: [],
    });
  });

  it('takes a newer version, refuses an older one, and a tombstone takes the product out', async () => {
    const { store } = await freshStore(PRODUCT_ITEMS);
    const older = product({ updated_at: '2025-01-01T00:00:00Z', title: 'Old' });
    const newer = product({ updated_at: '2025-01-02T00:00:00Z', title: 'New' });
    await store.putRecords([writeOf(newer)]);

    const refused = await store.putRecords([writeOf(older, 'updated', '2024-12-31T00:00:00.000000Z')]);
    await store.putTombstones([
      {
        id: newer.id,
        deletedAt: '2025-01-03T00:00:00.000000Z',
        kind: 'deleted',
        replaces: newer.updatedAt,
        writeTag: 'run-b#0',
        syncedAt: SYNCED_AT,
      },
    ]);

    expect(refused.refusedIds).toEqual([newer.id]);
    expect((await store.getVersions([newer.id])).get(newer.id)).toMatchObject({ deletedAt: '2025-01-03T00:00:00.000000Z' });
  });

  it('stores a product whose flat variants would not fit an item without them (variant_count and the raw keep them), and names one too big for any item', async () => {
    const { store, tableName } = await freshStore(PRODUCT_ITEMS);
    // 2,000 variants of 250-character titles: about 600 KB flat, well under the raw's limit once gzip-compressed.
    const variants = Array.from({ length: 2_000 }, (_, n) =>
      rawVariant({ id: `var_${n}`, title: `${n} ${'x'.repeat(250)}`, price: `${n}.00` }),
    );
    const wide = product({ variants });

    expect(store.unstorable(wide)).toBeNull();
    await store.putRecords([writeOf(wide)]);

    const item = await itemOf(tableName, wide.id);
    expect(item).toMatchObject({ variant_count: 2_000, trimmed_details: ['variants'] });
    expect(item).not.toHaveProperty('variants');
    expect(decodeRawJson(item)).toEqual(wide.raw);
    expect(await store.readRecord(wide.id)).toMatchObject({ variants: [], variantCount: 2_000, trimmedDetails: ['variants'] });
    // Random bytes do not compress: a raw product bigger than an item even gzipped cannot be stored at all.
    const tooBig = product({ attachment: randomBytes(500 * 1024).toString('base64') });
    expect(store.unstorable(tooBig)).toMatch(
      /^product prod_0000042: raw product is \d+ bytes \(\d+ gzip-compressed\), more than a DynamoDB item/,
    );
    expect(() => PRODUCT_ITEMS.toItem(writeOf(tooBig))).toThrow(RecordTooLargeError);
  });
});

describe('the customers copy', () => {
  it('stores the contract fields flat (the exact total_spent), the version and the raw customer, and reads it back whole', async () => {
    const { store, tableName } = await freshStore(CUSTOMER_ITEMS);
    const stored = customer({
      email: null,
      first_name: 'Zoë',
      last_name: '',
      total_spent: '0.10',
      currency: 'JPY',
      default_address: { city: 'Lisboa' },
    });

    await store.putRecords([writeOf(stored)]);

    const item = await itemOf(tableName, stored.id);
    expect(item).toMatchObject({
      id: 'cus_42',
      email: null,
      first_name: 'Zoë',
      last_name: '',
      state: 'enabled',
      orders_count: 7,
      total_spent: '0.10',
      currency: 'JPY',
      tags: ['vip'],
      created_at: '2023-11-20T18:02:11.000000Z',
      updated_at: '2025-01-15T10:31:07.000000Z',
      write_tag: 'run-a#0',
    });
    expect(decodeRawJson(item)).toEqual(stored.raw);
    const readBack = await store.readRecord(stored.id);
    expect(readBack).toEqual({ ...stored, syncedAt: SYNCED_AT, writeTag: 'run-a#0', writeKind: 'inserted', trimmedDetails: [] });
  });

  it('keeps one item per customer through versions, scans them back, and leaves a tombstone out of the live scan', async () => {
    const { store } = await freshStore(CUSTOMER_ITEMS);
    const customers = ['cus_1', 'cus_2', 'cus_3'].map((id) => customer({ id }));
    await store.putRecords(customers.map((each) => writeOf(each)));
    const changed = customer({ id: 'cus_2', orders_count: 8, total_spent: '1000.00', updated_at: '2025-01-16T00:00:00Z' });
    await store.putRecords([writeOf(changed, 'updated', customers[1]!.updatedAt)]);
    await store.putTombstones([
      {
        id: 'cus_3',
        deletedAt: '2025-01-17T00:00:00.000000Z',
        kind: 'deleted',
        replaces: customers[2]!.updatedAt,
        writeTag: 'run-b#0',
        syncedAt: SYNCED_AT,
      },
    ]);

    const live: Array<Pick<Customer, 'id' | 'ordersCount' | 'totalSpent'>> = [];
    for await (const each of store.scanAll()) live.push({ id: each.id, ordersCount: each.ordersCount, totalSpent: each.totalSpent });

    expect(live.sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      { id: 'cus_1', ordersCount: 7, totalSpent: '912.40' },
      { id: 'cus_2', ordersCount: 8, totalSpent: '1000.00' },
    ]);
  });
});

// The mapping alone, both ways, for what the store tests above do not reach.
describe('the product and customer item mappings', () => {
  it('map every field of the record and back, for a product with no vendor, type, tags or sku', () => {
    const bare: Product = product({ vendor: undefined, product_type: undefined, tags: [], variants: [{ id: 'v', price: '0' }] });
    const write = writeOf(bare);

    expect(PRODUCT_ITEMS.fromItem({ ...PRODUCT_ITEMS.toItem(write) })).toEqual({
      ...bare,
      variantCount: 1,
      syncedAt: SYNCED_AT,
      writeTag: 'run-a#0',
      writeKind: 'inserted',
      trimmedDetails: [],
    });
    expect(CUSTOMER_ITEMS.unstorable(customer())).toBeNull();
  });
});
