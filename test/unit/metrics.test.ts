// The metrics adapter: what one page and one run put into CloudWatch (names, units, the `service` and `stream`
// dimensions every stream's alarms match), that a step emitting nothing prints nothing, and that the handler wrapper flushes once per call.
import type { Context } from 'aws-lambda';
import { lambdaHandler } from '../../functions/handlers/lambda-handler';
import { SYNC_METRICS } from '../../functions/metric-names';
import { metrics, PowertoolsRunMetrics, SyncMetrics, type EmfOutput } from '../../functions/metrics';
import type { PageReport } from '../../functions/core/ports';
import { aRunOutcome } from '../support/run-factory';
import { tracer } from '../../functions/tracer';
import { formatRunMetrics, metricValues, RunMetricsCollector, type RunMetricsReport } from '../../local/aws/run-metrics';

const page = (overrides: Partial<PageReport> = {}): PageReport => ({
  stream: 'orders',
  runId: 'full-http-20261125T150102Z-7f3a',
  mode: 'full',
  page: 3,
  counts: { fetched: 250, inserted: 200, updated: 40, unchanged: 9, stale: 1, quarantined: 0, deleted: 0 },
  source: { requests: 4, throttled: 2, retried: 1 },
  quarantinedIds: [],
  ...overrides,
});

const run = (overrides: Parameters<typeof aRunOutcome>[0] = {}) =>
  aRunOutcome({ runId: 'full-http-20261125T150102Z-7f3a', executionName: 'full-http-20261125T150102Z-7f3a-p2', ...overrides });
const WATERMARK_LAG = { watermarkLagSeconds: 3.25 };

function capturedMetrics() {
  const flushes: EmfOutput[] = [];
  const target = new SyncMetrics({ namespace: SYNC_METRICS.namespace, serviceName: SYNC_METRICS.service });
  target.divertTo((emf) => flushes.push(emf));
  return { target, flushes, port: new PowertoolsRunMetrics(target) };
}

function metricUnits(emf: EmfOutput): Record<string, string> {
  return Object.fromEntries(emf._aws.CloudWatchMetrics[0]!.Metrics.map((metric) => [metric.Name, metric.Unit]));
}

function stdoutDuring(act: () => void | Promise<void>): Promise<string> {
  const chunks: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  return Promise.resolve()
    .then(act)
    .finally(() => spy.mockRestore())
    .then(() => chunks.join(''));
}

