// The quarantine store's contract: one entry per stream and key, replaced by a repeated put (first seen kept by the
// caller), released by key, counted and listed newest first from the index, big payloads compressed or (too big even
// compressed) dropped with their size kept. Run against dynalite and against the in-memory store the use-case tests use.
import { randomBytes } from 'node:crypto';
import { DynamoQuarantineStore, rawOfItem } from '../../functions/adapters/dynamodb/quarantine-store';
import type { QuarantineStore } from '../../functions/core/ports';
import type { QuarantineEntry } from '../../functions/core/quarantine';
import { createTestTables, useDynalite } from '../support/dynalite';
import { InMemoryQuarantineStore } from '../support/in-memory-stores';

const dynamo = useDynalite();

const STORES: Array<[string, () => Promise<QuarantineStore>]> = [
  [
    'DynamoDB (dynalite)',
    async () => new DynamoQuarantineStore({ client: dynamo.client, tableName: (await createTestTables(dynamo.endpoint)).quarantineTable }),
  ],
  ['in memory', async () => new InMemoryQuarantineStore()],
];

function entry(id: string, seenAt: string, overrides: Partial<QuarantineEntry> = {}): QuarantineEntry {
  return {
    key: `order#${id}`,
    id,
    raw: { id, total_price: 12.5 },
    field: 'total_price',
    message: `order ${id}: field "total_price" must be a decimal string, got number 12.5`,
    firstSeenAt: seenAt,
    firstSeenRun: 'run-1',
    lastSeenAt: seenAt,
    lastSeenRun: 'run-1',
    storedUpdatedAt: null,
    rejectedUpdatedAt: '2026-01-01T11:00:00.000000Z',
    ...overrides,
  };
}

const at = (second: number) => `2026-01-01T12:00:${String(second).padStart(2, '0')}.000000Z`;

describe.each(STORES)('the quarantine store, %s', (_, freshStore) => {
  it('holds one entry per key: a second put of the same order replaces it, the count stays 1', async () => {
    const store = await freshStore();
    await store.apply('orders', { put: [entry('ord_1', at(1))], release: [] });

    await store.apply('orders', { put: [entry('ord_1', at(5), { firstSeenAt: at(1), lastSeenRun: 'run-2' })], release: [] });

    expect(await store.find('orders', ['order#ord_1', 'order#ord_2'])).toEqual(
      new Map([['order#ord_1', { firstSeenAt: at(1), firstSeenRun: 'run-1', rejectedUpdatedAt: '2026-01-01T11:00:00.000000Z' }]]),
    );
    const summary = await store.summary('orders', 20);
    expect(summary.count).toBe(1);
    expect(summary.newest).toEqual([
      {
        id: 'ord_1',
        idFromPayload: false,
        field: 'total_price',
        message: 'order ord_1: field "total_price" must be a decimal string, got number 12.5',
        seenAt: at(5),
        firstSeenAt: at(1),
        storedUpdatedAt: null,
        rawKept: true,
      },
    ]);
  });

  it('counts all entries and lists the newest first, up to the limit; other streams apart', async () => {
    const store = await freshStore();
    const entries = Array.from({ length: 25 }, (_, n) => entry(`ord_${n}`, at(n)));
    await store.apply('orders', { put: entries, release: [] });
    await store.apply('products', { put: [entry('p_1', at(59))], release: [] });

    const summary = await store.summary('orders', 20);

    expect(summary.count).toBe(25);
    expect(summary.newest.map((view) => view.id)).toEqual(Array.from({ length: 20 }, (_, n) => `ord_${24 - n}`));
  });

  it('lists the entries first seen in a span (after, until], newest first up to the limit, counting all; other streams apart', async () => {
    const store = await freshStore();
    const entries = Array.from({ length: 8 }, (_, n) => entry(`ord_${n}`, at(n)));
    // Seen again later, first seen before the span: not new.
    entries[1] = entry('ord_1', at(6), { firstSeenAt: at(1) });
    await store.apply('orders', { put: entries, release: [] });
    await store.apply('products', { put: [entry('p_1', at(4))], release: [] });

    const span = await store.firstSeenBetween('orders', { after: at(2), until: at(6) }, 3);

    expect(span.count).toBe(4); // first seen at 3, 4, 5, 6; never 2 (the bound before) nor 7 (after until)
    expect(span.newest.map((view) => view.id)).toEqual(['ord_6', 'ord_5', 'ord_4']);
    expect(span.newest[0]).toMatchObject({ field: 'total_price', message: expect.stringContaining('order ord_6'), firstSeenAt: at(6) });
    expect((await store.firstSeenBetween('orders', { after: null, until: at(1) }, 20)).newest.map((view) => view.id)).toEqual([
      'ord_1',
      'ord_0',
    ]);
    expect(await store.firstSeenBetween('orders', { after: at(7), until: at(9) }, 20)).toEqual({ count: 0, newest: [] });
  });

  it('counts an entry first seen in the span and released since: it was set aside then', async () => {
    const store = await freshStore();
    await store.apply('orders', { put: [entry('ord_1', at(3)), entry('ord_2', at(4))], release: [] });
    await store.apply('orders', { put: [], release: ['order#ord_1'] });

    const span = await store.firstSeenBetween('orders', { after: at(2), until: at(6) }, 20);

    expect(span).toMatchObject({ count: 2, newest: [{ id: 'ord_2' }, { id: 'ord_1' }] });
  });

  it('releases by key (a key not held is no error), and a released key is found no more', async () => {
    const store = await freshStore();
    await store.apply('orders', { put: [entry('ord_1', at(1)), entry('ord_2', at(2))], release: [] });

    await store.apply('orders', { put: [], release: ['order#ord_1', 'order#ord_9'] });
    await store.apply('orders', { put: [], release: ['order#ord_1'] });

    expect([...(await store.find('orders', ['order#ord_1', 'order#ord_2'])).keys()]).toEqual(['order#ord_2']);
    expect((await store.summary('orders', 20)).count).toBe(1);
  });

  it('refuses a batch that names one key twice, as DynamoDB does', async () => {
    const store = await freshStore();

    await expect(store.apply('orders', { put: [entry('ord_1', at(1))], release: ['order#ord_1'] })).rejects.toThrow(/duplicates/);
  });

  it('shows an order with no usable id by its payload key', async () => {
    const store = await freshStore();
    await store.apply('orders', {
      put: [entry('x', at(1), { id: null, key: 'payload#0123456789abcdef0123456789abcdef', field: 'id' })],
      release: [],
    });

    expect((await store.summary('orders', 20)).newest[0]).toMatchObject({
      id: 'payload-sha256:0123456789abcdef0123456789abcdef',
      idFromPayload: true,
    });
  });

  it('keeps a payload too big for an item even compressed as its size only, and says so', async () => {
    const store = await freshStore();
    const huge = { id: 'ord_big', note: randomBytes(600 * 1024).toString('base64') };

    await store.apply('orders', { put: [entry('ord_big', at(1), { raw: huge, field: '(order)' })], release: [] });

    expect((await store.summary('orders', 20)).newest[0]).toMatchObject({ id: 'ord_big', rawKept: false });
  });
});

