// Use case "begin", over in-memory ports: the run planned under the lease and saved at page 0, a resume, a skipped
// tick, a replaced run's unsaved page counted, continue-as-new, and a retried begin that saved already.
import { RunInProgressError } from '../../../functions/core/errors';
import type { RunState, SkippedRun } from '../../../functions/core/run-state';
import { beginRun } from '../../../functions/core/use-cases/begin-run';
import { orderWrite } from '../../support/order-factory';
import { aCheckpoint, aLease, aRunProgress, aRunState } from '../../support/run-factory';
import { STREAM, T0, useCaseWorld } from '../../support/use-case-harness';

const EXECUTION = 'full-test-20260101T120000Z-0001-p1';
const start = (input: Record<string, unknown>, executionName = EXECUTION) =>
  ({ input, executionName, executionArn: `arn:aws:states:us-east-1:123456789012:execution:sync:${executionName}` }) as Parameters<
    typeof beginRun
  >[1];

describe('begin', () => {
  it('plans a first run as a full run over everything before now, takes the lease and saves page 0 with the count', async () => {
    const world = useCaseWorld({ orders: 7 });

    const begun = (await beginRun(world.deps.begin, start({ mode: 'incremental', trigger: 'schedule' }))) as RunState;

    const saved = await world.state.get(STREAM);
    expect(begun.run).toMatchObject({
      mode: 'full',
      window: { from: null, to: '2026-01-01T12:00:00.000000Z' },
      pages: 0,
      expectedTotal: 7,
    });
    expect(saved.run).toEqual(begun.run);
    expect(saved.lease).toMatchObject({ owner: begun.leaseOwner, executionName: EXECUTION, expiresAt: T0 + 15 * 60_000 });
    expect(begun).toMatchObject({ done: false, pagesInPart: 0, nextExecutionName: `${begun.leaseOwner}-p2` });
  });

  it('plans an incremental run from the watermark minus the overlap, with no count', async () => {
    const world = useCaseWorld();
    world.state.put(STREAM, { checkpoint: aCheckpoint({ watermark: '2026-01-01T11:55:00.000000Z' }) });

    const begun = (await beginRun(world.deps.begin, start({ mode: 'incremental', trigger: 'schedule' }))) as RunState;

    expect(begun.run).toMatchObject({
      mode: 'incremental',
      window: { from: '2026-01-01T11:50:00.000000Z', to: '2026-01-01T12:00:00.000000Z' },
      expectedTotal: null,
    });
  });

  it('runs without an ETA when the source cannot count, and says so', async () => {
    const world = useCaseWorld();
    world.shop.countFails = true;

    const begun = (await beginRun(world.deps.begin, start({ mode: 'full', trigger: 'http' }))) as RunState;

    expect(begun.run.expectedTotal).toBeNull();
    expect(world.lines).toContainEqual(expect.objectContaining({ level: 'warn', message: expect.stringContaining('could not count') }));
  });

  it('skips a scheduled tick while another run holds the lease, and refuses any other trigger', async () => {
    const world = useCaseWorld();
    const holder = aLease({ owner: 'full-http-other', expiresAt: T0 + 60_000 });
    world.state.put(STREAM, { lease: holder });

    const tick = (await beginRun(world.deps.begin, start({ mode: 'incremental', trigger: 'schedule' }))) as SkippedRun;
    const http = beginRun(world.deps.begin, start({ mode: 'full', trigger: 'http' }));

    expect(tick).toMatchObject({ skipped: true, holder: { owner: 'full-http-other' } });
    await expect(http).rejects.toThrow(RunInProgressError);
    expect((await world.state.get(STREAM)).lease).toEqual(holder);
  });

  it("refuses an execution started by hand with a running run's id: it names another execution than the lease's", async () => {
    const world = useCaseWorld();
    const running = aRunProgress({
      runId: 'full-http-running',
      pages: 3,
      position: { phase: 'records', cursor: 'c3', step: 3 },
      executionName: 'full-http-running-p1',
    });
    const lease = aLease({ owner: 'full-http-running', executionName: 'full-http-running-p1', expiresAt: T0 + 60_000 });
    world.state.put(STREAM, { lease, run: running });

    const joining = beginRun(world.deps.begin, start({ mode: 'full', trigger: 'cli', runId: 'full-http-running' }, 'by-hand-p1'));

    await expect(joining).rejects.toThrow(/already running \(execution full-http-running-p1\)/);
    const after = await world.state.get(STREAM);
    expect(after.lease).toEqual(lease);
    expect(after.run).toEqual(running);
  });

  it('resumes a failed full resync at its saved page, with its run id and counts, as a running run', async () => {
    const world = useCaseWorld();
    const failed = aRunProgress({
      pages: 6,
      position: { phase: 'records', cursor: 'c6', step: 6 },
      counts: { fetched: 24, inserted: 24, updated: 0, unchanged: 0, stale: 0, quarantined: 0, deleted: 0 },
      status: 'failed',
    });
    world.state.put(STREAM, {
      run: { ...failed, error: { name: 'SourceAuthError', message: '401', page: 6, at: failed.updatedAt } },
      orderCount: 24,
    });

    const begun = (await beginRun(
      world.deps.begin,
      start({ mode: 'full', trigger: 'http', resume: true, runId: 'resume-owner' }),
    )) as RunState;

    expect(begun.leaseOwner).toBe('resume-owner');
    expect(begun.run).toMatchObject({
      runId: failed.runId,
      pages: 6,
      position: { phase: 'records', cursor: 'c6', step: 6 },
      counts: failed.counts,
      status: 'running',
      executionName: EXECUTION,
    });
    expect(begun.run.error).toBeUndefined();
  });

  it('counts the inserts of the page a replaced run claimed but never saved, once', async () => {
    const world = useCaseWorld();
    const dead = aRunProgress({ runId: 'full-http-dead', pages: 2, status: 'failed' });
    world.state.put(STREAM, { run: dead, pendingIds: ['ord_0000001', 'ord_0000002', 'ord_0000003'], orderCount: 8 });
    const [first, second, third] = world.shop.orders;
    await world.orders.putRecords([
      orderWrite({ record: first!, kind: 'inserted', replaces: null, writeTag: 'full-http-dead#2', syncedAt: dead.updatedAt }),
      orderWrite({ record: second!, kind: 'updated', replaces: null, writeTag: 'full-http-dead#2', syncedAt: dead.updatedAt }),
      // Rewritten since by another page: not the dead page's insert.
      orderWrite({ record: third!, kind: 'inserted', replaces: null, writeTag: 'full-http-dead#1', syncedAt: dead.updatedAt }),
    ]);

    await beginRun(world.deps.begin, start({ mode: 'full', trigger: 'http' }));

    expect((await world.state.get(STREAM)).orderCount).toBe(9);
  });

  it('retried after its save (it died before answering), runs the window the first attempt saved', async () => {
    const world = useCaseWorld();
    const first = (await beginRun(world.deps.begin, start({ mode: 'full', trigger: 'http', runId: 'full-http-r1' }))) as RunState;
    world.advance(30_000);

    const retried = (await beginRun(world.deps.begin, start({ mode: 'full', trigger: 'http', runId: 'full-http-r1' }))) as RunState;

    expect(retried.run.window).toEqual(first.run.window);
    expect(retried.run.startedAt).toBe(first.run.startedAt);
  });

  it('continues a handed-over run in the next execution: part 2 saved and named on the lease', async () => {
    const world = useCaseWorld();
    const handedOver = aRunState({ run: { pages: 500, position: { phase: 'records', cursor: 'c500', step: 500 } }, pagesInPart: 500 });
    world.state.put(STREAM, { lease: aLease({ expiresAt: T0 + 60_000 }), run: handedOver.run });

    const continued = (await beginRun(world.deps.begin, start({ continueRun: handedOver }, handedOver.nextExecutionName))) as RunState;

    expect(continued).toMatchObject({ pagesInPart: 0, run: { part: 2, pages: 500, executionName: handedOver.nextExecutionName } });
    expect(continued.nextExecutionName).toBe(`${handedOver.leaseOwner}-p3`);
    expect((await world.state.get(STREAM)).lease).toMatchObject({
      executionName: handedOver.nextExecutionName,
      expiresAt: T0 + 15 * 60_000,
    });
  });

  it("refuses an execution started by hand with a copy of a hand-over's input: it is not the run's next part", async () => {
    const world = useCaseWorld();
    const handedOver = aRunState({ run: { pages: 500, position: { phase: 'records', cursor: 'c500', step: 500 } }, pagesInPart: 500 });
    world.state.put(STREAM, { lease: aLease({ expiresAt: T0 + 60_000 }), run: handedOver.run });
    const before = await world.state.get(STREAM);

    await expect(beginRun(world.deps.begin, start({ continueRun: handedOver }, 'by-hand-copy'))).rejects.toThrow(RunInProgressError);

    expect(await world.state.get(STREAM)).toEqual(before);
  });
});
