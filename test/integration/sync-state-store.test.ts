// The sync-state store's contract: the lease that keeps runs apart, progress saved exactly once per page, a page's
// claim, and the run's last write (commit, failure) safe to retry. Run against a real DynamoDB API (dynalite) and
// against the in-memory store the use-case unit tests use, so that fake refuses exactly what DynamoDB refuses.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { leaseToItem, runToItem } from '../../functions/adapters/dynamodb/sync-state-item';
import { DynamoSyncStateStore } from '../../functions/adapters/dynamodb/sync-state-store';
import { LeaseLostError, NothingToResumeError } from '../../functions/core/errors';
import type { BegunRunSave, SyncStateStore } from '../../functions/core/ports';
import type { Checkpoint, Lease, RunOutcome, RunProgress } from '../../functions/core/run-types';
import { createTestTables, useDynalite } from '../support/dynalite';
import { InMemorySyncStateStore } from '../support/in-memory-stores';
import { aRunOutcome } from '../support/run-factory';

const STREAM = 'orders';
const T0 = Date.parse('2025-02-01T00:00:00Z');
const MINUTE = 60_000;

const dynamo = useDynalite();

const STORES: Array<[string, () => Promise<SyncStateStore>]> = [
  [
    'DynamoDB (dynalite)',
    async () => {
      const { syncStateTable } = await createTestTables(dynamo.endpoint);
      return new DynamoSyncStateStore({ client: dynamo.client, tableName: syncStateTable });
    },
  ],
  ['in memory', async () => new InMemorySyncStateStore()],
];

function leaseFor(owner: string, expiresAt = T0 + 5 * MINUTE): Lease {
  return { owner, executionName: `${owner}-p1`, mode: 'full', trigger: 'http', expiresAt };
}

function progressOf(runId: string, pages: number, overrides: Partial<RunProgress> = {}): RunProgress {
  return {
    runId,
    mode: 'full',
    trigger: 'http',
    window: { from: null, to: '2025-02-01T00:00:00.000000Z' },
    position: { phase: 'records', cursor: pages === 0 ? null : `cursor-after-page-${pages}`, step: pages },
    pages,
    counts: { fetched: pages * 250, inserted: pages * 250, updated: 0, unchanged: 0, stale: 0, quarantined: 0, deleted: 0 },
    maxRecordTime: pages === 0 ? null : '2025-01-31T23:59:59.999999Z',
    expectedTotal: 1000,
    sourceClockSkewMs: null,
    startedAt: '2025-02-01T00:00:00.000000Z',
    updatedAt: '2025-02-01T00:01:00.000000Z',
    executionName: `${runId}-p1`,
    part: 1,
    status: 'running',
    ...overrides,
  };
}

/** Begin's save of a new run over an empty stream, unless told otherwise. */
function begun(overrides: Partial<BegunRunSave> = {}): BegunRunSave {
  return {
    expectedRun: null,
    expectedParked: null,
    parked: null,
    pendingIds: [],
    settledIds: [],
    orderCountDelta: 0,
    leaseExpiresAt: T0 + 5 * MINUTE,
    ...overrides,
  };
}

function resultOf(runId: string, status: RunOutcome['status'] = 'succeeded'): RunOutcome {
  return aRunOutcome({ runId, status, window: { from: null, to: '2025-02-01T00:00:00.000000Z' }, orderCount: 1000 });
}

const CHECKPOINT: Checkpoint = {
  watermark: '2025-02-01T00:00:00.000000Z',
  lastSyncTime: '2025-02-01T00:05:00.000000Z',
  lastRecordTime: '2025-01-31T23:59:59.999999Z',
  recordsSynced: 1000,
  isFullSync: true,
  createdAt: '2025-02-01T00:05:00.000000Z',
  updatedAt: '2025-02-01T00:05:00.000000Z',
  sourceClockSkewMs: null,
};

