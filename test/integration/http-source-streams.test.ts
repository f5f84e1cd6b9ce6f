// The HTTP source reading the products and customers streams of the fake source API over loopback: a full walk, an
// incremental window, the count, the deletion feed, ?ids=, bad records set aside, and a walk that loses nothing while
// the stream changes under it.
import { HttpSource } from '../../functions/adapters/source/http-source';
import type { Window } from '../../functions/core/run-types';
import type { StreamModel } from '../../functions/core/stream';
import { CUSTOMERS } from '../../functions/core/streams/customers/validate-customer';
import { PRODUCTS } from '../../functions/core/streams/products/validate-product';
import type { SyncRecord } from '../../functions/core/record';
import { startFakeOrdersApi, type FakeOrdersApi } from '../../local/fakes/orders-api';
import { expectLiveWalkLosesNothing, walkWindow } from '../support/fake-api-walk';

const STREAMS: Array<[string, StreamModel<SyncRecord>]> = [
  ['products', PRODUCTS as unknown as StreamModel<SyncRecord>],
  ['customers', CUSTOMERS as unknown as StreamModel<SyncRecord>],
];

describe.each(STREAMS)('the HTTP source on the %s stream', (_name, model) => {
  let api: FakeOrdersApi;
  let source: HttpSource<SyncRecord>;
  let everything: Window;

  beforeEach(async () => {
    api = await startFakeOrdersApi({ orders: 50, products: 450, customers: 450, seed: 31 });
    source = new HttpSource({ baseUrl: api.url, token: api.token, backoff: { baseMs: 1, capMs: 5 }, stream: model });
    everything = { from: null, to: api.now() };
  });
  afterEach(async () => {
    await source.close();
    await api.stop();
  });

  it('walks the whole stream and returns every record validated, once, in order, its raw payload as served', async () => {
    const walk = await walkWindow(source, everything, 100);

    const controls = api.stream(model.name);
    expect(walk.orders.map((record) => ({ id: record.id, updated_at: record.updatedAt }))).toEqual(controls.truth(everything));
    expect(walk.pages).toBe(5);
    expect(walk.orders[17]!.raw).toEqual(controls.record(walk.orders[17]!.id));
    expect(await source.count(everything)).toBe(450);
    expect(api.stats().byRoute[`/${model.name}`]).toEqual({ '200': 5 });
    expect(api.stats().byRoute['/orders']).toBeUndefined();
  });

  it('reads an incremental window: what changed since, and nothing before it', async () => {
    const controls = api.stream(model.name);
    const from = api.now();
    const ids = controls.truth().map((record) => record.id);
    controls.mutate({ updates: ids.slice(0, 30), creates: 5 });
    controls.mutate({ updates: ids.slice(100, 140), bulk: true });
    const window: Window = { from, to: api.now() };

    const walk = await walkWindow(source, window, 25);

    expect(walk.orders).toHaveLength(75);
    expect(walk.orders.map((record) => ({ id: record.id, updated_at: record.updatedAt }))).toEqual(controls.truth(window));
    expect(await source.count(window)).toBe(75);
  });

  it('reads the deletion feed of its window and checks which ids still exist with ?ids=', async () => {
    const controls = api.stream(model.name);
    const ids = controls.truth().map((record) => record.id);
    const from = api.now();
    const { deletedAt } = controls.delete(ids.slice(0, 3));
    const page = await source.fetchDeleted!({ window: { from, to: api.now() }, cursor: null, limit: 250 });
    const existing = await source.existing!([...ids.slice(0, 10), 'ord_0000001']);

    expect(page.deletions).toEqual(
      ids
        .slice(0, 3)
        .sort()
        .map((id) => ({ id, deletedAt })),
    );
    expect(page.nextCursor).toBeNull();
    expect([...existing.ids].sort()).toEqual(ids.slice(3, 10).sort());
    expect((await walkWindow(source, { from: null, to: api.now() }, 250)).orders).toHaveLength(447);
  });

  it("sets a record that breaks the contract aside with its payload, naming it and the field, and keeps the page's others", async () => {
    const controls = api.stream(model.name);
    const broken = controls.truth()[5]!.id;
    controls.corrupt(broken, { created_at: 'yesterday' });

    const walk = await walkWindow(source, everything, 250);
    const page = await source.fetchPage({ window: everything, cursor: null, limit: 250 });

    expect(walk.orders).toHaveLength(449);
    expect(page.rejected).toHaveLength(1);
    expect(page.rejected[0]).toMatchObject({ id: broken, field: 'created_at' });
    expect(page.rejected[0]!.message).toContain(`${model.noun} ${broken}: field "created_at"`);
    expect(page.rejected[0]!.raw).toEqual(controls.record(broken));
  });

  it('loses no record that stays inside the window while the stream changes hundreds of times a second', async () => {
    await source.close();
    await api.stop();
    api = await startFakeOrdersApi({
      orders: 10,
      products: 2_000,
      customers: 2_000,
      seed: 37,
      clockOffsetMs: -120_000,
      faults: { latencyMs: 60 },
    });
    source = new HttpSource({ baseUrl: api.url, token: api.token, backoff: { baseMs: 1, capMs: 5 }, stream: model });
    const controls = api.stream(model.name);

    await expectLiveWalkLosesNothing(
      source,
      {
        truth: (window) => controls.truth(window),
        setLiveRate: (rate) => controls.setLiveRate(rate),
        changes: () => api.stats().streams[model.name].changes,
      },
      { clockOffsetMs: -120_000, fromIndex: 400, liveRate: 200 },
    );
  });
});
