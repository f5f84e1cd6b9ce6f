// Child process: the fake orders API on its own, so its memory is measured apart from the runner's.
// `fork('bench/fake-process.ts', [JSON options])`; answers stats, mutate, oldestIds (of any stream), peakRss over IPC.
import type { StreamName } from '../functions/core/stream';
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
    mutate: ({ change, stream }: { change: Change; stream: StreamName }) => api.stream(stream).mutate(change),
    oldestIds: ({ count, stream }: { count: number; stream: StreamName }) =>
      api
        .stream(stream)
        .truth()
        .slice(0, count)
        .map((record) => record.id),
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
