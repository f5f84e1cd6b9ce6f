// A trigger that finds the lease held asks Step Functions whether the holder still runs: a run whose executions have
// all ended (stopped by hand, timed out) gives its lease up at once; a running one, or one it cannot tell, keeps it.
import { RunInProgressError } from '../../functions/core/errors';
import type { ExecutionStatus, StartedExecution } from '../../functions/core/ports';
import type { Lease, RunProgress, SyncState } from '../../functions/core/run-types';
import { startRun, type StartDeps } from '../../functions/core/sync-run';

const STREAM = 'orders';
const T0 = Date.parse('2025-02-01T12:00:00Z');
const LEASE_MS = 15 * 60_000;
const HOLDER = 'full-http-20250201T110000Z-aaaa';
const HOLDER_LEASE: Lease = { owner: HOLDER, executionName: `${HOLDER}-p1`, mode: 'full', trigger: 'http', expiresAt: T0 + 5 * 60_000 };

function savedRun(part: number): RunProgress {
  return {
    runId: HOLDER,
    mode: 'full',
    trigger: 'http',
    window: { from: null, to: '2025-02-01T11:00:00.000000Z' },
    cursor: 'cursor-after-page-9',
    pages: 9,
    counts: { fetched: 450, inserted: 450, updated: 0, unchanged: 0, stale: 0 },
    maxRecordTime: '2025-02-01T10:59:00.000000Z',
    expectedTotal: 1500,
    sourceClockSkewMs: null,
    startedAt: '2025-02-01T11:00:00.000000Z',
    updatedAt: '2025-02-01T11:10:00.000000Z',
    executionName: `${HOLDER}-p${part}`,
    part,
    status: 'running',
  };
}

/** The sync-state item in memory, with the store's conditions: acquire when free, expired or ours; take over from an owner. */
class FakeStateStore {
  state: SyncState;
  constructor(lease: Lease | null, run: RunProgress | null) {
    this.state = { stream: STREAM, checkpoint: null, lease, run, lastRun: null, orderCount: 450, pendingIds: [] };
  }
  async get(): Promise<SyncState> {
    return structuredClone(this.state);
  }
  async acquireLease(_stream: string, lease: Lease, now: number) {
    const holder = this.state.lease;
    if (holder && holder.expiresAt > now && holder.owner !== lease.owner) return { acquired: false as const, holder };
    this.state.lease = lease;
    return { acquired: true as const };
  }
  async takeOverLease(_stream: string, lease: Lease, deadOwner: string) {
    if (this.state.lease?.owner !== deadOwner) return false;
    this.state.lease = lease;
    return true;
  }
  async releaseLease(_stream: string, owner: string) {
    if (this.state.lease?.owner === owner) this.state.lease = null;
  }
}

/** Step Functions as far as the trigger sees it: the executions that exist and their status. */
class FakeStarter {
  readonly asked: string[] = [];
  readonly started: string[] = [];
  constructor(private readonly executions: Record<string, ExecutionStatus | Error>) {}
  async start(name: string): Promise<StartedExecution> {
    this.started.push(name);
    this.executions[name] = 'RUNNING';
    return { executionArn: `arn:aws:states:us-east-1:123456789012:execution:OrderSync-orders:${name}`, executionName: name, startDate: '2025-02-01T12:00:00.000Z' };
  }
  async status(name: string): Promise<ExecutionStatus | null> {
    this.asked.push(name);
    const status = this.executions[name];
    if (status instanceof Error) throw status;
    return status ?? null;
  }
}

function setUp(executions: Record<string, ExecutionStatus | Error>, run: RunProgress | null = savedRun(1)) {
  const store = new FakeStateStore(HOLDER_LEASE, run);
  const starter = new FakeStarter(executions);
  const warnings: Array<[string, Record<string, unknown> | undefined]> = [];
  let suffix = 0;
  const deps: StartDeps = {
    settings: { stream: STREAM, leaseMs: LEASE_MS, overlapMs: 60_000 },
    state: store,
    starter,
    clock: () => T0,
    log: { debug() {}, info() {}, error() {}, warn: (message, fields) => warnings.push([message, fields]) },
    random: () => `b${(suffix += 1)}`,
  };
  return { store, starter, warnings, deps };
}

const resume = { mode: 'full', trigger: 'http', resume: true } as const;

describe('a trigger that finds the lease held', () => {
  it.each(['ABORTED', 'TIMED_OUT', 'FAILED'] as const)(
    'by a run whose last execution ended %s takes the lease over at once, names it in the log, keeps the unfinished run for the resume',
    async (status) => {
      const { store, starter, warnings, deps } = setUp({ [`${HOLDER}-p1`]: status });

      const started = await startRun(deps, resume);

      expect(store.state.lease).toEqual({
        owner: started.runId,
        executionName: started.executionName,
        mode: 'full',
        trigger: 'http',
        expiresAt: T0 + LEASE_MS,
      });
      expect(starter.started).toEqual([started.executionName]);
      expect(store.state.run).toEqual(savedRun(1)); // the unfinished run stays for the resume
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
    const { store, starter, deps } = setUp(executions);

    await expect(startRun(deps, resume)).rejects.toThrow(RunInProgressError);

    expect(store.state.lease).toEqual(HOLDER_LEASE);
    expect(starter.started).toEqual([]);
  });

  it('is refused when Step Functions cannot be asked, with a warning saying why', async () => {
    const { store, starter, warnings, deps } = setUp({ [`${HOLDER}-p1`]: new Error('ThrottlingException: Rate exceeded') });

    const refused = await startRun(deps, resume).catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(RunInProgressError);
    expect((refused as RunInProgressError).running).toMatchObject({ runId: HOLDER, executionName: `${HOLDER}-p1` });
    expect(store.state.lease).toEqual(HOLDER_LEASE);
    expect(starter.started).toEqual([]);
    expect(warnings).toEqual([
      [
        'could not tell whether the run holding the lease still runs: taken as running',
        { runId: HOLDER, execution: `${HOLDER}-p1`, error: 'Error: ThrottlingException: Rate exceeded' },
      ],
    ]);
  });

  it('follows the run to its last part: a second part stopped by hand frees the lease the first part took', async () => {
    const { store, warnings, deps } = setUp({ [`${HOLDER}-p1`]: 'SUCCEEDED', [`${HOLDER}-p2`]: 'ABORTED' });

    const started = await startRun(deps, resume);

    expect(store.state.lease?.owner).toBe(started.runId);
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
    const { store, starter, deps } = setUp({ [`${HOLDER}-p1`]: 'ABORTED' });

    const outcomes = await Promise.allSettled([startRun(deps, resume), startRun(deps, { mode: 'incremental', trigger: 'schedule', resume: false })]);

    const winners = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    const winner = (winners[0] as PromiseFulfilledResult<{ runId: string }>).value;
    const loser = outcomes.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
    expect(loser.reason).toBeInstanceOf(RunInProgressError);
    expect((loser.reason as RunInProgressError).running.runId).toBe(winner.runId);
    expect(store.state.lease?.owner).toBe(winner.runId);
    expect(starter.started).toHaveLength(1);
  });
});
