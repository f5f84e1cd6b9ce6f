// The run's use cases, one per state machine step (DESIGN.md "The run"), plus starting a run from a trigger.
// Plain TypeScript over the ports: no AWS type here, so the same code runs in Lambda, locally and in tests.
import { LeaseLostError, RunInProgressError } from './errors';
import { executionNameFor, newRunId, writeTagFor } from './execution-name';
import { epochMsOf, instantFromEpochMs, maxInstant } from './instant';
import { classifyPage } from './classify';
import { planRun, type RunPlan } from './plan';
import type {
  Clock,
  ExecutionStarter,
  ExecutionStatus,
  Log,
  OrderSource,
  OrderStore,
  RunMetrics,
  RunReport,
  StoredVersion,
  SyncStateStore,
} from './ports';
import type {
  BeginEvent,
  CaughtError,
  ExecutionInput,
  RunState,
  RunSummary,
  SkippedRun,
} from './run-state';
import { ZERO_COUNTS } from './run-types';
import type { Checkpoint, Lease, RunCounts, RunError, RunProgress, RunResult, SyncMode, SyncState, Trigger } from './run-types';

export interface SyncSettings {
  stream: string;
  /** Orders per source page (1..250). */
  pageSize: number;
  /** How far an incremental window reaches back before the watermark. */
  overlapMs: number;
  /** How long a lease lives without renewal: longer than any page step with its retries. */
  leaseMs: number;
  /** Pages per execution before continue-as-new (keeps each history far below 25,000 events). */
  maxPagesPerPart: number;
}

export interface SyncDeps {
  settings: SyncSettings;
  state: SyncStateStore;
  orders: OrderStore;
  source: OrderSource;
  clock: Clock;
  log: Log;
  /** Page and run metrics for operators; optional so a caller that needs none passes none. */
  metrics?: RunMetrics;
}

export interface StartDeps {
  settings: Pick<SyncSettings, 'stream' | 'leaseMs' | 'overlapMs'>;
  state: Pick<SyncStateStore, 'get' | 'acquireLease' | 'takeOverLease' | 'releaseLease'>;
  starter: ExecutionStarter;
  clock: Clock;
  log: Log;
  random?: () => string;
}

export interface StartRequest {
  mode: SyncMode;
  trigger: Trigger;
  resume: boolean;
}

export interface StartedRun {
  runId: string;
  mode: SyncMode;
  executionName: string;
  executionArn: string;
  startDate: string;
}

/**
 * Start a run from a trigger (HTTP, schedule, CLI):
 * 1. refuse at once when a live lease is held by a run with an execution still running, or that we cannot tell
 *    (RunInProgressError), or when a resume has nothing to resume;
 * 2. take the lease for the new run (from a run whose executions have all ended: stopped, timed out), so two
 *    triggers arriving together cannot both start one;
 * 3. start the first execution with a name that says mode, trigger and time; give the lease back if that fails.
 */
export async function startRun(deps: StartDeps, request: StartRequest): Promise<StartedRun> {
  const { stream, leaseMs, overlapMs } = deps.settings;
  const nowMs = deps.clock();
  const now = instantFromEpochMs(nowMs);
  const current = await deps.state.get(stream);
  const held = current.lease && current.lease.expiresAt > nowMs ? current.lease : null;
  const ended = held ? await endedExecutionOf(deps, held, current.run) : null;
  if (held && !ended) throw new RunInProgressError(runningFrom(held));
  // Planning now names the run for what it will do (an incremental trigger with no checkpoint runs full), and a
  // resume with nothing to resume is refused here, not as a failed execution.
  const mode = plannedMode(planRun({ request, checkpoint: current.checkpoint, unfinishedRun: current.run, now, overlapMs }));
  const runId = newRunId(mode, request.trigger, now, deps.random);
  const executionName = executionNameFor(runId, 1);
  const lease: Lease = { owner: runId, executionName, mode, trigger: request.trigger, expiresAt: nowMs + leaseMs };
  // Taking over is conditional on the dead run still holding the lease: when another trigger took it first, the
  // ordinary acquire refuses, naming that trigger's run.
  let tookOver = false;
  if (held && ended) {
    tookOver = await deps.state.takeOverLease(stream, lease, held.owner);
    if (tookOver) {
      deps.log.warn(`lease taken over from run ${held.owner}: its execution ${ended.executionName} ended ${ended.status}`, {
        deadRunId: held.owner,
        execution: ended.executionName,
        status: ended.status,
        runId,
      });
    }
  }
  const attempt = tookOver ? ({ acquired: true } as const) : await deps.state.acquireLease(stream, lease, nowMs);
  if (!attempt.acquired) throw new RunInProgressError(runningFrom(attempt.holder));
  const input: ExecutionInput = { stream, mode, trigger: request.trigger, resume: request.resume, runId };
  try {
    const started = await deps.starter.start(executionName, input);
    deps.log.info('run started', { runId, mode, trigger: request.trigger, executionName, resume: request.resume });
    return { runId, mode, executionName, executionArn: started.executionArn, startDate: started.startDate };
  } catch (error) {
    await deps.state.releaseLease(stream, runId);
    throw error;
  }
}

