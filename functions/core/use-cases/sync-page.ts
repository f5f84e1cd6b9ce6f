// Use case "sync page": the record phase's step, one page of the window per invocation whatever the shop's size, so
// no invocation nears the Lambda time limit.
import { classifyPage } from '../classify';
import { addCounts, counterChangeBy, countsOfWrite, ZERO_COUNTS } from '../counts';
import { markAfterPage } from '../cursor-walk';
import { instantFromEpochMs, maxInstant } from '../instant';
import type { Instant } from '../order';
import type { RecordStore, SourcePage, StoredVersion } from '../ports';
import { recordKey, planQuarantine, quarantineKey, shownId, type RejectedRecord } from '../quarantine';
import type { RunState } from '../run-state';
import { runSales, runStep, type StepDeps, type StepResult } from '../step';
import { warnOnClockSkewChange } from '../source-clock';
import { writeRecords } from '../write-records';
import { writeStoredSalesEntries } from '../analytics/write-sales-entries';

/**
 * Step "sync page", the record phase's step (the protocol is step.ts's: claim, write, save):
 * 1. fetch the page at the run's cursor (validated and normalised by the connector);
 * 2. claim its ids under the lease at the run's step (a retry of a step that died after writing learns from them what
 *    it wrote, even for records that have left the page since);
 * 3. classify the page against the stored versions and write the new and changed records, tagged with the step, each
 *    write conditional on the version it was classified against (so a zombie step never puts an older version over
 *    a newer one); a write refused because another one got there first is classified again, and tried once more;
 *    a full resync that builds the daily sales in its zone (run.salesRebuild) also puts the entries of the stored
 *    versions of the page's orders it did not write (unchanged, stale, quarantined), so every order counts there;
 * 4. set the page's rejected records (and those too big to store) aside in the quarantine, and release the held ones
 *    the page holds valid, now stored: one batched read of the page's keys, batched writes;
 * 5. save the position, counts (a deep lookback's finding too), the order counter and the lease in one conditional
 *    write; the counter leaves out the inserts it got when the run was parked (the claim's settled ids).
 */