describe('PowertoolsRunMetrics', () => {
  it('puts a page into one flush: its counts and source calls as Count metrics, the run and quarantined ids as metadata', () => {
    const { target, flushes, port } = capturedMetrics();

    port.page(
      page({
        counts: { fetched: 252, inserted: 200, updated: 40, unchanged: 9, stale: 1, quarantined: 2, deleted: 0 },
        quarantinedIds: ['ord_0000007', 'ord_0000009'],
      }),
    );
    target.publishStoredMetrics();

    expect(flushes).toHaveLength(1);
    const emf = flushes[0]!;
    expect(emf._aws.CloudWatchMetrics).toEqual([expect.objectContaining({ Namespace: 'OrderSync', Dimensions: [['service', 'stream']] })]);
    expect(emf.service).toBe('order-sync');
    expect(emf.stream).toBe('orders');
    expect(Object.fromEntries(metricValues(emf))).toEqual({
      [SYNC_METRICS.recordsFetched]: 252,
      [SYNC_METRICS.recordsInserted]: 200,
      [SYNC_METRICS.recordsUpdated]: 40,
      [SYNC_METRICS.recordsUnchanged]: 9,
      [SYNC_METRICS.recordsStale]: 1,
      [SYNC_METRICS.recordsQuarantined]: 2,
      [SYNC_METRICS.pages]: 1,
      [SYNC_METRICS.sourceRequests]: 4,
      [SYNC_METRICS.sourceThrottles]: 2,
      [SYNC_METRICS.sourceRetries]: 1,
    });
    expect(new Set(Object.values(metricUnits(emf)))).toEqual(new Set(['Count']));
    expect(emf).toMatchObject({
      report: 'page',
      stream: 'orders',
      runId: 'full-http-20261125T150102Z-7f3a',
      mode: 'full',
      page: '3',
      quarantinedIds: 'ord_0000007 ord_0000009',
    });
  });

  it('puts a committed run into one flush: duration and watermark lag in seconds, status and totals as metadata', () => {
    const { target, flushes, port } = capturedMetrics();

    port.run(run(), WATERMARK_LAG);
    target.publishStoredMetrics();

    const emf = flushes[0]!;
    expect(Object.fromEntries(metricValues(emf))).toEqual({ [SYNC_METRICS.runDuration]: 12.5, [SYNC_METRICS.watermarkLag]: 3.25 });
    expect(metricUnits(emf)).toEqual({ [SYNC_METRICS.runDuration]: 'Seconds', [SYNC_METRICS.watermarkLag]: 'Seconds' });
    expect(emf).toMatchObject({ report: 'run', status: 'succeeded', executionName: 'full-http-20261125T150102Z-7f3a-p2', pages: '4' });
    expect(JSON.parse(emf.counts as string)).toEqual(run().counts);
    expect(emf).not.toHaveProperty('error');
  });

  it('a committed deep lookback adds LateChangesFound: the orders it found that ordinary windows had missed, 0 included', () => {
    for (const found of [3, 0]) {
      const { target, flushes, port } = capturedMetrics();

      port.run(run({ mode: 'incremental', lookback: { ordinaryFrom: '2026-01-01T11:55:00.000000Z', found } }), WATERMARK_LAG);
      target.publishStoredMetrics();

      expect(Object.fromEntries(metricValues(flushes[0]!))).toMatchObject({ [SYNC_METRICS.lateChangesFound]: found });
      expect(metricUnits(flushes[0]!)[SYNC_METRICS.lateChangesFound]).toBe('Count');
    }
  });

  it('a full resync parked with its automatic resumes spent is one FullResyncAutoResumesSpent, the run named in metadata', () => {
    const { target, flushes, port } = capturedMetrics();

    port.autoResumesSpent({
      stream: 'orders',
      runId: 'full-http-20261125T150102Z-7f3a',
      page: 7,
      autoResumes: 3,
      error: 'SourceUnavailableError',
    });
    target.publishStoredMetrics();

    expect(metricValues(flushes[0]!)).toEqual([[SYNC_METRICS.fullResyncAutoResumesSpent, 1]]);
    expect(metricUnits(flushes[0]!)[SYNC_METRICS.fullResyncAutoResumesSpent]).toBe('Count');
    expect(flushes[0]!._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([['service', 'stream']]);
    expect(flushes[0]).toMatchObject({
      runId: 'full-http-20261125T150102Z-7f3a',
      page: '7',
      autoResumes: '3',
      error: 'SourceUnavailableError',
    });
  });

  it('reports no watermark lag for a failed run, counts it in RunsFailed, and names its error', () => {
    const { target, flushes, port } = capturedMetrics();
    const failed = run({
      status: 'failed',
      error: { name: 'InvalidOrderError', message: 'order x: field "total_price" ...', page: 2, at: '2026-01-01T11:58:12.500000Z' },
    });

    port.run(failed);
    target.publishStoredMetrics();

    expect(Object.fromEntries(metricValues(flushes[0]!))).toEqual({ [SYNC_METRICS.runDuration]: 12.5, [SYNC_METRICS.runsFailed]: 1 });
    expect(flushes[0]).toMatchObject({ status: 'failed', error: 'InvalidOrderError' });
    // A run that commits is no failure.
    port.run(run(), WATERMARK_LAG);
    target.publishStoredMetrics();
    expect(metricValues(flushes[1]!).map(([name]) => name)).not.toContain(SYNC_METRICS.runsFailed);
  });

  it("names each flush's stream in its dimension; another stream's report in the same invocation gets a flush of its own", () => {
    const { target, flushes, port } = capturedMetrics();

    port.page(page({ stream: 'products', counts: { ...page().counts, quarantined: 1 } }));
    port.page(page({ stream: 'products', page: 4 }));
    port.run(run({ stream: 'customers', status: 'failed' }));
    target.publishStoredMetrics();

    expect(flushes.map((emf) => [emf.stream, emf._aws.CloudWatchMetrics[0]!.Dimensions])).toEqual([
      ['products', [['service', 'stream']]],
      ['customers', [['service', 'stream']]],
    ]);
    // Both products pages in the products flush (CloudWatch sums the values), nothing of them in the customers one.
    expect(Object.fromEntries(metricValues(flushes[0]!))).toMatchObject({ [SYNC_METRICS.pages]: 2, [SYNC_METRICS.recordsQuarantined]: 1 });
    expect(Object.fromEntries(metricValues(flushes[1]!))).toEqual({ [SYNC_METRICS.runDuration]: 12.5, [SYNC_METRICS.runsFailed]: 1 });
  });

  it('prints an EMF line on stdout in Lambda (no sink), and nothing at all when a step emitted nothing', async () => {
    const target = new SyncMetrics({ namespace: SYNC_METRICS.namespace, serviceName: SYNC_METRICS.service });
    const port = new PowertoolsRunMetrics(target);

    const quiet = await stdoutDuring(() => void target.publishStoredMetrics());
    const printed = await stdoutDuring(() => {
      port.page(page());
      target.publishStoredMetrics();
    });

    expect(quiet).toBe('');
    const lines = printed.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ RecordsInserted: 200, _aws: { CloudWatchMetrics: [{ Namespace: 'OrderSync' }] } });
  });
});

