// Use case "start a run", over in-memory ports: the lease taken for the new run, the first execution named for it,
// and a trigger that finds the lease held asks Step Functions whether the holder still runs: a run whose executions
// have all ended (stopped by hand, timed out) gives its lease up at once; a running one, or one it cannot tell, keeps it.
import { NothingToResumeError, RunInProgressError } from '../../../functions/core/errors';
import type { ExecutionState, ExecutionStatus, StartedExecution } from '../../../functions/core/ports';
import { EXPRESS_EXECUTION_MAX_MS, TRIGGER_START_SLACK_MS } from '../../../functions/core/lease';
import type { Lease, RunProgress } from '../../../functions/core/run-types';
import { startRun, type StartDeps } from '../../../functions/core/use-cases/start-run';
import { InMemorySyncStateStore } from '../../support/in-memory-stores';
import { aCheckpoint, aRunProgress } from '../../support/run-factory';

const STREAM = 'orders';
const T0 = Date.parse('2025-02-01T12:00:00Z');
const LEASE_MS = 15 * 60_000;
const STEP_TIMEOUT_MS = 60_000;
const HOLDER = 'full-http-20250201T110000Z-aaaa';
const HOLDER_LEASE: Lease = { owner: HOLDER, executionName: `${HOLDER}-p1`, mode: 'full', trigger: 'http', expiresAt: T0 + 5 * 60_000 };

function savedRun(part: number): RunProgress {
  return aRunProgress({
    runId: HOLDER,
    position: { phase: 'records', cursor: 'cursor-after-page-9', step: 9 },
    pages: 9,
    executionName: `${HOLDER}-p${part}`,
    part,
  });
}

/** Step Functions as far as the trigger sees it: the executions that exist and their status. */
class FakeStarter {
  readonly asked: string[] = [];
  readonly started: string[] = [];
  failStart: Error | null = null;
  /** When every ended execution ended: long enough ago that no step of it can still run, unless a test says. */
  stoppedAtMs: number | null = T0 - 10 * 60_000;
  constructor(private readonly executions: Record<string, ExecutionStatus | Error>) {}
  async start(name: string): Promise<StartedExecution> {
    if (this.failStart) throw this.failStart;
    this.started.push(name);
    this.executions[name] = 'RUNNING';
    return {
      executionArn: `arn:aws:states:us-east-1:123456789012:execution:OrderSync-sync:${name}`,
      executionName: name,
      startDate: '2025-02-01T12:00:00.000Z',
    };
  }
  async status(name: string): Promise<ExecutionState | null> {
    this.asked.push(name);
    const status = this.executions[name];
    if (status instanceof Error) throw status;
    if (status === undefined) return null;
    return { status, stoppedAtMs: status === 'RUNNING' || status === 'PENDING_REDRIVE' ? null : this.stoppedAtMs };
  }
}

function setUp(
  executions: Record<string, ExecutionStatus | Error>,
  run: RunProgress | null = savedRun(1),
  lease: Lease | null = HOLDER_LEASE,
  pendingIds: string[] = [],
) {
  const store = new InMemorySyncStateStore();
  store.put(STREAM, { lease, run, orderCount: 450, pendingIds });
  const leaseNow = async () => (await store.get(STREAM)).lease;
  const starter = new FakeStarter(executions);
  const warnings: Array<[string, Record<string, unknown> | undefined]> = [];
  let suffix = 0;
  let nowMs = T0;
  const deps: StartDeps = {
    settings: { stream: STREAM, leaseMs: LEASE_MS, overlapMs: 60_000, stepTimeoutMs: STEP_TIMEOUT_MS },
    state: store,
    starter,
    clock: () => nowMs,
    log: { debug() {}, info() {}, error() {}, warn: (message, fields) => warnings.push([message, fields]) },
    random: () => `b${(suffix += 1)}`,
  };
  const advance = (ms: number) => {
    nowMs += ms;
  };
  return { store, starter, warnings, deps, leaseNow, advance };
}

const resume = { mode: 'full', trigger: 'http', resume: true } as const;

