// A full resync that keeps failing on a "transient" error, over in-memory ports (issue 24, item 6): the schedule
// resumes it a bounded number of times, then parks it; incremental runs go on, the status says it waits for a hand,
// and a resume by hand finishes it with the counter exact.
import { SourceUnavailableError } from '../../../functions/core/errors';
import type { AutoResumesSpentReport } from '../../../functions/core/ports';
import type { RunState } from '../../../functions/core/run-state';
import { describeStatus } from '../../../functions/core/status';
import { beginRun } from '../../../functions/core/use-cases/begin-run';
import { commitRun } from '../../../functions/core/use-cases/commit-run';
import { recordFailure } from '../../../functions/core/use-cases/record-failure';
import { syncPage } from '../../../functions/core/use-cases/sync-page';
import { aCheckpoint } from '../../support/run-factory';
import { STREAM, useCaseWorld } from '../../support/use-case-harness';

type World = ReturnType<typeof useCaseWorld>;

const FULL_RUN = 'full-http-20260101T120000Z-f001';
let executions = 0;

async function begin(world: World, input: Record<string, unknown>): Promise<RunState> {
  executions++;
  const event = { input, executionName: `exec-${executions}`, executionArn: `arn:exec-${executions}` } as Parameters<typeof beginRun>[1];
  return (await beginRun(world.deps.begin, event)) as RunState;
}

/** The execution's page loop until it commits, or fails and records it as the state machine's Catch does. */
async function execute(world: World, begun: RunState): Promise<'committed' | 'failed'> {
  let state = begun;
  try {
    while (!state.done) state = await syncPage(world.deps.syncPage, state);
  } catch (error) {
    const caught = {
      Error: (error as Error).name,
      Cause: JSON.stringify({ errorType: (error as Error).name, errorMessage: String(error) }),
    };
    await recordFailure(world.deps.recordFailure, { ...state, error: caught });
    return 'failed';
  }
  await commitRun(world.deps.commit, state);
  return 'committed';
}

const tick = (world: World) => begin(world, { mode: 'incremental', trigger: 'schedule', runId: `incremental-schedule-t${executions}` });

