// Use case "begin": the state machine's first step. Plans the run under the lease, or picks up the run the previous
// execution handed over (continue-as-new).
import type { StreamName } from '../stream';
import { RunInProgressError, SalesZoneChangedError } from '../errors';
import { counterChangeBy, idsCountedBy, ZERO_COUNTS } from '../counts';
import { executionNameFor, newRunId, writeTagFor } from '../execution-name';
import { instantFromEpochMs } from '../instant';
import { ownSavedRun, runningFrom } from '../lease';
import { FULL_RESYNC_AUTO_RESUMES_DEFAULT } from '../limits';
import { plannedMode, planRun, resumesAutomatically, transientErrorOf, type LookbackSettings, type RunPlan } from '../plan';
import { runAt, START } from '../run-position';
import { describeError } from '../run-outcome';
import type { BegunRunSave, Clock, Log, RecordSource, RecordStore, RunMetrics, SyncStateStore } from '../ports';
import type { BeginEvent, RunState, SkippedRun } from '../run-state';
import type { Lease, ParkedRun, RunProgress, SyncState, Window } from '../run-types';
import { sourceClockOffsetMs } from '../source-clock';

export interface BeginDeps {
  /** `autoResumes`: how many times in a row a full resync failed on a transient error is resumed by itself; `lookback`: the periodic deep lookback (absent: none). */
  settings: {
    stream: StreamName;
    leaseMs: number;
    overlapMs: number;
    maxPagesPerPart: number;
    autoResumes?: number;
    lookback?: LookbackSettings;
  };
  state: Pick<SyncStateStore, 'get' | 'acquireLease' | 'releaseLease' | 'saveBegunRun' | 'saveProgress'>;
  /** Read only: the stored versions of the orders a replaced, parked or discarded run's unsaved page wrote. */
  records: Pick<RecordStore, 'getVersions'>;
  /** The window's order count (progress and ETA of a full run); the shop's own time zone, when it has one. */
  source: Pick<RecordSource, 'count' | 'timeZone'>;
  /**
   * The orders stream's daily sales (absent: a stream without them): the zone SHOP_TIME_ZONE names, if set; unset, the
   * run counts in the source's own zone (`source.timeZone`, asked once here), or UTC. `off` (DAILY_SALES=false): the
   * run forgets the recorded zone, since the figures miss its changes, so the next full resync with them on rebuilds.
   */
  dailySales?: { configuredZone: string | undefined } | 'off';
  clock: Clock;
  log: Log;
  /** Told when a failed full resync is parked with its automatic resumes spent (absent: not told). */
  metrics?: Pick<RunMetrics, 'autoResumesSpent'>;
}

/**
 * Step "begin":
 * - a run handed over by the previous execution: renew the lease, name the new execution, go on where it stopped;
 * - otherwise:
 *   1. plan the run on the source's clock: incremental, full, or the unfinished full resync to resume;
 *   2. take the lease (already ours when a trigger started us), or skip (schedule) / refuse (others) when another
 *      run holds it;
 *   3. decide what becomes of the runs found (beginSave): an unfinished full resync is parked beside an incremental
 *      run, resumed, or discarded by a new full one; another unfinished run is replaced; the inserts of their unsaved
 *      pages that the counter lacks are counted, so it stays exact;
 *   4. save the run's progress, page 0 (or the resumed run's page), and all of that in one conditional write.
 */