describe('a trigger that finds the lease held', () => {
  it.each(['ABORTED', 'TIMED_OUT', 'FAILED'] as const)(
    'by a run whose last execution ended %s takes the lease over at once, names it in the log, keeps the unfinished run for the resume',
    async (status) => {
      const { store, starter, warnings, deps, leaseNow } = setUp({ [`${HOLDER}-p1`]: status });

      const started = await startRun(deps, resume);

      expect(await leaseNow()).toEqual({
        owner: started.runId,
        executionName: started.executionName,
        mode: 'full',
        trigger: 'http',
        expiresAt: T0 + LEASE_MS,
      });
      expect(starter.started).toEqual([started.executionName]);
      expect((await store.get(STREAM)).run).toEqual(savedRun(1)); // the unfinished run stays for the resume
      expect(warnings).toEqual([
        [
          `lease taken over from run ${HOLDER}: its execution ${HOLDER}-p1 ended ${status}`,
          { deadRunId: HOLDER, execution: `${HOLDER}-p1`, status, runId: started.runId },
        ],
      ]);
    },
  );

  it.each([
    ['its execution is RUNNING', { [`${HOLDER}-p1`]: 'RUNNING' }],
    ['its execution is being redriven', { [`${HOLDER}-p1`]: 'PENDING_REDRIVE' }],
    ['its execution is not found (a trigger between its lease and its StartExecution)', {}],
    ['its first part handed over to a second that is RUNNING', { [`${HOLDER}-p1`]: 'SUCCEEDED', [`${HOLDER}-p2`]: 'RUNNING' }],
    ['its last part SUCCEEDED with no next part visible yet (a hand-over)', { [`${HOLDER}-p1`]: 'SUCCEEDED' }],
  ] as Array<[string, Record<string, ExecutionStatus>]>)('is refused (409) and the lease kept when %s', async (_, executions) => {
    const { starter, deps, leaseNow } = setUp(executions);

    await expect(startRun(deps, resume)).rejects.toThrow(RunInProgressError);

    expect(await leaseNow()).toEqual(HOLDER_LEASE);
    expect(starter.started).toEqual([]);
  });

  it.each(['ABORTED', 'TIMED_OUT'] as const)(
    'by a run %s a moment ago with a claimed page unsaved is refused until its step timeout has passed since (that step may still write)',
    async (status) => {
      const { starter, deps, leaseNow, advance } = setUp({ [`${HOLDER}-p1`]: status }, savedRun(1), HOLDER_LEASE, ['ord_1', 'ord_2']);
      starter.stoppedAtMs = T0 - 1_000;

      await expect(startRun(deps, resume)).rejects.toThrow(RunInProgressError);
      expect(await leaseNow()).toEqual(HOLDER_LEASE);
      advance(STEP_TIMEOUT_MS - 1_001);
      await expect(startRun(deps, resume)).rejects.toThrow(RunInProgressError);
      advance(1);
      const started = await startRun(deps, resume);

      expect((await leaseNow())?.owner).toBe(started.runId);
      expect(starter.started).toEqual([started.executionName]);
    },
  );

  it('by a run stopped a moment ago with no claimed page unsaved takes it over at once: no step of it can write any more', async () => {
    const { starter, deps, leaseNow } = setUp({ [`${HOLDER}-p1`]: 'ABORTED' });
    starter.stoppedAtMs = T0 - 1_000;

    const started = await startRun(deps, resume);

    expect((await leaseNow())?.owner).toBe(started.runId);
  });

  it('with a claimed page unsaved, is refused when the ended execution does not say when it ended: expiry stays the way out', async () => {
    const { starter, deps, leaseNow } = setUp({ [`${HOLDER}-p1`]: 'ABORTED' }, savedRun(1), HOLDER_LEASE, ['ord_1']);
    starter.stoppedAtMs = null;

    await expect(startRun(deps, resume)).rejects.toThrow(RunInProgressError);

    expect(await leaseNow()).toEqual(HOLDER_LEASE);
  });

  it('is refused when Step Functions cannot be asked, with a warning saying why', async () => {
    const { starter, warnings, deps, leaseNow } = setUp({ [`${HOLDER}-p1`]: new Error('ThrottlingException: Rate exceeded') });

    const refused = await startRun(deps, resume).catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(RunInProgressError);
    expect((refused as RunInProgressError).running).toMatchObject({ runId: HOLDER, executionName: `${HOLDER}-p1` });
    expect(await leaseNow()).toEqual(HOLDER_LEASE);
    expect(starter.started).toEqual([]);
    expect(warnings).toEqual([
      [
        'could not tell whether the run holding the lease still runs: taken as running',
        { runId: HOLDER, execution: `${HOLDER}-p1`, error: 'Error: ThrottlingException: Rate exceeded' },
      ],
    ]);
  });

  it('follows the run to its last part: a second part stopped by hand frees the lease the first part took', async () => {
    const { warnings, deps, leaseNow } = setUp({ [`${HOLDER}-p1`]: 'SUCCEEDED', [`${HOLDER}-p2`]: 'ABORTED' });

    const started = await startRun(deps, resume);

    expect((await leaseNow())?.owner).toBe(started.runId);
    expect(warnings[0]?.[1]).toMatchObject({ execution: `${HOLDER}-p2`, status: 'ABORTED' });
  });

  it('starts from the part the saved run names and looks one part further (stopped during its hand-over)', async () => {
    const { starter, deps } = setUp(
      { [`${HOLDER}-p1`]: 'SUCCEEDED', [`${HOLDER}-p2`]: 'SUCCEEDED', [`${HOLDER}-p3`]: 'ABORTED', [`${HOLDER}-p4`]: 'RUNNING' },
      savedRun(3),
    );

    await expect(startRun(deps, resume)).rejects.toThrow(RunInProgressError);

    expect(starter.asked).toEqual([`${HOLDER}-p3`, `${HOLDER}-p4`]);
  });

  it('of a dead run, taken over by one of two triggers arriving together; the other is refused naming the winner', async () => {
    const { starter, deps, leaseNow } = setUp({ [`${HOLDER}-p1`]: 'ABORTED' });

    const outcomes = await Promise.allSettled([
      startRun(deps, resume),
      startRun(deps, { mode: 'incremental', trigger: 'schedule', resume: false }),
    ]);

    const winners = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    const winner = (winners[0] as PromiseFulfilledResult<{ runId: string }>).value;
    const loser = outcomes.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
    expect(loser.reason).toBeInstanceOf(RunInProgressError);
    expect((loser.reason as RunInProgressError).running.runId).toBe(winner.runId);
    expect((await leaseNow())?.owner).toBe(winner.runId);
    expect(starter.started).toHaveLength(1);
  });
});

