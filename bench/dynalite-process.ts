// Child process: dynalite on disk on its own, so the DynamoDB stand-in's memory (which grows with the table,
// unlike DynamoDB's cost to a Lambda) is measured apart from the runner's. `fork(..., [dataDir])`.
import { startDynaliteServer } from '../local/aws/dynalite-server';
import { serveRequests } from './ipc';
import { sampleRss } from './rss';

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  if (!dataDir) throw new Error('usage: dynalite-process.ts <data dir>');
  const rss = sampleRss();
  const server = await startDynaliteServer({ path: dataDir });
  serveRequests({
    info: () => ({ endpoint: server.endpoint }),
    peakRss: () => {
      const peak = rss.peak();
      rss.mark();
      return peak;
    },
    stop: () => server.stop(),
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
