// Use case "recompute touched days": the run's last phase for the orders stream, when it keeps the daily sales: the
// days its steps (and any zombie's) touched recomputed a bounded batch per invocation, through the looped step's one
// protocol, until none is left (docs/design.md "Daily sales", step 6).
import { ZERO_COUNTS } from '../counts';
import { SalesDaysLeftError } from '../errors';
import type { RunState } from '../run-state';
import { runSales, runStep, type PhaseRead, type StepDeps } from '../step';
import { mapWithConcurrency } from '../concurrency';
import { DAYS_IN_FLIGHT, recomputeDailySales } from './recompute-daily-sales';

/** Days one invocation recomputes at most: a day's entries are one Query and its orders a few batch reads. */
export const DAYS_PER_STEP = 31;
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
 * 3. recompute the first DAYS_PER_STEP days (recomputeDailySales), then settle each at the counter read: a day
 *    touched meanwhile stays for a later step;
 * 4. save: the phase goes on while days are left (its cursor counts the steps that met a day touched meanwhile), then
 *    the run is done.
 */
export async function recomputeTouchedDays(deps: StepDeps, state: RunState): Promise<RunState> {
  const sales = runSales(deps, state.run)!;
  const { run } = state;
  const movedBefore = Number(run.position.cursor ?? '0');
  const touched = await sales.touched.touched(sales.stream);
  const batch = [...touched].slice(0, DAYS_PER_STEP);
  const read: PhaseRead = {
    ids: [],
    // Set by write, before the step's save reads it: whether days are left once this batch is settled.
    nextCursor: null,
    cursorMark: run.cursorMark,
    async write(claim) {
      const result = await recomputeDailySales(
        { sales: sales.entries, orders: sales.orders, zone: sales.zone, writeTag: claim.writeTag, log: deps.log },
        batch.map(([day]) => day),
      );
      const settled = await mapWithConcurrency(batch, DAYS_IN_FLIGHT, ([day, counter]) => sales.touched.settle(sales.stream, day, counter));
      const unsettled = settled.filter((done) => !done).length;
      const left = touched.size - batch.length + unsettled;
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
        report: () => deps.log.info('daily sales recomputed', { runId: run.runId, step: run.position.step, ...result, daysLeft: left }),
      };
    },
  };
  return runStep(deps, state, read);
}