/**
 * The last execution of the run holding `lease`, when it has ended and no execution of that run is running; null
 * when one may still run. A run is a chain: the execution that took the lease, then `executionNameFor(owner, part)`
 * for each continue-as-new part (the saved run names the current one), each started by the one before while it ran.
 * So: follow the chain to its last execution; the run is dead when that one ended (ABORTED, TIMED_OUT, FAILED).
 * Live (null) when an execution runs, when the first is not found (a trigger between its lease and its start), when
 * the last SUCCEEDED (it handed over: its next part exists, just not visible yet), or when Step Functions cannot be
 * asked: never take a live run's lease; expiry remains the way out.
 */
async function endedExecutionOf(
  deps: StartDeps,
  lease: Lease,
  run: RunProgress | null,
): Promise<{ executionName: string; status: ExecutionStatus } | null> {
  let part = 1;
  let executionName = lease.executionName;
  try {
    if (run !== null && run.part > 1 && run.executionName === executionNameFor(lease.owner, run.part)) {
      part = run.part;
      executionName = run.executionName;
    }
    let status = await deps.starter.status(executionName);
    if (status === null) return null;
    while (status !== 'RUNNING' && status !== 'PENDING_REDRIVE') {
      const nextName = executionNameFor(lease.owner, part + 1);
      const next = await deps.starter.status(nextName);
      if (next === null) return status === 'SUCCEEDED' ? null : { executionName, status };
      part += 1;
      executionName = nextName;
      status = next;
    }
    return null;
  } catch (error) {
    deps.log.warn('could not tell whether the run holding the lease still runs: taken as running', {
      runId: lease.owner,
      execution: executionName,
      error: describe(error),
    });
    return null;
  }
}

/**
 * Step "begin":
 * - a run handed over by the previous execution: renew the lease and go on where it stopped;
 * - otherwise take the lease (already ours when a trigger started us), or skip (schedule) / refuse (others)
 *   when another run holds it; plan the window (incremental, full or resume) and save the run's progress.
 */
