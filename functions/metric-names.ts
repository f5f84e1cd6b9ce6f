// The service's name and the names of the metrics the functions emit and the alarms and dashboard read: one place
// for both sides (the logger, tracer and the functions' POWERTOOLS_* environment take the service name from here too).
// Plain constants with no import, so a Lambda bundle takes them without pulling in the CDK (infra re-exports them).

/**
 * Powertools Metrics (EMF): namespace `OrderSync`, the one dimension `service` = `order-sync` (the alarms match
 * on exactly that dimension set, so the functions never add another dimension to these metrics).
 */
export const SYNC_METRICS = {
  namespace: 'OrderSync',
  service: 'order-sync',
  /** Seconds between now and the new watermark, emitted by every commit. */
  watermarkLag: 'WatermarkLagSeconds',
  // Per page: summed over a period they give the orders and pages synced, whatever the number of runs.
  ordersFetched: 'OrdersFetched',
  ordersInserted: 'OrdersInserted',
  ordersUpdated: 'OrdersUpdated',
  ordersUnchanged: 'OrdersUnchanged',
  ordersStale: 'OrdersStale',
  /** Orders set aside in the quarantine (broke the contract, or too big to store): alarmed on. */
  ordersQuarantined: 'OrdersQuarantined',
  /** Live orders turned into tombstones (the deletion feed, reconciliation after a full resync): per deletion step. */
  ordersDeleted: 'OrdersDeleted',
  /** Orders a reconciliation step asked the source about (GET /orders?ids=, Shopify nodes): per deletion step. */
  ordersChecked: 'OrdersChecked',
  pages: 'Pages',
  sourceRequests: 'SourceRequests',
  sourceThrottles: 'SourceThrottles',
  sourceRetries: 'SourceRetries',
  /** Per run, when it commits or fails: from the run's start (the first start, for a resumed run). */
  runDuration: 'RunDurationSeconds',
  /**
   * Per deep lookback, when it commits: the orders it stored that every ordinary window had missed (their change
   * became visible more than one overlap after their updated_at). Above 0, the source lags more than the overlap.
   */
  lateChangesFound: 'LateChangesFound',
} as const;
