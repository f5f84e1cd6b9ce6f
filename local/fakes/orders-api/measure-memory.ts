// One-off: the fake's memory at a given number of orders, and how fast one client walks it.
// `npx tsx --expose-gc local/fakes/orders-api/measure-memory.ts 1000000`
import { HttpSource } from '../../../functions/adapters/source/http-source';
import { PAGE_SIZE_MAX } from '../../../functions/core/limits';
import { startFakeOrdersApi } from './index';

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function main(): Promise<void> {
  const orders = Number(process.argv[2] ?? 1_000_000);
  const walkPages = Number(process.argv[3] ?? 400);
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage();
  const startedAt = Date.now();
  const api = await startFakeOrdersApi({ orders, seed: 42 });
  const builtMs = Date.now() - startedAt;
  gc?.();
  const after = process.memoryUsage();
  const source = new HttpSource({ baseUrl: api.url, token: api.token });
  const window = { from: null, to: api.now() };
  const walkStarted = Date.now();
  let cursor: string | null = null;
  let fetched = 0;
  for (let page = 0; page < walkPages; page++) {
    const result = await source.fetchPage({ window, cursor, limit: PAGE_SIZE_MAX });
    fetched += result.records.length;
    cursor = result.nextCursor;
    if (cursor === null) break;
  }
  const walkMs = Date.now() - walkStarted;
  gc?.();
  const walked = process.memoryUsage();
  console.log(
    JSON.stringify(
      {
        orders,
        buildMs: builtMs,
        tableBytes: mb(api.stats().tableBytes),
        rssBefore: mb(before.rss),
        rssAfterBuild: mb(after.rss),
        heapUsedAfterBuild: mb(after.heapUsed),
        arrayBuffersAfterBuild: mb(after.arrayBuffers),
        walk: { pages: walkPages, orders: fetched, ms: walkMs, ordersPerSecond: Math.round((fetched / walkMs) * 1000) },
        rssAfterWalk: mb(walked.rss),
        heapUsedAfterWalk: mb(walked.heapUsed),
        note: 'the client (connector, validation) runs in the same process',
      },
      null,
      2,
    ),
  );
  await source.close();
  await api.stop();
}

void main();