export async function beginRun(deps: BeginDeps, event: BeginEvent): Promise<RunState | SkippedRun> {
  const { input } = event;
  if ('continueRun' in input) return continueRun(deps, input.continueRun, event.executionName);

  const { stream, leaseMs, overlapMs, maxPagesPerPart, lookback } = deps.settings;
  const nowMs = deps.clock();
  const now = instantFromEpochMs(nowMs);
  const current = await deps.state.get(stream);
  // A run id proves nothing by itself: the trigger that took the lease named the execution it started, and an
  // execution started by hand with the same run id must not join that run (nor give its lease back).
  const joined = current.lease;
  if (input.runId && joined && joined.owner === input.runId && joined.expiresAt > nowMs && joined.executionName !== event.executionName) {
    throw new RunInProgressError(runningFrom(joined));
  }
  // The window is planned on the source's clock (the one that stamps updated_at), as the last run measured it.
  const sourceClockSkewMs = sourceClockOffsetMs(current.checkpoint?.sourceClockSkewMs ?? null);
  let plan: RunPlan;
  let sales: RunSales | undefined;
  try {
    plan = planRun({
      request: { mode: input.mode, resume: input.resume ?? false },
      checkpoint: current.checkpoint,
      // Any saved run is unfinished here: failed, or abandoned by an owner whose lease expired (else we get no lease).
      unfinishedRun: current.run,
      parkedRun: current.parked?.run ?? null,
      now: instantFromEpochMs(nowMs + sourceClockSkewMs),
      overlapMs,
      autoResumes: deps.settings.autoResumes,
      ...(lookback ? { lookback } : {}),
    });
    if (deps.dailySales !== undefined && deps.dailySales !== 'off') {
      sales = salesOfRun(current, plan, await resolvedZone(deps, deps.dailySales.configuredZone));
    }
  } catch (error) {
    // A trigger took the lease for us: give it back, or the stream stays blocked until the lease expires.
    if (input.runId) await deps.state.releaseLease(stream, input.runId);
    throw error;
  }
  const leaseOwner = input.runId ?? newRunId(stream, plannedMode(plan), input.trigger, now);
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
        ? {
            ...plan.run,
            status: 'running',
            error: undefined,
            ...(sales ? { salesZone: sales.zone } : {}),
            // Counted for the bound on automatic resumes; a resume by hand starts the count again.
            autoResumes: plan.automatic ? (plan.run.autoResumes ?? 0) + 1 : 0,
            executionName: event.executionName,
            part: 1,
            updatedAt: now,
          }
        : {
            runId: leaseOwner,
            mode: plan.mode,
            trigger: input.trigger,
            window: plan.window,
            position: START,
            pages: 0,
            counts: { ...ZERO_COUNTS },
            maxRecordTime: null,
            ...(plan.lookback ? { lookback: { ordinaryFrom: plan.lookback.ordinaryFrom, found: 0 } } : {}),
            expectedTotal: plan.mode === 'full' ? await expectedTotal(deps, plan.window) : null,
            sourceClockSkewMs: current.checkpoint?.sourceClockSkewMs ?? null,
            startedAt: now,
            updatedAt: now,
            executionName: event.executionName,
            part: 1,
            status: 'running',
            ...(sales ? { salesZone: sales.zone, ...(sales.rebuild ? { salesRebuild: true } : {}) } : {}),
          };
    // A retried begin whose first attempt saved (it died before answering) finds its own run: that save stands.
    const saved =
      current.run?.runId !== leaseOwner &&
      (await deps.state.saveBegunRun(stream, leaseOwner, planned, {
        ...(await beginSave(deps, current, plan, nowMs + leaseMs)),
        ...(sales?.rebuild ? { salesZone: sales.zone } : {}),
        ...(deps.dailySales === 'off' && current.salesZone !== undefined ? { salesZone: null } : {}),
      }));
    // Only once the park is saved: a begin whose save lost its condition parked nothing.
    if (saved) tellAutoResumesSpent(deps, current, plan);
    // Not saved: an earlier attempt of this begin (it died after its save) planned the run first. Its window is the
    // run's, or the pages would be fetched up to one bound and the watermark set to another.
    const run = saved ? planned : ((await deps.state.get(stream)).run ?? planned);
    deps.log.info(`run begins: ${plan.reason}${sourceClockSkewMs ? ` (source clock ${sourceClockSkewMs / 1000} s from ours)` : ''}`, {
      runId: run.runId,
      mode: run.mode,
      window: run.window,
      page: run.pages,
      expectedTotal: run.expectedTotal,
    });
    return {
      stream,
      leaseOwner,
      run,
      pagesInPart: 0,
      maxPagesPerPart,
      done: run.position.phase === 'done',
      nextExecutionName: executionNameFor(leaseOwner, 2),
    };
  } catch (error) {
    // The run could not begin: give the lease back so the next trigger is not refused for nothing.
    await deps.state.releaseLease(stream, leaseOwner);
    throw error;
  }
}

/** The zone a run counts the daily sales in, and whether it (re)builds them. */
interface RunSales {
  zone: string;
  rebuild: boolean;
}

/** SHOP_TIME_ZONE when set, else the source's own zone (Shopify's shop zone), else UTC. */
async function resolvedZone(deps: BeginDeps, configured: string | undefined): Promise<string> {
  if (configured !== undefined) return configured;
  return deps.source.timeZone ? deps.source.timeZone() : 'UTC';
}

/**
 * The daily sales of the run about to begin, in `zone`, against the zone they are recorded in:
 * - a new full resync builds them when none is recorded, when they are recorded in another zone, or when it replaces
 *   or discards a full resync that was building them (its begin records `zone`);
 * - a resumed full resync keeps the zone it began in: another zone now is refused (its earlier pages counted in theirs);
 * - an incremental run counts in the recorded zone: another is refused. None recorded (a copy stored before the daily
 *   sales were kept), it writes its changes' entries in `zone`, which the full resync that builds them keeps.
 */
