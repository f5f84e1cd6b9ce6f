// The fake shop `npm start` serves when no real source is set: the fake orders API or the fake Shopify over the same
// seeded shop, which comes back the same after a restart (its seed and history's end are kept in the data dir).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { STREAM_NAMES, type StreamName } from '../../functions/core/stream';
import { FakeOrdersApi } from '../fakes/orders-api';
import { FakeShopify } from '../fakes/shopify';
import type { FakeShopOptions, RealSource } from './options';

export interface RunningFakeShop {
  /** What the functions read: the fake's address and token. */
  source: RealSource;
  /** The banner's line: where it listens, its orders and its pace. */
  describe(): string;
  stop(): Promise<void>;
}

export async function startFakeShop(options: FakeShopOptions, dataDir: string, say: (line: string) => void): Promise<RunningFakeShop> {
  const shop = {
    orders: options.orders,
    seed: options.seed,
    liveRate: options.liveRate,
    historyDays: options.historyDays,
    historyEndsAtMs: historyEnd(dataDir, options, say),
    faults: { latencyMs: options.latencyMs },
    // Products and customers change too, each at a quarter of the orders' pace, a tenth of their changes deletions.
    liveByStream: {
      products: { rate: options.liveRate / 4, deletionShare: 0.1 },
      customers: { rate: options.liveRate / 4, deletionShare: 0.1 },
    },
  };
  const pace = `created over ${options.historyDays} days, ${options.liveRate} changes/s (seed ${options.seed})`;
  if (options.kind === 'shopify') {
    const fake = new FakeShopify({ shop, port: options.port, bulkRate: options.shopify.bulkRate, bucket: options.shopify.bucket });
    await fake.start();
    const { bucket, bulkRate } = options.shopify;
    return {
      source: { url: fake.url, token: fake.token, kind: 'shopify' },
      describe: () =>
        `${fake.url}  fake Shopify: ${fake.shop.stats().orders.toLocaleString('en-US')} orders, ${pace}, ` +
        `bucket ${bucket.maximumAvailable ?? 10_000} points +${bucket.restoreRate ?? 1_000}/s, bulk exports at ${bulkRate} orders/s`,
      stop: () => fake.stop(),
    };
  }
  const fake = new FakeOrdersApi({ ...shop, port: options.port });
  await fake.start();
  return {
    source: { url: fake.url, token: fake.token, kind: 'http' },
    describe: () => `${fake.url}  fake shop: ${shopSize(fake.stats().streams)}, ${pace}`,
    stop: () => fake.stop(),
  };
}

/** `50,000 orders, 100 products, 300 customers`: what each stream holds now. */
function shopSize(streams: Record<StreamName, { records: number; deleted: number }>): string {
  return STREAM_NAMES.map((stream) => `${(streams[stream].records - streams[stream].deleted).toLocaleString('en-US')} ${stream}`).join(
    ', ',
  );
}

/**
 * The fake shop is generated from a seed and the moment its history ends; kept in the data dir, the same shop
 * comes back after a restart, so the stored copy, its checkpoint and a saved cursor still describe it.
 */
function historyEnd(
  dataDir: string,
  { orders, seed, historyDays }: Pick<FakeShopOptions, 'orders' | 'seed' | 'historyDays'>,
  say: (line: string) => void,
): number {
  const file = join(dataDir, 'fake-shop.json');
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { orders: number; seed: number; historyDays?: number; historyEndsAtMs: number };
    // A file written before --history-days existed describes the default's 730 days.
    const savedDays = saved.historyDays ?? 730;
    if (saved.orders === orders && saved.seed === seed && savedDays === historyDays) return saved.historyEndsAtMs;
    say(
      `the fake shop changed (${saved.orders} orders over ${savedDays} days, seed ${saved.seed} before): the stored copy describes the old one; --reset starts clean`,
    );
  }
  const historyEndsAtMs = Date.now();
  writeFileSync(file, JSON.stringify({ orders, seed, historyDays, historyEndsAtMs }, null, 2));
  return historyEndsAtMs;
}
