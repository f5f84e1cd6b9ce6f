// What a newcomer does, as child processes: `npm start` (a small fake shop, free ports, run settings in its
// environment), then `npm run sync -- --full`, `npm run status`, `npm run executions`, an incremental `npm run sync`;
// Ctrl-C (SIGINT to the process group, as a terminal sends it) stops it all.
import { localStackProcess, npmRun, portIsFree, syncStatus, type StackProcess } from './npm-start-support';

const ORDERS = 600;
const PAGE_SIZE = 30;
const PAGES = ORDERS / PAGE_SIZE;
/** 20 pages at 9 per execution: three parts, and the daily sales' recompute after them. */
const PAGES_PER_EXECUTION = 9;
const COUNT = ORDERS.toLocaleString('en-US');
/** Not the defaults (300, 86400, 3600): the functions must get these from npm start's environment. */
const RUN_SETTINGS = { OVERLAP_SECONDS: '5', LOOKBACK_SECONDS: '120', LOOKBACK_EVERY_SECONDS: '7200' };

describe('npm start, then the CLI, then Ctrl-C', () => {
  let stack: StackProcess;

  beforeAll(async () => {
    stack = await localStackProcess(
      'npm',
      [
        '--orders',
        String(ORDERS),
        // Two months of history: the daily sales' last phase recomputes a few dozen days, not two years of them.
        '--history-days',
        '60',
        '--page-size',
        String(PAGE_SIZE),
        '--pages-per-execution',
        String(PAGES_PER_EXECUTION),
        // Each page takes at least 150 ms, as from a remote API: a run of 20 pages lasts seconds, so of two syncs
        // started together the second meets the first still running even on a loaded machine.
        '--live-rate',
        '0',
        '--no-schedule',
        '--latency',
        '150',
      ],
      undefined,
      RUN_SETTINGS,
    );
  });
  afterAll(() => stack?.kill());

  it('prints what runs where with ready-to-paste commands', () => {
    expect(stack.output()).toContain('order-sync runs locally');
    expect(stack.output()).toContain(`npm run sync -- --full --api-url ${stack.urls.httpApi}`);
    expect(stack.output()).toContain(`curl ${stack.urls.httpApi}/api/sync/status`);
    expect(stack.output()).toMatch(
      new RegExp(
        `aws stepfunctions list-executions \\\\\\n\\s+--endpoint-url ${stack.urls.sfn} --region us-east-1 --state-machine-arn arn:aws:states:`,
      ),
    );
    expect(stack.output()).toContain(`fake shop: ${ORDERS.toLocaleString('en-US')} orders`);
    expect(stack.output()).toContain('created over 60 days, 0 changes/s');
  });

  it('runs a full resync triggered by `npm run sync -- --full` to the end, with a summary, readable log lines and exact counts', async () => {
    const sync = await npmRun(['sync', '--', '--full', '--api-url', stack.urls.httpApi, '--poll', '0.2']);

    expect(sync.code).toBe(0);
    expect(sync.stdout).toMatch(/^▶ full sync started: run orders-full-http-\S+, execution orders-full-http-\S+-p1$/m);
    expect(sync.stdout).toContain(`✔ full run succeeded: ${PAGES} pages, ${COUNT} orders (${COUNT} new, 0 changed, 0 unchanged)`);
    expect(sync.stdout).toMatch(new RegExp(`stored\\s+${COUNT} orders`));
    await stack.waitForOutput(/✔ full run \S+ committed/);
    // One readable line per page and per event, not the handlers' JSON.
    expect(stack.output()).toMatch(new RegExp(` page ${PAGES}: ${PAGE_SIZE} orders: ${PAGE_SIZE} new, 0 changed, 0 unchanged, last page`));
    expect(stack.output()).toMatch(new RegExp(`continues as a new execution \\(part 2\\) after ${PAGES_PER_EXECUTION} pages`));
    expect(stack.output()).not.toContain('{"level":');
  });

  it('shows the status (readable and --json) and the executions of the run, with their counts', async () => {
    const readable = await npmRun(['status', '--', '--api-url', stack.urls.httpApi]);
    const json = await npmRun(['status', '--', '--api-url', stack.urls.httpApi, '--json']);
    const executions = await npmRun(['executions', '--', '--sfn-endpoint', stack.urls.sfn]);
    const executionsJson = await npmRun(['executions', '--', '--sfn-endpoint', stack.urls.sfn, '--json']);

    expect(readable.code).toBe(0);
    expect(readable.stdout).toMatch(new RegExp(`orders stored\\s+${COUNT}`));
    expect(readable.stdout).toMatch(new RegExp(`last run\\s+full run succeeded: ${PAGES} pages`));
    expect(JSON.parse(json.stdout).orders).toMatchObject({
      count: ORDERS,
      running: null,
      last_run: { status: 'succeeded', pages: PAGES },
    });
    expect(executions.code).toBe(0);
    expect(executions.stdout.split('\n')[0]).toMatch(
      /^NAME\s+STREAM\s+STATUS\s+STARTED \(UTC\)\s+DURATION\s+PAGES\s+RECORDS\s+NEW\s+CHANGED\s+NOTE$/,
    );
    const listed = JSON.parse(executionsJson.stdout) as Array<{ name: string; status: string; output: any }>;
    // Newest first; the last commits with the run's counts. The 22 page steps, the deletion feed's and reconciliation's
    // take three parts; the daily sales' recompute of every day the orders count in (hundreds over the fake's two
    // years, 366 a step) one or two steps more, in the third part or a fourth.
    const parts = listed.map((execution) => [execution.name.replace(/^orders-full-http-\d{8}T\d{6}Z-[0-9a-f]{4}-/, ''), execution.status]);
    expect(parts.length).toBeGreaterThanOrEqual(3);
    expect(parts).toEqual(parts.map((_, index) => [`p${parts.length - index}`, 'SUCCEEDED']));
    expect(listed[0]!.output).toMatchObject({
      status: 'succeeded',
      pages: PAGES,
      counts: { fetched: ORDERS, inserted: ORDERS },
    });
    expect(executions.stdout).toMatch(
      new RegExp(`-p${parts.length}\\s+orders\\s+SUCCEEDED\\s+.*\\s+${PAGES}\\s+${COUNT}\\s+${COUNT}\\s+0\\s+committed; watermark`),
    );
  });

  it('runs exactly one of two resyncs triggered together; the other exits 1 with the 409 naming the running execution', async () => {
    const both = await Promise.all([0, 1].map(() => npmRun(['sync', '--', '--full', '--api-url', stack.urls.httpApi, '--poll', '0.2'])));
    const winner = both.find((result) => result.code === 0);
    const refused = both.find((result) => result.code !== 0);
    const runId = /run (\S+), execution/.exec(winner?.stdout ?? '')?.[1];

    expect(both.map((result) => result.code).sort()).toEqual([0, 1]);
    expect(winner!.stdout).toContain('✔ full run succeeded');
    // The execution the lease names: the run's first part, or a later one when the refused trigger came late.
    expect(refused!.stderr).toMatch(new RegExp(`refused \\(409\\): a full sync is already running \\(execution ${runId}-p\\d+\\)`));
  });

  it('runs the functions with OVERLAP_SECONDS, LOOKBACK_SECONDS and LOOKBACK_EVERY_SECONDS from its environment', async () => {
    const status = await syncStatus(stack.urls.httpApi);
    const watermark: string = status.orders.metadata.watermark;

    const sync = await npmRun(['sync', '--', '--api-url', stack.urls.httpApi, '--poll', '0.2']);

    expect(sync.code).toBe(0);
    // The full resync reached back to the start: the next deep lookback is due one period after its window's end.
    const dueAt = new Date(Date.parse(watermark) + 7200_000).toISOString();
    await stack.waitForOutput(/✔ incremental run \S+ committed/);
    expect(stack.output()).toContain(
      `begins: incremental from watermark ${watermark} minus 5 s overlap; next deep lookback (2 min) due at ${dueAt}`,
    );
  });

  it('stops everything on Ctrl-C: the stack says so, no process of the group is left, every port is free', async () => {
    const ended = await stack.interrupt();

    // npm re-raises the SIGINT its script got once the script has exited: that is how `npm start` ends on Ctrl-C.
    expect(ended.signal === 'SIGINT' || ended.code === 0 || ended.code === 130).toBe(true);
    expect(stack.output()).toContain('stopped: servers closed, dynalite data saved');
    expect(stack.groupAlive()).toBe(false);
    for (const url of Object.values(stack.urls)) expect(await portIsFree(url)).toBe(true);
  });
});

describe('npm start with a flag out of range', () => {
  it('refuses --pages-per-execution above the limit the functions accept (1,000), saying so, before starting anything', async () => {
    const refused = await npmRun(['start', '--', '--pages-per-execution', '1001']);

    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--pages-per-execution must be a whole number from 1 to 1000, got "1001"');
  });
});