function salesOfRun(current: SyncState, plan: RunPlan, zone: string): RunSales {
  const recorded = current.salesZone;
  if (plan.kind === 'resume') {
    const began = plan.run.salesZone ?? zone;
    if (began !== zone) {
      throw new SalesZoneChangedError(
        `the full resync ${plan.run.runId} being resumed counts the daily sales in ${began}, but the shop's time zone is now ${zone} ` +
          `(SHOP_TIME_ZONE, or the shop's own when unset): its pages done would stay in ${began}. Start a new full resync ` +
          `(mode full, without resume) to rebuild them in ${zone}, or set SHOP_TIME_ZONE=${began} to resume it`,
      );
    }
    return { zone, rebuild: plan.run.salesRebuild === true };
  }
  if (plan.mode === 'incremental') {
    if (recorded !== undefined && recorded !== zone) {
      throw new SalesZoneChangedError(
        `the daily sales are counted in ${recorded}, but the shop's time zone is now ${zone} (SHOP_TIME_ZONE, or the shop's own ` +
          `when unset): an incremental run would mix days of two zones. Run a full resync to rebuild them in ${zone}, or set ` +
          `SHOP_TIME_ZONE=${recorded} to keep counting in ${recorded}`,
      );
    }
    return { zone, rebuild: false };
  }
  const replacedBuilding = current.run?.salesRebuild === true || current.parked?.run.salesRebuild === true;
  return { zone, rebuild: recorded !== zone || replacedBuilding };
}

/** Continue-as-new: the saved run, now in execution `executionName` (part + 1), its lease renewed. */
async function continueRun(deps: BeginDeps, handedOver: RunState, executionName: string): Promise<RunState> {
  const nowMs = deps.clock();
  const current = await deps.state.get(handedOver.stream);
  const saved = ownSavedRun(current, handedOver.leaseOwner, handedOver.run.runId, nowMs);
  // From the handed-over state, not the saved one: a retried begin (its first attempt saved) names the same part.
  const part = handedOver.run.part + 1;
  // The state machine names the next part for the run; an execution started by hand with a copy of a hand-over's
  // input must not join the run (two executions would page it at once).
  if (executionName !== executionNameFor(handedOver.leaseOwner, part)) throw new RunInProgressError(runningFrom(current.lease!));
  const run: RunProgress = { ...saved, executionName, part, updatedAt: instantFromEpochMs(nowMs) };
  await deps.state.saveProgress(handedOver.stream, handedOver.leaseOwner, run, {
    expectedStep: saved.position.step,
    orderCountDelta: 0,
    leaseExpiresAt: nowMs + deps.settings.leaseMs,
  });
  deps.log.info('run continues in a new execution', { runId: run.runId, part, page: run.pages });
  return {
    ...handedOver,
    run,
    pagesInPart: 0,
    maxPagesPerPart: deps.settings.maxPagesPerPart,
    nextExecutionName: executionNameFor(handedOver.leaseOwner, part + 1),
  };
}

/**
 * A failed full resync parked now although it failed on a transient error: its automatic resumes are spent, and the
 * tick that parks it is an incremental run that succeeds, so no failed execution tells anyone; this metric does.
 */
function tellAutoResumesSpent(deps: BeginDeps, current: SyncState, plan: RunPlan): void {
  const run = current.run;
  if (!run || plan.kind !== 'new' || plan.mode !== 'incremental' || run.mode !== 'full' || run.status !== 'failed') return;
  if (transientErrorOf(run) === null) return;
  if (resumesAutomatically(run, deps.settings.autoResumes ?? FULL_RESYNC_AUTO_RESUMES_DEFAULT)) return;
  deps.metrics?.autoResumesSpent({
    stream: deps.settings.stream,
    runId: run.runId,
    page: run.pages,
    autoResumes: run.autoResumes ?? 0,
    error: run.error?.name ?? 'error',
  });
}

/**
 * What begin's save does with the runs it found, and what it adds to the order counter:
 * - resume of the parked run: it moves to the run slot with its claimed and settled ids; a run in the slot (an
 *   unfinished incremental one) is replaced;
 * - resume of the run in the slot: its claimed and settled ids stay with it;
 * - a new incremental run: an unfinished full resync in the slot is parked, its unsaved page's inserts settled into the
 *   counter now and remembered as settled, so the resume's redo of that page does not count them again, whatever the
 *   incremental runs do to those orders meanwhile; any other unfinished run is replaced; a parked run stays;
 * - a new full run: the run in the slot is replaced and a parked one discarded (said in the log).
 * A replaced or discarded run's unsaved page adds its inserts that the counter lacks.
 */
