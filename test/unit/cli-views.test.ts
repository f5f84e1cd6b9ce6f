// How the CLI shows the status route and the executions (local/cli/views.ts): progress with its bar and ETA, the
// last run's result or error, a store never synced, and the executions table.
import type { LastRunView, RunningView, SyncStatus } from '../../functions/core/status';
import { formatExecutions, formatStatus, lastRunLine, progressLine, runErrorLine, type ExecutionView } from '../../local/cli/views';
import { aRunState } from '../support/run-factory';

const NOW = Date.parse('2026-01-01T12:00:00Z');

function running(overrides: Partial<RunningView> = {}): RunningView {
  return {
    run_id: 'full-http-k1',
    mode: 'full',
    trigger: 'http',
    execution: 'full-http-k1-p1',
    started_at: '2026-01-01T11:58:00.000000Z',
    window: { from: null, to: '2026-01-01T11:58:00.000000Z' },
    pages: 10,
    orders_fetched: 1_200,
    counts: { fetched: 1_200, inserted: 1_200, updated: 0, unchanged: 0, stale: 0, quarantined: 0, deleted: 0 },
    orders_per_second: 40.4,
    expected_total: 3_600,
    eta_seconds: 60,
    phase: 'records',
    lease_expires_at: '2026-01-01T12:01:00.000000Z',
    ...overrides,
  };
}

function lastRun(overrides: Partial<LastRunView> = {}): LastRunView {
  return {
    run_id: 'inc-schedule-a',
    status: 'succeeded',
    mode: 'incremental',
    trigger: 'schedule',
    execution: 'inc-schedule-a-p1',
    started_at: '2026-01-01T11:55:00.000000Z',
    finished_at: '2026-01-01T11:55:03.000000Z',
    pages: 1,
    counts: { fetched: 42, inserted: 40, updated: 2, unchanged: 0, stale: 0, quarantined: 0, deleted: 0 },
    error: null,
    deep_lookback: null,
    ...overrides,
  };
}

function status(orders: Partial<SyncStatus['orders']> = {}): Partial<SyncStatus> {
  return {
    orders: {
      count: 0,
      last_synced: null,
      metadata: { last_sync_time: null, last_record_time: null, records_synced: 0, is_full_sync: false, updated_at: null, watermark: null },
      running: null,
      last_run: null,
      last_deep_lookback: null,
      resumable: null,
      quarantined: { count: 0, orders: [] },
      ...orders,
    },
  };
}

describe('progressLine', () => {
  it('a full run: a bar of what is fetched of the total, then pages, orders, rate and ETA', () => {
    expect(progressLine(running())).toBe('[████████░░░░░░░░░░░░░░░░]  33%  page 10 · 1,200/3,600 orders · 40 orders/s · ETA 1m00s');
  });

  it('a run whose total is unknown (incremental): no bar and no ETA, only what is known', () => {
    expect(
      progressLine(
        running({ mode: 'incremental', expected_total: null, eta_seconds: null, orders_fetched: 250, orders_per_second: 12.3, pages: 1 }),
      ),
    ).toBe('page 1 · 250 orders · 12 orders/s');
    expect(progressLine(running({ expected_total: null, eta_seconds: null, orders_fetched: 0, orders_per_second: null, pages: 0 }))).toBe(
      'page 0 · 0 orders',
    );
  });

  it('a source that grew past the counted total: the bar stops at full, the counts say the truth', () => {
    expect(progressLine(running({ orders_fetched: 3_700, eta_seconds: 0 }))).toBe(
      '[████████████████████████] 100%  page 10 · 3,700/3,600 orders · 40 orders/s · ETA 0s',
    );
  });

  it('after its record pages, what the run does now instead of a bar at 100% that seems stuck', () => {
    const done = { orders_fetched: 3_600, pages: 30, eta_seconds: 0 };
    expect(progressLine(running({ ...done, phase: 'sales' }))).toBe('3,600 orders in 30 pages · recomputing the daily sales…');
    expect(progressLine(running({ ...done, phase: 'deletions' }))).toBe('3,600 orders in 30 pages · reading the deletions…');
    expect(progressLine(running({ ...done, phase: 'reconcile' }))).toBe('3,600 orders in 30 pages · reconciling the copy with the source…');
  });

  it('a run that has not saved its plan yet is starting', () => {
    expect(progressLine(running({ started_at: null }))).toBe('starting full run (execution full-http-k1-p1)…');
  });
});

