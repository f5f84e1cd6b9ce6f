// docs/source-contract.md's promise through the Shopify connector: a walk that keeps its filter loses no order that stays
// inside the window while the shop changes hundreds of orders a second (duplicates allowed).
import { ShopifyOrdersSource } from '../../functions/adapters/source/shopify/shopify-orders-source';
import { startFakeShopify, type FakeShopify } from '../../local/fakes/shopify';
import { expectLiveWalkLosesNothing } from '../support/fake-api-walk';

describe('walking a Shopify window while the shop changes orders', () => {
  let fake: FakeShopify;
  let source: ShopifyOrdersSource;

  afterEach(async () => {
    await source.close();
    await fake.stop();
  });

  it.each([
    { case: 'changed orders leave the window', clockOffsetMs: 0, fromIndex: null },
    { case: 'changed orders move to the end of the window', clockOffsetMs: -120_000, fromIndex: 400 },
  ])('returns every order that stayed inside the window ($case)', async (walkCase) => {
    fake = await startFakeShopify({
      shop: { orders: 2_000, seed: 99, clockOffsetMs: walkCase.clockOffsetMs, faults: { latencyMs: 45 } },
      bucket: { maximumAvailable: 1e7, restoreRate: 1e7 },
    });
    source = new ShopifyOrdersSource({ shopDomain: fake.url, apiVersion: '2025-10', token: fake.token, backoff: { baseMs: 1, capMs: 5 } });

    // Ids as the connector returns them (order GIDs): fake.truth, not the shop's own.
    await expectLiveWalkLosesNothing(
      source,
      {
        truth: (window) => fake.truth(window),
        setLiveRate: (rate) => fake.shop.setLiveRate(rate),
        changes: () => fake.shop.stats().changes,
      },
      // 40 changes/s, not the HTTP walk's 400: with the revenue fields a paged request holds 9 orders under the
      // single-query cost limit (was 24), so the walk reads ~580 orders/s on a quiet machine and far fewer on a loaded
      // one, and a walk slower than the changes that move orders to the window's end never reaches it (125/s failed
      // under load). A small shop, its walk paced by the fake's latency (45 ms a request) rather than by CPU, so
      // hundreds of changes still land while it runs.
      { ...walkCase, liveRate: 40 },
    );
  });
});
