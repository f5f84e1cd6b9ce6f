// Runs the fake Shopify GraphQL Admin API on its own: `npx tsx local/fakes/shopify/main.ts --orders 10000 --port 4011 --live-rate 20`
// (`--bulk-rate ORDERS_PER_S`: how fast its bulk exports run, default and its basis in bulk.ts; `--products N
// --customers N --catalogue-live-rate CHANGES_PER_S`: the other streams, changing and deleting live).
// Prints the settings that point order-sync at it (a fake's token: printing it is the point), and stops on Ctrl-C.
import { parseArgs } from 'node:util';
import { DEFAULT_BULK_RATE } from './bulk';
import { startFakeShopify } from './index';

const NAMES = [
  'orders',
  'port',
  'seed',
  'live-rate',
  'token',
  'bucket-size',
  'restore-rate',
  'scopes',
  'bulk-rate',
  'products',
  'customers',
  'catalogue-live-rate',
] as const;
const USAGE = `options: --orders N --port P --seed S --live-rate CHANGES_PER_S --token T --bucket-size POINTS --restore-rate POINTS_PER_S --scopes read_orders,read_all_orders,read_products,read_customers --bulk-rate ORDERS_PER_S (default ${DEFAULT_BULK_RATE}) --products N --customers N (default 100 each) --catalogue-live-rate CHANGES_PER_S (products and customers each, a tenth of them deletions)`;

function number(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new Error(`--${name} must be a number, got "${text}"\n${USAGE}`);
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: Object.fromEntries(NAMES.map((name) => [name, { type: 'string' as const }])), strict: true });
  const text = values as Partial<Record<(typeof NAMES)[number], string>>;
  const maximumAvailable = number(text['bucket-size'], 'bucket-size');
  const restoreRate = number(text['restore-rate'], 'restore-rate');
  const fake = await startFakeShopify({
    shop: {
      orders: number(text.orders, 'orders') ?? 10_000,
      seed: number(text.seed, 'seed') ?? 1,
      liveRate: number(text['live-rate'], 'live-rate') ?? 0,
    },
    port: number(text.port, 'port') ?? 4011,
    ...(text.token ? { token: text.token } : {}),
    ...(text.scopes ? { scopes: text.scopes.split(',') } : {}),
    bucket: { ...(maximumAvailable !== undefined ? { maximumAvailable } : {}), ...(restoreRate !== undefined ? { restoreRate } : {}) },
    bulkRate: number(text['bulk-rate'], 'bulk-rate') ?? DEFAULT_BULK_RATE,
    ...(text.products ? { products: number(text.products, 'products') } : {}),
    ...(text.customers ? { customers: number(text.customers, 'customers') } : {}),
  });
  const catalogueLiveRate = number(text['catalogue-live-rate'], 'catalogue-live-rate') ?? 0;
  fake.products.setLiveRate(catalogueLiveRate, 0.1);
  fake.customers.setLiveRate(catalogueLiveRate, 0.1);
  console.log(
    `fake Shopify GraphQL Admin API: ${fake.url}/admin/api/2025-10/graphql.json (${fake.shop.stats().orders} orders, ${fake.products.truth().length} products, ${fake.customers.truth().length} customers; bulk exports at ${number(text['bulk-rate'], 'bulk-rate') ?? DEFAULT_BULK_RATE} orders/s)`,
  );
  console.log('SOURCE_KIND=shopify');
  console.log(`SHOPIFY_SHOP_DOMAIN=${fake.url}`);
  console.log('SHOPIFY_API_VERSION=2025-10');
  console.log(`ORDERS_API_TOKEN=${fake.token}`);
  const stop = (): void => {
    void fake.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