describe('lastRunLine and runErrorLine', () => {
  it('a succeeded run: pages, counts, duration and rate', () => {
    expect(lastRunLine(lastRun())).toBe(
      'incremental run succeeded: 1 pages, 42 orders (40 new, 2 changed, 0 unchanged) in 3s (14 orders/s)',
    );
    expect(runErrorLine(lastRun())).toBeNull();
  });

  it('a failed run says FAILED, shows stale orders, and its error line names the page and the error', () => {
    const failed = lastRun({
      status: 'failed',
      started_at: '2026-01-01T11:49:59.500Z',
      finished_at: '2026-01-01T11:50:05.000Z',
      pages: 2,
      counts: { fetched: 500, inserted: 400, updated: 50, unchanged: 48, stale: 2, quarantined: 0, deleted: 0 },
      error: { name: 'SourceUnavailableError', message: 'HTTP 503 after 5 tries', page: 2 },
    });
    expect(lastRunLine(failed)).toBe(
      'incremental run FAILED: 2 pages, 500 orders (400 new, 50 changed, 48 unchanged, 2 stale) in 5.5s (91 orders/s)',
    );
    expect(runErrorLine(failed)).toBe('error at page 2: SourceUnavailableError: HTTP 503 after 5 tries');
  });

  it('a run that deleted orders says how many', () => {
    const run = lastRun({
      started_at: '2026-01-01T11:50:00.000Z',
      finished_at: '2026-01-01T11:50:02.000Z',
      pages: 1,
      counts: { fetched: 10, inserted: 0, updated: 10, unchanged: 0, stale: 0, quarantined: 0, deleted: 3 },
    });
    expect(lastRunLine(run)).toMatch(/\(0 new, 10 changed, 0 unchanged, 3 deleted\)/);
  });

  it('no rate for a run that fetched nothing or took no measurable time', () => {
    const empty = lastRun({
      pages: 1,
      counts: { fetched: 0, inserted: 0, updated: 0, unchanged: 0, stale: 0, quarantined: 0, deleted: 0 },
    });
    expect(lastRunLine(empty)).toBe('incremental run succeeded: 1 pages, 0 orders (0 new, 0 changed, 0 unchanged) in 3s');
    const instant = lastRun({ finished_at: lastRun().started_at });
    expect(lastRunLine(instant)).toBe('incremental run succeeded: 1 pages, 42 orders (40 new, 2 changed, 0 unchanged) in 0s');
  });
});