async function beginSave(deps: BeginDeps, current: SyncState, plan: RunPlan, leaseExpiresAt: number): Promise<BegunRunSave> {
  const expected = { expectedRun: runAt(current.run), expectedParked: runAt(current.parked?.run ?? null), leaseExpiresAt };
  const inSlot: ParkedRun | null = current.run
    ? { run: current.run, pendingIds: current.pendingIds, settledIds: current.settledIds }
    : null;
  if (plan.kind === 'resume' && plan.from === 'run') {
    return { ...expected, parked: current.parked, pendingIds: current.pendingIds, settledIds: current.settledIds, orderCountDelta: 0 };
  }
  if (plan.kind === 'resume') {
    const resumed = current.parked!;
    const replaced = inSlot ? await replacedInserts(deps, inSlot, 'replaced') : 0;
    return { ...expected, parked: null, pendingIds: resumed.pendingIds, settledIds: resumed.settledIds, orderCountDelta: replaced };
  }

  let parked = current.parked;
  let orderCountDelta = 0;
  // A new full resync discards the parked one; so does another unfinished full resync about to be parked (it can only
  // be a newer one: a parked run is resumed or discarded before another full resync begins).
  if (parked && (plan.mode === 'full' || inSlot?.run.mode === 'full')) {
    const by = plan.mode === 'full' ? 'a new full run replaces it' : `the unfinished full resync ${inSlot!.run.runId} is parked instead`;
    deps.log.warn(`parked full resync ${parked.run.runId} discarded at page ${parked.run.pages}: ${by}`, {
      discardedRunId: parked.run.runId,
      page: parked.run.pages,
    });
    orderCountDelta += await replacedInserts(deps, parked, 'discarded');
    parked = null;
  }
  if (inSlot && plan.mode === 'incremental' && inSlot.run.mode === 'full') {
    const settling = await unsettledWrites(deps, inSlot);
    parked = { ...inSlot, settledIds: [...inSlot.settledIds, ...settling.ids] };
    const fields = { parkedRunId: inSlot.run.runId, page: inSlot.run.pages, settledInserts: settling.ids.length };
    if (inSlot.run.status === 'failed' && (inSlot.run.autoResumes ?? 0) > 0) {
      deps.log.warn(
        `full resync ${inSlot.run.runId} parked at page ${inSlot.run.pages} after ${inSlot.run.autoResumes} automatic resumes ` +
          `failed (${inSlot.run.error?.name ?? 'error'}): it stays parked until resumed by hand with resume=true`,
        { ...fields, autoResumes: inSlot.run.autoResumes, error: inSlot.run.error?.message },
      );
    } else {
      deps.log.info(`full resync ${inSlot.run.runId} parked at page ${inSlot.run.pages}: resume it with resume=true`, fields);
    }
    orderCountDelta += settling.counterChange;
  } else if (inSlot) {
    orderCountDelta += await replacedInserts(deps, inSlot, 'replaced');
  }
  return { ...expected, parked, pendingIds: [], settledIds: [], orderCountDelta };
}

/**
 * The orders an unfinished run (failed, stopped, or interrupted) inserted (or turned into tombstones) on the step it
 * had claimed but whose result it never saved, and that the counter does not hold yet: the claim recorded their ids
 * before the write, the writes carry the step's write tag, and the ids settled when the run was parked are counted
 * already. Answers those ids and what they add to the counter.
 */
async function unsettledWrites(deps: BeginDeps, unfinished: ParkedRun): Promise<{ ids: string[]; counterChange: number }> {
  if (unfinished.pendingIds.length === 0) return { ids: [], counterChange: 0 };
  const stored = await deps.records.getVersions(unfinished.pendingIds);
  const settled = new Set(unfinished.settledIds);
  const writeTag = writeTagFor(unfinished.run.runId, unfinished.run.position.step);
  const ids = idsCountedBy(unfinished.pendingIds, stored, writeTag).filter((id) => !settled.has(id));
  return { ids, counterChange: counterChangeBy(ids, stored, writeTag) };
}

/** What unsettledWrites adds to the counter for a run that will not come back (replaced, discarded), logged when any. */
async function replacedInserts(deps: BeginDeps, unfinished: ParkedRun, what: 'replaced' | 'discarded'): Promise<number> {
  const inserted = (await unsettledWrites(deps, unfinished)).counterChange;
  if (inserted !== 0) {
    deps.log.info(`records inserted by the ${what} run's unsaved page are counted`, {
      [`${what}RunId`]: unfinished.run.runId,
      page: unfinished.run.pages,
      inserted,
    });
  }
  return inserted;
}

async function expectedTotal(deps: BeginDeps, window: Window): Promise<number | null> {
  try {
    return await deps.source.count(window);
  } catch (error) {
    // The count only feeds progress and ETA: a run does not fail for it.
    deps.log.warn('could not count the records of the window; progress will show no ETA', { error: describeError(error) });
    return null;
  }
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
