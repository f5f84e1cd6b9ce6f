// `npm start` on Shopify, as child processes: `--source shopify` runs the fake Shopify in the stack, and
// SOURCE_KIND=shopify SHOPIFY_SHOP_DOMAIN=... SHOPIFY_API_VERSION=... ORDERS_API_TOKEN=... syncs the shop at that
// domain (here a fake Shopify this test runs); a full resync through `npm run sync -- --full` stores every order.
import { startFakeShopify, type FakeShopify } from '../../local/fakes/shopify';
import { localStackProcess, npmRun, type StackProcess } from './npm-start-support';

const ORDERS = 200;
const FLAGS = ['--orders', String(ORDERS), '--history-days', '60', '--page-size', '100', '--live-rate', '0', '--no-schedule'];

async function fullResync(stack: StackProcess): Promise<string> {
  const sync = await npmRun(['sync', '--', '--full', '--api-url', stack.urls.httpApi, '--poll', '0.2']);
  expect(sync.code).toBe(0);
  return sync.stdout;
}

describe('npm start -- --source shopify', () => {
  let stack: StackProcess;
  beforeAll(async () => {
    stack = await localStackProcess('tsx', [...FLAGS, '--source', 'shopify', '--bulk-rate', '5000']);
  });
  afterAll(() => stack?.kill());

  it('runs the fake Shopify and syncs it: the banner says so, and a full resync stores every order', async () => {
    expect(stack.output()).toMatch(
      new RegExp(
        `  source\\s+http://127\\.0\\.0\\.1:\\d+\\s+fake Shopify: ${ORDERS} orders, created over 60 days, 0 changes/s \\(seed 1\\), bucket 10000 points \\+1000/s, bulk exports at 5000 orders/s`,
      ),
    );

    const summary = await fullResync(stack);

    expect(summary).toContain(`${ORDERS} orders (${ORDERS} new, 0 changed, 0 unchanged)`);
    await stack.waitForOutput(/✔ full run \S+ committed/);
  });
});

describe('SOURCE_KIND=shopify SHOPIFY_SHOP_DOMAIN=... npm start', () => {
  let fake: FakeShopify;
  let stack: StackProcess;
  beforeAll(async () => {
    fake = await startFakeShopify({ shop: { orders: ORDERS, seed: 12 } });
    stack = await localStackProcess('tsx', FLAGS, undefined, {
      SOURCE_KIND: 'shopify',
      SHOPIFY_SHOP_DOMAIN: fake.url,
      SHOPIFY_API_VERSION: '2026-10',
      ORDERS_API_TOKEN: fake.token,
    });
  });
  afterAll(async () => {
    await stack?.kill();
    await fake?.stop();
  });

  it('syncs the shop at that domain, in that API version', async () => {
    expect(stack.output()).toMatch(new RegExp(`  source\\s+${fake.url}\\s+\\(SOURCE_KIND=shopify, Admin API 2026-10\\)`));

    const summary = await fullResync(stack);

    expect(summary).toContain(`${ORDERS} orders (${ORDERS} new, 0 changed, 0 unchanged)`);
    // A full resync on Shopify is one bulk export (SHOPIFY_BULK_RESYNC defaults to true), not pages of the orders query.
    expect(fake.bulk.list()).toHaveLength(1);
    expect(fake.calls().filter((call) => call.operation === 'OrdersPage')).toHaveLength(0);
    expect(fake.calls().every((call) => call.outcome === '200')).toBe(true);
  });
});