export async function beginRun(deps: SyncDeps, event: BeginEvent): Promise<RunState | SkippedRun> {
  const { input } = event;
  if ('continueRun' in input) return continueRun(deps, input.continueRun, event.executionName);

  const { stream, leaseMs, overlapMs, maxPagesPerPart } = deps.settings;
  const nowMs = deps.clock();
  const now = instantFromEpochMs(nowMs);
  const current = await deps.state.get(stream);
  // The window is planned on the source's clock (the one that stamps updated_at), as the last run measured it.
  const sourceClockSkewMs = sourceClockOffsetMs(current.checkpoint?.sourceClockSkewMs ?? null);
  let plan: RunPlan;
  try {
    plan = planRun({
      request: { mode: input.mode, resume: input.resume ?? false },
      checkpoint: current.checkpoint,
      // Any saved run is unfinished here: failed, or abandoned by an owner whose lease expired (else we get no lease).
      unfinishedRun: current.run,
      now: instantFromEpochMs(nowMs + sourceClockSkewMs),
      overlapMs,
    });
  } catch (error) {
    // A trigger took the lease for us: give it back, or the stream stays blocked until the lease expires.
    if (input.runId) await deps.state.releaseLease(stream, input.runId);
    throw error;
  }
  const leaseOwner = input.runId ?? newRunId(plannedMode(plan), input.trigger, now);
  const lease: Lease = {
    owner: leaseOwner,
    executionName: event.executionName,
    mode: plannedMode(plan),
    trigger: input.trigger,
    expiresAt: nowMs + leaseMs,
  };
  const attempt = await deps.state.acquireLease(stream, lease, nowMs);
  if (!attempt.acquired) {
    if (input.trigger === 'schedule') {
      deps.log.info('skipped: another run holds the lease', { holder: attempt.holder.executionName });
      return skipped(attempt.holder);
    }
    throw new RunInProgressError(runningFrom(attempt.holder));
  }

  try {
    const planned: RunProgress =
      plan.kind === 'resume'
        ? { ...plan.run, status: 'running', error: undefined, executionName: event.executionName, part: 1, updatedAt: now }
        : {
            runId: leaseOwner,
            mode: plan.mode,
            trigger: input.trigger,
            window: plan.window,
            cursor: null,
            pages: 0,
            counts: { ...ZERO_COUNTS },
            maxRecordTime: null,
            expectedTotal: plan.mode === 'full' ? await expectedTotal(deps, plan.window) : null,
            sourceClockSkewMs: current.checkpoint?.sourceClockSkewMs ?? null,
            startedAt: now,
            updatedAt: now,
            executionName: event.executionName,
            part: 1,
            status: 'running',
          };
    // A resume redoes the page its run had begun; a new run replacing that run counts what the page inserted.
    const abandonedInserts = plan.kind === 'resume' ? 0 : await insertsOfAbandonedPage(deps, current);
    const saved = await deps.state.saveProgress(stream, leaseOwner, planned, {
      expectedPages: plan.kind === 'resume' ? plan.run.pages : null,
      orderCountDelta: abandonedInserts,
      leaseExpiresAt: nowMs + leaseMs,
    });
    // Not saved: an earlier attempt of this begin (it died after its save) planned the run first. Its window is the
    // run's, or the pages would be fetched up to one bound and the watermark set to another.
    const progress = saved ? planned : ((await deps.state.get(stream)).run ?? planned);
    deps.log.info(`run begins: ${plan.reason}${sourceClockSkewMs ? ` (source clock ${sourceClockSkewMs / 1000} s from ours)` : ''}`, {
      runId: progress.runId,
      mode: progress.mode,
      window: progress.window,
      page: progress.pages,
      expectedTotal: progress.expectedTotal,
    });
    return {
      stream,
      runId: progress.runId,
      leaseOwner,
      mode: progress.mode,
      trigger: progress.trigger,
      window: progress.window,
      cursor: progress.cursor,
      page: progress.pages,
      part: 1,
      pagesInPart: 0,
      maxPagesPerPart,
      done: progress.pages > 0 && progress.cursor === null,
      counts: progress.counts,
      maxRecordTime: progress.maxRecordTime,
      sourceClockSkewMs: progress.sourceClockSkewMs,
      unsavedPage: null,
      expectedTotal: progress.expectedTotal,
      executionName: event.executionName,
      nextExecutionName: executionNameFor(leaseOwner, 2),
      startedAt: progress.startedAt,
    };
  } catch (error) {
    // The run could not begin: give the lease back so the next trigger is not refused for nothing.
    await deps.state.releaseLease(stream, leaseOwner);
    throw error;
  }
}

async function continueRun(deps: SyncDeps, run: RunState, executionName: string): Promise<RunState> {
  const nowMs = deps.clock();
  const current = await deps.state.get(run.stream);
  const { progress, savedPages, unsavedInserted } = latestProgress(current, run, nowMs);
  const part = run.part + 1;
  await deps.state.saveProgress(
    run.stream,
    run.leaseOwner,
    { ...progress, executionName, part, updatedAt: instantFromEpochMs(nowMs) },
    { expectedPages: savedPages, orderCountDelta: unsavedInserted, leaseExpiresAt: nowMs + deps.settings.leaseMs },
  );
  deps.log.info('run continues in a new execution', { runId: run.runId, part, page: progress.pages });
  return {
    ...run,
    part,
    pagesInPart: 0,
    maxPagesPerPart: deps.settings.maxPagesPerPart,
    unsavedPage: null,
    executionName,
    nextExecutionName: executionNameFor(run.leaseOwner, part + 1),
  };
}

