// Use case "reconcile": after a full resync's pages and deletion feed, the live records of the copy that the resync
// did not write are checked against the source, a bounded page of them per invocation, and those it no longer has
// become tombstones. This is what finds deletions the feed no longer lists (past its retention).
import { SourceContractError } from '../errors';
import { EXISTING_IDS_MAX } from '../limits';
import { instantFromEpochMs } from '../instant';
import type { SourceCallStats } from '../ports';
import type { RunState } from '../run-state';
import type { StepDeps } from '../step';
import { runTombstoneStep } from '../tombstone-step';

/**
 * Step "reconcile":
 * 1. scan the copy from the run's cursor for up to EXISTING_IDS_MAX live records whose write tag is not this run's:
 *    a record the resync changed carries its tag; an unchanged one was not rewritten and is asked about;
 * 2. claim their ids, re-read their versions, and ask the source which of the still-live ones exist (one request);
 * 3. the ones it does not have become tombstones, deleted at the source's time of asking (the latest it can have
 *    been deleted: the feed no longer says when); a record updated during the resync still exists and stays;
 * 4. save the position and the counter as every step does. Memory stays one page whatever the shop's size.
 */
export async function reconcileCopy(deps: StepDeps, state: RunState): Promise<RunState> {
  const { run } = state;
  const scanned = await deps.records.scanUnwritten(run.runId, { cursor: run.position.cursor, limit: EXISTING_IDS_MAX });
  return runTombstoneStep(deps, state, {
    phase: 'reconcile',
    ids: scanned.versions.map((version) => version.id),
    async deletionsOf(versions) {
      const live = scanned.versions.filter(
        ({ id }) => versions.get(id)?.deletedAt === null && !versions.get(id)?.writeTag?.startsWith(`${run.runId}#`),
      );
      if (live.length === 0) return { deletions: [], stats: NO_CALLS };
      const askedAtMs = deps.clock() + (run.sourceClockSkewMs ?? 0);
      const asked = live.map(({ id }) => id);
      const found = await deps.source.existing!(asked);
      const askedIds = new Set(asked);
      const unasked = [...found.ids].filter((id) => !askedIds.has(id));
      if (unasked.length > 0) {
        throw new SourceContractError(
          `the source broke its contract: its existence answer names ${unasked.length} orders it was not asked about ` +
            `(${unasked.slice(0, 3).join(', ')}${unasked.length > 3 ? ', …' : ''}), so it cannot be trusted; nothing is tombstoned`,
        );
      }
      const deletedAt = instantFromEpochMs(askedAtMs);
      // Inferred, not reported: a later page that sees the record live wins over the tombstone.
      const deletions = live.filter(({ id }) => !found.ids.has(id)).map(({ id }) => ({ id, deletedAt, inferred: true }));
      return { deletions, stats: found.stats };
    },
    nextCursor: scanned.nextCursor,
    // Its cursor is the copy's own scan, not a source's: no walk to watch, the feed's mark is done with.
    cursorMark: undefined,
  });
}

const NO_CALLS: SourceCallStats = Object.freeze({ requests: 0, throttled: 0, retried: 0 });
