// `npm run bench -- --shopify [--orders 5000 --paged-orders 1000 --bulk-rate 200]`: a Shopify full resync under a
// Standard plan's budget (100 points/s, a 2,000-point bucket), paged (the orders query, SHOPIFY_BULK_RESYNC=false) and
// through a bulk export, side by side, each through the local state machine against the fake Shopify, each with a
// projection to 300,000 orders. The paged walk is bound by the budget alone, so a smaller shop measures its rate.
import { mkdir, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { decodeBulkPlace } from '../functions/adapters/source/shopify/shopify-source';
import type { RunState } from '../functions/core/run-state';
import type { RunOutcome } from '../functions/core/run-types';
import { startLocalStack } from '../local/aws/stack';
import { FakeShopify } from '../local/fakes/shopify';
import { DEFAULT_BULK_RATE } from '../local/fakes/shopify/bulk';

/** Shopify's Standard plan: 100 points restored a second, 2,000 at most (https://shopify.dev/docs/api/usage/limits). */
export const STANDARD_PLAN_BUDGET = { restoreRate: 100, maximumAvailable: 2_000 };
const PROJECTED_ORDERS = 300_000;
const PAGED_PAGE_SIZE = 27;

export interface ShopifyBenchSettings {
  /** Orders of the shop the bulk resync exports. */
  orders: number;
  /** Orders of the shop the paged resync walks (its rate is the budget's: a few orders a second). */
  pagedOrders: number;
  /** The fake's export rate, orders/s (Shopify documents none: see local/fakes/shopify/bulk.ts). */
  bulkRate: number;
  seed: number;
}

export interface ShopifyResyncFigures {
  path: 'paged' | 'bulk';
  orders: number;
  seconds: number;
  ordersPerSecond: number;
  pages: number;
  /** GraphQL requests the connector sent (result range reads are not GraphQL and not charged). */
  graphqlRequests: number;
  /** Bulk only: from the start to the first range read, and the reading after it. */
  exportSeconds?: number;
  readSeconds?: number;
  projected300kSeconds: number;
  exact: boolean;
}

async function resync(pathKind: 'paged' | 'bulk', orders: number, settings: ShopifyBenchSettings): Promise<ShopifyResyncFigures> {
  let firstReadAt: number | null = null;
  const fake = await new FakeShopify({
    shop: { orders, seed: settings.seed },
    bucket: STANDARD_PLAN_BUDGET,
    bulkRate: settings.bulkRate,
  }).start();
  const stack = await startLocalStack({
    source: { url: fake.url, token: fake.token, kind: 'shopify' },
    // The paged query asks 975 points for 9 orders (5 line items each): a page of 250 would wait minutes for a
    // Standard plan's budget, past the page step's 60 s timeout. 27 orders (3 requests) keep a page near 25 s.
    env: { SHOPIFY_BULK_RESYNC: String(pathKind === 'bulk'), PAGE_SIZE: String(PAGED_PAGE_SIZE) },
    retryIntervalMs: 0,
    hooks: {
      before: (functionName, payload) => {
        const cursor = functionName === 'sync-page' ? (payload as RunState).run.position.cursor : null;
        if (firstReadAt === null && cursor?.startsWith('bulk:') && decodeBulkPlace(cursor).phase === 'reading')
          firstReadAt = performance.now();
      },
    },
    operations: { notification: () => undefined, runMetrics: () => undefined, emf: () => undefined },
  });
  try {
    const started = performance.now();
    const first = stack.machine.start(`bench-shopify-${pathKind}-${process.pid}`, { mode: 'full', trigger: 'cli' });
    const chain = await stack.machine.waitForChain(first.executionArn);
    const seconds = (performance.now() - started) / 1000;
    const outcome = chain[chain.length - 1]!.output as RunOutcome | undefined;
    if (outcome?.status !== 'succeeded')
      throw new Error(
        `the ${pathKind} resync did not succeed: ${chain[chain.length - 1]!.error ?? ''} ${chain[chain.length - 1]!.cause ?? ''}`,
      );
    const exportSeconds = firstReadAt === null ? undefined : (firstReadAt - started) / 1000;
    const readSeconds = exportSeconds === undefined ? undefined : seconds - exportSeconds;
    // Paged: linear in orders (the budget's rate). Bulk: the export at its rate, plus the reading at the measured rate.
    const projected300kSeconds =
      exportSeconds === undefined
        ? (seconds * PROJECTED_ORDERS) / orders
        : PROJECTED_ORDERS / settings.bulkRate + (readSeconds! * PROJECTED_ORDERS) / orders;
    return {
      path: pathKind,
      orders,
      seconds,
      ordersPerSecond: orders / seconds,
      pages: outcome.pages,
      graphqlRequests: fake.calls().length,
      ...(exportSeconds === undefined ? {} : { exportSeconds, readSeconds }),
      projected300kSeconds,
      exact: outcome.counts.inserted === orders && outcome.orderCount === orders,
    };
  } finally {
    await stack.stop();
    await fake.stop();
  }
}

function duration(seconds: number): string {
  if (seconds < 120) return `${seconds.toFixed(1)} s`;
  if (seconds < 7_200) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3_600).toFixed(1)} h`;
}

export function renderShopifyReport(figures: ShopifyResyncFigures[], settings: ShopifyBenchSettings): string {
  const rows = figures.map((f) =>
    [
      f.path,
      f.orders.toLocaleString('en-US'),
      duration(f.seconds),
      f.ordersPerSecond.toFixed(1),
      String(f.pages),
      String(f.graphqlRequests),
      f.exportSeconds === undefined ? '-' : `${duration(f.exportSeconds)} + ${duration(f.readSeconds!)}`,
      duration(f.projected300kSeconds),
      f.exact ? 'yes' : 'NO',
    ].join(' | '),
  );
  return [
    `Shopify full resync under a Standard plan's budget (${STANDARD_PLAN_BUDGET.restoreRate} points/s, ${STANDARD_PLAN_BUDGET.maximumAvailable}-point bucket), ` +
      `fake Shopify exporting at ${settings.bulkRate} orders/s (an assumption: Shopify documents no rate), ${os.cpus().length} x ${os.cpus()[0]?.model.trim() ?? 'CPU'}, Node ${process.version}`,
    '',
    '| path | orders | time | orders/s | pages | GraphQL requests | export + read | projected 300k | exact copy |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows.map((row) => `| ${row} |`),
  ].join('\n');
}

