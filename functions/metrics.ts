// The one Powertools Metrics instance (EMF on stdout, flushed by the handler wrapper after each invocation) and the
// core's RunMetrics port over it. The local stack diverts the flushes to a sink so a developer reads one line per run.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { EmfOutput } from '@aws-lambda-powertools/metrics/types';
import type { DeletionStepReport, PageReport, RunMetrics } from './core/ports';
import type { RunOutcome } from './core/run-types';
import { SYNC_METRICS } from './metric-names';

export type { EmfOutput };

/** Receives each flush instead of stdout (the local stack, tests). */
export type EmfSink = (emf: EmfOutput) => void;

/** Powertools Metrics whose flushes can go to a sink, and which says nothing when an invocation emitted nothing. */
export class SyncMetrics extends Metrics {
  #sink: EmfSink | undefined;

  /** Send every flush to `sink` instead of stdout; `undefined` sends them to stdout again. */
  divertTo(sink: EmfSink | undefined): void {
    this.#sink = sink;
  }

  override publishStoredMetrics(): this {
    // Begin and the HTTP API emit no metric: Powertools would warn on every such invocation.
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
 * The core's RunMetrics port. Only the `service` dimension (the alarms' dimension set); what identifies the run
 * (run id, stream, mode, page, execution) goes in as EMF metadata: searchable in Logs Insights, no extra metrics.
 */
export class PowertoolsRunMetrics implements RunMetrics {
  constructor(private readonly target: Metrics = metrics) {}

  page(report: PageReport): void {
    const { counts, source } = report;
    this.count(SYNC_METRICS.ordersFetched, counts.fetched);
    this.count(SYNC_METRICS.ordersInserted, counts.inserted);
    this.count(SYNC_METRICS.ordersUpdated, counts.updated);
    this.count(SYNC_METRICS.ordersUnchanged, counts.unchanged);
    this.count(SYNC_METRICS.ordersStale, counts.stale);
    this.count(SYNC_METRICS.ordersQuarantined, counts.quarantined);
    this.count(SYNC_METRICS.pages, 1);
    this.count(SYNC_METRICS.sourceRequests, source.requests);
    this.count(SYNC_METRICS.sourceThrottles, source.throttled);
    this.count(SYNC_METRICS.sourceRetries, source.retried);
    this.metadata({
      report: 'page',
      stream: report.stream,
      runId: report.runId,
      mode: report.mode,
      page: String(report.page),
      // The ids beside the OrdersQuarantined metric, for Logs Insights: metadata, never a dimension.
      ...(report.quarantinedIds.length > 0 ? { quarantinedIds: report.quarantinedIds.join(' ') } : {}),
    });
  }

  deletionStep(report: DeletionStepReport): void {
    this.count(SYNC_METRICS.ordersDeleted, report.deleted);
    if (report.phase === 'reconcile') this.count(SYNC_METRICS.ordersChecked, report.checked);
    this.count(SYNC_METRICS.sourceRequests, report.source.requests);
    this.count(SYNC_METRICS.sourceThrottles, report.source.throttled);
    this.count(SYNC_METRICS.sourceRetries, report.source.retried);
    this.metadata({
      report: report.phase,
      stream: report.stream,
      runId: report.runId,
      mode: report.mode,
      step: String(report.step),
    });
  }

  run(report: RunOutcome, extra: { watermarkLagSeconds?: number } = {}): void {
    this.target.addMetric(SYNC_METRICS.runDuration, MetricUnit.Seconds, report.durationSeconds);
    if (extra.watermarkLagSeconds !== undefined) {
      this.target.addMetric(SYNC_METRICS.watermarkLag, MetricUnit.Seconds, extra.watermarkLagSeconds);
    }
    if (report.lookback && report.status === 'succeeded') this.count(SYNC_METRICS.lateChangesFound, report.lookback.found);
    this.metadata({
      report: 'run',
      stream: report.stream,
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

  private count(name: string, value: number): void {
    this.target.addMetric(name, MetricUnit.Count, value);
  }

  private metadata(fields: Record<string, string>): void {
    for (const [key, value] of Object.entries(fields)) this.target.addMetadata(key, value);
  }
}