/**
 * Step "sync page": fetch the page at the run's cursor; in one conditional write, check the lease, save the previous
 * page's result (the step before left it in the run state) and record this page's ids; classify the page against the
 * stored versions and write the new and changed orders. This page's result travels in the returned run state, to be
 * saved by the next step's first write (one sync-state write per page).
 * Safe to run twice: a retry after the write recognises its own writes by their write tag and counts them the same
 * way, even those that have left the page since (the recorded ids).
 */
export async function syncPage(deps: SyncDeps, run: RunState): Promise<RunState> {
  if (run.done) return run;
  const page = await deps.source.fetchPage({ window: run.window, cursor: run.cursor, limit: deps.settings.pageSize });
  const ids = page.orders.map((order) => order.id);
  const startedAtMs = deps.clock();
  const start = await deps.state.beginPage(run.stream, run.leaseOwner, run.runId, run.page, ids, {
    nowMs: startedAtMs,
    leaseExpiresAt: startedAtMs + deps.settings.leaseMs,
    ...(run.unsavedPage
      ? { previousPage: { progress: progressFromState(run, instantFromEpochMs(startedAtMs)), orderCountDelta: run.unsavedPage.inserted } }
      : {}),
  });
  if (start.kind === 'already-saved') {
    deps.log.info('page already synced by an earlier attempt', { runId: run.runId, page: run.page });
    return afterPage(run, start.progress, start.progress.pages - run.page);
  }
  const { progress } = start;
  // An earlier attempt of this page died after writing: orders it wrote that have since left the page (they changed
  // and moved on) still count as this page's, as its write tag says.
  const inPage = new Set(ids);
  const leftThePage = start.earlierAttemptIds.filter((id) => !inPage.has(id));
  const stored = await deps.orders.getVersions([...ids, ...leftThePage]);
  const writeTag = writeTagFor(run.runId, run.page);
  const classified = classifyPage(page.orders, stored, writeTag);
  const counts = addCounts(classified.counts, writtenEarlier(leftThePage, stored, writeTag));
  const syncedAt = instantFromEpochMs(deps.clock());
  await deps.orders.putOrders(classified.writes.map(({ order, kind }) => ({ order, kind, writeTag, syncedAt })));

  warnOnClockSkewChange(deps, progress.sourceClockSkewMs ?? 0, page.stats.clockSkewMs);
  deps.log.info('page synced', {
    runId: run.runId,
    page: run.page,
    ...counts,
    requests: page.stats.requests,
    throttled: page.stats.throttled,
    retried: page.stats.retried,
    last: page.nextCursor === null,
  });
  deps.metrics?.page({ stream: run.stream, runId: run.runId, mode: run.mode, page: run.page, counts, source: page.stats });
  return {
    ...run,
    cursor: page.nextCursor,
    page: run.page + 1,
    pagesInPart: run.pagesInPart + 1,
    done: page.nextCursor === null,
    counts: addCounts(progress.counts, counts),
    maxRecordTime: maxInstant(progress.maxRecordTime, classified.maxRecordTime),
    sourceClockSkewMs: page.stats.clockSkewMs ?? progress.sourceClockSkewMs,
    unsavedPage: { inserted: counts.inserted },
  };
}

/**
 * Step "commit": the checkpoint moves to the window's upper bound (never the wall clock at commit time), the run's
 * result is recorded, its progress cleared and the lease released, in one conditional write. Idempotent.
 */
