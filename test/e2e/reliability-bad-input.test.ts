// Bad input from the source (a malformed order, a wrong type, a page that is not JSON, orders near and beyond
// DynamoDB's item limit): stored whole, quarantined (a bad order: the run goes on), or refused with an error that says
// what was wrong, and nothing half-committed (checkpoint unchanged, no order of the failing page written). Bad input
// over HTTP: test/integration/http-api-server.test.ts.
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { StoredVersion } from '../../functions/core/ports';
import type { RunOutcome } from '../../functions/core/run-types';
import type { SyncStatus } from '../../functions/core/status';
import { storedVersions, syncState } from '../support/e2e';
import { expectExactCopy, invokeApi, runToEnd } from '../support/reliability';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';

const ORDERS = 600;
const PAGE_SIZE = 50;
/** Changed before each run, so the incremental window holds a few pages. */
const CHANGED = 120;

/** Line items of random text: `bytes` of JSON that gzip cannot shrink much (raw over 100 KB is stored gzipped). */
function bulkyLineItems(bytes: number): Array<Record<string, unknown>> {
  const count = Math.ceil(bytes / 600);
  return Array.from({ length: count }, (_, index) => ({
    id: `li_${index}`,
    sku: `SKU-${index}`,
    title: randomBytes(420).toString('base64'),
    quantity: 1,
    price: '1.00',
  }));
}

