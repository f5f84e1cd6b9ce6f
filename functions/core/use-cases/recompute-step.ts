// Use case "recompute touched days": the run's last phase for the orders stream, when it keeps the daily sales: the
// days its steps (and any zombie's) touched recomputed a bounded batch per invocation, through the looped step's one
// protocol, until none is left (docs/design.md "Daily sales", step 6).
import { ZERO_COUNTS } from '../counts';
import type { RunState } from '../run-state';
import { runSales, runStep, type PhaseRead, type StepDeps } from '../step';
import { recomputeDailySales } from './recompute-daily-sales';

/** Days one invocation recomputes at most: a day's entries are one Query and its orders a few batch reads. */
export const DAYS_PER_STEP = 31;
/**
 * Steps the phase takes at most: a day touched again while it is recomputed (a zombie still writing) is recomputed
 * in a later step; a run that keeps meeting such writes stops here and leaves them to the next run.
 */
export const MAX_SALES_STEPS = 400;

/**
 * Step "recompute touched days":
 * 1. read the touched days and their counters (consistent);
 * 2. claim the step (no ids: it writes no records) under the lease;
 * 3. recompute the first DAYS_PER_STEP days (recomputeDailySales), then settle each at the counter read: a day
 *    touched meanwhile stays for a later step;
 * 4. save: the phase goes on while days are left, then the run is done.
 */
export async function recomputeTouchedDays(deps: StepDeps, state: RunState): Promise<RunState> {
  const sales = runSales(deps, state.run)!;
  const { run } = state;
  const passes = Number(run.position.cursor ?? '0') + 1;
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
      let unsettled = 0;
      for (const [day, counter] of batch) if (!(await sales.touched.settle(sales.stream, day, counter))) unsettled++;
      const left = touched.size - batch.length + unsettled;
      read.nextCursor = left > 0 && passes < MAX_SALES_STEPS ? String(passes) : null;
      return {
        counts: { ...ZERO_COUNTS },
        counterChange: 0,
        report: () => deps.log.info('daily sales recomputed', { runId: run.runId, step: run.position.step, ...result, daysLeft: left }),
      };
    },
  };
  return runStep(deps, state, read);
}
