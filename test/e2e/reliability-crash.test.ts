// Steps that die at the worst moment: begin after saving its plan, a page step after writing while an order of its
// page changes, commit after committing. (A whole execution stopped by hand: reliability-lease.test.ts.)
// (test/e2e/page-retry.test.ts covers the plain page crash with nothing changing.)
import type { RunOutcome } from '../../functions/core/run-types';
import { dieBeforeSavingPage, expectExactCopy, invokeApi, runToEnd } from '../support/reliability';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';
import { pageOfPayload } from '../support/e2e';

const ORDERS = 1_500;
const PAGE_SIZE = 50;
const LEASE_SECONDS = 30;

/** What a Lambda that times out or crashes surfaces as: a retryable error the definition's Retry matches. */
class SimulatedCrash extends Error {
  constructor(what: string) {
    super(`the ${what} step died after its write`);
    this.name = 'StoreWriteError';
  }
}

/** One crash, once: the step runs, writes, and then "dies" (its answer is lost; the state machine retries it). */
interface CrashPlan {
  functionName: string;
  page?: number;
  /** Done between the crash and the retry. */
  meanwhile?: () => void;
}

/** A local stack whose steps can be made to die once, after their write, as `crashOnce` plans it. */
function crashingStack(seed: number) {
  let stack: E2eStack;
  let crash: CrashPlan | null = null;
  const crashed: string[] = [];
  const matches = (plan: CrashPlan | null, functionName: string, payload: unknown): plan is CrashPlan =>
    plan !== null && plan.functionName === functionName && (plan.page === undefined || pageOfPayload(payload) === plan.page);

  beforeAll(async () => {
    stack = await startE2eStack({
      withTriggers: true,
      fake: { orders: ORDERS, seed },
      env: { PAGE_SIZE: String(PAGE_SIZE), MAX_PAGES_PER_EXECUTION: '6', LEASE_SECONDS: String(LEASE_SECONDS) },
      hooks: {
        after: async (functionName, payload) => {
          if (!matches(crash, functionName, payload)) return;
          const plan = crash;
          crash = null;
          plan.meanwhile?.();
          crashed.push(functionName);
          throw new SimulatedCrash(functionName);
        },
      },
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });
  return {
    stack: () => stack,
    crashOnce: (plan: CrashPlan) => {
      crash = plan;
    },
    crashed,
  };
}

describe('a page step that dies between its write and its save while an order of its page changes', () => {
  const { stack } = crashingStack(52);

  // The retry re-fetches the page, where the changed order is no longer (it moved on): the page's claim, saved
  // before its write, is what lets the retry count that order's insert.
  it('keeps the order counter exact', async () => {
    const page = 4;
    const changing = stack().fake!.truth()[page * PAGE_SIZE + 7]!.id;
    const disarm = dieBeforeSavingPage(stack(), page, { meanwhile: () => stack().fake!.mutate({ updates: [changing] }) });

    const last = await runToEnd(stack(), { mode: 'full', trigger: 'test' }).finally(disarm);

    expect(last.status).toBe('SUCCEEDED');
    expect(last.output).toMatchObject({ counts: { inserted: ORDERS } });
    await runToEnd(stack(), { mode: 'incremental', trigger: 'test' });
    await expectExactCopy(stack());
  });
});

describe('steps that die after their write', () => {
  const { stack: current, crashOnce, crashed } = crashingStack(51);
  let stack: E2eStack;
  beforeAll(() => {
    stack = current();
  });

  it('begin dies after saving its plan: the retried begin runs the window it saved, the watermark is that window', async () => {
    crashOnce({ functionName: 'begin' });
    const started = JSON.parse((await invokeApi(stack, 'POST', '/api/sync/orders')).body);

    const [last] = (await stack.machine.waitForChain(started.execution.arn)).slice(-1);

    expect(crashed).toEqual(['begin']);
    expect(last!.status).toBe('SUCCEEDED');
    const state = await expectExactCopy(stack);
    const fetchedUpTo = new Set(
      stack
        .fake!.requests()
        .filter((request) => request.path === '/orders')
        .map((r) => r.query.updated_at_max),
    );
    expect([...fetchedUpTo]).toEqual([state.checkpoint!.watermark]);
  });

  it('commit dies after committing: the retried commit changes nothing and the run ends succeeded', async () => {
    stack.fake!.mutate({
      updates: stack
        .fake!.truth()
        .slice(0, 120)
        .map((order) => order.id),
      creates: 15,
    });
    crashOnce({ functionName: 'commit' });

    const last = await runToEnd(stack, { mode: 'incremental', trigger: 'test' });

    expect(crashed).toContain('commit');
    expect(last.status).toBe('SUCCEEDED');
    const summary = last.output as RunOutcome;
    expect(summary.counts).toMatchObject({ inserted: 15, updated: 120, stale: 0 });
    const state = await expectExactCopy(stack);
    expect(state.lastRun).toMatchObject({ runId: summary.runId, status: 'succeeded' });
    expect(state.checkpoint!.watermark).toBe(summary.window.to);
  });
});
