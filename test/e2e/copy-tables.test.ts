// Each stream's runs write its own copy table, through the roles the stack grants (local IAM enforces them), and
// emit their metrics under their own `stream` dimension, the one their alarms match. Small shops: the point is where
// each record lands, not volume.
import type { StreamName } from '../../functions/core/stream';
import { SYNC_METRICS } from '../../functions/metric-names';
import type { EmfOutput } from '../../functions/metrics';
import { metricValues } from '../../local/aws/run-metrics';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';
import { copyTableIds, lastOf, runChain } from '../support/e2e';

const COUNTS: Record<StreamName, number> = { orders: 30, products: 40, customers: 20 };

describe("each stream's copy table", () => {
  let stack: E2eStack;
  const flushes: EmfOutput[] = [];

  beforeAll(async () => {
    stack = await startE2eStack({
      fake: { orders: COUNTS.orders, products: COUNTS.products, customers: COUNTS.customers, seed: 11 },
      env: { PAGE_SIZE: '25', STREAMS: 'orders,products,customers' },
      operations: { emf: (emf) => flushes.push(emf) },
    });
  });
  afterAll(() => stack?.stop());

  const sourceIds = (stream: StreamName) =>
    stack.fake
      .stream(stream)
      .truth()
      .map((version) => version.id)
      .sort();

  it('holds exactly its own stream after that stream syncs, and the other tables stay as they were', async () => {
    const chain = await runChain(stack, { stream: 'products', mode: 'full', trigger: 'test' });
    expect(lastOf(chain)).toMatchObject({ status: 'SUCCEEDED', output: { status: 'succeeded', stream: 'products' } });
    expect(await copyTableIds(stack, 'products')).toEqual(sourceIds('products'));
    expect(await copyTableIds(stack, 'orders')).toEqual([]);
    expect(await copyTableIds(stack, 'customers')).toEqual([]);

    for (const stream of ['customers', 'orders'] as const) {
      const ended = lastOf(await runChain(stack, { stream, mode: 'full', trigger: 'test' }));
      expect(ended).toMatchObject({ status: 'SUCCEEDED', output: { status: 'succeeded', stream } });
    }
    for (const stream of ['orders', 'products', 'customers'] as const) {
      expect(await copyTableIds(stack, stream)).toEqual(sourceIds(stream));
      expect(sourceIds(stream)).toHaveLength(COUNTS[stream]);
    }
  });

  it("puts each stream's metrics under its own stream dimension: the inserts of a stream add up to its copy", () => {
    const inserted = (stream: StreamName) =>
      flushes
        .filter((emf) => emf.stream === stream)
        .flatMap(metricValues)
        .filter(([name]) => name === SYNC_METRICS.recordsInserted)
        .reduce((sum, [, value]) => sum + value, 0);
    for (const emf of flushes) expect(emf._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([['service', 'stream']]);
    expect(new Set(flushes.map((emf) => emf.stream))).toEqual(new Set(['orders', 'products', 'customers']));
    for (const stream of ['orders', 'products', 'customers'] as const) expect(inserted(stream)).toBe(COUNTS[stream]);
  });
});