describe('formatStatus', () => {
  it('quarantined orders: how many, then each with its field and error, and whether the copy is behind', () => {
    const text = formatStatus(
      status({
        quarantined: {
          count: 2,
          orders: [
            {
              id: 'ord_0000112',
              id_from_payload: false,
              field: 'total_price',
              message: 'order ord_0000112: field "total_price" must be a decimal string, got number 12.5',
              seen_at: '2026-01-01T11:59:00.000000Z',
              first_seen_at: '2026-01-01T11:00:00.000000Z',
              behind: true,
              stored_updated_at: '2025-12-24T10:00:00.000000Z',
              raw_kept: true,
            },
          ],
        },
      }),
      NOW,
    );

    const lines = text.split('\n');
    expect(lines).toContain(
      'quarantined     2 orders set aside, not stored (the newest 1); fix them at the source, the next run stores them:',
    );
    expect(lines.at(-1)).toMatch(
      /^ {16}ord_0000112 total_price: order ord_0000112: field "total_price" must be a decimal string, got number 12\.5 \(seen .* · copy behind: holds 2025-12-24T10:00:00\.000000Z\)$/,
    );
  });

  it('the last deep lookback: when, how far back, and what it found that ordinary windows had missed', () => {
    const deep = {
      run_id: 'inc-schedule-b',
      at: '2026-01-01T11:00:00.000000Z',
      reached_from: '2025-12-31T11:00:00.000000Z',
      ordinary_from: '2026-01-01T10:55:00.000000Z',
    };

    expect(
      formatStatus(status({ last_deep_lookback: { ...deep, found: 3 } }), NOW)
        .split('\n')
        .at(-1),
    ).toBe(
      'deep lookback   1h00m ago from 2025-12-31T11:00:00.000000Z: 3 orders ordinary windows had missed (the source makes changes visible late)',
    );
    expect(
      formatStatus(status({ last_deep_lookback: { ...deep, found: 0 } }), NOW)
        .split('\n')
        .at(-1),
    ).toBe('deep lookback   1h00m ago from 2025-12-31T11:00:00.000000Z: 0 orders ordinary windows had missed');
  });

  it('a store never synced: nothing stored, never, no watermark, nothing running', () => {
    expect(formatStatus(status(), NOW)).toBe(
      ['orders stored   0', 'last synced     never', 'watermark       -', 'newest order    -', 'running         nothing'].join('\n'),
    );
  });

  it('a run in flight after a succeeded one: the checkpoint, the run with its progress, the last run', () => {
    const text = formatStatus(
      status({
        count: 314_200,
        last_synced: '2026-01-01T11:55:03.000000Z',
        metadata: {
          last_sync_time: '2026-01-01T11:55:03.000000Z',
          last_record_time: '2026-01-01T11:54:59.500000Z',
          records_synced: 42,
          is_full_sync: false,
          updated_at: '2026-01-01T11:55:03.000000Z',
          watermark: '2026-01-01T11:55:00.000000Z',
        },
        running: running(),
        last_run: lastRun(),
      }),
      NOW,
    );

    expect(text).toBe(
      [
        'orders stored   314,200',
        'last synced     2026-01-01T11:55:03.000000Z (4m57s ago), incremental, 42 orders fetched',
        'watermark       2026-01-01T11:55:00.000000Z',
        'newest order    2026-01-01T11:54:59.500000Z',
        'running         full run full-http-k1 (http), execution full-http-k1-p1',
        '                [████████░░░░░░░░░░░░░░░░]  33%  page 10 · 1,200/3,600 orders · 40 orders/s · ETA 1m00s',
        'last run        incremental run succeeded: 1 pages, 42 orders (40 new, 2 changed, 0 unchanged) in 3s (14 orders/s)',
        '                execution inc-schedule-a-p1, finished 4m57s ago (schedule)',
      ].join('\n'),
    );
  });

  it('a failed full resync: its error under the last run, and how to resume it', () => {
    const text = formatStatus(
      status({
        count: 120_000,
        last_synced: '2026-01-01T10:00:00.000000Z',
        metadata: {
          last_sync_time: '2026-01-01T10:00:00.000000Z',
          last_record_time: '2026-01-01T09:59:00.000000Z',
          records_synced: 300_000,
          is_full_sync: true,
          updated_at: '2026-01-01T10:00:00.000000Z',
          watermark: '2026-01-01T09:59:30.000000Z',
        },
        last_run: lastRun({
          run_id: 'full-http-z',
          status: 'failed',
          mode: 'full',
          trigger: 'http',
          execution: 'full-http-z-p1',
          started_at: '2026-01-01T11:00:00.000000Z',
          finished_at: '2026-01-01T11:30:00.000000Z',
          pages: 480,
          counts: { fetched: 120_000, inserted: 120_000, updated: 0, unchanged: 0, stale: 0, quarantined: 0, deleted: 0 },
          error: { name: 'SourceUnavailableError', message: 'HTTP 503 after 5 tries', page: 480 },
        }),
        resumable: {
          run_id: 'full-http-z',
          pages: 480,
          orders_fetched: 120_000,
          error: 'SourceUnavailableError',
          auto_resumes: 3,
          resumes: 'by-hand',
        },
      }),
      NOW,
    );

    expect(text.split('\n').slice(1)).toEqual([
      'last synced     2026-01-01T10:00:00.000000Z (2h00m ago), full, 300,000 orders fetched',
      'watermark       2026-01-01T09:59:30.000000Z',
      'newest order    2026-01-01T09:59:00.000000Z',
      'running         nothing',
      'last run        full run FAILED: 480 pages, 120,000 orders (120,000 new, 0 changed, 0 unchanged) in 30m00s (67 orders/s)',
      '                error at page 480: SourceUnavailableError: HTTP 503 after 5 tries',
      '                execution full-http-z-p1, finished 30m00s ago (http)',
      'resumable       full resync full-http-z stopped after 480 pages (120,000 orders); parked after 3 automatic resumes; continue it with: npm run sync -- --resume',
    ]);
  });

  it('a run that has not begun yet shows as starting', () => {
    const lines = formatStatus(status({ running: running({ started_at: null }) }), NOW).split('\n');
    expect(lines.slice(-2)).toEqual([
      'running         full run full-http-k1 (http), execution full-http-k1-p1',
      '                starting full run (execution full-http-k1-p1)…',
    ]);
  });
});

/** The table's cells, cut at the header's column starts: a cell out of its column would come out mangled. */
function cellsOf(table: string): Array<Record<string, string>> {
  const [header, ...rows] = table.split('\n');
  const columns = [...header!.matchAll(/\S+(?: \S+)*/g)].map((match) => ({ name: match[0], start: match.index }));
  return rows.map((row) =>
    Object.fromEntries(columns.map((column, index) => [column.name, row.slice(column.start, columns[index + 1]?.start).trim()])),
  );
}

