// One step after the order pages (a deletion feed page, a reconciliation step), the same way a page step goes:
// claim the ids under the lease, write tombstones tagged with the step, count the live orders turned into tombstones
// exactly once (a retry recognises its own writes by their tag), save the phase's cursor with the counter's change.
import { addCounts, counterChangeBy, ZERO_COUNTS } from './counts';
import type { CursorMark } from './cursor-walk';
import { writeTagFor } from './execution-name';
import { instantFromEpochMs } from './instant';
import type {
  Clock,
  Deletion,
  Log,
  RecordStore,
  QuarantineStore,
  RunMetrics,
  SourceCallStats,
  StoredVersion,
  SyncStateStore,
} from './ports';
import { recordKey } from './quarantine';
import { after, afterPhase, stepOf, type PhasePlan } from './run-phase';
import type { RunState } from './run-state';
import type { RunPhase, RunProgress } from './run-types';
import { deletedBy, writeTombstones } from './write-tombstones';

export interface DeletionStepDeps {
  settings: { leaseMs: number };
  state: Pick<SyncStateStore, 'get' | 'claimPage' | 'saveProgress'>;
  records: Pick<RecordStore, 'getVersions' | 'putTombstones'>;
  /** An order deleted at the source leaves the quarantine with its tombstone. */
  quarantine: Pick<QuarantineStore, 'find' | 'apply'>;
  clock: Clock;
  log: Log;
  metrics?: RunMetrics;
}

/** What the phase's step found: the ids it looks at, and (given their stored versions) which of them are deletions. */
export interface DeletionStepInput {
  phase: RunPhase;
  ids: readonly string[];
  /** The deletions among `ids`, given the versions stored now (asked only once the step holds its claim). */
  deletionsOf: (versions: ReadonlyMap<string, StoredVersion>) => Promise<{ deletions: Deletion[]; stats: SourceCallStats }>;
  /** The phase's cursor after this step; null: the phase is done. */
  nextCursor: string | null;
  /** The deletion feed's walk mark after this step (cursor-walk.ts); absent for reconciliation (its cursor is ours). */
  cursorMark?: CursorMark;
  plan: PhasePlan;
}

export async function runDeletionStep(deps: DeletionStepDeps, state: RunState, input: DeletionStepInput): Promise<RunState> {
  const { run } = state;
  const deletionSteps = run.deletionSteps ?? 0;
  const claimedAtMs = deps.clock();
  const claim = await deps.state.claimPage(state.stream, state.leaseOwner, run.runId, run.pages, input.ids, {
    nowMs: claimedAtMs,
    leaseExpiresAt: claimedAtMs + deps.settings.leaseMs,
    deletionSteps,
  });
  if (claim.kind === 'already-saved') {
    deps.log.info('step already done by an earlier attempt', { runId: run.runId, phase: input.phase, step: stepOf(run) });
    return after(state, claim.progress);
  }
  const saved = claim.progress;
  const step = stepOf(saved);
  const writeTag = writeTagFor(run.runId, step);
  // An earlier attempt of this step may have written tombstones for ids this attempt no longer sees (a scan skips
  // tombstones): their versions count too.
  const allIds = [...new Set([...input.ids, ...claim.earlierAttemptIds])];
  const versions = new Map(await deps.records.getVersions(allIds));
  const { deletions, stats } = await input.deletionsOf(versions);
  const syncedAt = instantFromEpochMs(deps.clock());
  await writeTombstones(deps, deletions, { versions, writeTag, syncedAt });
  await releaseDeleted(deps, state.stream, deletions, versions);
  const deleted = deletedBy(allIds, versions, writeTag);
  // The counter already lost the ids settled when the run was parked (their tombstones carry this step's tag).
  const settledChange = counterChangeBy(claim.settledIds, versions, writeTag);

  const progress: RunProgress = {
    ...saved,
    deletionSteps: (saved.deletionSteps ?? 0) + 1,
    phaseCursor: input.nextCursor,
    cursorMark: input.cursorMark,
    counts: addCounts(saved.counts, { ...ZERO_COUNTS, deleted }),
    updatedAt: syncedAt,
    ...(input.nextCursor === null ? afterPhase(input.phase, saved.mode, input.plan) : {}),
  };
  const savedNow = await deps.state.saveProgress(state.stream, state.leaseOwner, progress, {
    expectedPages: saved.pages,
    expectedDeletionSteps: saved.deletionSteps ?? 0,
    orderCountDelta: -deleted - settledChange,
    leaseExpiresAt: deps.clock() + deps.settings.leaseMs,
  });
  if (!savedNow) {
    deps.log.info('step saved by a concurrent attempt', { runId: run.runId, phase: input.phase, step });
    return after(state, (await deps.state.get(state.stream)).run ?? progress);
  }
  deps.log.info(input.phase === 'deletions' ? 'deletion feed page synced' : 'records reconciled', {
    runId: run.runId,
    step,
    checked: input.ids.length,
    deleted,
    last: input.nextCursor === null,
  });
  deps.metrics?.deletionStep({
    stream: state.stream,
    runId: run.runId,
    mode: run.mode,
    phase: input.phase,
    step,
    deleted,
    checked: input.ids.length,
    source: stats,
  });
  return after(state, progress);
}

/** Quarantine entries of the orders now stored as tombstones leave the quarantine (nothing to wait for any more). */
async function releaseDeleted(
  deps: Pick<DeletionStepDeps, 'quarantine' | 'log'>,
  stream: string,
  deletions: readonly Deletion[],
  versions: ReadonlyMap<string, StoredVersion>,
): Promise<void> {
  const keys = [...new Set(deletions.filter(({ id }) => versions.get(id)?.deletedAt != null).map(({ id }) => recordKey(id)))];
  if (keys.length === 0) return;
  const held = await deps.quarantine.find(stream, keys);
  if (held.size === 0) return;
  await deps.quarantine.apply(stream, { put: [], release: [...held.keys()] });
  deps.log.info('quarantined records deleted at the source leave the quarantine', { keys: [...held.keys()] });
}