describe('a trigger that finds the lease held by an incremental run on the Express machine (Step Functions cannot describe it)', () => {
  const INCREMENTAL = 'incremental-schedule-20250201T115900Z-cccc';
  /** Last written a minute ago: by the trigger that started it, or by one of its steps. */
  const lastWrittenAt = T0 - 60_000;
  const expressLease: Lease = {
    owner: INCREMENTAL,
    executionName: `${INCREMENTAL}-p1`,
    mode: 'incremental',
    trigger: 'schedule',
    expiresAt: lastWrittenAt + LEASE_MS,
  };
  const endedBy = lastWrittenAt + TRIGGER_START_SLACK_MS + EXPRESS_EXECUTION_MAX_MS;
  const incrementalRun = aRunProgress({
    runId: INCREMENTAL,
    mode: 'incremental',
    trigger: 'schedule',
    executionName: `${INCREMENTAL}-p1`,
    part: 1,
  });
  const full = { mode: 'full', trigger: 'http', resume: false } as const;

  it('is refused until its execution has surely ended (5 minutes after its latest possible start), then taken over', async () => {
    const { starter, warnings, deps, leaseNow, advance } = setUp({}, incrementalRun, expressLease);

    await expect(startRun(deps, full)).rejects.toThrow(RunInProgressError);
    advance(endedBy - T0 - 1);
    await expect(startRun(deps, full)).rejects.toThrow(RunInProgressError);
    expect(await leaseNow()).toEqual(expressLease);
    advance(1);
    const started = await startRun(deps, full);

    expect((await leaseNow())?.owner).toBe(started.runId);
    expect(starter.started).toEqual([started.executionName]);
    // Asked the Standard machine for the first part and for a hand-over's second part; neither exists there.
    expect(starter.asked.slice(-2)).toEqual([`${INCREMENTAL}-p1`, `${INCREMENTAL}-p2`]);
    expect(warnings.at(-1)).toEqual([
      `lease taken over from run ${INCREMENTAL}: its execution ${INCREMENTAL}-p1 ended EXPRESS_ENDED`,
      { deadRunId: INCREMENTAL, execution: `${INCREMENTAL}-p1`, status: 'EXPRESS_ENDED', runId: started.runId },
    ]);
  });

  it('with a claimed page unsaved, waits a step timeout more: a step may outlive its Express execution', async () => {
    const { deps, leaseNow, advance } = setUp({}, incrementalRun, expressLease, ['ord_1']);
    advance(endedBy - T0 + STEP_TIMEOUT_MS - 1);

    await expect(startRun(deps, full)).rejects.toThrow(RunInProgressError);
    advance(1);
    const started = await startRun(deps, full);

    expect((await leaseNow())?.owner).toBe(started.runId);
  });

  it('follows a run handed over to the Standard machine: its second part running there keeps the lease past the Express bound', async () => {
    const { deps, leaseNow, advance } = setUp({ [`${INCREMENTAL}-p2`]: 'RUNNING' }, incrementalRun, expressLease);
    advance(endedBy - T0 + 5 * 60_000); // well past the Express bound, before the lease expires

    await expect(startRun(deps, full)).rejects.toThrow(RunInProgressError);
    expect(await leaseNow()).toEqual(expressLease);
  });

  it('frees the lease of a handed-over run whose Standard part was stopped by hand, at once', async () => {
    const { starter, deps, leaseNow } = setUp({ [`${INCREMENTAL}-p2`]: 'ABORTED' }, incrementalRun, expressLease);
    starter.stoppedAtMs = T0 - 1_000;

    const started = await startRun(deps, full);

    expect((await leaseNow())?.owner).toBe(started.runId);
  });
});

