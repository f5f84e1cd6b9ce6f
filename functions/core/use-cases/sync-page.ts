// Use case "sync page": the state machine's looped step, one page of the window per invocation whatever the shop's
// size, so no invocation nears the Lambda time limit.
import { classifyPage } from '../classify';
import { addCounts, countsOfWrite } from '../counts';
import { writeTagFor } from '../execution-name';
import { instantFromEpochMs, maxInstant } from '../instant';
import type { Clock, Log, OrderSource, OrderStore, RunMetrics, SyncStateStore } from '../ports';
import type { RunState } from '../run-state';
import type { RunProgress } from '../run-types';
import { warnOnClockSkewChange } from '../source-clock';

export interface SyncPageDeps {
  settings: { pageSize: number; leaseMs: number; overlapMs: number };
  state: Pick<SyncStateStore, 'get' | 'claimPage' | 'saveProgress'>;
  orders: OrderStore;
  source: Pick<OrderSource, 'fetchPage'>;
  clock: Clock;
  log: Log;
  metrics?: RunMetrics;
}

/**
 * Step "sync page":
 * 1. fetch the page at the run's cursor (validated and normalised by the connector);
 * 2. claim it: one conditional write checks the lease, renews it and records the page's ids (a retry of a step that
 *    died after writing learns from them what it wrote, even for orders that have left the page since);
 * 3. classify the page against the stored versions and write the new and changed orders, tagged with the page;
 * 4. save the page's result: cursor, counts, the order counter and the lease, in one conditional write.
 * Safe to run twice: a retry recognises its own writes by their write tag and counts them the same way, and a page
 * already saved is not saved again.
 */
export async function syncPage(deps: SyncPageDeps, state: RunState): Promise<RunState> {
  if (state.done) return state;
  const { run } = state;
  const page = await deps.source.fetchPage({ window: run.window, cursor: run.cursor, limit: deps.settings.pageSize });
  const ids = page.orders.map((order) => order.id);
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
  const stored = await deps.orders.getVersions([...ids, ...leftThePage]);
  const writeTag = writeTagFor(run.runId, saved.pages);
  const classified = classifyPage(page.orders, stored, writeTag);
  const counts = addCounts(classified.counts, countsOfWrite(leftThePage, stored, writeTag));
  const syncedAtMs = deps.clock();
  await deps.orders.putOrders(classified.writes.map(({ order, kind }) => ({ order, kind, writeTag, syncedAt: instantFromEpochMs(syncedAtMs) })));

  const progress: RunProgress = {
    ...saved,
    cursor: page.nextCursor,
    pages: saved.pages + 1,
    counts: addCounts(saved.counts, counts),
    maxRecordTime: maxInstant(saved.maxRecordTime, classified.maxRecordTime),
    sourceClockSkewMs: page.stats.clockSkewMs ?? saved.sourceClockSkewMs,
    updatedAt: instantFromEpochMs(syncedAtMs),
  };
  const savedNow = await deps.state.saveProgress(state.stream, state.leaseOwner, progress, {
    expectedPages: saved.pages,
    orderCountDelta: counts.inserted,
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
    requests: page.stats.requests,
    throttled: page.stats.throttled,
    retried: page.stats.retried,
    last: page.nextCursor === null,
  });
  deps.metrics?.page({ stream: state.stream, runId: run.runId, mode: run.mode, page: saved.pages, counts, source: page.stats });
  return after(state, progress, page.waitSeconds);
}

/** The run state once `progress` is saved; `waitSeconds`: how long the source asked to wait before the next page. */
function after(state: RunState, progress: RunProgress, waitSeconds = 0): RunState {
  const { waitSeconds: _lastWait, ...rest } = state;
  return {
    ...rest,
    ...(waitSeconds > 0 ? { waitSeconds } : {}),
    run: progress,
    pagesInPart: state.pagesInPart + Math.max(0, progress.pages - state.run.pages),
    done: progress.cursor === null && progress.pages > 0,
  };
}
