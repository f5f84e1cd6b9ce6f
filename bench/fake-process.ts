// Child process: the fake orders API on its own, so its memory is measured apart from the runner's.
// `fork('bench/fake-process.ts', [JSON options])`; answers stats, mutate, oldestIds, peakRss over IPC.
import { startFakeOrdersApi, type Change, type FakeOrdersApiOptions } from '../local/fakes/orders-api';
import { serveRequests } from './ipc';
import { sampleRss } from './rss';

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as FakeOrdersApiOptions;
  const rss = sampleRss();
  const api = await startFakeOrdersApi(options);
  serveRequests({
    info: () => ({ url: api.url, token: api.token }),
    stats: () => api.stats(),
    mutate: (change: Change) => api.mutate(change),
    oldestIds: (count: number) =>
      api
        .truth()
        .slice(0, count)
        .map((order) => order.id),
    peakRss: () => {
      const peak = rss.peak();
      rss.mark();
      return peak;
    },
    stop: () => api.stop(),
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
