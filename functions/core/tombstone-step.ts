// What the two tombstone phases (the deletion feed, reconciliation) share in the looped step: how they write. Given
// the ids a step read and which of them are deletions, write tombstones tagged with the step, release quarantined
// records now deleted, and count the live records turned into tombstones exactly once (a retry recognises its own
// writes by their tag). The protocol around it (claim, save, one exit) is step.ts's.
import { counterChangeBy, ZERO_COUNTS } from './counts';
import type { CursorMark } from './cursor-walk';
import { instantFromEpochMs } from './instant';
import type { Deletion, SourceCallStats, StoredVersion } from './ports';
import { recordKey } from './quarantine';
import type { RunState } from './run-state';
import { runSales, runStep, type StepDeps } from './step';
import { deletedBy, writeTombstones } from './write-tombstones';

/** What a tombstone phase's step read: the ids it looks at, and (given their stored versions) which are deletions. */
export interface TombstoneRead {
  phase: 'deletions' | 'reconcile';
  ids: readonly string[];
  /** The deletions among `ids`, given the versions stored now (asked only once the step holds its claim). */
  deletionsOf: (versions: ReadonlyMap<string, StoredVersion>) => Promise<{ deletions: Deletion[]; stats: SourceCallStats }>;
  /** The phase's cursor after this step; null: the phase is done. */
  nextCursor: string | null;
  /** The cursor walk's mark after this step. */
  cursorMark: CursorMark | undefined;
}

export async function runTombstoneStep(deps: StepDeps, state: RunState, read: TombstoneRead): Promise<RunState> {
  const { run } = state;
  return runStep(deps, state, {
    ids: read.ids,
    nextCursor: read.nextCursor,
    cursorMark: read.cursorMark,
    async write({ saved, writeTag, earlierAttemptIds, settledIds }) {
      // An earlier attempt of this step may have written tombstones for ids this attempt no longer sees (a scan skips
      // tombstones): their versions count too.
      const allIds = [...new Set([...read.ids, ...earlierAttemptIds])];
      const versions = new Map(await deps.records.getVersions(allIds));
      const { deletions, stats } = await read.deletionsOf(versions);
      await writeTombstones({ ...deps, sales: runSales(deps, state.run) }, deletions, {
        versions,
        writeTag,
        syncedAt: instantFromEpochMs(deps.clock()),
      });
      await releaseDeleted(deps, state.stream, deletions, versions);
      const deleted = deletedBy(allIds, versions, writeTag);
      // The counter already lost the ids settled when the run was parked (their tombstones carry this step's tag).
      const settledChange = counterChangeBy(settledIds, versions, writeTag);
      const step = saved.position.step;
      return {
        counts: { ...ZERO_COUNTS, deleted },
        counterChange: -deleted - settledChange,
        report() {
          deps.log.info(read.phase === 'deletions' ? 'deletion feed page synced' : 'records reconciled', {
            runId: run.runId,
            step,
            checked: read.ids.length,
            deleted,
            last: read.nextCursor === null,
          });
          deps.metrics?.deletionStep({
            stream: state.stream,
            runId: run.runId,
            mode: run.mode,
            phase: read.phase,
            step,
            deleted,
            checked: read.ids.length,
            source: stats,
          });
        },
      };
    },
  });
}

/** Quarantine entries of the records now stored as tombstones leave the quarantine (nothing to wait for any more). */
async function releaseDeleted(
  deps: Pick<StepDeps, 'quarantine' | 'log'>,
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