/** Takes the lease for `owner` and saves its run at page `pages` (counter += inserted). */
async function runningAt(store: SyncStateStore, owner: string, pages: number): Promise<void> {
  await store.acquireLease(STREAM, leaseFor(owner), T0);
  await store.saveBegunRun(STREAM, owner, progressOf(owner, 0), begun({ expectedRun: null }));
  for (let page = 1; page <= pages; page++) {
    await store.saveProgress(STREAM, owner, progressOf(owner, page), {
      expectedStep: page - 1,
      orderCountDelta: 250,
      leaseExpiresAt: T0 + 5 * MINUTE,
    });
  }
}

describe.each(STORES)('the sync-state store, %s', (_, freshStore) => {
  describe('a stream never synced', () => {
    it('reads as empty: no checkpoint, lease, run or last run, and zero orders', async () => {
      const store = await freshStore();

      expect(await store.get(STREAM)).toEqual({
        stream: STREAM,
        checkpoint: null,
        lease: null,
        run: null,
        lastRun: null,
        orderCount: 0,
        pendingIds: [],
        settledIds: [],
        parked: null,
      });
    });
  });

  describe('the lease', () => {
    it('goes to exactly one of ten runs that try to take it at once; the nine others are told who holds it', async () => {
      const store = await freshStore();
      const owners = Array.from({ length: 10 }, (_, n) => `run-${n}`);

      const attempts = await Promise.all(owners.map((owner) => store.acquireLease(STREAM, leaseFor(owner), T0)));

      const winners = owners.filter((_, n) => attempts[n]?.acquired);
      expect(winners).toHaveLength(1);
      const holder = (await store.get(STREAM)).lease;
      expect(holder).toEqual(leaseFor(winners[0] as string));
      for (const attempt of attempts.filter((a) => !a.acquired)) expect(attempt).toEqual({ acquired: false, holder });
    });

    it('is taken again by its own run (a trigger that started us, a retried begin)', async () => {
      const store = await freshStore();
      await store.acquireLease(STREAM, leaseFor('run-a'), T0);

      const again = await store.acquireLease(STREAM, leaseFor('run-a', T0 + 9 * MINUTE), T0 + MINUTE);

      expect(again).toEqual({ acquired: true });
      expect((await store.get(STREAM)).lease?.expiresAt).toBe(T0 + 9 * MINUTE);
    });

    it('once expired, can be taken over by another run', async () => {
      const store = await freshStore();
      await store.acquireLease(STREAM, leaseFor('run-a', T0 + MINUTE), T0);

      const refusedWhileLive = await store.acquireLease(STREAM, leaseFor('run-b'), T0 + MINUTE - 1);
      const takenOnceExpired = await store.acquireLease(STREAM, leaseFor('run-b', T0 + 10 * MINUTE), T0 + MINUTE);

      expect(refusedWhileLive).toEqual({ acquired: false, holder: leaseFor('run-a', T0 + MINUTE) });
      expect(takenOnceExpired).toEqual({ acquired: true });
      expect((await store.get(STREAM)).lease?.owner).toBe('run-b');
    });

    it('once released, can be taken by the next run; a release by a run that does not hold it changes nothing', async () => {
      const store = await freshStore();
      await store.acquireLease(STREAM, leaseFor('run-a'), T0);

      await store.releaseLease(STREAM, 'run-z');
      const stillHeld = (await store.get(STREAM)).lease;
      await store.releaseLease(STREAM, 'run-a');
      const next = await store.acquireLease(STREAM, leaseFor('run-b'), T0);

      expect(stillHeld?.owner).toBe('run-a');
      expect(next).toEqual({ acquired: true });
    });

    it('of a dead run, live or not, goes to exactly one of ten triggers that take it over at once', async () => {
      const store = await freshStore();
      await store.acquireLease(STREAM, leaseFor('run-dead', T0 + 9 * MINUTE), T0);
      const owners = Array.from({ length: 10 }, (_, n) => `run-${n}`);

      const taken = await Promise.all(owners.map((owner) => store.takeOverLease(STREAM, leaseFor(owner), 'run-dead')));

      expect(taken.filter(Boolean)).toHaveLength(1);
      expect((await store.get(STREAM)).lease).toEqual(leaseFor(owners[taken.indexOf(true)] as string));
    });

    it('is not taken over from a run that no longer holds it (another trigger took it, or it was released)', async () => {
      const store = await freshStore();
      await store.acquireLease(STREAM, leaseFor('run-b'), T0);

      const fromAnother = await store.takeOverLease(STREAM, leaseFor('run-c'), 'run-a');
      await store.releaseLease(STREAM, 'run-b');
      const fromReleased = await store.takeOverLease(STREAM, leaseFor('run-c'), 'run-b');

      expect([fromAnother, fromReleased]).toEqual([false, false]);
      expect((await store.get(STREAM)).lease).toBeNull();
    });
  });

  describe('saving progress', () => {
    it('saves the run, extends the lease and adds to the order counter in one write', async () => {
      const store = await freshStore();

      await runningAt(store, 'run-a', 2);

      const state = await store.get(STREAM);
      expect(state.run).toEqual(progressOf('run-a', 2));
      expect(state.orderCount).toBe(500);
    });

    it("names the run's current execution on the lease (a new part after continue-as-new)", async () => {
      const store = await freshStore();
      await runningAt(store, 'run-a', 2);

      await store.saveProgress(STREAM, 'run-a', progressOf('run-a', 2, { executionName: 'run-a-p2', part: 2 }), {
        expectedStep: 2,
        orderCountDelta: 0,
        leaseExpiresAt: T0 + 6 * MINUTE,
      });

      expect((await store.get(STREAM)).lease).toEqual({ ...leaseFor('run-a'), executionName: 'run-a-p2', expiresAt: T0 + 6 * MINUTE });
    });

    it('saved twice for the same page (a retried page step) writes once: the second save returns false, the counter is unchanged', async () => {
      const store = await freshStore();
      await runningAt(store, 'run-a', 2);
      const page3 = { expectedStep: 2, orderCountDelta: 250, leaseExpiresAt: T0 + 5 * MINUTE };

      const first = await store.saveProgress(STREAM, 'run-a', progressOf('run-a', 3), page3);
      const retried = await store.saveProgress(
        STREAM,
        'run-a',
        progressOf('run-a', 3, { position: { phase: 'records', cursor: 'another', step: 3 } }),
        page3,
      );

      expect([first, retried]).toEqual([true, false]);
      const state = await store.get(STREAM);
      expect(state.run).toEqual(progressOf('run-a', 3));
      expect(state.orderCount).toBe(750);
    });

    it('with an expectedStep the run has already moved past returns false and changes nothing', async () => {
      const store = await freshStore();
      await runningAt(store, 'run-a', 3);
      const before = await store.get(STREAM);

      const saved = await store.saveProgress(STREAM, 'run-a', progressOf('run-a', 2), {
        expectedStep: 1,
        orderCountDelta: 250,
        leaseExpiresAt: T0 + 60 * MINUTE,
      });

      expect(saved).toBe(false);
      expect(await store.get(STREAM)).toEqual(before);
    });

    it('with an expectedStep ahead of the saved run throws NothingToResumeError and changes nothing', async () => {
      const store = await freshStore();
      await runningAt(store, 'run-a', 1);
      const before = await store.get(STREAM);

      const save = store.saveProgress(STREAM, 'run-a', progressOf('run-a', 6), {
        expectedStep: 5,
        orderCountDelta: 250,
        leaseExpiresAt: T0,
      });

      await expect(save).rejects.toThrow(NothingToResumeError);
      expect(await store.get(STREAM)).toEqual(before);
    });

    it('by a run whose lease was taken over: LeaseLostError, and the new holder’s run is untouched', async () => {
      const store = await freshStore();
      await runningAt(store, 'run-a', 1);
      await store.acquireLease(STREAM, leaseFor('run-b', T0 + 20 * MINUTE), T0 + 10 * MINUTE);
      const before = await store.get(STREAM);

      const save = store.saveProgress(STREAM, 'run-a', progressOf('run-a', 2), {
        expectedStep: 1,
        orderCountDelta: 250,
        leaseExpiresAt: T0 + 30 * MINUTE,
      });

      await expect(save).rejects.toThrow(LeaseLostError);
      expect(await store.get(STREAM)).toEqual(before);
    });
  });

  describe("begin's save", () => {
    const failedAt2 = progressOf('run-a', 2, { status: 'failed' });
    /** run-a failed at page 2 after claiming ord_1..3 of that page; run-b holds the lease. */
    async function failedWithClaim(store: SyncStateStore): Promise<void> {
      await runningAt(store, 'run-a', 2);
      await store.claim(STREAM, 'run-a', { runId: 'run-a', step: 2 }, ['ord_1', 'ord_2', 'ord_3'], {
        nowMs: T0,
        leaseExpiresAt: T0 + 5 * MINUTE,
      });
      await store.recordFailure(STREAM, 'run-a', failedAt2, resultOf('run-a', 'failed'));
      await store.acquireLease(STREAM, leaseFor('run-b'), T0);
    }

    it('of a new run replaces a failed run kept for resuming, adding its uncounted inserts to the counter', async () => {
      const store = await freshStore();
      await failedWithClaim(store);

      const saved = await store.saveBegunRun(
        STREAM,
        'run-b',
        progressOf('run-b', 0),
        begun({ expectedRun: { runId: 'run-a', step: 2 }, orderCountDelta: 2 }),
      );

      expect(saved).toBe(true);
      expect(await store.get(STREAM)).toMatchObject({
        run: progressOf('run-b', 0),
        orderCount: 502,
        pendingIds: [],
        settledIds: [],
        parked: null,
      });
    });

    it('records the zone the daily sales are counted in when told, keeps it through saves that do not say, forgets it when told', async () => {
      const store = await freshStore();
      await store.acquireLease(STREAM, leaseFor('run-a'), T0);
      expect((await store.get(STREAM)).salesZone).toBeUndefined();

      await store.saveBegunRun(STREAM, 'run-a', progressOf('run-a', 0), begun({ expectedRun: null, salesZone: 'Europe/Paris' }));
      await store.commit(STREAM, 'run-a', CHECKPOINT, resultOf('run-a'));
      await store.acquireLease(STREAM, leaseFor('run-b'), T0);
      await store.saveBegunRun(STREAM, 'run-b', progressOf('run-b', 0), begun({ expectedRun: null }));

      expect((await store.get(STREAM)).salesZone).toBe('Europe/Paris');

      // A run with the daily sales off forgets it.
      await store.commit(STREAM, 'run-b', CHECKPOINT, resultOf('run-b'));
      await store.acquireLease(STREAM, leaseFor('run-c'), T0);
      await store.saveBegunRun(STREAM, 'run-c', progressOf('run-c', 0), begun({ expectedRun: null, salesZone: null }));
      expect((await store.get(STREAM)).salesZone).toBeUndefined();
    });

    it('parks the run it finds beside the new one, with its claimed and settled ids; a resume brings them back', async () => {
      const store = await freshStore();
      await failedWithClaim(store);
      const parked = { run: failedAt2, pendingIds: ['ord_1', 'ord_2', 'ord_3'], settledIds: ['ord_1', 'ord_2'] };

      await store.saveBegunRun(
        STREAM,
        'run-b',
        progressOf('run-b', 0, { mode: 'incremental' }),
        begun({ expectedRun: { runId: 'run-a', step: 2 }, parked, orderCountDelta: 2 }),
      );
      const parkedState = await store.get(STREAM);
      await store.commit(STREAM, 'run-b', CHECKPOINT, resultOf('run-b'));
      await store.acquireLease(STREAM, leaseFor('run-c'), T0);
      const resumed = { ...failedAt2, status: 'running' as const, executionName: 'run-c-p1' };
      await store.saveBegunRun(
        STREAM,
        'run-c',
        resumed,
        begun({ expectedParked: { runId: 'run-a', step: 2 }, pendingIds: parked.pendingIds, settledIds: parked.settledIds }),
      );

      expect(parkedState).toMatchObject({ run: { runId: 'run-b' }, parked, orderCount: 502, pendingIds: [] });
      const state = await store.get(STREAM);
      expect(state).toMatchObject({ run: resumed, parked: null, orderCount: 502, checkpoint: CHECKPOINT });
      expect([...state.pendingIds].sort()).toEqual(parked.pendingIds);
      expect([...state.settledIds].sort()).toEqual(parked.settledIds);
      const claim = await store.claim(STREAM, 'run-c', { runId: 'run-a', step: 2 }, ['ord_4'], {
        nowMs: T0,
        leaseExpiresAt: T0 + 5 * MINUTE,
      });
      expect(claim.kind === 'claimed' && [...claim.settledIds].sort()).toEqual(['ord_1', 'ord_2']);
      await store.saveProgress(
        STREAM,
        'run-c',
        { ...resumed, pages: 3, position: { ...resumed.position, step: 3 } },
        { expectedStep: 2, orderCountDelta: 1, leaseExpiresAt: T0 + 5 * MINUTE },
      );
      expect(await store.get(STREAM)).toMatchObject({ pendingIds: [], settledIds: [], orderCount: 503 });
    });

    it('holds only while both slots hold what begin read: otherwise NothingToResumeError, nothing written', async () => {
      const store = await freshStore();
      await failedWithClaim(store);
      const before = await store.get(STREAM);

      const staleRead = store.saveBegunRun(
        STREAM,
        'run-b',
        progressOf('run-b', 0),
        begun({ expectedRun: { runId: 'run-a', step: 1 }, orderCountDelta: 2 }),
      );
      const parkedGone = store.saveBegunRun(
        STREAM,
        'run-b',
        progressOf('run-b', 0),
        begun({ expectedRun: { runId: 'run-a', step: 2 }, expectedParked: { runId: 'run-z', step: 4 } }),
      );

      await expect(staleRead).rejects.toThrow(NothingToResumeError);
      await expect(parkedGone).rejects.toThrow(/parked run-z at step 4, but the stream now has run run-a at step 2 and parked none/);
      expect(await store.get(STREAM)).toEqual(before);
    });

    it('retried after it saved (a retried begin), returns false; by a run without the lease, LeaseLostError', async () => {
      const store = await freshStore();
      await failedWithClaim(store);
      const save = begun({ expectedRun: { runId: 'run-a', step: 2 }, orderCountDelta: 2 });
      await store.saveBegunRun(STREAM, 'run-b', progressOf('run-b', 0), save);

      const retried = await store.saveBegunRun(STREAM, 'run-b', progressOf('run-b', 0), save);
      const notOurs = store.saveBegunRun(STREAM, 'run-z', progressOf('run-z', 0), save);

      expect(retried).toBe(false);
      await expect(notOurs).rejects.toThrow(LeaseLostError);
      expect((await store.get(STREAM)).orderCount).toBe(502);
    });
  });

  describe('claiming a page', () => {
    const timing = { nowMs: T0 + MINUTE, leaseExpiresAt: T0 + 10 * MINUTE };

    it('checks the lease and the page, renews the lease and answers the saved progress', async () => {
      const store = await freshStore();
      await runningAt(store, 'run-a', 2);

      const claim = await store.claim(STREAM, 'run-a', { runId: 'run-a', step: 2 }, ['ord_1', 'ord_2'], timing);

      expect(claim).toEqual({ kind: 'claimed', progress: progressOf('run-a', 2), earlierAttemptIds: [], settledIds: [] });
      expect((await store.get(STREAM)).lease!.expiresAt).toBe(timing.leaseExpiresAt);
    });

    it('claimed again for the same page (the step died after writing), answers the ids the earlier attempt claimed', async () => {
      const store = await freshStore();
      await runningAt(store, 'run-a', 2);
      await store.claim(STREAM, 'run-a', { runId: 'run-a', step: 2 }, ['ord_1', 'ord_2'], timing);

      const retry = await store.claim(STREAM, 'run-a', { runId: 'run-a', step: 2 }, ['ord_2', 'ord_3'], timing);
      const again = await store.claim(STREAM, 'run-a', { runId: 'run-a', step: 2 }, [], timing);

      expect(retry.kind === 'claimed' && [...retry.earlierAttemptIds].sort()).toEqual(['ord_1', 'ord_2']);
      expect(again.kind === 'claimed' && [...again.earlierAttemptIds].sort()).toEqual(['ord_1', 'ord_2', 'ord_3']);
    });

    it('forgets the claimed ids once the page is saved, and answers already-saved to a late retry of that page', async () => {
      const store = await freshStore();
      await runningAt(store, 'run-a', 2);
      await store.claim(STREAM, 'run-a', { runId: 'run-a', step: 2 }, ['ord_1'], timing);
      await store.saveProgress(STREAM, 'run-a', progressOf('run-a', 3), {
        expectedStep: 2,
        orderCountDelta: 1,
        leaseExpiresAt: timing.leaseExpiresAt,
      });

      const late = await store.claim(STREAM, 'run-a', { runId: 'run-a', step: 2 }, ['ord_1'], timing);
      const next = await store.claim(STREAM, 'run-a', { runId: 'run-a', step: 3 }, ['ord_9'], timing);

      expect(late).toEqual({ kind: 'already-saved', progress: progressOf('run-a', 3) });
      expect(next).toMatchObject({ kind: 'claimed', earlierAttemptIds: [] });
    });

    it('keeps the claimed ids through a save that stays on the page (a new execution of the run) and through a failure', async () => {
      const store = await freshStore();
      await runningAt(store, 'run-a', 2);
      await store.claim(STREAM, 'run-a', { runId: 'run-a', step: 2 }, ['ord_1'], timing);

      await store.saveProgress(STREAM, 'run-a', progressOf('run-a', 2, { executionName: 'run-a-p2', part: 2 }), {
        expectedStep: 2,
        orderCountDelta: 0,
        leaseExpiresAt: timing.leaseExpiresAt,
      });
      await store.recordFailure(STREAM, 'run-a', progressOf('run-a', 2, { status: 'failed' }), resultOf('run-a', 'failed'));

      expect((await store.get(STREAM)).pendingIds).toEqual(['ord_1']);
    });

    it('of a page the saved run is not at: refused, nothing claimed', async () => {
      const store = await freshStore();
      await runningAt(store, 'run-a', 1);

      const claim = store.claim(STREAM, 'run-a', { runId: 'run-a', step: 3 }, ['ord_9'], timing);

      await expect(claim).rejects.toThrow(/expected its saved progress at step 3, but the saved run is run-a at step 1/);
      expect(await store.get(STREAM)).toMatchObject({ run: progressOf('run-a', 1), orderCount: 250, pendingIds: [] });
    });

    it('by a run whose lease was taken over: LeaseLostError, nothing claimed', async () => {
      const store = await freshStore();
      await runningAt(store, 'run-a', 2);
      await store.acquireLease(STREAM, leaseFor('run-b', T0 + 20 * MINUTE), T0 + 6 * MINUTE);

      const claim = store.claim(STREAM, 'run-a', { runId: 'run-a', step: 2 }, ['ord_1'], {
        nowMs: T0 + 6 * MINUTE,
        leaseExpiresAt: T0 + 16 * MINUTE,
      });

      await expect(claim).rejects.toThrow(LeaseLostError);
      await expect(claim).rejects.toThrow(/run run-a no longer holds the lease; run run-b \(execution run-b-p1, full\) holds it now/);
      expect(await store.get(STREAM)).toMatchObject({ run: progressOf('run-a', 2), orderCount: 500, pendingIds: [] });
      expect((await store.get(STREAM)).lease).toEqual(leaseFor('run-b', T0 + 20 * MINUTE));
    });

    it('after the lease expired, even with nobody else holding it: LeaseLostError (another run may have seen it free)', async () => {
      const store = await freshStore();
      await runningAt(store, 'run-a', 2);

      const claim = store.claim(STREAM, 'run-a', { runId: 'run-a', step: 2 }, ['ord_1'], {
        nowMs: T0 + 5 * MINUTE,
        leaseExpiresAt: T0 + 15 * MINUTE,
      });

      await expect(claim).rejects.toThrow(/expired at 2025-02-01T00:05:00.000Z/);
    });
  });

  describe('the end of a run', () => {
    it('commit writes the checkpoint and the outcome, clears the run and its claimed ids, and releases the lease', async () => {
      const store = await freshStore();
      await runningAt(store, 'run-a', 4);

      await store.commit(STREAM, 'run-a', CHECKPOINT, resultOf('run-a'));

      expect(await store.get(STREAM)).toEqual({
        stream: STREAM,
        checkpoint: CHECKPOINT,
        lease: null,
        run: null,
        lastRun: resultOf('run-a'),
        orderCount: 1000,
        pendingIds: [],
        settledIds: [],
        parked: null,
      });
    });

    it('commit retried after it had succeeded (the step crashed after the write) returns quietly and changes nothing', async () => {
      const store = await freshStore();
      await runningAt(store, 'run-a', 4);
      await store.commit(STREAM, 'run-a', CHECKPOINT, resultOf('run-a'));
      const committed = await store.get(STREAM);

      await store.commit(STREAM, 'run-a', { ...CHECKPOINT, watermark: '2099-01-01T00:00:00.000000Z' }, resultOf('run-a'));

      expect(await store.get(STREAM)).toEqual(committed);
    });

    it('commit by a run whose lease was taken over: LeaseLostError, and the checkpoint does not move', async () => {
      const store = await freshStore();
      await runningAt(store, 'run-a', 4);
      await store.acquireLease(STREAM, leaseFor('run-b', T0 + 20 * MINUTE), T0 + 10 * MINUTE);

      await expect(store.commit(STREAM, 'run-a', CHECKPOINT, resultOf('run-a'))).rejects.toThrow(LeaseLostError);

      expect((await store.get(STREAM)).checkpoint).toBeNull();
    });

    it('recordFailure keeps the failed run (for a resume) and its error, records the result and releases the lease; a retry is quiet', async () => {
      const store = await freshStore();
      await runningAt(store, 'run-a', 2);
      const error = {
        name: 'SourceAuthError',
        message: 'the orders API refused the token (401)',
        page: 2,
        at: '2025-02-01T00:02:00.000000Z',
      };
      const failedRun = progressOf('run-a', 2, { status: 'failed', error });
      const result = { ...resultOf('run-a', 'failed'), error };

      await store.recordFailure(STREAM, 'run-a', failedRun, result);
      await store.recordFailure(STREAM, 'run-a', failedRun, result);

      const state = await store.get(STREAM);
      expect(state).toMatchObject({ checkpoint: null, lease: null, run: failedRun, lastRun: result, orderCount: 500 });
    });

    it('recordFailure by a run whose lease was taken over: LeaseLostError, the new holder keeps its lease', async () => {
      const store = await freshStore();
      await runningAt(store, 'run-a', 2);
      await store.acquireLease(STREAM, leaseFor('run-b', T0 + 20 * MINUTE), T0 + 10 * MINUTE);

      const failure = store.recordFailure(STREAM, 'run-a', progressOf('run-a', 2, { status: 'failed' }), resultOf('run-a', 'failed'));

      await expect(failure).rejects.toThrow(LeaseLostError);
      expect((await store.get(STREAM)).lease?.owner).toBe('run-b');
    });
  });
});