describe('the DynamoDB quarantine store, what a commit reads', () => {
  it('reads only the entries first seen in the span, whatever else the quarantine holds', async () => {
    const tableName = (await createTestTables(dynamo.endpoint)).quarantineTable;
    let scanned = 0;
    const counting = {
      send: async (command: Parameters<typeof dynamo.client.send>[0]) => {
        const answer = (await dynamo.client.send(command as never)) as { ScannedCount?: number };
        scanned += answer.ScannedCount ?? 0;
        return answer;
      },
    };
    const store = new DynamoQuarantineStore({ client: counting as never, tableName });
    const earlier = Array.from({ length: 300 }, (_, n) => entry(`ord_old_${n}`, at(1)));
    for (let n = 0; n < earlier.length; n += 100) await store.apply('orders', { put: earlier.slice(n, n + 100), release: [] });
    await store.apply('orders', { put: [entry('ord_new_1', at(5)), entry('ord_new_2', at(5))], release: [] });
    scanned = 0;

    const span = await store.firstSeenBetween('orders', { after: at(2), until: at(6) }, 20);

    expect(span.count).toBe(2);
    expect(scanned).toBe(2);
  });
});

describe('the DynamoDB quarantine store, payloads', () => {
  it('keeps a big payload gzip-compressed and gives it back whole', async () => {
    const store = new DynamoQuarantineStore({
      client: dynamo.client,
      tableName: (await createTestTables(dynamo.endpoint)).quarantineTable,
    });
    const big = {
      id: 'ord_big',
      line_items: Array.from({ length: 4000 }, (_, n) => ({ id: `li_${n}`, title: `Mug with a long title, number ${n}` })),
    };
    await store.apply('orders', { put: [entry('ord_big', at(1), { raw: big })], release: [] });

    const [item] = await (async () => {
      const items = [];
      for await (const one of store.scanStream('orders')) items.push(one);
      return items;
    })();

    expect(item!.raw_gz).toBeInstanceOf(Uint8Array);
    expect(rawOfItem(item as never)).toEqual(big);
  });
});
