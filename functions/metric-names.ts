// The service's name and the names of the metrics the functions emit and the alarms and dashboard read: one place
// for both sides (the logger, tracer and the functions' POWERTOOLS_* environment take the service name from here too).
// Plain constants with no import, so a Lambda bundle takes them without pulling in the CDK (infra re-exports them).

/**
 * Powertools Metrics (EMF): namespace `OrderSync`, dimensions `service` = `order-sync` and `stream` (`orders`,
 * `products`, `customers`): every stream's alarms match on exactly that dimension set, so the functions never add
 * another dimension to these metrics.
 */
export const SYNC_METRICS = {
  namespace: 'OrderSync',
  service: 'order-sync',
  /** The dimension that names the stream: every metric below is per stream. */
  streamDimension: 'stream',
  /** Seconds between now and the new watermark, emitted by every commit. */
  watermarkLag: 'WatermarkLagSeconds',
  // Per page: summed over a period they give the stream's records and pages synced, whatever the number of runs.
  recordsFetched: 'RecordsFetched',
  recordsInserted: 'RecordsInserted',
  recordsUpdated: 'RecordsUpdated',
  recordsUnchanged: 'RecordsUnchanged',
  recordsStale: 'RecordsStale',
  /** Records set aside in the quarantine (broke the contract, or too big to store): alarmed on. */
  recordsQuarantined: 'RecordsQuarantined',
  /** Live records turned into tombstones (the deletion feed, reconciliation after a full resync): per deletion step. */
  recordsDeleted: 'RecordsDeleted',
  /** Records a reconciliation step asked the source about (GET /<stream>?ids=, Shopify nodes): per deletion step. */
  recordsChecked: 'RecordsChecked',
  pages: 'Pages',
  sourceRequests: 'SourceRequests',
  sourceThrottles: 'SourceThrottles',
  sourceRetries: 'SourceRetries',
  /** Per run, when it commits or fails: from the run's start (the first start, for a resumed run). */
  runDuration: 'RunDurationSeconds',
  /** Per run that failed (record-failure, 1): the stream's own failure alarm; the execution alarm counts all streams. */
  runsFailed: 'RunsFailed',
  /**
   * Per deep lookback, when it commits: the records it stored that every ordinary window had missed (their change
   * became visible more than one overlap after their updated_at). Above 0, the source lags more than the overlap.
   */
  lateChangesFound: 'LateChangesFound',
  /**
   * Emitted by begin (1) when it parks a full resync whose automatic resumes are spent (FULL_RESYNC_AUTO_RESUMES):
   * the failed-execution alarm does not fire then (the tick is an incremental run that succeeds), this one's alarm does.
   */
  fullResyncAutoResumesSpent: 'FullResyncAutoResumesSpent',
} as const;