export async function commitRun(deps: SyncDeps, run: RunState): Promise<RunSummary> {
  const nowMs = deps.clock();
  const now = instantFromEpochMs(nowMs);
  const current = await deps.state.get(run.stream);
  if (current.lastRun?.runId === run.runId && current.lease?.owner !== run.leaseOwner) {
    return summaryOf(current.lastRun, current.checkpoint?.watermark, current.orderCount, run.stream);
  }
  const { progress, unsavedInserted } = latestProgress(current, run, nowMs);
  const previous = current.checkpoint;
  const checkpoint: Checkpoint = {
    watermark: maxInstant(previous?.watermark ?? null, watermarkOf(progress)) ?? progress.window.to,
    lastSyncTime: now,
    lastRecordTime: maxInstant(previous?.lastRecordTime ?? null, progress.maxRecordTime),
    recordsSynced: progress.counts.fetched,
    isFullSync: progress.mode === 'full',
    createdAt: previous?.createdAt ?? now,
    updatedAt: now,
    sourceClockSkewMs: progress.sourceClockSkewMs,
  };
  const result = runResultOf(progress, now);
  await deps.state.commit(run.stream, run.leaseOwner, checkpoint, result, unsavedInserted);
  const summary = summaryOf(result, checkpoint.watermark, current.orderCount + unsavedInserted, run.stream);
  deps.log.info('run committed', { ...summary });
  deps.metrics?.run({ ...reportOf(result, summary), watermarkLagSeconds: (nowMs - epochMsOf(checkpoint.watermark)) / 1000 });
  return summary;
}

/**
 * Step "record failure": the error goes on the run (visible in the status), the progress is kept so a full
 * resync can resume, the lease is released. The checkpoint does not move.
 */
export async function recordFailure(deps: SyncDeps, run: RunState & { error?: CaughtError }): Promise<RunSummary> {
  const nowMs = deps.clock();
  const now = instantFromEpochMs(nowMs);
  const error = runErrorFrom(run.error, run.page, now);
  const current = await deps.state.get(run.stream);
  const saved = current.run?.runId === run.runId ? current.run : undefined;
  // The page before the failing one may be in the run state only: it is saved first (a resume starts after it).
  const unsaved = run.unsavedPage && saved?.pages === run.page - 1 ? run.unsavedPage : null;
  const latest = unsaved ? progressFromState(run, now) : (saved ?? progressFromState(run, now));
  const failedRun: RunProgress = { ...latest, status: 'failed', error, updatedAt: now };
  const result = runResultOf(failedRun, now);
  try {
    if (unsaved) {
      await deps.state.saveProgress(run.stream, run.leaseOwner, latest, {
        expectedPages: run.page - 1,
        orderCountDelta: unsaved.inserted,
        leaseExpiresAt: nowMs + deps.settings.leaseMs,
      });
    }
    await deps.state.recordFailure(run.stream, run.leaseOwner, failedRun, result);
  } catch (failure) {
    // The lease went to another run: this one may no longer write anything; the error stays in this execution.
    if (!(failure instanceof LeaseLostError)) throw failure;
    deps.log.warn('failure not recorded: the lease is no longer ours', { runId: run.runId, reason: failure.message });
  }
  deps.log.error('run failed', { runId: run.runId, page: error.page, error: error.name, reason: error.message });
  const summary = summaryOf(result, current.checkpoint?.watermark, current.orderCount, run.stream);
  deps.metrics?.run({ ...reportOf(result, summary), errorName: error.name });
  return summary;
}

// ---------------------------------------------------------------- helpers

/** How a run ended, from its progress: failed when the progress carries an error, succeeded otherwise. */
export function runResultOf(progress: RunProgress, finishedAt: string): RunResult {
  return {
    runId: progress.runId,
    mode: progress.mode,
    trigger: progress.trigger,
    status: progress.error ? 'failed' : 'succeeded',
    window: progress.window,
    pages: progress.pages,
    counts: progress.counts,
    startedAt: progress.startedAt,
    finishedAt,
    executionName: progress.executionName,
    ...(progress.error ? { error: progress.error } : {}),
  };
}

/** The saved progress of this run, provided this run's chain still holds a live lease. */
function ownRun(current: SyncState, run: RunState, nowMs: number): RunProgress {
  const lease = current.lease;
  if (!lease || lease.owner !== run.leaseOwner || lease.expiresAt <= nowMs) {
    throw new LeaseLostError(
      `run ${run.runId} no longer holds the ${run.stream} lease` +
        (lease && lease.owner !== run.leaseOwner ? ` (now held by ${lease.executionName})` : ' (it expired)'),
    );
  }
  if (!current.run || current.run.runId !== run.runId) {
    throw new LeaseLostError(`run ${run.runId} has no saved progress on stream ${run.stream}`);
  }
  return current.run;
}