// The previous version saved where a run was in five fields (cursor, phase, phaseCursor, deletionSteps, walked). A
// stack updated while a run is unfinished or a full resync is parked finds those in the item: the run carries on.
describe('the sync-state store on DynamoDB, holding a run saved before the position existed', () => {
  const timing = { nowMs: T0 + MINUTE, leaseExpiresAt: T0 + 10 * MINUTE };

  /** A progress as the previous version wrote it (snake_case, no position). */
  function oldRunItem(runId: string, pages: number, where: Record<string, unknown>): Record<string, unknown> {
    const { position: _none, ...rest } = progressOf(runId, pages);
    return runToItem({ ...rest, ...where } as unknown as RunProgress);
  }

  async function storeHolding(
    item: Record<string, unknown>,
  ): Promise<{ store: DynamoSyncStateStore; raw: () => Promise<Record<string, unknown>> }> {
    const { syncStateTable } = await createTestTables(dynamo.endpoint);
    await dynamo.client.send(new PutCommand({ TableName: syncStateTable, Item: { stream: STREAM, ...item } }));
    const raw = async () =>
      (await dynamo.client.send(new GetCommand({ TableName: syncStateTable, Key: { stream: STREAM }, ConsistentRead: true }))).Item!;
    return { store: new DynamoSyncStateStore({ client: dynamo.client, tableName: syncStateTable }), raw };
  }

  it('reads an unfinished run in the deletion feed at its step, and claims and saves its next step there', async () => {
    const { store, raw } = await storeHolding({
      lease: leaseToItem(leaseFor('run-a')),
      run: oldRunItem('run-a', 3, { cursor: null, phase: 'deletions', phaseCursor: 'feed-1', deletionSteps: 1, walked: false }),
      order_count: 750,
      pending_ids: new Set(['ord_1']),
    });

    const read = await store.get(STREAM);
    const claim = await store.claim(STREAM, 'run-a', { runId: 'run-a', step: 4 }, ['ord_2'], timing);
    const next = { ...read.run!, position: { phase: 'deletions' as const, cursor: 'feed-2', step: 5 } };
    const saved = await store.saveProgress(STREAM, 'run-a', next, {
      expectedStep: 4,
      orderCountDelta: -1,
      leaseExpiresAt: timing.leaseExpiresAt,
    });

    expect(read.run).toEqual({ ...progressOf('run-a', 3), position: { phase: 'deletions', cursor: 'feed-1', step: 4 } });
    expect(read.pendingIds).toEqual(['ord_1']);
    expect(claim).toMatchObject({ kind: 'claimed', earlierAttemptIds: ['ord_1'], progress: read.run });
    expect(saved).toBe(true);
    expect(await store.get(STREAM)).toMatchObject({ run: next, orderCount: 749, pendingIds: [] });
    const run = (await raw()).run as Record<string, unknown>;
    expect(Object.keys(run).filter((key) => ['cursor', 'phase', 'phase_cursor', 'deletion_steps', 'walked'].includes(key))).toEqual([]);
  });

  it('reads a parked resync at its record page, and a resume of it holds against that step', async () => {
    const parked = { run: oldRunItem('run-a', 7, { cursor: 'c7', status: 'failed' }), pending_ids: ['ord_1'], settled_ids: [] };
    const { store } = await storeHolding({ lease: leaseToItem(leaseFor('run-c')), parked, order_count: 1750 });

    const read = await store.get(STREAM);
    const resumed = { ...read.parked!.run, status: 'running' as const, executionName: 'run-c-p1' };
    const saved = await store.saveBegunRun(
      STREAM,
      'run-c',
      resumed,
      begun({ expectedParked: { runId: 'run-a', step: 7 }, pendingIds: ['ord_1'] }),
    );

    expect(read.parked).toEqual({
      run: { ...progressOf('run-a', 7, { status: 'failed' }), position: { phase: 'records', cursor: 'c7', step: 7 } },
      pendingIds: ['ord_1'],
      settledIds: [],
    });
    expect(saved).toBe(true);
    expect(await store.get(STREAM)).toMatchObject({ run: resumed, parked: null, pendingIds: ['ord_1'] });
  });

  it('reads a walked run as done, and still refuses a claim by a run without the lease', async () => {
    const { store } = await storeHolding({
      lease: leaseToItem(leaseFor('run-b')),
      run: oldRunItem('run-a', 3, { cursor: null, deletionSteps: 2, walked: true }),
    });

    expect((await store.get(STREAM)).run?.position).toEqual({ phase: 'done', cursor: null, step: 5 });
    await expect(store.claim(STREAM, 'run-a', { runId: 'run-a', step: 5 }, [], timing)).rejects.toThrow(LeaseLostError);
  });
});
