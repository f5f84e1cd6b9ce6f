// Fixture factories for the run's shapes: a valid record with sensible values, and only what a test cares about
// given as overrides, so no test hand-builds a whole run.
import type { RunState } from '../../functions/core/run-state';
import type { Checkpoint, Lease, RunOutcome, RunProgress, SyncState } from '../../functions/core/run-types';

export const RUN_ID = 'full-http-20260101T115800Z-7f3a';
const STARTED_AT = '2026-01-01T11:58:00.000000Z';

export function aRunProgress(overrides: Partial<RunProgress> = {}): RunProgress {
  const runId = overrides.runId ?? RUN_ID;
  return {
    runId,
    mode: 'full',
    trigger: 'http',
    window: { from: null, to: STARTED_AT },
    // A run N record pages in is at step N unless a test says where it is.
    position: { phase: 'records', cursor: null, step: overrides.pages ?? 0 },
    pages: 0,
    counts: { fetched: 0, inserted: 0, updated: 0, unchanged: 0, stale: 0, quarantined: 0, deleted: 0 },
    maxRecordTime: null,
    expectedTotal: null,
    sourceClockSkewMs: null,
    startedAt: STARTED_AT,
    updatedAt: STARTED_AT,
    executionName: `${runId}-p1`,
    part: 1,
    status: 'running',
    ...overrides,
  };
}

export function aRunState(overrides: Partial<Omit<RunState, 'run'>> & { run?: Partial<RunProgress> } = {}): RunState {
  const run = aRunProgress(overrides.run);
  return {
    stream: 'orders',
    leaseOwner: run.runId,
    pagesInPart: 0,
    maxPagesPerPart: 500,
    done: false,
    nextExecutionName: `${run.runId}-p${run.part + 1}`,
    ...overrides,
    run,
  };
}

export function aRunOutcome(overrides: Partial<RunOutcome> = {}): RunOutcome {
  const runId = overrides.runId ?? RUN_ID;
  return {
    stream: 'orders',
    runId,
    mode: 'full',
    trigger: 'http',
    status: 'succeeded',
    window: { from: null, to: STARTED_AT },
    pages: 4,
    counts: { fetched: 1000, inserted: 990, updated: 10, unchanged: 0, stale: 0, quarantined: 0, deleted: 0 },
    startedAt: STARTED_AT,
    finishedAt: '2026-01-01T11:58:12.500000Z',
    durationSeconds: 12.5,
    executionName: `${runId}-p1`,
    orderCount: 990,
    ...overrides,
  };
}

export function aLease(overrides: Partial<Lease> = {}): Lease {
  const owner = overrides.owner ?? RUN_ID;
  return { owner, executionName: `${owner}-p1`, mode: 'full', trigger: 'http', expiresAt: Date.parse(STARTED_AT) + 900_000, ...overrides };
}

export function aCheckpoint(overrides: Partial<Checkpoint> = {}): Checkpoint {
  return {
    watermark: '2026-01-01T11:55:00.000000Z',
    lastSyncTime: '2026-01-01T11:55:03.000000Z',
    lastRecordTime: '2026-01-01T11:54:59.500000Z',
    recordsSynced: 42,
    isFullSync: false,
    createdAt: '2025-12-01T00:00:00.000000Z',
    updatedAt: '2026-01-01T11:55:03.000000Z',
    sourceClockSkewMs: null,
    ...overrides,
  };
}

export function aSyncState(overrides: Partial<SyncState> = {}): SyncState {
  return {
    stream: 'orders',
    checkpoint: null,
    lease: null,
    run: null,
    lastRun: null,
    orderCount: 0,
    pendingIds: [],
    settledIds: [],
    parked: null,
    ...overrides,
  };
}
