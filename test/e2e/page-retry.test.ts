// A page step that dies after writing its orders (its answer, the page's result, is lost) is retried by the state
// machine; the retry recognises its own writes, so the run ends exactly as a run without the crash.
import { startE2eStack, type E2eStack } from '../support/e2e-stack';
import { copyDifferences, lastOf, runChain, syncState, pageOfPayload } from '../support/e2e';

const ORDERS = 600;
const PAGE_SIZE = 50;
const CRASHING_PAGE = 3;

class SimulatedCrash extends Error {
  constructor() {
    super('the page step died after writing its orders');
    // A Lambda that times out or crashes surfaces as a retryable error: the definition retries it.
    this.name = 'StoreWriteError';
  }
}

describe('a page step that crashes after writing its page', () => {
  let stack: E2eStack;
  const crashes: number[] = [];

  beforeAll(async () => {
    stack = await startE2eStack({
      fake: { orders: ORDERS, seed: 5 },
      env: { PAGE_SIZE: String(PAGE_SIZE), MAX_PAGES_PER_EXECUTION: '4' },
      hooks: {
        // The real step runs to its end (orders written); its answer never reaches the state machine.
        after: (functionName, payload) => {
          if (functionName !== 'sync-page' || pageOfPayload(payload) !== CRASHING_PAGE || crashes.length > 0) return;
          crashes.push(CRASHING_PAGE);
          throw new SimulatedCrash();
        },
      },
    });
  });
  afterAll(() => stack?.stop());

  it('ends with the same orders, counts and counter as a run without the crash', async () => {
    const chain = await runChain(stack, { mode: 'full', trigger: 'test' });

    expect(crashes).toEqual([CRASHING_PAGE]);
    const retried = chain.flatMap((execution) => execution.events).filter((event) => event.type === 'TaskFailed');
    expect(retried.length).toBeGreaterThanOrEqual(1);
    expect(lastOf(chain).output).toMatchObject({
      status: 'succeeded',
      pages: ORDERS / PAGE_SIZE,
      counts: { fetched: ORDERS, inserted: ORDERS, updated: 0, unchanged: 0, stale: 0, quarantined: 0, deleted: 0 },
      orderCount: ORDERS,
    });
    expect(await copyDifferences(stack)).toEqual({ missing: [], stale: [], extra: [], sourceCount: ORDERS });
    expect((await syncState(stack)).orderCount).toBe(ORDERS);
  });
});
