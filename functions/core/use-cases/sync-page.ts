// Use case "sync page": the state machine's looped step, one page of the window per invocation whatever the shop's
// size, so no invocation nears the Lambda time limit.
import { classifyPage } from '../classify';
import { addCounts, counterChangeBy, countsOfWrite, ZERO_COUNTS } from '../counts';
import { markAfterPage } from '../cursor-walk';
import { writeTagFor } from '../execution-name';
import { instantFromEpochMs, maxInstant } from '../instant';
import type { Instant } from '../order';
import type {
  Clock,
  Log,
  RecordSource,
  RecordStore,
  QuarantineStore,
  RunMetrics,
  SourcePage,
  StoredVersion,
  SyncStateStore,
} from '../ports';
import { recordKey, planQuarantine, quarantineKey, shownId, type RejectedRecord } from '../quarantine';
import { after, afterPhase, type PhasePlan } from '../run-phase';
import type { RunState } from '../run-state';
import type { RunProgress } from '../run-types';
import { warnOnClockSkewChange } from '../source-clock';
import { writeRecords } from '../write-records';

export interface SyncPageDeps {
  /** `reconcile`: a full run checks the live orders it did not write against the source before it commits. */
  settings: { pageSize: number; leaseMs: number; overlapMs: number; reconcile?: boolean };
  state: Pick<SyncStateStore, 'get' | 'claimPage' | 'saveProgress'>;
  records: RecordStore;
  quarantine: Pick<QuarantineStore, 'find' | 'apply'>;
  source: Pick<RecordSource, 'fetchPage' | 'fetchDeleted' | 'existing'>;
  clock: Clock;
  log: Log;
  metrics?: RunMetrics;
}

/**
 * Step "sync page":
 * 1. fetch the page at the run's cursor (validated and normalised by the connector);
 * 2. claim it: one conditional write checks the lease, renews it and records the page's ids (a retry of a step that
 *    died after writing learns from them what it wrote, even for orders that have left the page since);
 * 3. classify the page against the stored versions and write the new and changed orders, tagged with the page, each
 *    write conditional on the version it was classified against (so a zombie step never puts an older version over
 *    a newer one); a write refused because another one got there first is classified again, and tried once more;
 * 4. set the page's rejected orders (and those too big to store) aside in the quarantine, and release the held ones
 *    the page holds valid, now stored: one batched read of the page's keys, batched writes;
 * 5. save the page's result: cursor, counts (a deep lookback's finding too), the order counter and the lease, in one
 *    conditional write; the counter leaves out the inserts it got when the run was parked (the claim's settled ids).
 * Safe to run twice: a retry recognises its own writes by their write tag and counts them the same way, quarantine
 * writes are keyed puts and deletes, and a page already saved is not saved again.
 */
export async function syncPage(deps: SyncPageDeps, state: RunState): Promise<RunState> {
  if (state.done) return state;
  const { run } = state;
  const askedAt = instantFromEpochMs(deps.clock());
  const fetched = await deps.source.fetchPage({
    window: run.window,
    cursor: run.cursor,
    limit: deps.settings.pageSize,
    caller: state.leaseOwner,
  });
  // Before anything is written: a page that leads back to a cursor already followed fails the run, naming the breach.
  // A source not ready yet (a bulk export still running: `waitSeconds`) is asked again at the same cursor by design.
  const cursorMark =
    fetched.waitSeconds !== undefined
      ? run.cursorMark
      : markAfterPage({ mark: run.cursorMark, cursor: run.cursor, nextCursor: fetched.nextCursor, step: run.pages, feed: state.stream });
  const page = withUnstorableRejected(fetched, deps.records);
  const ids = page.records.map((record) => record.id);
  const claimedAtMs = deps.clock();
  const claim = await deps.state.claimPage(state.stream, state.leaseOwner, run.runId, run.pages, ids, {
    nowMs: claimedAtMs,
    leaseExpiresAt: claimedAtMs + deps.settings.leaseMs,
  });
  if (claim.kind === 'already-saved') {
    deps.log.info('page already synced by an earlier attempt', { runId: run.runId, page: run.pages });
    return after(state, claim.progress);
  }

  const saved = claim.progress;
  // Orders an earlier attempt of this page wrote that have since left the page (they changed and moved on) still
  // count as this page's, as its write tag says.
  const inPage = new Set(ids);
  const leftThePage = claim.earlierAttemptIds.filter((id) => !inPage.has(id));
  const rejectedIds = page.rejected.flatMap((rejected) => (rejected.id === null ? [] : [rejected.id]));
  const [stored, held] = await Promise.all([
    deps.records.getVersions([...ids, ...leftThePage, ...rejectedIds]),
    deps.quarantine.find(state.stream, [...new Set([...ids.map(recordKey), ...page.rejected.map(quarantineKey)])]),
  ]);
  const writeTag = writeTagFor(run.runId, saved.pages);
  // Of two versions with one updated_at, the one read later wins: a zombie or a retry that read earlier loses.
  const readAt = fetched.readAt ?? askedAt;
  const classified = classifyPage(page.records, stored, writeTag, readAt);
  const quarantined = { ...ZERO_COUNTS, fetched: page.rejected.length, quarantined: page.rejected.length };
  const syncedAtMs = deps.clock();
  const syncedAt = instantFromEpochMs(syncedAtMs);
  const versions = new Map(stored);
  const refusals = await writeRecords(deps, classified.writes, { versions, writeTag, syncedAt, readAt });
  const counts = addCounts(addCounts(addCounts(classified.counts, refusals), countsOfWrite(leftThePage, stored, writeTag)), quarantined);
  // The page counts an order as inserted exactly when its stored version ends tagged as this page's insert.
  const insertsSettled = counterChangeBy(claim.settledIds, versions, writeTag);
  // After the orders: an order leaves the quarantine only once its valid version is stored.
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
  const progress: RunProgress = {
    ...saved,
    ...(saved.lookback ? { lookback: { ...saved.lookback, found: saved.lookback.found + lateFound } } : {}),
    cursor: page.nextCursor,
    cursorMark,
    pages: saved.pages + 1,
    counts: addCounts(saved.counts, counts),
    maxRecordTime: maxInstant(saved.maxRecordTime, classified.maxRecordTime),
    sourceClockSkewMs: page.stats.clockSkewMs ?? saved.sourceClockSkewMs,
    updatedAt: syncedAt,
    ...(page.nextCursor === null ? afterPhase('records', run.mode, phasePlan(deps)) : {}),
  };
  const savedNow = await deps.state.saveProgress(state.stream, state.leaseOwner, progress, {
    expectedPages: saved.pages,
    orderCountDelta: counts.inserted - insertsSettled,
    leaseExpiresAt: deps.clock() + deps.settings.leaseMs,
  });
  if (!savedNow) {
    // Another attempt of this page saved it between our claim and our save (its answer was lost, and Step
    // Functions ran us meanwhile): its result stands, ours would count the page twice.
    deps.log.info('page saved by a concurrent attempt', { runId: run.runId, page: saved.pages });
    return after(state, (await deps.state.get(state.stream)).run ?? progress);
  }

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
  return after(state, progress, page.waitSeconds);
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

/** Which steps follow the order pages with these deps: the feed and reconciliation when the source can serve them. */
export function phasePlan(deps: Pick<SyncPageDeps, 'settings' | 'source'>): PhasePlan {
  return {
    deletionFeed: typeof deps.source.fetchDeleted === 'function',
    reconcile: deps.settings.reconcile === true && typeof deps.source.existing === 'function',
  };
}

/**
 * The page with the orders the store cannot hold (too big even compressed) moved to its rejected ones; positions
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
