// The one Powertools Metrics instance (EMF on stdout, flushed by the handler wrapper after each invocation) and the
// core's RunMetrics port over it. The local stack diverts the flushes to a sink so a developer reads one line per run.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { EmfOutput } from '@aws-lambda-powertools/metrics/types';
import type { AutoResumesSpentReport, DeletionStepReport, PageReport, RunMetrics } from './core/ports';
import type { RunOutcome } from './core/run-types';
import { SYNC_METRICS } from './metric-names';

export type { EmfOutput };

/** Receives each flush instead of stdout (the local stack, tests). */
export type EmfSink = (emf: EmfOutput) => void;

/**
 * Powertools Metrics whose flushes can go to a sink, which says nothing when an invocation emitted nothing, and whose
 * every flush is of one stream (its `stream` dimension).
 */
export class SyncMetrics extends Metrics {
  #sink: EmfSink | undefined;
  /** The `stream` dimension of the metrics stored since the last flush. */
  #stream: string | undefined;

  /** The next metrics are `stream`'s: another stream's stored metrics are flushed first, under their own dimension. */
  forStream(stream: string): this {
    if (this.#stream === stream) return this;
    if (this.#stream !== undefined) this.publishStoredMetrics();
    this.addDimension(SYNC_METRICS.streamDimension, stream);
    this.#stream = stream;
    return this;
  }

  override clearDimensions(): void {
    super.clearDimensions();
    this.#stream = undefined;
  }

  /** Send every flush to `sink` instead of stdout; `undefined` sends them to stdout again. */
  divertTo(sink: EmfSink | undefined): void {
    this.#sink = sink;
  }

  override publishStoredMetrics(): this {
    // Begin (but for a parked resync) and the HTTP API emit no metric: Powertools would warn on every such invocation.
    if (!this.hasStoredMetrics() || this.#sink) {
      const emf = this.hasStoredMetrics() && this.#sink ? this.serializeMetrics() : undefined;
      this.clearMetrics();
      this.clearDimensions();
      this.clearMetadata();
      if (emf) this.#sink?.(emf);
      return this;
    }
    return super.publishStoredMetrics();
  }
}

/** Names and service are fixed here, not read from the environment: the alarms match on exactly these. */
export const metrics = new SyncMetrics({ namespace: SYNC_METRICS.namespace, serviceName: SYNC_METRICS.service });

/**
 * The core's RunMetrics port. The `service` and `stream` dimensions only (the alarms' dimension set); what identifies
 * the run (run id, mode, page, execution) goes in as EMF metadata: searchable in Logs Insights, no extra metrics.
 */
export class PowertoolsRunMetrics implements RunMetrics {
  constructor(private readonly target: SyncMetrics = metrics) {}

  page(report: PageReport): void {
    const { counts, source } = report;
    this.target.forStream(report.stream);
    this.count(SYNC_METRICS.recordsFetched, counts.fetched);
    this.count(SYNC_METRICS.recordsInserted, counts.inserted);
    this.count(SYNC_METRICS.recordsUpdated, counts.updated);
    this.count(SYNC_METRICS.recordsUnchanged, counts.unchanged);
    this.count(SYNC_METRICS.recordsStale, counts.stale);
    this.count(SYNC_METRICS.recordsQuarantined, counts.quarantined);
    this.count(SYNC_METRICS.pages, 1);
    this.count(SYNC_METRICS.sourceRequests, source.requests);
    this.count(SYNC_METRICS.sourceThrottles, source.throttled);
    this.count(SYNC_METRICS.sourceRetries, source.retried);
    this.metadata({
      report: 'page',
      runId: report.runId,
      mode: report.mode,
      page: String(report.page),
      // The ids beside the RecordsQuarantined metric, for Logs Insights: metadata, never a dimension.
      ...(report.quarantinedIds.length > 0 ? { quarantinedIds: report.quarantinedIds.join(' ') } : {}),
    });
  }

  deletionStep(report: DeletionStepReport): void {
    this.target.forStream(report.stream);
    this.count(SYNC_METRICS.recordsDeleted, report.deleted);
    if (report.phase === 'reconcile') this.count(SYNC_METRICS.recordsChecked, report.checked);
    this.count(SYNC_METRICS.sourceRequests, report.source.requests);
    this.count(SYNC_METRICS.sourceThrottles, report.source.throttled);
    this.count(SYNC_METRICS.sourceRetries, report.source.retried);
    this.metadata({
      report: report.phase,
      runId: report.runId,
      mode: report.mode,
      step: String(report.step),
    });
  }

  run(report: RunOutcome, extra: { watermarkLagSeconds?: number } = {}): void {
    this.target.forStream(report.stream);
    this.target.addMetric(SYNC_METRICS.runDuration, MetricUnit.Seconds, report.durationSeconds);
    if (extra.watermarkLagSeconds !== undefined) {
      this.target.addMetric(SYNC_METRICS.watermarkLag, MetricUnit.Seconds, extra.watermarkLagSeconds);
    }
    if (report.lookback && report.status === 'succeeded') this.count(SYNC_METRICS.lateChangesFound, report.lookback.found);
    if (report.status === 'failed') this.count(SYNC_METRICS.runsFailed, 1);
    this.metadata({
      report: 'run',
      runId: report.runId,
      mode: report.mode,
      trigger: report.trigger,
      status: report.status,
      executionName: report.executionName,
      pages: String(report.pages),
      // The run's own totals (a resumed run's include its earlier attempt): to read beside the summed page metrics.
      counts: JSON.stringify(report.counts),
      ...(report.error ? { error: report.error.name } : {}),
    });
  }

  autoResumesSpent(report: AutoResumesSpentReport): void {
    this.target.forStream(report.stream);
    this.count(SYNC_METRICS.fullResyncAutoResumesSpent, 1);
    this.metadata({
      report: 'auto-resumes-spent',
      runId: report.runId,
      page: String(report.page),
      autoResumes: String(report.autoResumes),
      error: report.error,
    });
  }

  private count(name: string, value: number): void {
    this.target.addMetric(name, MetricUnit.Count, value);
  }

  private metadata(fields: Record<string, string>): void {
    for (const [key, value] of Object.entries(fields)) this.target.addMetadata(key, value);
  }
}
