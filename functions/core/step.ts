// The looped step's one protocol (docs/design.md "SyncPage: the looped step"), whatever the phase: claim the ids
// under the lease at the run's step, write tagged `<runId>#<step>`, save the new position, counts and counter in one
// conditional write. A phase supplies only what it read and how it writes; every step leaves through one exit.
import { addCounts } from './counts';
import type { CursorMark } from './cursor-walk';
import { writeTagFor } from './execution-name';
import { instantFromEpochMs } from './instant';
import type { Clock, Log, QuarantineStore, RecordSource, RecordStore, RunMetrics, SyncStateStore } from './ports';
import { salesInZone, type DailySalesDeps, type SalesWriteDeps } from './analytics/write-sales-entries';
import { after, positionAfter, type PhasePlan } from './run-position';
import type { RunState } from './run-state';
import type { RunCounts, RunProgress } from './run-types';

/** What the looped step needs, whatever the run's phase. */
export interface StepDeps {
  /** `reconcile`: a full run checks the live records it did not write against the source before it commits. */
  settings: { pageSize: number; leaseMs: number; overlapMs: number; reconcile?: boolean };
  state: Pick<SyncStateStore, 'get' | 'claim' | 'saveProgress'>;
  records: RecordStore;
  quarantine: Pick<QuarantineStore, 'find' | 'apply'>;
  source: Pick<RecordSource, 'fetchPage' | 'fetchDeleted' | 'existing'>;
  clock: Clock;
  log: Log;
  metrics?: RunMetrics;
  /** The orders stream's daily sales: entries written before each order and tombstone (absent: not kept). */
  sales?: DailySalesDeps;
}

/**
 * The daily sales in the run's zone, which its begin resolved (runSales is how every step of the run reaches them, so
 * no step counts in another); a run begun before runs carried their zone counts in UTC, as it did.
 */
export function runSales(deps: Pick<StepDeps, 'sales'>, run: RunProgress): SalesWriteDeps | undefined {
  return deps.sales && salesInZone(deps.sales, run.salesZone ?? 'UTC');
}

/** What a phase read for its step: the ids it will write, where its cursor goes next, and how it writes. */
export interface PhaseRead {
  /** The ids the step may write: claimed before any write, so a retry knows what an earlier attempt wrote. */
  ids: readonly string[];
  /** The phase's cursor after this step; null: the phase is done. */
  nextCursor: string | null;
  /** The cursor walk's mark after this step (the run's own mark when the phase walks no source cursor). */
  cursorMark: CursorMark | undefined;
  /** The step's writes, once claimed; what they add to the saved progress. */
  write(claim: ClaimedStep): Promise<StepResult>;
}

/** A step's claim: the progress as saved at the step, its write tag, and what earlier attempts of it claimed. */
export interface ClaimedStep {
  saved: RunProgress;
  writeTag: string;
  /** Ids an earlier attempt of this step claimed (it died before its save): what it wrote counts as this step's. */
  earlierAttemptIds: string[];
  /** Of those, the ones the order counter already holds (settled when the run was parked). */
  settledIds: string[];
}

/** What a step's writes add to the run. */
export interface StepResult {
  counts: RunCounts;
  /** The order counter's change: inserts minus live records turned into tombstones, less what was settled. */
  counterChange: number;
  /** Phase fields of the progress the step moves on beside the counts (a record page's newest time, skew, lookback). */
  progress?: Partial<Pick<RunProgress, 'pages' | 'maxRecordTime' | 'sourceClockSkewMs' | 'lookback'>>;
  /** Seconds the source asked to wait before the next step. */
  waitSeconds?: number;
  /** Logs and metrics, told only by the attempt whose save landed (a retry's would count the step twice). */
  report(progress: RunProgress): void;
}

/** Who saved the step: this attempt now, an earlier one (before the claim), or a concurrent one (after it). */
type SavedBy = 'now' | 'earlier attempt' | 'concurrent attempt';

/**
 * One step of the run at its position: claim, write, save. Safe to run twice: a step already saved is not saved
 * again, a retry recognises its own writes by their write tag and counts them the same way, and a save that lost to a
 * concurrent attempt of the same step leaves that attempt's result standing.
 */
export async function runStep(deps: StepDeps, state: RunState, read: PhaseRead): Promise<RunState> {
  const { progress, savedBy, waitSeconds } = await claimWriteSave(deps, state, read);
  const { runId, position } = state.run;
  if (savedBy !== 'now') {
    const noun = stepNoun(position.phase);
    deps.log.info(
      savedBy === 'earlier attempt' ? `${noun} already synced by an earlier attempt` : `${noun} saved by a concurrent attempt`,
      {
        runId,
        phase: position.phase,
        step: position.step,
        ...(position.phase === 'records' ? { page: state.run.pages } : {}),
      },
    );
  }
  return after(state, progress, waitSeconds);
}

async function claimWriteSave(
  deps: StepDeps,
  state: RunState,
  read: PhaseRead,
): Promise<{ progress: RunProgress; savedBy: SavedBy; waitSeconds?: number }> {
  const { runId, position } = state.run;
  const claimedAtMs = deps.clock();
  const claim = await deps.state.claim(state.stream, state.leaseOwner, { runId, step: position.step }, read.ids, {
    nowMs: claimedAtMs,
    leaseExpiresAt: claimedAtMs + deps.settings.leaseMs,
  });
  if (claim.kind === 'already-saved') return { progress: claim.progress, savedBy: 'earlier attempt' };

  const saved = claim.progress;
  const writeTag = writeTagFor(runId, saved.position.step);
  const result = await read.write({ saved, writeTag, earlierAttemptIds: claim.earlierAttemptIds, settledIds: claim.settledIds });
  const progress: RunProgress = {
    ...saved,
    ...result.progress,
    position: positionAfter(saved.position, read.nextCursor, saved.mode, phasePlan(deps)),
    cursorMark: read.cursorMark,
    counts: addCounts(saved.counts, result.counts),
    updatedAt: instantFromEpochMs(deps.clock()),
  };
  const savedNow = await deps.state.saveProgress(state.stream, state.leaseOwner, progress, {
    expectedStep: saved.position.step,
    orderCountDelta: result.counterChange,
    leaseExpiresAt: deps.clock() + deps.settings.leaseMs,
  });
  // Not saved: another attempt of this step saved it between our claim and our save (its answer was lost, and Step
  // Functions ran us meanwhile): its result stands, ours would count the step twice.
  if (!savedNow) return { progress: (await deps.state.get(state.stream)).run ?? progress, savedBy: 'concurrent attempt' };
  result.report(progress);
  return { progress, savedBy: 'now', waitSeconds: result.waitSeconds };
}

/** Which phases follow the record pages with these deps: the feed and reconciliation when the source can serve them. */
export function phasePlan(deps: Pick<StepDeps, 'settings' | 'source' | 'sales'>): PhasePlan {
  return {
    deletionFeed: typeof deps.source.fetchDeleted === 'function',
    reconcile: deps.settings.reconcile === true && typeof deps.source.existing === 'function',
    dailySales: deps.sales !== undefined,
  };
}

/** How the logs name a step of the phase: a record page is a page (the console formats its lines), others steps. */
function stepNoun(phase: RunProgress['position']['phase']): string {
  return phase === 'records' ? 'page' : 'step';
}