describe('a full resync failing on a transient error every time', () => {
  it('is resumed by 3 ticks, then parked: incremental runs go on, the status says by hand, a resume by hand finishes it', async () => {
    const world = useCaseWorld({ orders: 10, pageSize: 4 });
    world.state.put(STREAM, { checkpoint: aCheckpoint({ watermark: '2026-01-01T11:55:00.000000Z' }) });
    // Page 1 of the resync answers 503 (past the step's retries) until the source is mended.
    let mended = false;
    const fetchPage = world.shop.fetchPage.bind(world.shop);
    world.shop.fetchPage = async (request) => {
      if (!mended && request.window.from === null && request.cursor !== null) throw new SourceUnavailableError('503 on page 1');
      return fetchPage(request);
    };
    // The notification's metric, by the begin that emitted it: the first, failing resync is begin 0, the ticks 1 to 5.
    const spent: Array<{ begin: number; report: AutoResumesSpentReport }> = [];
    let begins = 0;
    world.deps.begin.metrics = { autoResumesSpent: (report) => spent.push({ begin: begins, report }) };
    expect(await execute(world, await begin(world, { mode: 'full', trigger: 'http', runId: FULL_RUN }))).toBe('failed');

    const resumedBy: Array<{ runId: string; autoResumes: number | undefined }> = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      world.advance(5 * 60_000);
      begins++;
      const state = await tick(world);
      resumedBy.push({ runId: state.run.runId, autoResumes: state.run.autoResumes });
      expect(await execute(world, state)).toBe('failed');
    }
    world.advance(5 * 60_000);
    begins++;
    const fourth = await tick(world);
    const fourthEnds = await execute(world, fourth);
    world.advance(5 * 60_000);
    begins++;
    const fifth = await tick(world);
    await execute(world, fifth);

    expect(resumedBy).toEqual([1, 2, 3].map((autoResumes) => ({ runId: FULL_RUN, autoResumes })));
    expect([fourth.run.mode, fourthEnds, fifth.run.mode]).toEqual(['incremental', 'committed', 'incremental']);
    // Once, by the tick that parks it: not by the automatic resumes, nor by the ordinary incremental run after.
    expect(spent).toEqual([
      { begin: 4, report: { stream: STREAM, runId: FULL_RUN, page: 1, autoResumes: 3, error: 'SourceUnavailableError' } },
    ]);
    const parked = await world.state.get(STREAM);
    expect(parked.parked?.run).toMatchObject({ runId: FULL_RUN, pages: 1, autoResumes: 3, status: 'failed' });
    expect(describeStatus(parked, world.now()).resumable).toEqual({
      run_id: FULL_RUN,
      pages: 1,
      orders_fetched: 4,
      error: expect.stringContaining('503 on page 1'),
      auto_resumes: 3,
      resumes: 'by-hand',
    });
    expect(world.lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: expect.stringContaining(`full resync ${FULL_RUN} parked at page 1 after 3 automatic resumes`),
      }),
    );

    mended = true;
    const byHand = await begin(world, { mode: 'full', trigger: 'http', resume: true, runId: 'full-http-by-hand' });
    expect(byHand.run).toMatchObject({ runId: FULL_RUN, autoResumes: 0 });
    expect(await execute(world, byHand)).toBe('committed');
    expect((await world.state.get(STREAM)).orderCount).toBe(world.orders.items.size);
    expect(world.orders.items.size).toBe(10);
  });

  it('a resync failing once is resumed by the next tick, as before', async () => {
    const world = useCaseWorld({ orders: 10, pageSize: 4 });
    world.state.put(STREAM, { checkpoint: aCheckpoint({ watermark: '2026-01-01T11:55:00.000000Z' }) });
    const state = await begin(world, { mode: 'full', trigger: 'http', runId: FULL_RUN });
    await recordFailure(world.deps.recordFailure, { ...state, error: { Error: 'SourceThrottledError', Cause: '{}' } });

    expect(describeStatus(await world.state.get(STREAM), world.now()).resumable).toMatchObject({ resumes: 'next-tick' });
    const spent: AutoResumesSpentReport[] = [];
    world.deps.begin.metrics = { autoResumesSpent: (report) => spent.push(report) };
    expect((await tick(world)).run).toMatchObject({ runId: FULL_RUN, autoResumes: 1 });
    expect(spent).toEqual([]);
  });

  it('with no automatic resume allowed (FULL_RESYNC_AUTO_RESUMES=0), the tick that parks it tells so at once', async () => {
    const world = useCaseWorld({ orders: 10, pageSize: 4 });
    world.deps.begin.settings.autoResumes = 0;
    world.state.put(STREAM, { checkpoint: aCheckpoint({ watermark: '2026-01-01T11:55:00.000000Z' }) });
    const state = await begin(world, { mode: 'full', trigger: 'http', runId: FULL_RUN });
    await recordFailure(world.deps.recordFailure, { ...state, error: { Error: 'SourceThrottledError', Cause: '{}' } });
    const spent: AutoResumesSpentReport[] = [];
    world.deps.begin.metrics = { autoResumesSpent: (report) => spent.push(report) };

    expect((await tick(world)).run.mode).toBe('incremental');
    expect(spent).toEqual([{ stream: STREAM, runId: FULL_RUN, page: 0, autoResumes: 0, error: 'SourceThrottledError' }]);
  });

  it('a full resync that failed on an error no tick resumes is parked without this metric (its failure notified already)', async () => {
    const world = useCaseWorld({ orders: 10, pageSize: 4 });
    world.state.put(STREAM, { checkpoint: aCheckpoint({ watermark: '2026-01-01T11:55:00.000000Z' }) });
    const state = await begin(world, { mode: 'full', trigger: 'http', runId: FULL_RUN });
    await recordFailure(world.deps.recordFailure, { ...state, error: { Error: 'SourceContractError', Cause: '{}' } });
    const spent: AutoResumesSpentReport[] = [];
    world.deps.begin.metrics = { autoResumesSpent: (report) => spent.push(report) };

    expect((await tick(world)).run.mode).toBe('incremental');
    expect((await world.state.get(STREAM)).parked?.run.runId).toBe(FULL_RUN);
    expect(spent).toEqual([]);
  });
});