describe('bad input from the source', () => {
  let stack: E2eStack;

  beforeAll(async () => {
    stack = await startE2eStack({ fake: { orders: ORDERS, seed: 71 }, env: { PAGE_SIZE: String(PAGE_SIZE) } });
    expect((await runToEnd(stack, { mode: 'incremental', trigger: 'test' })).status).toBe('SUCCEEDED');
  });
  afterAll(() => stack?.stop());
  afterEach(() => stack.fake!.resetFaults());

  /** Ids of the page the failed run stopped at, read from its saved window (the source's order, by updated_at and id). */
  async function failingPageIds(): Promise<string[]> {
    const run = (await syncState(stack)).run!;
    return stack
      .fake!.truth(run.window)
      .slice(run.pages * PAGE_SIZE, (run.pages + 1) * PAGE_SIZE)
      .map((order) => order.id);
  }

  /**
   * Changes CHANGED orders, spoils one (`spoil` gets the id at `position` in the changed set), runs an incremental
   * sync that must fail, checks nothing was half-committed, then repairs the source and checks the next run ends exact.
   */
  async function expectRefusedRun(spoil: (id: string) => void, position: number) {
    const changed = stack.fake!.mutate({
      updates: stack
        .fake!.truth()
        .slice(0, CHANGED)
        .map((order) => order.id),
    }).updated;
    const badId = stack.fake!.truth().slice(-CHANGED)[position]!.id;
    spoil(badId);
    const before = await syncState(stack);
    const versionsBefore = await storedVersions(stack);

    const last = await runToEnd(stack, { mode: 'incremental', trigger: 'test' });

    expect(last).toMatchObject({ status: 'FAILED', error: 'SyncFailed' });
    const after = await syncState(stack);
    expect(after.checkpoint).toEqual(before.checkpoint);
    expect(after.lease).toBeNull();
    const versionsAfter = await storedVersions(stack);
    const pageIds = await failingPageIds();
    expect(pageIds.length).toBeGreaterThan(0);
    const unchanged = (id: string) => sameVersion(versionsBefore.get(id), versionsAfter.get(id));
    expect(pageIds.filter((id) => !unchanged(id))).toEqual([]);
    expect(after.orderCount).toBe(before.orderCount);
    const error = after.lastRun!.error!;

    stack.fake!.corruptOrder(badId, null);
    stack.fake!.resetFaults();
    expect((await runToEnd(stack, { mode: 'incremental', trigger: 'test' })).status).toBe('SUCCEEDED');
    await expectExactCopy(stack);
    return { error, badId, changed };
  }

  /**
   * Changes CHANGED orders, spoils one, runs an incremental sync that must succeed with that order quarantined (its
   * stored older version kept, the status saying the copy is behind), then repairs the source and checks the next run
   * releases it and ends exact.
   */
  async function expectQuarantinedRun(spoil: (id: string) => void, position: number) {
    stack.fake!.mutate({
      updates: stack
        .fake!.truth()
        .slice(0, CHANGED)
        .map((order) => order.id),
    });
    const badId = stack.fake!.truth().slice(-CHANGED)[position]!.id;
    spoil(badId);
    const versionsBefore = await storedVersions(stack);

    const last = await runToEnd(stack, { mode: 'incremental', trigger: 'test' });

    expect(last.status).toBe('SUCCEEDED');
    expect((last.output as RunOutcome).counts.quarantined).toBe(1);
    expect(sameVersion(versionsBefore.get(badId), (await storedVersions(stack)).get(badId))).toBe(true);
    const quarantined = (JSON.parse((await invokeApi(stack, 'GET', '/api/sync/status')).body) as SyncStatus).orders.quarantined;
    expect(quarantined.count).toBe(1);
    const [entry] = quarantined.orders;
    expect(entry).toMatchObject({ id: badId, behind: true, stored_updated_at: versionsBefore.get(badId)!.updatedAt });

    stack.fake!.corruptOrder(badId, null);
    stack.fake!.mutate({ updates: [badId] });
    expect((await runToEnd(stack, { mode: 'incremental', trigger: 'test' })).status).toBe('SUCCEEDED');
    await expectExactCopy(stack);
    expect((JSON.parse((await invokeApi(stack, 'GET', '/api/sync/status')).body) as SyncStatus).orders.quarantined.count).toBe(0);
    return { entry: entry!, badId };
  }

  it('a malformed order (a timestamp that is not RFC 3339) is quarantined naming the field; the run goes on', async () => {
    const { entry, badId } = await expectQuarantinedRun((id) => stack.fake!.corruptOrder(id, { created_at: 'yesterday' }), 70);
    expect(entry.field).toBe('created_at');
    expect(entry.message).toContain(`order ${badId}`);
    expect(entry.message).toContain('"yesterday"');
  });

  it('a field of the wrong type (order_number as a string) is quarantined with the exact error', async () => {
    const { entry, badId } = await expectQuarantinedRun((id) => stack.fake!.corruptOrder(id, { order_number: '1001' }), 10);
    expect(entry.message).toBe(`order ${badId}: field "order_number" must be a positive integer, got string "1001"`);
  });

  it('a page that is not JSON fails the run with the answer described, not retried as if transient', async () => {
    const { error } = await expectRefusedRun(() => stack.fake!.script('not-json'), 0);
    expect(error.name).toBe('InvalidPageError');
    expect(error.message).toMatch(/answered 200 with a body that is not JSON \(text\/html, \d+ chars\): GET http/);
  });

  it('an order beyond the item limit even compressed is quarantined naming the order, its payload not kept', async () => {
    const { entry, badId } = await expectQuarantinedRun(
      (id) => stack.fake!.corruptOrder(id, { line_items: bulkyLineItems(700 * 1024) }),
      60,
    );
    expect(entry).toMatchObject({ field: '(record)', raw_kept: false });
    expect(entry.message).toMatch(
      new RegExp(`^order ${badId}: raw order is \\d+ bytes \\(\\d+ gzip-compressed\\), more than a DynamoDB item can hold`),
    );
  });

  it('an order near the item limit (hundreds of KB compressed) is stored whole', async () => {
    stack.fake!.mutate({
      updates: stack
        .fake!.truth()
        .slice(0, CHANGED)
        .map((order) => order.id),
    });
    const hugeId = stack.fake!.truth().slice(-CHANGED)[30]!.id;
    stack.fake!.corruptOrder(hugeId, { line_items: bulkyLineItems(450 * 1024), note: 'kept as sent' });
    // Compressed, it still takes most of DynamoDB's 400 KB item.
    expect(gzipSync(JSON.stringify(stack.fake!.order(hugeId))).byteLength).toBeGreaterThan(300 * 1024);

    const last = await runToEnd(stack, { mode: 'incremental', trigger: 'test' });

    expect(last.status).toBe('SUCCEEDED');
    // compareCopy compares every stored raw order with what the source serves: the huge one included, byte for byte.
    await expectExactCopy(stack);
  });
});

function sameVersion(a: StoredVersion | undefined, b: StoredVersion | undefined): boolean {
  return a?.updatedAt === b?.updatedAt && a?.writeTag === b?.writeTag;
}
