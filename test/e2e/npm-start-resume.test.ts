// The stack killed mid-resync (SIGKILL: no clean stop), started again on the same data: the dead run's lease does
// not block anything, and `npm run sync -- --resume` finishes the resync from its saved page, exact counts.
import { rmSync } from 'node:fs';
import { localStackProcess, npmRun, syncStatus, type StackProcess } from './npm-start-support';

const ORDERS = 1_000;
const PAGE_SIZE = 20;
const PAGES = ORDERS / PAGE_SIZE;
// Each page takes at least 100 ms, as from a remote API: the 29 pages after page 21 take seconds, so the crash lands
// mid-run even on a quiet machine, with a shop of 50 pages rather than hundreds.
const SHOP = [
  '--orders',
  String(ORDERS),
  '--history-days',
  '60',
  '--page-size',
  String(PAGE_SIZE),
  '--live-rate',
  '0',
  '--no-schedule',
  '--latency',
  '100',
];

describe('killed mid-resync, started again, resumed', () => {
  const started: StackProcess[] = [];
  let dataDir: string | undefined;
  afterAll(async () => {
    for (const stack of started) await stack.kill({ keepData: true });
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('finishes the interrupted resync from where it stopped, and the stack process itself exits 0 on Ctrl-C', async () => {
    const first = await localStackProcess('tsx', SHOP);
    started.push(first);
    dataDir = first.dataDir;
    const trigger = await npmRun(['sync', '--', '--full', '--no-follow', '--api-url', first.urls.httpApi]);
    const runId = /run (orders-full-http-\S+),/.exec(trigger.stdout)?.[1];
    // Page 21 logged: its step saved its own result before logging it.
    await first.waitForOutput(/ page 21: /);
    await first.crash();
    const pagesBeforeCrash = Math.max(...[...first.output().matchAll(/ page (\d+): /g)].map((match) => Number(match[1])));

    const second = await localStackProcess('tsx', SHOP, dataDir);
    started.push(second);
    const before = await syncStatus(second.urls.httpApi);
    const resume = await npmRun(['sync', '--', '--resume', '--api-url', second.urls.httpApi, '--poll', '0.2']);
    const after = await syncStatus(second.urls.httpApi);
    const ended = await second.interrupt();

    expect(trigger.code).toBe(0);
    expect(pagesBeforeCrash).toBeGreaterThanOrEqual(20);
    expect(pagesBeforeCrash).toBeLessThan(PAGES);
    // At start the stack found the dead run's lease and recorded the run as interrupted, keeping its progress.
    expect(second.output()).toMatch(
      new RegExp(
        `⏸ full run ${runId} found from the last session after [\\d,]+ pages \\(saved\\); continue it with: npm run sync -- --resume`,
      ),
    );
    expect(before.orders.running).toBeNull();
    expect(before.orders.resumable).toMatchObject({
      run_id: runId,
      error: expect.stringContaining('the local stack stopped while the run was in flight'),
    });
    expect(before.orders.resumable.pages).toBeGreaterThanOrEqual(20);
    expect(before.orders.last_run).toMatchObject({ status: 'failed', error: { name: 'Interrupted' } });

    expect(resume.code).toBe(0);
    expect(resume.stdout).toContain('▶ resume of the failed full resync started');
    expect(resume.stdout).toContain(`✔ full run succeeded: ${PAGES} pages, ${ORDERS.toLocaleString('en-US')} orders`);
    // The resumed run is the same run: its pages went on from the saved one, nothing fetched twice.
    expect(second.output()).toMatch(
      new RegExp(`${runId} begins: resuming failed full resync ${runId} at page ${before.orders.resumable.pages}`),
    );
    expect(second.output()).not.toMatch(new RegExp(`${runId} page 1: `));
    expect(after.orders).toMatchObject({
      count: ORDERS,
      running: null,
      resumable: null,
      last_run: {
        run_id: runId,
        status: 'succeeded',
        pages: PAGES,
        counts: { fetched: ORDERS, inserted: ORDERS, updated: 0, unchanged: 0, stale: 0, quarantined: 0, deleted: 0 },
      },
    });
    // On a failure, the end of the stack's output says why it did not stop cleanly (a forced exit names its reason).
    expect({ ...ended, output: ended.code === 0 ? '' : second.output().slice(-2000) }).toEqual({ code: 0, signal: null, output: '' });
    expect(second.output()).toContain('stopped: servers closed, dynalite data saved');
    // Two stack processes (each synthesizing the template and starting six function environments) and two CLI
    // runs: a loaded machine needs more than the default minute.
  }, 180_000);
});