describe('formatExecutions', () => {
  it('says so when there are none', () => {
    expect(formatExecutions([], NOW)).toBe('no executions yet');
  });

  it('one aligned row per execution, in the order given, with what each did read from its output', () => {
    const longCause = `Lambda.Unknown: ${'x'.repeat(200)}`;
    const executions: ExecutionView[] = [
      { name: 'products-inc-schedule-b-p1', status: 'RUNNING', startDate: new Date('2026-01-01T11:59:30Z') },
      {
        name: 'orders-full-http-z-p2',
        status: 'SUCCEEDED',
        startDate: new Date('2026-01-01T11:40:00Z'),
        stopDate: new Date('2026-01-01T11:45:00Z'),
        output: JSON.stringify({
          status: 'succeeded',
          pages: 480,
          counts: { fetched: 120_000, inserted: 119_000, updated: 1_000, unchanged: 0, stale: 0, quarantined: 0, deleted: 0 },
          watermark: '2026-01-01T11:39:00.000000Z',
        }),
      },
      {
        name: 'orders-full-http-z-p1',
        status: 'SUCCEEDED',
        startDate: new Date('2026-01-01T11:30:00Z'),
        stopDate: new Date('2026-01-01T11:40:00Z'),
        output: JSON.stringify(
          aRunState({
            run: {
              pages: 400,
              counts: { fetched: 100_000, inserted: 99_000, updated: 1_000, unchanged: 0, stale: 0, quarantined: 0, deleted: 0 },
            },
          }),
        ),
      },
      {
        name: 'products-inc-schedule-a-p1',
        status: 'SUCCEEDED',
        startDate: new Date('2026-01-01T11:29:00Z'),
        stopDate: new Date('2026-01-01T11:29:00.400Z'),
        output: JSON.stringify({ skipped: true, reason: 'full-http-z-p1 holds the lease' }),
      },
      {
        name: 'customers-inc-schedule-0-p1',
        status: 'FAILED',
        startDate: new Date('2026-01-01T11:00:00Z'),
        stopDate: new Date('2026-01-01T11:00:02Z'),
        error: 'States.TaskFailed',
        cause: longCause,
      },
      { name: 'odd', status: 'ABORTED', output: '{not json' },
    ];

    const rows = cellsOf(formatExecutions(executions, NOW));

    expect(rows).toEqual([
      {
        NAME: 'products-inc-schedule-b-p1',
        STREAM: 'products',
        STATUS: 'RUNNING',
        'STARTED (UTC)': '2026-01-01 11:59:30',
        DURATION: '30s',
        PAGES: '-',
        RECORDS: '-',
        NEW: '-',
        CHANGED: '-',
        NOTE: '',
      },
      {
        NAME: 'orders-full-http-z-p2',
        STREAM: 'orders',
        STATUS: 'SUCCEEDED',
        'STARTED (UTC)': '2026-01-01 11:40:00',
        DURATION: '5m00s',
        PAGES: '480',
        RECORDS: '120,000',
        NEW: '119,000',
        CHANGED: '1,000',
        NOTE: 'committed; watermark 2026-01-01T11:39:00.000000Z',
      },
      {
        NAME: 'orders-full-http-z-p1',
        STREAM: 'orders',
        STATUS: 'SUCCEEDED',
        'STARTED (UTC)': '2026-01-01 11:30:00',
        DURATION: '10m00s',
        PAGES: '400',
        RECORDS: '100,000',
        NEW: '99,000',
        CHANGED: '1,000',
        NOTE: 'continued as a new execution',
      },
      {
        NAME: 'products-inc-schedule-a-p1',
        STREAM: 'products',
        STATUS: 'SUCCEEDED',
        'STARTED (UTC)': '2026-01-01 11:29:00',
        DURATION: '0.4s',
        PAGES: '-',
        RECORDS: '-',
        NEW: '-',
        CHANGED: '-',
        NOTE: 'full-http-z-p1 holds the lease',
      },
      {
        NAME: 'customers-inc-schedule-0-p1',
        STREAM: 'customers',
        STATUS: 'FAILED',
        'STARTED (UTC)': '2026-01-01 11:00:00',
        DURATION: '2s',
        PAGES: '-',
        RECORDS: '-',
        NEW: '-',
        CHANGED: '-',
        NOTE: `States.TaskFailed: ${longCause}`.slice(0, 120),
      },
      {
        NAME: 'odd',
        STREAM: '-',
        STATUS: 'ABORTED',
        'STARTED (UTC)': '-',
        DURATION: '-',
        PAGES: '-',
        RECORDS: '-',
        NEW: '-',
        CHANGED: '-',
        NOTE: '',
      },
    ]);
  });
});
