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
    { case: 'changed orders move to the end of the window', clockOffsetMs: -120_000, fromIndex: 2000 },
  ])('returns every order that stayed inside the window ($case)', async (walkCase) => {
    fake = await startFakeShopify({
      shop: { orders: 10_000, seed: 99, clockOffsetMs: walkCase.clockOffsetMs, faults: { latencyMs: 5 } },
      bucket: { maximumAvailable: 1e7, restoreRate: 1e7 },
    });
    source = new ShopifyOrdersSource({ shopDomain: fake.url, apiVersion: '2025-10', token: fake.token, backoff: { baseMs: 1, capMs: 5 } });

    // Ids as the connector returns them (order GIDs): fake.truth, not the shop's own.
    await expectLiveWalkLosesNothing(
      source,
      { truth: (window) => fake.truth(window), setLiveRate: (rate) => fake.shop.setLiveRate(rate), changes: () => fake.shop.stats().changes },
      walkCase,
    );
  });
});
