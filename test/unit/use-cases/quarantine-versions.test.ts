// The quarantine against versions, over in-memory ports (issue 24, item 4): an entry remembers the rejected version's
// updated_at, so an older valid version (a resumed export's days-old snapshot) does not release it, a version at least
// as new does; and an order deleted at the source leaves the quarantine.
import type { RecordSource } from '../../../functions/core/ports';
import type { RunState } from '../../../functions/core/run-state';
import { beginRun } from '../../../functions/core/use-cases/begin-run';
import { commitRun } from '../../../functions/core/use-cases/commit-run';
import { syncStep } from '../../../functions/core/use-cases/sync-step';
import type { StepDeps } from '../../../functions/core/step';
import { STREAM, useCaseWorld } from '../../support/use-case-harness';

type World = ReturnType<typeof useCaseWorld>;
const BROKEN = 'ord_0000002';
const ENTRY = `${STREAM}|id#${BROKEN}`;

let runs = 0;
async function fullRun(world: World, deps: StepDeps = world.deps.syncPage): Promise<void> {
  runs++;
  const runId = `full-test-q${runs}`;
  let state = (await beginRun(world.deps.begin, {
    input: { mode: 'full', trigger: 'test', runId },
    executionName: `${runId}-p1`,
    executionArn: 'arn',
  })) as RunState;
  while (!state.done) state = await syncStep(deps, state);
  await commitRun(world.deps.commit, state);
  world.advance(60_000);
}

describe('a quarantine entry and the versions that follow it', () => {
  it('records the rejected version; an older valid version leaves it held, one at least as new releases it', async () => {
    const world = useCaseWorld({ orders: 4, pageSize: 4 });
    await fullRun(world);
    world.shop.breakOrder(BROKEN, 'total_price', '2026-01-01T11:30:00.000000Z');
    await fullRun(world);
    expect(world.quarantine.entries.get(ENTRY)).toMatchObject({ rejectedUpdatedAt: '2026-01-01T11:30:00.000000Z' });

    // The source serves an older valid version (as a snapshot taken before the order broke would).
    world.shop.fixOrder(BROKEN, '2026-01-01T11:10:00.000000Z');
    await fullRun(world);
    const heldAfterOlder = world.quarantine.entries.has(ENTRY);
    const storedAfterOlder = world.orders.items.get(BROKEN)?.record.updatedAt;
    world.shop.fixOrder(BROKEN, '2026-01-01T11:30:00.000000Z');
    await fullRun(world);

    expect(heldAfterOlder).toBe(true);
    expect(storedAfterOlder).toBe('2026-01-01T11:10:00.000000Z');
    expect(world.quarantine.entries.has(ENTRY)).toBe(false);
    expect((await world.state.get(STREAM)).orderCount).toBe(4);
  });

  it('an older rejected version does not replace the entry of a newer one', async () => {
    const world = useCaseWorld({ orders: 4, pageSize: 4 });
    world.shop.breakOrder(BROKEN, 'total_price', '2026-01-01T11:30:00.000000Z');
    await fullRun(world);
    world.shop.breakOrder(BROKEN, 'created_at', '2026-01-01T11:20:00.000000Z');
    await fullRun(world);

    expect(world.quarantine.entries.get(ENTRY)).toMatchObject({ field: 'total_price', rejectedUpdatedAt: '2026-01-01T11:30:00.000000Z' });
  });

  it('an order deleted at the source leaves the quarantine with its tombstone', async () => {
    const world = useCaseWorld({ orders: 4, pageSize: 4 });
    await fullRun(world);
    world.shop.breakOrder(BROKEN, 'total_price', '2026-01-01T11:30:00.000000Z');
    await fullRun(world);
    expect(world.quarantine.entries.has(ENTRY)).toBe(true);

    world.shop.orders = world.shop.orders.filter((order) => order.id !== BROKEN);
    const withFeed: Pick<RecordSource, 'fetchPage' | 'fetchDeleted'> = {
      fetchPage: (request) => world.shop.fetchPage(request),
      fetchDeleted: async () => ({
        deletions: [{ id: BROKEN, deletedAt: '2026-01-01T11:45:00.000000Z' }],
        nextCursor: null,
        stats: { requests: 1, throttled: 0, retried: 0 },
      }),
    };
    await fullRun(world, { ...world.deps.syncPage, source: withFeed });

    expect(world.orders.tombstones.has(BROKEN)).toBe(true);
    expect(world.quarantine.entries.has(ENTRY)).toBe(false);
    expect((await world.state.get(STREAM)).orderCount).toBe(3);
  });
});
