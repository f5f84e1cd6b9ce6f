// docs/source-contract.md's promise, checked end to end: a walk that keeps its filters loses no order that stays
// inside the window, while the shop changes hundreds of orders a second (duplicates allowed).
import { HttpSource } from '../../functions/adapters/source/http-source';
import { startFakeOrdersApi, type FakeOrdersApi } from '../../local/fakes/orders-api';
import { expectLiveWalkLosesNothing } from '../support/fake-api-walk';

describe('walking a window while the shop changes orders', () => {
  let api: FakeOrdersApi;
  let source: HttpSource;

  afterEach(async () => {
    await source.close();
    await api.stop();
  });

  it.each([
    // The source's clock agrees with ours: a changed order leaves the window (its updated_at is past `to`).
    { case: 'changed orders leave the window', clockOffsetMs: 0, fromIndex: null },
    // The source runs two minutes behind: a changed order moves to the window's end, and the walk must reach it there.
    { case: 'changed orders move to the end of the window', clockOffsetMs: -120_000, fromIndex: 600 },
  ])('returns every order that stayed inside the window ($case)', async (walkCase) => {
    api = await startFakeOrdersApi({ orders: 3_000, seed: 99, clockOffsetMs: walkCase.clockOffsetMs, faults: { latencyMs: 80 } });
    source = new HttpSource({ baseUrl: api.url, token: api.token, backoff: { baseMs: 1, capMs: 5 } });

    // 200 changes/s: a walk on a loaded machine (a bench beside the tests) must still outpace the changes that move
    // orders to the window's end (400/s failed once so). A small shop, paced by the fake's latency rather than by CPU:
    // 80 ms a page keeps the walk above 2 s even on a quiet machine, so hundreds of changes land while it walks.
    await expectLiveWalkLosesNothing(
      source,
      { truth: (window) => api.truth(window), setLiveRate: (rate) => api.setLiveRate(rate), changes: () => api.stats().changes },
      { ...walkCase, liveRate: 200 },
    );
  });
});