describe('the handler wrapper', () => {
  const context = { functionName: 'sync-page', awsRequestId: 'unit-1' } as Context;

  afterEach(() => metrics.divertTo(undefined));

  it('flushes the metrics once per invocation, also when the handler throws', async () => {
    const flushes: EmfOutput[] = [];
    metrics.divertTo((emf) => flushes.push(emf));
    const port = new PowertoolsRunMetrics();
    const succeeding = lambdaHandler(async (report: PageReport) => port.page(report));
    const failing = lambdaHandler(async (report: PageReport) => {
      port.page(report);
      throw new Error('the source went away');
    });

    await succeeding(page({ page: 0 }), context);
    await expect(failing(page({ page: 1 }), context)).rejects.toThrow('the source went away');

    expect(flushes.map((emf) => emf.page)).toEqual(['0', '1']);
  });

  it('traces nothing outside Lambda and says nothing about X-Ray', async () => {
    // The X-Ray SDK complains through console.error, Powertools through its own console on stderr.
    const complaints = [
      jest.spyOn(process.stderr, 'write').mockImplementation(() => true),
      jest.spyOn(console, 'error').mockImplementation(() => undefined),
      jest.spyOn(console, 'warn').mockImplementation(() => undefined),
    ];
    try {
      const output = await stdoutDuring(async () => {
        await lambdaHandler(async () => 'done')({}, context);
      });
      expect(tracer.isTracingEnabled()).toBe(false);
      expect(output).toBe('');
      for (const complaint of complaints) expect(complaint).not.toHaveBeenCalled();
    } finally {
      for (const complaint of complaints) complaint.mockRestore();
    }
  });
});

describe('the local run line', () => {
  const flushOf = (target: SyncMetrics, act: () => void): EmfOutput => {
    let flushed: EmfOutput | undefined;
    target.divertTo((emf) => (flushed = emf));
    act();
    target.publishStoredMetrics();
    return flushed!;
  };

  it("sums a run's page flushes and reports them once, when the run's own flush arrives", () => {
    const target = new SyncMetrics({ namespace: SYNC_METRICS.namespace, serviceName: SYNC_METRICS.service });
    const port = new PowertoolsRunMetrics(target);
    const reports: RunMetricsReport[] = [];
    const collector = new RunMetricsCollector((report) => reports.push(report));

    collector.receive(flushOf(target, () => port.page(page({ page: 0 }))));
    collector.receive(flushOf(target, () => port.page(page({ page: 1 }))));
    collector.receive(flushOf(target, () => port.page(page({ runId: 'another-run' }))));
    expect(reports).toEqual([]);
    collector.receive(flushOf(target, () => port.run(run(), WATERMARK_LAG)));

    expect(reports).toHaveLength(1);
    expect(reports[0]!.pageTotals).toMatchObject({
      [SYNC_METRICS.recordsInserted]: 400,
      [SYNC_METRICS.pages]: 2,
      [SYNC_METRICS.sourceThrottles]: 4,
    });
    expect(formatRunMetrics(reports[0]!)).toBe(
      'metrics full-http-20261125T150102Z-7f3a-p2: full run succeeded · 2 pages · fetched 500 · inserted 400 · updated 80 · ' +
        'unchanged 18 · stale 2 · source requests 8 (retried 2, throttled 4) · run 12.5 s · watermark lag 3.3 s',
    );
  });

  it('adds the deletion steps to the run: RecordsDeleted, RecordsChecked and their source requests, no page', () => {
    const target = new SyncMetrics({ namespace: SYNC_METRICS.namespace, serviceName: SYNC_METRICS.service });
    const port = new PowertoolsRunMetrics(target);
    const reports: RunMetricsReport[] = [];
    const collector = new RunMetricsCollector((report) => reports.push(report));
    const step = { stream: 'orders', runId: run().runId, mode: 'full' as const, source: { requests: 1, throttled: 0, retried: 0 } };

    collector.receive(flushOf(target, () => port.page(page({ page: 0 }))));
    collector.receive(flushOf(target, () => port.deletionStep({ ...step, phase: 'deletions', step: 2, deleted: 3, checked: 5 })));
    collector.receive(flushOf(target, () => port.deletionStep({ ...step, phase: 'reconcile', step: 3, deleted: 2, checked: 250 })));
    collector.receive(flushOf(target, () => port.run(run(), WATERMARK_LAG)));

    expect(reports[0]!.pageTotals).toMatchObject({
      [SYNC_METRICS.pages]: 1,
      [SYNC_METRICS.recordsDeleted]: 5,
      [SYNC_METRICS.recordsChecked]: 250,
      [SYNC_METRICS.sourceRequests]: 4 + 2,
    });
    expect(formatRunMetrics(reports[0]!)).toMatch(/ · deleted 5 · checked 250 · /);
  });
});