describe('a trigger that finds the lease free', () => {
  it('takes it for the new run and starts its first execution, named for stream, mode, trigger and time', async () => {
    const { starter, deps, leaseNow } = setUp({}, null, null);

    const started = await startRun(deps, { mode: 'full', trigger: 'http', resume: false });

    expect(started.runId).toBe('orders-full-http-20250201T120000Z-b1');
    expect(started.executionName).toBe('orders-full-http-20250201T120000Z-b1-p1');
    expect(starter.started).toEqual([started.executionName]);
    expect(await leaseNow()).toEqual({
      owner: started.runId,
      executionName: started.executionName,
      mode: 'full',
      trigger: 'http',
      expiresAt: T0 + LEASE_MS,
    });
  });

  it('names an incremental request with no checkpoint yet for what it will do: a full run', async () => {
    const { deps } = setUp({}, null, null);

    expect((await startRun(deps, { mode: 'incremental', trigger: 'schedule', resume: false })).mode).toBe('full');
  });

  it('runs incremental once there is a checkpoint', async () => {
    const { store, deps } = setUp({}, null, null);
    store.put(STREAM, { checkpoint: aCheckpoint() });

    expect((await startRun(deps, { mode: 'incremental', trigger: 'schedule', resume: false })).mode).toBe('incremental');
  });

  it("names a tick for what begin will do with a failed full resync: resumed while the setting's automatic resumes last", async () => {
    const failed = aRunProgress({
      runId: HOLDER,
      pages: 9,
      status: 'failed',
      autoResumes: 3,
      error: { name: 'SourceUnavailableError', message: '503', page: 9, at: '2025-02-01T11:50:00.000000Z' },
    });
    const tickWith = async (autoResumes: number) => {
      const { store, deps } = setUp({}, null, null);
      store.put(STREAM, { checkpoint: aCheckpoint(), run: failed });
      return startRun(
        { ...deps, settings: { ...deps.settings, autoResumes } },
        { mode: 'incremental', trigger: 'schedule', resume: false },
      );
    };

    expect((await tickWith(5)).mode).toBe('full');
    expect((await tickWith(3)).mode).toBe('incremental');
  });

  it('beside a parked full resync: a tick runs incremental, a new full resync says it discards the parked one, a resume resumes it', async () => {
    const parked = { run: aRunProgress({ runId: HOLDER, pages: 9, status: 'failed' }), pendingIds: [], settledIds: [] };
    const started = async (request: Parameters<typeof startRun>[1]) => {
      const { store, deps, warnings } = setUp({}, null, null);
      store.put(STREAM, { checkpoint: aCheckpoint(), parked });
      return { run: await startRun(deps, request), warnings };
    };

    const tick = await started({ mode: 'incremental', trigger: 'schedule', resume: false });
    const fresh = await started({ mode: 'full', trigger: 'http', resume: false });
    const resumed = await started(resume);

    expect(tick.run).toMatchObject({ mode: 'incremental', discardsParked: null });
    expect(fresh.run).toMatchObject({ mode: 'full', discardsParked: { runId: HOLDER, pages: 9 } });
    expect(fresh.warnings).toContainEqual([
      expect.stringContaining(`the parked full resync ${HOLDER} (page 9) is discarded`),
      expect.anything(),
    ]);
    expect(resumed.run).toMatchObject({ mode: 'full', discardsParked: null });
  });

  it('refuses a resume with nothing to resume, taking no lease', async () => {
    const { starter, deps, leaseNow } = setUp({}, null, null);

    await expect(startRun(deps, resume)).rejects.toThrow(NothingToResumeError);

    expect(await leaseNow()).toBeNull();
    expect(starter.started).toEqual([]);
  });

  it('gives the lease back when the execution cannot be started, so the next trigger is not refused for nothing', async () => {
    const { starter, deps, leaseNow } = setUp({}, null, null);
    starter.failStart = new Error('StateMachineDoesNotExist');

    await expect(startRun(deps, { mode: 'full', trigger: 'http', resume: false })).rejects.toThrow('StateMachineDoesNotExist');

    expect(await leaseNow()).toBeNull();
  });
});
