// A zombie page step against DynamoDB (dynalite): it read the stored versions, froze past its lease, and a new run took
// the stream over and stored a newer version of one of its orders; when the zombie wakes and writes its older version,
// the conditional put refuses it, the newer version stays, and the zombie cannot save its page either.
import { DynamoRecordStore } from '../../functions/adapters/dynamodb/record-store';
import { DynamoSyncStateStore } from '../../functions/adapters/dynamodb/sync-state-store';
import { LeaseLostError } from '../../functions/core/errors';
import type { Log } from '../../functions/core/ports';
import type { RunState } from '../../functions/core/run-state';
import { beginRun } from '../../functions/core/use-cases/begin-run';
import { syncPage } from '../../functions/core/use-cases/sync-page';
import { createTestTables, useDynalite } from '../support/dynalite';
import { order, orderWrite } from '../support/order-factory';
import { aLease } from '../support/run-factory';
import { InMemoryQuarantineStore } from '../support/in-memory-stores';
import { InMemoryShop, STREAM, T0 } from '../support/use-case-harness';

const dynamo = useDynalite();
const LEASE_MS = 15 * 60_000;

it('a step whose lease expired writes an older version of an order: refused, the newer one stays, the step cannot save', async () => {
  const tables = await createTestTables(dynamo.endpoint);
  const state = new DynamoSyncStateStore({ client: dynamo.client, tableName: tables.syncStateTable });
  const orders = new DynamoRecordStore({ client: dynamo.client, tableName: tables.ordersTable });
  const shop = new InMemoryShop(8);
  let nowMs = T0;
  const warnings: string[] = [];
  const log: Log = { debug() {}, info() {}, error() {}, warn: (message) => void warnings.push(message) };
  const clock = () => nowMs;
  const begin = {
    settings: { stream: STREAM, leaseMs: LEASE_MS, overlapMs: 300_000, maxPagesPerPart: 500 },
    state,
    records: orders,
    source: shop,
    clock,
    log,
  };
  const zombie = (await beginRun(begin, {
    input: { mode: 'full', trigger: 'test', runId: 'full-test-zombie' },
    executionName: 'full-test-zombie-p1',
    executionArn: 'arn',
  })) as RunState;

  const target = shop.orders[2]!;
  const newer = order({ id: target.id, updated_at: '2026-01-01T12:40:00Z', total_price: '999.00' });
  const read = orders.getVersions.bind(orders);
  orders.getVersions = async (ids) => {
    orders.getVersions = read;
    const versions = await read(ids);
    // Frozen here past its lease: another run takes the stream and stores a newer version of one of the page's orders.
    nowMs += LEASE_MS + 60_000;
    await state.acquireLease(STREAM, aLease({ owner: 'incremental-schedule-next', expiresAt: nowMs + LEASE_MS }), nowMs);
    await read([newer.id]).then(async (seen) => {
      expect(seen.size).toBe(0);
      await orders.putRecords([
        orderWrite({ record: newer, kind: 'inserted', replaces: null, writeTag: 'incremental-schedule-next#0', syncedAt: newer.updatedAt }),
      ]);
    });
    return versions;
  };
  // The quarantine is not what this test is about: in memory.
  const quarantine = new InMemoryQuarantineStore();
  const pageDeps = {
    settings: { pageSize: 4, leaseMs: LEASE_MS, overlapMs: 300_000 },
    state,
    records: orders,
    quarantine,
    source: shop,
    clock,
    log,
  };

  await expect(syncPage(pageDeps, zombie)).rejects.toThrow(LeaseLostError);

  expect(await orders.readRecord(target.id)).toMatchObject({
    updatedAt: newer.updatedAt,
    totalPrice: '999.00',
    writeTag: 'incremental-schedule-next#0',
  });
  expect((await orders.readRecord(shop.orders[0]!.id))?.writeTag).toBe('full-test-zombie#0');
  expect(warnings).toContainEqual(expect.stringContaining('record writes refused'));
  expect((await state.get(STREAM)).run).toMatchObject({ runId: 'full-test-zombie', pages: 0 });
});
