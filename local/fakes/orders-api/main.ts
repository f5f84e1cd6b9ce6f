// Runs the fake source API on its own: `npx tsx local/fakes/orders-api/main.ts --orders 10000 --port 4010 --live-rate 20`.
// Prints the URL and the token (a fake's token: printing it is the point), and stops on Ctrl-C.
import { parseArgs } from 'node:util';
import { startFakeOrdersApi } from './index';

const USAGE = `options: --orders N --products N --customers N --port P --seed S --live-rate CHANGES_PER_S --token T --clock-offset-ms MS
         --latency-ms MS --rate-limit REQUESTS_PER_S --rate-window fixed|sliding --error-rate 0..1 --drop-rate 0..1
         --short-page-rate 0..1 --empty-page-rate 0..1`;

function number(values: Record<string, string | boolean | undefined>, name: string): number | undefined {
  const text = values[name];
  if (text === undefined) return undefined;
  const value = Number(text);
  if (typeof text !== 'string' || text.trim() === '' || !Number.isFinite(value)) {
    throw new Error(`--${name} must be a number, got "${String(text)}"\n${USAGE}`);
  }
  return value;
}

async function main(): Promise<void> {
  const names = [
    'orders',
    'products',
    'customers',
    'port',
    'seed',
    'live-rate',
    'token',
    'clock-offset-ms',
    'latency-ms',
    'rate-limit',
    'rate-window',
    'error-rate',
    'drop-rate',
    'short-page-rate',
    'empty-page-rate',
  ];
  const { values } = parseArgs({ options: Object.fromEntries(names.map((name) => [name, { type: 'string' as const }])), strict: true });
  const faults = Object.fromEntries(
    Object.entries({
      latencyMs: number(values, 'latency-ms'),
      rateLimitPerSecond: number(values, 'rate-limit'),
      rateWindow: values['rate-window'],
      errorRate: number(values, 'error-rate'),
      dropRate: number(values, 'drop-rate'),
      shortPageRate: number(values, 'short-page-rate'),
      emptyPageRate: number(values, 'empty-page-rate'),
    }).filter(([, value]) => value !== undefined),
  );
  const api = await startFakeOrdersApi({
    orders: number(values, 'orders') ?? 10_000,
    products: number(values, 'products'),
    customers: number(values, 'customers'),
    port: number(values, 'port') ?? 4010,
    seed: number(values, 'seed') ?? 1,
    liveRate: number(values, 'live-rate') ?? 0,
    clockOffsetMs: number(values, 'clock-offset-ms') ?? 0,
    ...(typeof values.token === 'string' ? { token: values.token } : {}),
    faults,
  });
  const { streams } = api.stats();
  console.log(
    `fake source API: ${api.url} (${streams.orders.records} orders, ${streams.products.records} products, ${streams.customers.records} customers)`,
  );
  console.log(`ORDERS_API_URL=${api.url}`);
  console.log(`ORDERS_API_TOKEN=${api.token}`);
  const stop = (): void => {
    void api.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