/**
 * The run's progress as of this step: the saved one, or the run state's when the saved one is a page behind (the last
 * page's result travels in the run state until the next write saves it). `savedPages`: where the saved one is.
 */
function latestProgress(current: SyncState, run: RunState, nowMs: number): { progress: RunProgress; savedPages: number; unsavedInserted: number } {
  const saved = ownRun(current, run, nowMs);
  if (!run.unsavedPage || saved.pages !== run.page - 1) return { progress: saved, savedPages: saved.pages, unsavedInserted: 0 };
  return { progress: progressFromState(run, instantFromEpochMs(nowMs)), savedPages: saved.pages, unsavedInserted: run.unsavedPage.inserted };
}

/** The run state after pages another attempt saved. */
function afterPage(run: RunState, progress: RunProgress, pagesDone: number): RunState {
  return {
    ...run,
    cursor: progress.cursor,
    page: progress.pages,
    pagesInPart: run.pagesInPart + pagesDone,
    done: progress.cursor === null,
    counts: progress.counts,
    maxRecordTime: progress.maxRecordTime,
    sourceClockSkewMs: progress.sourceClockSkewMs,
    unsavedPage: null,
  };
}

/**
 * The orders an unfinished run (failed, stopped, or interrupted) inserted on the page it had begun but whose result
 * it never saved: its ids were recorded before the write and its writes carry the page's write tag. The new run that
 * replaces it adds them to the order counter, which would otherwise stay short of the stored orders.
 */
async function insertsOfAbandonedPage(deps: SyncDeps, current: SyncState): Promise<number> {
  const run = current.run;
  if (!run || current.pendingIds.length === 0) return 0;
  const stored = await deps.orders.getVersions(current.pendingIds);
  const { inserted } = writtenEarlier(current.pendingIds, stored, writeTagFor(run.runId, run.pages));
  if (inserted > 0) deps.log.info('orders inserted by the replaced run\'s unsaved page are counted', { replacedRunId: run.runId, page: run.pages, inserted });
  return inserted;
}

/** What an earlier attempt of this page wrote (its write tag) for orders no longer in the page. */
function writtenEarlier(ids: readonly string[], stored: ReadonlyMap<string, StoredVersion>, writeTag: string): RunCounts {
  const kinds = ids.map((id) => stored.get(id)).filter((version) => version?.writeTag === writeTag).map((version) => version!.writeKind);
  const inserted = kinds.filter((kind) => kind === 'inserted').length;
  const updated = kinds.filter((kind) => kind === 'updated').length;
  return { fetched: inserted + updated, inserted, updated, unchanged: 0, stale: 0 };
}

function addCounts(a: RunCounts, b: RunCounts): RunCounts {
  return {
    fetched: a.fetched + b.fetched,
    inserted: a.inserted + b.inserted,
    updated: a.updated + b.updated,
    unchanged: a.unchanged + b.unchanged,
    stale: a.stale + b.stale,
  };
}

async function expectedTotal(deps: SyncDeps, window: RunProgress['window']): Promise<number | null> {
  try {
    return await deps.source.count(window);
  } catch (error) {
    // The count only feeds progress and ETA: a run does not fail for it.
    deps.log.warn('could not count the orders of the window; progress will show no ETA', { error: describe(error) });
    return null;
  }
}

/**
 * The new watermark: the window's upper bound, but never later than the source's clock when the window was planned
 * (our plan time plus the skew the pages measured). A window planned before the skew was known (a first run, a
 * clock that jumped) may end in the source's future; a watermark there would put the next window's start past
 * orders the source stamps after this run.
 */
function watermarkOf(progress: RunProgress): string {
  if (progress.sourceClockSkewMs === null || progress.sourceClockSkewMs === undefined) return progress.window.to;
  const sourceClockAtPlan = instantFromEpochMs(epochMsOf(progress.startedAt) + sourceClockOffsetMs(progress.sourceClockSkewMs));
  return sourceClockAtPlan < progress.window.to ? sourceClockAtPlan : progress.window.to;
}

