// The status view keeps the seed's keys and adds the run in flight (rate, ETA) and the last run.
import { describeStatus } from '../../functions/core/status';
import type { Checkpoint, Lease, RunProgress } from '../../functions/core/run-types';
import { aRunOutcome, aSyncState } from '../support/run-factory';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const checkpoint: Checkpoint = {
  watermark: '2026-01-01T11:55:00.000000Z',
  lastSyncTime: '2026-01-01T11:55:03.000000Z',
  lastRecordTime: '2026-01-01T11:54:59.500000Z',
  recordsSynced: 42,
  isFullSync: false,
  createdAt: '2025-12-01T00:00:00.000000Z',
  updatedAt: '2026-01-01T11:55:03.000000Z',
  sourceClockSkewMs: null,
};
const lease: Lease = { owner: 'full-http-x', executionName: 'full-http-x-p1', mode: 'full', trigger: 'http', expiresAt: NOW + 60_000 };
const run: RunProgress = {
  runId: 'full-http-x',
  mode: 'full',
  trigger: 'http',
  window: { from: null, to: '2026-01-01T11:58:00.000000Z' },
  position: { phase: 'records', cursor: 'c', step: 10 },
  pages: 10,
  counts: { fetched: 1200, inserted: 1000, updated: 100, unchanged: 100, stale: 0, quarantined: 0, deleted: 0 },
  maxRecordTime: null,
  expectedTotal: 3600,
  sourceClockSkewMs: null,
  startedAt: '2026-01-01T11:58:00.000000Z',
  updatedAt: '2026-01-01T11:59:59.000000Z',
  executionName: 'full-http-x-p1',
  part: 1,
  status: 'running',
};
const state = aSyncState;

describe('describeStatus', () => {
  it('keeps the seed shape key for key, from the checkpoint', () => {
    const status = describeStatus(state({ checkpoint, orderCount: 314_200 }), NOW);
    expect(status).toMatchObject({
      count: 314_200,
      last_synced: checkpoint.lastSyncTime,
      metadata: {
        last_sync_time: checkpoint.lastSyncTime,
        last_record_time: checkpoint.lastRecordTime,
        records_synced: 42,
        is_full_sync: false,
        updated_at: checkpoint.updatedAt,
      },
      running: null,
      last_run: null,
      resumable: null,
    });
  });

  it('shows a never-synced stream with nulls and zeros', () => {
    expect(describeStatus(state({}), NOW)).toMatchObject({ count: 0, last_synced: null, metadata: { records_synced: 0 } });
  });

  it('shows the run in flight with its rate and an ETA from the expected total', () => {
    const status = describeStatus(state({ lease, run }), NOW);
    // 1200 orders in 120 s = 10/s; 2400 left → 240 s.
    expect(status.running).toMatchObject({
      run_id: 'full-http-x',
      execution: 'full-http-x-p1',
      pages: 10,
      orders_fetched: 1200,
      orders_per_second: 10,
      expected_total: 3600,
      eta_seconds: 240,
    });
  });

  it('shows a run whose trigger took the lease but whose plan is not saved yet', () => {
    const status = describeStatus(state({ lease }), NOW);
    expect(status.running).toMatchObject({ run_id: lease.owner, mode: 'full', started_at: null, pages: 0 });
  });

  it('does not show an expired lease as running, and offers its abandoned full run for resume', () => {
    const status = describeStatus(state({ lease: { ...lease, expiresAt: NOW - 1 }, run }), NOW);
    expect(status.running).toBeNull();
    expect(status.resumable).toEqual({
      run_id: run.runId,
      pages: 10,
      orders_fetched: 1200,
      error: null,
      auto_resumes: 0,
      resumes: 'by-hand',
    });
  });

  it('shows the last run with its error', () => {
    const lastRun = aRunOutcome({
      runId: 'r',
      status: 'failed',
      pages: 7,
      error: { name: 'SourceAuthError', message: 'the orders API refused the token (401)', page: 7, at: '2026-01-01T11:59:00.000000Z' },
    });
    const status = describeStatus(state({ lastRun, run: { ...run, status: 'failed' } }), NOW);
    expect(status.last_run).toMatchObject({
      status: 'failed',
      error: { name: 'SourceAuthError', message: 'the orders API refused the token (401)', page: 7 },
    });
    expect(status.resumable).toMatchObject({ run_id: run.runId, pages: 10 });
  });

  it('lists the quarantine: its count, the newest entries with id, field, message and when seen; behind when an older version is stored', () => {
    const newest = Array.from({ length: 25 }, (_, n) => ({
      id: `ord_${n}`,
      idFromPayload: false,
      field: 'total_price',
      message: `order ord_${n}: field "total_price" must be a decimal string, got number 1.5`,
      seenAt: `2026-01-01T11:${String(59 - n).padStart(2, '0')}:00.000000Z`,
      firstSeenAt: '2026-01-01T11:00:00.000000Z',
      storedUpdatedAt: n === 0 ? '2025-12-24T10:00:00.000000Z' : null,
      rawKept: true,
    }));

    const status = describeStatus(state({}), NOW, { count: 31, newest });

    expect(status.quarantined.count).toBe(31);
    expect(status.quarantined.orders).toHaveLength(20);
    expect(status.quarantined.orders[0]).toEqual({
      id: 'ord_0',
      id_from_payload: false,
      field: 'total_price',
      message: 'order ord_0: field "total_price" must be a decimal string, got number 1.5',
      seen_at: '2026-01-01T11:59:00.000000Z',
      first_seen_at: '2026-01-01T11:00:00.000000Z',
      behind: true,
      stored_updated_at: '2025-12-24T10:00:00.000000Z',
      raw_kept: true,
    });
    expect(status.quarantined.orders[1]).toMatchObject({ id: 'ord_1', behind: false });
    expect(describeStatus(state({}), NOW).quarantined).toEqual({ count: 0, orders: [] });
  });

  it('offers the parked full resync for resume while an incremental run runs beside it', () => {
    const incremental = {
      ...run,
      runId: 'incremental-schedule-y',
      mode: 'incremental' as const,
      executionName: 'incremental-schedule-y-p1',
    };
    const parked = {
      ...run,
      status: 'failed' as const,
      error: { name: 'InvalidOrderError', message: 'order ord_1: total_price', page: 10, at: run.updatedAt },
    };
    const status = describeStatus(
      state({
        lease: { ...lease, owner: incremental.runId, mode: 'incremental' },
        run: incremental,
        parked: { run: parked, pendingIds: [], settledIds: [] },
      }),
      NOW,
    );
    expect(status.running).toMatchObject({ run_id: incremental.runId, mode: 'incremental' });
    expect(status.resumable).toEqual({
      run_id: run.runId,
      pages: 10,
      orders_fetched: 1200,
      error: 'order ord_1: total_price',
      auto_resumes: 0,
      resumes: 'by-hand',
    });
  });
});
