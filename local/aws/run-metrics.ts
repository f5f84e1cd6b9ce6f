// The metrics a run emitted, read back from the EMF flushes: page metrics summed per run, and one line when the run
// commits or fails. Locally a developer reads that line instead of one EMF JSON document per page.
import type { EmfOutput } from '../../functions/metrics';
import { SYNC_METRICS } from '../../functions/metric-names';

/** What one run emitted, as CloudWatch would sum it. */
export interface RunMetricsReport {
  runId: string;
  stream: string;
  mode: string;
  status: string;
  executionName: string;
  error?: string;
  /** Metric name → sum over the run's page flushes seen by this process (for a resumed run: this attempt's pages). */
  pageTotals: Record<string, number>;
  /** Metric name → value of the run's own flush (duration; watermark lag when it committed). */
  runValues: Record<string, number>;
}

/** Collects flushes and reports each run once, at its end (the flush with `report: run`). */
export class RunMetricsCollector {
  private readonly pagesByRun = new Map<string, Record<string, number>>();

  constructor(private readonly onRun: (report: RunMetricsReport) => void) {}

  readonly receive = (emf: EmfOutput): void => {
    const runId = stringField(emf, 'runId');
    if (!runId) return;
    // Page flushes and the deletion steps' (the feed's pages, reconciliation's steps) are summed alike.
    if (emf.report === 'page' || emf.report === 'deletions' || emf.report === 'reconcile') {
      const totals = this.pagesByRun.get(runId) ?? {};
      for (const [name, value] of metricValues(emf)) totals[name] = (totals[name] ?? 0) + value;
      this.pagesByRun.set(runId, totals);
      return;
    }
    if (emf.report !== 'run') return;
    const pageTotals = this.pagesByRun.get(runId) ?? {};
    this.pagesByRun.delete(runId);
    const error = stringField(emf, 'error');
    this.onRun({
      runId,
      stream: stringField(emf, 'stream') ?? '',
      mode: stringField(emf, 'mode') ?? '',
      status: stringField(emf, 'status') ?? '',
      executionName: stringField(emf, 'executionName') ?? '',
      ...(error ? { error } : {}),
      pageTotals,
      runValues: Object.fromEntries(metricValues(emf)),
    });
  };
}

/** Each metric of a flush with its value (a metric added twice in one flush is summed, as CloudWatch does). */
export function metricValues(emf: EmfOutput): Array<[string, number]> {
  const names = emf._aws.CloudWatchMetrics.flatMap((directive) => directive.Metrics.map((metric) => metric.Name));
  return names.map((name) => {
    const value = emf[name];
    const values = Array.isArray(value) ? value : [value];
    return [name, values.reduce((sum: number, one) => sum + (typeof one === 'number' ? one : 0), 0)];
  });
}

/** One line: `metrics <execution>: failed (SyncFailed) · 5 pages · fetched 250 · inserted 250 · ... · 3.2 s`. */
export function formatRunMetrics(report: RunMetricsReport): string {
  const total = (name: string) => report.pageTotals[name] ?? 0;
  const seconds = (name: string) => report.runValues[name];
  const lag = seconds(SYNC_METRICS.watermarkLag);
  return [
    `metrics ${report.executionName}: ${report.mode} run ${report.status}${report.error ? ` (${report.error})` : ''}`,
    `${total(SYNC_METRICS.pages)} pages`,
    `fetched ${total(SYNC_METRICS.recordsFetched)}`,
    `inserted ${total(SYNC_METRICS.recordsInserted)}`,
    `updated ${total(SYNC_METRICS.recordsUpdated)}`,
    `unchanged ${total(SYNC_METRICS.recordsUnchanged)}`,
    `stale ${total(SYNC_METRICS.recordsStale)}`,
    ...(total(SYNC_METRICS.recordsQuarantined) > 0 ? [`quarantined ${total(SYNC_METRICS.recordsQuarantined)}`] : []),
    ...(total(SYNC_METRICS.recordsDeleted) > 0 ? [`deleted ${total(SYNC_METRICS.recordsDeleted)}`] : []),
    ...(total(SYNC_METRICS.recordsChecked) > 0 ? [`checked ${total(SYNC_METRICS.recordsChecked)}`] : []),
    `source requests ${total(SYNC_METRICS.sourceRequests)} (retried ${total(SYNC_METRICS.sourceRetries)}, throttled ${total(SYNC_METRICS.sourceThrottles)})`,
    `run ${formatSeconds(seconds(SYNC_METRICS.runDuration))}`,
    ...(lag === undefined ? [] : [`watermark lag ${formatSeconds(lag)}`]),
  ].join(' · ');
}

function formatSeconds(value: number | undefined): string {
  return value === undefined ? '?' : `${Math.round(value * 10) / 10} s`;
}

function stringField(emf: EmfOutput, key: string): string | undefined {
  const value = emf[key];
  return typeof value === 'string' ? value : undefined;
}
