// The source's budget is one for every stream (docs/design.md "One budget for every stream"): three full resyncs
// started together against a source that allows 2 requests a second end exact, and the source refuses them no more
// often than it refuses one stream's resync alone. The whole stack: each stream's page steps in their own function
// environments, sharing only the send slots in the sync-state table, as separate Lambda invocations would.
import type { StreamName } from '../../functions/core/stream';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';
import { copyDifferences, emptyCopy } from '../support/e2e';
import { invokeApi } from '../support/reliability';

const RECORDS = 150;
const STREAMS: StreamName[] = ['orders', 'products', 'customers'];

describe('three streams on a source that allows 2 requests a second', () => {
  let stack: E2eStack;

  beforeAll(async () => {
    stack = await startE2eStack({
      withTriggers: true,
      fake: {
        orders: RECORDS,
        products: RECORDS,
        customers: RECORDS,
        seed: 5,
        faults: { rateLimitPerSecond: 2, rateWindow: 'sliding', retryAfterSeconds: 1 },
      },
      env: { PAGE_SIZE: '50', STREAMS: STREAMS.join(',') },
    });
  });
  afterAll(() => stack?.stop());

  /** Full resyncs of these streams started together through their routes; the 429s the source answered meanwhile. */
  async function fullResyncs(streams: StreamName[]): Promise<number> {
    const throttledBefore = stack.fake.stats().throttled;
    const accepted = await Promise.all(streams.map((stream) => invokeApi(stack, 'POST', `/api/sync/${stream}/full`)));
    const chains = await Promise.all(accepted.map((answer) => stack.machine.waitForChain(JSON.parse(answer.body).execution.arn)));
    for (const chain of chains) expect(chain.map((execution) => execution.status)).toEqual(chain.map(() => 'SUCCEEDED'));
    for (const stream of streams) {
      const differences = await copyDifferences(stack, stream);
      expect(differences).toEqual({ missing: [], stale: [], extra: [], sourceCount: RECORDS });
    }
    return stack.fake.stats().throttled - throttledBefore;
  }

  it('are all exact, and refused no more often than one stream alone', async () => {
    // Together first, from cold function environments (none has learnt the budget); alone after, on warm ones.
    const together = await fullResyncs(STREAMS);
    await emptyCopy(stack);
    const alone = await fullResyncs(['orders']);

    expect(together).toBeLessThanOrEqual(alone);
  }, 180_000);
});