export async function runShopifyBench(settings: ShopifyBenchSettings): Promise<void> {
  const figures: ShopifyResyncFigures[] = [];
  for (const [kind, orders] of [
    ['paged', settings.pagedOrders],
    ['bulk', settings.orders],
  ] as const) {
    console.error(`bench: Shopify full resync, ${kind}, ${orders} orders ...`);
    figures.push(await resync(kind, orders, settings));
  }
  console.log(renderShopifyReport(figures, settings));
  const resultsDir = path.join(__dirname, 'results');
  await mkdir(resultsDir, { recursive: true });
  const jsonPath = path.join(resultsDir, `shopify-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(
    jsonPath,
    `${JSON.stringify({ date: new Date().toISOString(), settings, budget: STANDARD_PLAN_BUDGET, figures }, null, 2)}\n`,
  );
  console.log(`\nfigures written to ${path.relative(process.cwd(), jsonPath)}`);
}

// Run by bench/run.ts in a child process whose environment quiets the step logs (read when the logger is built).
if (require.main === module) {
  runShopifyBench(JSON.parse(process.argv[2] ?? '{}') as ShopifyBenchSettings).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}

export const SHOPIFY_BENCH_DEFAULTS: ShopifyBenchSettings = { orders: 5_000, pagedOrders: 300, bulkRate: DEFAULT_BULK_RATE, seed: 1 };