/**
 * How far to move our clock to read the source's. The measured skew comes from the source's Date header: whole
 * seconds, read across a network round trip, so it is known to a second or two. Within a few seconds the clocks are
 * taken to agree (the overlap covers that). Beyond, the estimate is taken a second low, so a window does not end
 * after the source's now: the newest changes go to the next run rather than being skipped by this one's walk.
 */
function sourceClockOffsetMs(measuredSkewMs: number | null): number {
  return measuredSkewMs === null || Math.abs(measuredSkewMs) <= CLOCKS_AGREE_WITHIN_MS ? 0 : measuredSkewMs - 1000;
}

const CLOCKS_AGREE_WITHIN_MS = 5_000;

function warnOnClockSkewChange(deps: SyncDeps, knownSkewMs: number, measuredSkewMs: number | undefined): void {
  // Windows follow the source's clock as last measured; a clock that moved by more than half the overlap since then
  // is worth a look (a source whose clock jumps between runs by more than the overlap can hide orders: README, Guarantees).
  if (measuredSkewMs === undefined || Math.abs(measuredSkewMs - knownSkewMs) * 2 <= deps.settings.overlapMs) return;
  deps.log.warn('the source clock differs from the one this run planned with by more than half the overlap', {
    clockSkewSeconds: Math.round(measuredSkewMs / 1000),
    plannedSkewSeconds: Math.round(knownSkewMs / 1000),
    overlapSeconds: deps.settings.overlapMs / 1000,
  });
}

function plannedMode(plan: RunPlan): SyncMode {
  return plan.kind === 'resume' ? plan.run.mode : plan.mode;
}

function runningFrom(lease: Lease): RunInProgressError['running'] {
  return { runId: lease.owner, executionName: lease.executionName, mode: lease.mode, expiresAt: lease.expiresAt };
}

function skipped(holder: Lease): SkippedRun {
  return {
    skipped: true,
    reason: `a ${holder.mode} run (${holder.executionName}) holds the lease`,
    holder: {
      owner: holder.owner,
      executionName: holder.executionName,
      mode: holder.mode,
      trigger: holder.trigger,
      expiresAt: instantFromEpochMs(holder.expiresAt),
    },
  };
}

function progressFromState(run: RunState, now: string): RunProgress {
  return {
    runId: run.runId,
    mode: run.mode,
    trigger: run.trigger,
    window: run.window,
    cursor: run.cursor,
    pages: run.page,
    counts: run.counts,
    maxRecordTime: run.maxRecordTime ?? null,
    expectedTotal: run.expectedTotal,
    sourceClockSkewMs: run.sourceClockSkewMs ?? null,
    startedAt: run.startedAt,
    updatedAt: now,
    executionName: run.executionName,
    part: run.part,
    status: 'running',
  };
}

/** Turn Step Functions' `{Error, Cause}` into the run's error; Lambda puts `{errorType, errorMessage}` JSON in Cause. */
export function runErrorFrom(caught: CaughtError | undefined, page: number, at: string): RunError {
  const name = caught?.Error ?? 'UnknownError';
  let message = caught?.Cause ?? 'no cause given';
  try {
    const parsed = JSON.parse(message) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') message = parsed.errorMessage;
  } catch {
    // Not JSON: the cause is the message itself (the local runner passes it so).
  }
  return { name, message, page, at };
}

function summaryOf(result: RunResult, watermark: string | undefined, orderCount: number, stream: string): RunSummary {
  return {
    stream,
    runId: result.runId,
    status: result.status,
    mode: result.mode,
    trigger: result.trigger,
    window: result.window,
    pages: result.pages,
    counts: result.counts,
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
    durationSeconds: Math.round((epochMsOf(result.finishedAt) - epochMsOf(result.startedAt)) / 100) / 10,
    ...(watermark ? { watermark } : {}),
    orderCount,
    ...(result.error ? { error: { name: result.error.name, message: result.error.message, page: result.error.page } } : {}),
  };
}

function reportOf(result: RunResult, summary: RunSummary): RunReport {
  return {
    stream: summary.stream,
    runId: result.runId,
    mode: result.mode,
    trigger: result.trigger,
    status: result.status,
    executionName: result.executionName,
    pages: result.pages,
    counts: result.counts,
    durationSeconds: summary.durationSeconds,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