export async function syncPage(deps: StepDeps, state: RunState): Promise<RunState> {
  if (state.done) return state;
  const { run } = state;
  const { cursor, step } = run.position;
  const askedAt = instantFromEpochMs(deps.clock());
  const fetched = await deps.source.fetchPage({ window: run.window, cursor, limit: deps.settings.pageSize, caller: state.leaseOwner });
  // Before anything is written: a page that leads back to a cursor already followed fails the run, naming the breach.
  // A source not ready yet (a bulk export still running: `waitSeconds`) is asked again at the same cursor by design.
  const cursorMark =
    fetched.waitSeconds !== undefined
      ? run.cursorMark
      : markAfterPage({ mark: run.cursorMark, cursor, nextCursor: fetched.nextCursor, step, feed: state.stream });
  const page = withUnstorableRejected(fetched, deps.records);
  const ids = page.records.map((record) => record.id);
  return runStep(deps, state, {
    ids,
    nextCursor: page.nextCursor,
    cursorMark,
    async write({ saved, writeTag, earlierAttemptIds, settledIds }): Promise<StepResult> {
      // Records an earlier attempt of this step wrote that have since left the page (they changed and moved on)
      // still count as this step's, as its write tag says.
      const inPage = new Set(ids);
      const leftThePage = earlierAttemptIds.filter((id) => !inPage.has(id));
      const rejectedIds = page.rejected.flatMap((rejected) => (rejected.id === null ? [] : [rejected.id]));
      const [stored, held] = await Promise.all([
        deps.records.getVersions([...ids, ...leftThePage, ...rejectedIds]),
        deps.quarantine.find(state.stream, [...new Set([...ids.map(recordKey), ...page.rejected.map(quarantineKey)])]),
      ]);
      // Of two versions with one updated_at, the one read later wins: a zombie or a retry that read earlier loses.
      const readAt = fetched.readAt ?? askedAt;
      const classified = classifyPage(page.records, stored, writeTag, readAt);
      const quarantined = { ...ZERO_COUNTS, fetched: page.rejected.length, quarantined: page.rejected.length };
      const syncedAt = instantFromEpochMs(deps.clock());
      const versions = new Map(stored);
      const sales = runSales(deps, run);
      const refusals = await writeRecords({ ...deps, sales }, classified.writes, { versions, writeTag, syncedAt, readAt });
      if (sales && run.salesRebuild) {
        const written = new Set(classified.writes.map(({ record }) => record.id));
        await writeStoredSalesEntries(
          sales,
          [...new Set([...ids, ...rejectedIds])].filter((id) => !written.has(id)),
          writeTag,
        );
      }
      const counts = addCounts(
        addCounts(addCounts(classified.counts, refusals), countsOfWrite(leftThePage, stored, writeTag)),
        quarantined,
      );
      // The page counts a record as inserted exactly when its stored version ends tagged as this step's insert.
      const insertsSettled = counterChangeBy(settledIds, versions, writeTag);
      // After the records: a record leaves the quarantine only once its valid version is stored.
      const plan = planQuarantine({
        records: page.records,
        rejected: page.rejected,
        held,
        storedUpdatedAt: (id) => versions.get(id)?.updatedAt ?? null,
        runId: run.runId,
        now: syncedAt,
      });
      if (plan.put.length > 0 || plan.release.length > 0) await deps.quarantine.apply(state.stream, plan);
      const quarantinedIds = plan.put.map(shownId);
      if (quarantinedIds.length > 0) {
        deps.log.warn('records quarantined', {
          runId: run.runId,
          page: saved.pages,
          records: plan.put.map((entry) => ({ id: shownId(entry), field: entry.field, message: entry.message })),
        });
      }
      const lateFound = run.lookback ? foundLate([...ids, ...leftThePage], versions, writeTag, run.lookback.ordinaryFrom) : 0;
      return {
        counts,
        counterChange: counts.inserted - insertsSettled,
        progress: {
          pages: saved.pages + 1,
          ...(saved.lookback ? { lookback: { ...saved.lookback, found: saved.lookback.found + lateFound } } : {}),
          maxRecordTime: maxInstant(saved.maxRecordTime, classified.maxRecordTime),
          sourceClockSkewMs: page.stats.clockSkewMs ?? saved.sourceClockSkewMs,
        },
        waitSeconds: page.waitSeconds,
        report() {
          warnOnClockSkewChange(deps.log, deps.settings.overlapMs, saved.sourceClockSkewMs ?? 0, page.stats.clockSkewMs);
          deps.log.info('page synced', {
            runId: run.runId,
            page: saved.pages,
            ...counts,
            ...(run.lookback ? { foundLate: lateFound } : {}),
            released: plan.release.length,
            requests: page.stats.requests,
            throttled: page.stats.throttled,
            retried: page.stats.retried,
            last: page.nextCursor === null,
          });
          deps.metrics?.page({
            stream: state.stream,
            runId: run.runId,
            mode: run.mode,
            page: saved.pages,
            counts,
            source: page.stats,
            quarantinedIds,
          });
        },
      };
    },
  });
}

/**
 * A deep lookback's finding on one page: the orders this page stored (inserted or updated, as their write tag says,
 * so a retried page counts the same) whose `updated_at` is older than an ordinary window's start. Those changes
 * became visible after every ordinary window that could have held them had passed.
 */
function foundLate(ids: readonly string[], versions: ReadonlyMap<string, StoredVersion>, writeTag: string, ordinaryFrom: Instant): number {
  return [...new Set(ids)].filter((id) => {
    const version = versions.get(id);
    return version?.deletedAt === null && version.writeTag === writeTag && version.updatedAt < ordinaryFrom;
  }).length;
}

/**
 * The page with the records the store cannot hold (too big even compressed) moved to its rejected ones; positions
 * (valid orders before a rejected one) recounted over the orders that stay.
 */
function withUnstorableRejected(page: SourcePage, store: Pick<RecordStore, 'unstorable'>): SourcePage {
  const unstorableAt: number[] = [];
  const unstorable: RejectedRecord[] = [];
  const records = page.records.filter((record, index) => {
    const problem = store.unstorable(record);
    if (problem === null) return true;
    const position = index - unstorableAt.length;
    unstorable.push({ id: record.id, raw: record.raw, field: '(record)', message: problem, position, updatedAt: record.updatedAt });
    unstorableAt.push(index);
    return false;
  });
  if (unstorable.length === 0) return page;
  const recounted = page.rejected.map((rejected) => ({
    ...rejected,
    position: rejected.position - unstorableAt.filter((index) => index < rejected.position).length,
  }));
  return { ...page, records, rejected: [...recounted, ...unstorable] };
}
