// Use case "recompute touched days": the run's last phase for the orders stream, when it keeps the daily sales: the
// days its steps (and any zombie's) touched recomputed a bounded batch per step, through the looped step's one
// protocol, until none is left (docs/design.md "Daily sales", step 6). Its first step runs in the invocation of the
// step before it when there is room, so a run that touched few days or none takes no invocation of its own.
import { ZERO_COUNTS } from '../counts';
import { SalesDaysLeftError } from '../errors';
import type { RunState } from '../run-state';
import { runSales, runStep, type PhaseRead, type StepDeps } from '../step';
import { DAYS_IN_FLIGHT, recomputeDailySales, type RecomputeResult } from './recompute-daily-sales';

/**
 * Days one step recomputes at most: a day's entries are one Query and its orders a few batch reads. A year, so that
 * an incremental run whose changes touch days all over the shop's history still takes one step (an Express part holds
 * three: its records, its deletions and this one).
 */
export const DAYS_PER_STEP = 366;
/** Entries one step reads at most: it takes no further day once its days held this many (a day is never split). */
export const ENTRIES_PER_STEP = 10_000;
/**
 * The invocation's time after which a step takes no further day, of the page step's 60 s timeout: counted from the
 * invocation's start, so a step chained after another counts that one's time too.
 */
export const STEP_TIME_BUDGET_MS = 40_000;
/** A step that took longer than this leaves the phase's first step to an invocation of its own. */
export const CHAIN_WITHIN_MS = 10_000;
/**
 * Steps of the phase that may find a day touched again while they recomputed it (a zombie still writing: the day is
 * recomputed by a later step): past these the run fails (SalesDaysLeftError), its days kept for the next run, rather
 * than commit figures the copy does not hold. Steps that merely leave days for the next batch do not count.
 */
export const MAX_SALES_STEPS = 400;

/**
 * Step "recompute touched days":
 * 1. read the touched days and their counters (consistent);
 * 2. claim the step (no ids: it writes no records) under the lease;
 * 3. recompute the days in order (recomputeDailySales), DAYS_IN_FLIGHT at a time, while the step is under
 *    DAYS_PER_STEP days, ENTRIES_PER_STEP entries and STEP_TIME_BUDGET_MS since `invokedAtMs` (at least one group);
 *    then settle them at the counters read, in as few writes as the store can: a day touched meanwhile stays for a
 *    later step;
 * 4. save: the phase goes on while days are left (its cursor counts the steps that met a day touched meanwhile), then
 *    the run is done.
 */
export async function recomputeTouchedDays(deps: StepDeps, state: RunState, invokedAtMs = deps.clock()): Promise<RunState> {
  const sales = runSales(deps, state.run)!;
  const { run } = state;
  const movedBefore = Number(run.position.cursor ?? '0');
  const touched = await sales.touched.touched(sales.stream);
  const candidates = [...touched].slice(0, DAYS_PER_STEP);
  const read: PhaseRead = {
    ids: [],
    // Set by write, before the step's save reads it: whether days are left once this batch is settled.
    nextCursor: null,
    cursorMark: run.cursorMark,
    async write(claim) {
      const recomputeDeps = { sales: sales.entries, orders: sales.orders, zone: sales.zone, writeTag: claim.writeTag, log: deps.log };
      const done: Array<[string, number]> = [];
      let total: RecomputeResult | undefined;
      for (let start = 0; start < candidates.length; start += DAYS_IN_FLIGHT) {
        if (total && (total.entriesRead >= ENTRIES_PER_STEP || deps.clock() - invokedAtMs >= STEP_TIME_BUDGET_MS)) break;
        const group = candidates.slice(start, start + DAYS_IN_FLIGHT);
        total = sumResults(
          total,
          await recomputeDailySales(
            recomputeDeps,
            group.map(([day]) => day),
          ),
        );
        done.push(...group);
      }
      const unsettled = (await sales.touched.settleDays(sales.stream, done)).length;
      const left = touched.size - done.length + unsettled;
      const moved = movedBefore + (unsettled > 0 ? 1 : 0);
      if (left > 0 && moved >= MAX_SALES_STEPS) {
        throw new SalesDaysLeftError(
          `run ${run.runId}: daily sales days kept being touched while recomputed (${moved} steps); ${left} left for the next run`,
        );
      }
      read.nextCursor = left > 0 ? String(moved) : null;
      return {
        counts: { ...ZERO_COUNTS },
        counterChange: 0,
        report: () =>
          deps.log.info('daily sales recomputed', { runId: run.runId, step: run.position.step, days: 0, ...total, daysLeft: left }),
      };
    },
  };
  return runStep(deps, state, read);
}

/**
 * After a step that brought the run to its sales phase: the phase's first step in the same invocation, when the
 * execution's step budget has room for it, the source asked for no wait, and the step before left time (CHAIN_WITHIN_MS).
 * It is a step of its own (its claim, its save, its place in the budget); what it saves is a Lambda invocation and
 * the state machine's SyncPage and MorePages? transitions, which for a run that touched few days or none were most
 * of what the phase cost.
 */
export async function thenRecompute(deps: StepDeps, next: RunState, invokedAtMs: number): Promise<RunState> {
  const chained =
    deps.sales !== undefined &&
    next.run.position.phase === 'sales' &&
    !next.done &&
    next.waitSeconds === undefined &&
    next.pagesInPart < next.maxPagesPerPart &&
    deps.clock() - invokedAtMs < CHAIN_WITHIN_MS;
  return chained ? recomputeTouchedDays(deps, next, invokedAtMs) : next;
}

function sumResults(sum: RecomputeResult | undefined, one: RecomputeResult): RecomputeResult {
  if (!sum) return one;
  const added = { ...sum } as Record<string, number>;
  for (const [key, value] of Object.entries(one)) added[key] = (added[key] ?? 0) + value;
  return added as unknown as RecomputeResult;
}
