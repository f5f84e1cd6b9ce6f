// Use case "sync page", over in-memory ports: one page fetched, written and saved with its claim, exact counts, a
// retry that counts nothing twice (even for an order that left the page between attempts), and a lost lease.
import { LeaseLostError } from '../../../functions/core/errors';
import { instantFromEpochMs } from '../../../functions/core/instant';
import type { RunState } from '../../../functions/core/run-state';
import { beginRun } from '../../../functions/core/use-cases/begin-run';
import { syncPage } from '../../../functions/core/use-cases/sync-page';
import { order, orderWrite } from '../../support/order-factory';
import { aLease } from '../../support/run-factory';
import { begunFullRun, STREAM, useCaseWorld } from '../../support/use-case-harness';

describe('sync page', () => {
  it('writes the page, then saves its cursor, counts and inserts in the same step: the saved run is the returned one', async () => {
    const world = useCaseWorld({ orders: 10, pageSize: 4 });
    const begun = await begunFullRun(world);

    const after = await syncPage(world.deps.syncPage, begun);

    const saved = await world.state.get(STREAM);
    expect(after.run).toEqual(saved.run);
    expect(after).toMatchObject({ done: false, pagesInPart: 1, run: { pages: 1, counts: { fetched: 4, inserted: 4 } } });
    expect(saved).toMatchObject({ orderCount: 4, pendingIds: [] });
    expect(world.orders.items.size).toBe(4);
  });

  it('claims and saves with two sync-state writes a page, and ends done on the last page with exact counts', async () => {
    const world = useCaseWorld({ orders: 10, pageSize: 4 });
    let state = await begunFullRun(world);
    const writesBefore = world.state.writes;

    while (!state.done) state = await syncPage(world.deps.syncPage, state);

    expect(world.state.writes - writesBefore).toBe(2 * 3);
    expect(state.run).toMatchObject({
      pages: 3,
      position: { phase: 'done', cursor: null, step: 3 },
      counts: { fetched: 10, inserted: 10, updated: 0, unchanged: 0, stale: 0, quarantined: 0, deleted: 0 },
    });
    expect((await world.state.get(STREAM)).orderCount).toBe(10);
  });

  it('retried after it saved (its answer was lost): counts nothing twice and asks the source no more than once again', async () => {
    const world = useCaseWorld({ orders: 10, pageSize: 4 });
    const begun = await begunFullRun(world);
    const first = await syncPage(world.deps.syncPage, begun);

    const retried = await syncPage(world.deps.syncPage, begun);

    expect(retried.run).toEqual(first.run);
    expect((await world.state.get(STREAM)).orderCount).toBe(4);
    expect(world.shop.pageRequests).toBe(2);
  });

  it('retried after dying between its write and its save, counts an order that has left the page as this page inserted it', async () => {
    const world = useCaseWorld({ orders: 10, pageSize: 4 });
    const begun = await begunFullRun(world);
    const save = world.state.saveProgress.bind(world.state);
    world.state.saveProgress = async () => {
      world.state.saveProgress = save;
      // The order changes after the run's window: on the retry it is no longer in the page, nor in the window.
      world.shop.change('ord_0000002', '2026-01-01T12:30:00Z');
      throw new Error('the step died before its save');
    };
    await expect(syncPage(world.deps.syncPage, begun)).rejects.toThrow('died before its save');

    const retried = await syncPage(world.deps.syncPage, begun);

    expect(retried.run.counts).toEqual({ fetched: 5, inserted: 5, updated: 0, unchanged: 0, stale: 0, quarantined: 0, deleted: 0 });
    expect((await world.state.get(STREAM)).orderCount).toBe(5);
    expect(world.orders.items.size).toBe(5);
  });

  it('counts an order already stored at the same version as unchanged, and an older one from the source as stale', async () => {
    const world = useCaseWorld({ orders: 4, pageSize: 4 });
    const [same, newer] = world.shop.orders;
    await world.orders.putRecords([
      orderWrite({ record: same!, kind: 'inserted', replaces: null, writeTag: 'old#0', syncedAt: same!.updatedAt }),
      orderWrite({
        record: { ...newer!, updatedAt: '2026-01-01T11:59:00.000000Z' },
        kind: 'inserted',
        replaces: null,
        writeTag: 'old#0',
        syncedAt: same!.updatedAt,
      }),
    ]);
    const begun = await begunFullRun(world);

    const after = await syncPage(world.deps.syncPage, begun);

    expect(after.run.counts).toEqual({ fetched: 4, inserted: 2, updated: 0, unchanged: 1, stale: 1, quarantined: 0, deleted: 0 });
    expect(world.orders.items.get(newer!.id)!.record.updatedAt).toBe('2026-01-01T11:59:00.000000Z');
  });

  it('whose lease was taken over: LeaseLostError before any order is written', async () => {
    const world = useCaseWorld({ orders: 10, pageSize: 4 });
    const begun = await begunFullRun(world);
    world.advance(16 * 60_000);
    await world.state.acquireLease(STREAM, aLease({ owner: 'full-http-other', expiresAt: world.now() + 60_000 }), world.now());

    await expect(syncPage(world.deps.syncPage, begun)).rejects.toThrow(LeaseLostError);

    expect(world.orders.items.size).toBe(0);
    expect((await world.state.get(STREAM)).run?.pages).toBe(0);
  });

  it('passes on how long the source asked to wait before the next page (the state machine waits), and only for that page', async () => {
    const world = useCaseWorld({ orders: 10, pageSize: 4 });
    const source = world.deps.syncPage.source;
    const waits = [7, undefined];
    const deps = {
      ...world.deps.syncPage,
      source: {
        fetchPage: async (request: Parameters<typeof source.fetchPage>[0]) => ({
          ...(await source.fetchPage(request)),
          waitSeconds: waits.shift(),
        }),
      },
    };

    const waiting = await syncPage(deps, await begunFullRun(world));
    const next = await syncPage(deps, waiting);

    expect(waiting).toMatchObject({ waitSeconds: 7, run: { pages: 1 } });
    expect(next).not.toHaveProperty('waitSeconds');
    expect(next.run.pages).toBe(2);
  });

  it('does nothing for a run already done', async () => {
    const world = useCaseWorld({ orders: 2, pageSize: 4 });
    const done = await syncPage(world.deps.syncPage, await begunFullRun(world));

    expect(await syncPage(world.deps.syncPage, done)).toBe(done);
    expect(world.shop.pageRequests).toBe(1);
  });

  describe('whose writes another write overtakes between its read and its write', () => {
    /** Runs `meanwhile` once, right after the step has read the stored versions of its page. */
    function afterTheRead(world: ReturnType<typeof useCaseWorld>, meanwhile: () => Promise<void>): void {
      const read = world.orders.getVersions.bind(world.orders);
      world.orders.getVersions = async (ids) => {
        world.orders.getVersions = read;
        const versions = await read(ids);
        await meanwhile();
        return versions;
      };
    }

    it("a zombie step (its lease expired, a new run went on) cannot put its older version over the new run's, nor save", async () => {
      const world = useCaseWorld({ orders: 10, pageSize: 4 });
      const zombie = await begunFullRun(world);
      const target = world.shop.orders[1]!;
      const newer = order({ id: target.id, updated_at: '2026-01-01T12:40:00Z', total_price: '999.00' });
      afterTheRead(world, async () => {
        world.advance(16 * 60_000);
        await world.state.acquireLease(
          STREAM,
          aLease({ owner: 'incremental-schedule-next', expiresAt: world.now() + 60_000 }),
          world.now(),
        );
        await world.orders.putRecords([
          orderWrite({
            record: newer,
            kind: 'inserted',
            replaces: null,
            writeTag: 'incremental-schedule-next#0',
            syncedAt: newer.updatedAt,
          }),
        ]);
      });

      await expect(syncPage(world.deps.syncPage, zombie)).rejects.toThrow(LeaseLostError);

      expect(world.orders.items.get(target.id)).toMatchObject({
        record: { updatedAt: newer.updatedAt, totalPrice: '999.00' },
        writeTag: 'incremental-schedule-next#0',
      });
      expect(world.orders.items.size).toBe(4);
      expect(world.lines.some((line) => line.message.startsWith('record writes refused'))).toBe(true);
    });

    it('loses to a later read of the same updated_at (a second version of that second): its write counts stale', async () => {
      const world = useCaseWorld({ orders: 10, pageSize: 4 });
      const begun = await begunFullRun(world);
      const target = world.shop.orders[1]!;
      // Three versions stamped in one second: the copy holds the first (read a minute ago), the page reads the second,
      // and another run reads the third after the page's read and stores it first.
      const readBefore = instantFromEpochMs(world.now() - 60_000);
      const first = { ...target, totalPrice: '1.00' };
      await world.orders.putRecords([
        orderWrite({ record: first, kind: 'inserted', replaces: null, writeTag: 'old#0', syncedAt: readBefore }),
      ]);
      const refunded = { ...target, financialStatus: 'refunded' as const };
      afterTheRead(world, async () => {
        world.advance(1_000);
        const readLater = instantFromEpochMs(world.now());
        const { refusedIds } = await world.orders.putRecords([
          orderWrite({ record: refunded, kind: 'updated', replaces: target.updatedAt, writeTag: 'other#0', syncedAt: readLater }),
        ]);
        expect(refusedIds).toEqual([]);
      });

      const after = await syncPage(world.deps.syncPage, begun);

      expect(after.run.counts).toEqual({ fetched: 4, inserted: 3, updated: 0, unchanged: 0, stale: 1, quarantined: 0, deleted: 0 });
      expect(world.orders.items.get(target.id)).toMatchObject({ record: { financialStatus: 'refunded' }, writeTag: 'other#0' });
      expect(world.lines.some((line) => line.message.startsWith('record writes refused'))).toBe(true);
    });

    it('counts a write refused by a newer version as stale, and the counter only what it inserted', async () => {
      const world = useCaseWorld({ orders: 10, pageSize: 4 });
      const begun = await begunFullRun(world);
      const target = world.shop.orders[1]!;
      afterTheRead(world, async () => {
        const newer = order({ id: target.id, updated_at: '2026-01-01T12:40:00Z' });
        await world.orders.putRecords([
          orderWrite({ record: newer, kind: 'inserted', replaces: null, writeTag: 'other#0', syncedAt: newer.updatedAt }),
        ]);
      });

      const after = await syncPage(world.deps.syncPage, begun);

      expect(after.run.counts).toEqual({ fetched: 4, inserted: 3, updated: 0, unchanged: 0, stale: 1, quarantined: 0, deleted: 0 });
      expect(world.orders.items.get(target.id)!.writeTag).toBe('other#0');
      expect((await world.state.get(STREAM)).orderCount).toBe(3);
    });

    it('writes its version as an update when an older one was stored meanwhile (classified again, tried once more)', async () => {
      const world = useCaseWorld({ orders: 10, pageSize: 4 });
      const begun = await begunFullRun(world);
      const target = world.shop.orders[1]!;
      afterTheRead(world, async () => {
        const older = order({ id: target.id, updated_at: '2026-01-01T10:00:00Z' });
        await world.orders.putRecords([
          orderWrite({ record: older, kind: 'inserted', replaces: null, writeTag: 'other#0', syncedAt: older.updatedAt }),
        ]);
      });

      const after = await syncPage(world.deps.syncPage, begun);

      expect(after.run.counts).toEqual({ fetched: 4, inserted: 3, updated: 1, unchanged: 0, stale: 0, quarantined: 0, deleted: 0 });
      expect(world.orders.items.get(target.id)).toMatchObject({
        record: { updatedAt: target.updatedAt },
        kind: 'updated',
        writeTag: `${begun.run.runId}#0`,
      });
      expect((await world.state.get(STREAM)).orderCount).toBe(3);
    });
  });
});

describe('sync page, quarantine', () => {
  it('sets a broken order aside with its payload and error, writes the rest of its page, and counts it quarantined', async () => {
    const world = useCaseWorld({ orders: 10, pageSize: 4 });
    world.shop.broken.set('ord_0000002', {
      field: 'total_price',
      message: 'order ord_0000002: field "total_price" must be a decimal string, got number 12.5',
    });
    let state = await begunFullRun(world);

    while (!state.done) state = await syncPage(world.deps.syncPage, state);

    expect(state.run.counts).toEqual({ fetched: 10, inserted: 9, updated: 0, unchanged: 0, stale: 0, quarantined: 1, deleted: 0 });
    expect(world.orders.items.has('ord_0000002')).toBe(false);
    expect(world.orders.items.size).toBe(9);
    expect((await world.state.get(STREAM)).orderCount).toBe(9);
    const summary = await world.quarantine.summary(STREAM, 20);
    expect(summary).toMatchObject({
      count: 1,
      newest: [{ id: 'ord_0000002', field: 'total_price', idFromPayload: false, storedUpdatedAt: null }],
    });
    const entry = world.quarantine.entries.get(`${STREAM}|id#ord_0000002`)!;
    expect(entry).toMatchObject({
      firstSeenRun: 'full-test-r1',
      lastSeenRun: 'full-test-r1',
      raw: expect.objectContaining({ id: 'ord_0000002' }),
    });
  });

  it('the same order quarantined twice (two runs) is one entry: first seen kept, last seen moved, order count unchanged', async () => {
    const world = useCaseWorld({ orders: 6, pageSize: 4 });
    world.shop.broken.set('ord_0000003', { field: 'created_at', message: 'order ord_0000003: field "created_at" is not a timestamp' });
    let first = await begunFullRun(world);
    while (!first.done) first = await syncPage(world.deps.syncPage, first);
    const firstSeen = world.quarantine.entries.get(`${STREAM}|id#ord_0000003`)!;
    world.advance(60_000);

    const event = {
      input: { mode: 'full', trigger: 'test', runId: 'full-test-r2' },
      executionName: 'full-test-r2-p1',
      executionArn: 'arn',
    } as const;
    await world.state.releaseLease(STREAM, 'full-test-r1');
    let second = (await beginRun(world.deps.begin, event)) as RunState;
    while (!second.done) second = await syncPage(world.deps.syncPage, second);

    expect(second.run.counts).toEqual({ fetched: 6, inserted: 0, updated: 0, unchanged: 5, stale: 0, quarantined: 1, deleted: 0 });
    expect((await world.quarantine.summary(STREAM, 20)).count).toBe(1);
    expect(world.quarantine.entries.get(`${STREAM}|id#ord_0000003`)).toMatchObject({
      firstSeenAt: firstSeen.firstSeenAt,
      firstSeenRun: 'full-test-r1',
      lastSeenRun: 'full-test-r2',
    });
    expect((await world.state.get(STREAM)).orderCount).toBe(5);
  });

  it('a retried page (died after its quarantine write, before its save) ends with the same counts and one entry', async () => {
    const world = useCaseWorld({ orders: 4, pageSize: 4 });
    world.shop.broken.set('ord_0000001', {
      field: 'order_number',
      message: 'order ord_0000001: field "order_number" must be a positive integer, got number -7',
    });
    const begun = await begunFullRun(world);
    const save = world.state.saveProgress.bind(world.state);
    world.state.saveProgress = async () => {
      world.state.saveProgress = save;
      throw new Error('the step died before its save');
    };
    await expect(syncPage(world.deps.syncPage, begun)).rejects.toThrow('died before its save');

    const retried = await syncPage(world.deps.syncPage, begun);

    expect(retried.run.counts).toEqual({ fetched: 4, inserted: 3, updated: 0, unchanged: 0, stale: 0, quarantined: 1, deleted: 0 });
    expect((await world.quarantine.summary(STREAM, 20)).count).toBe(1);
    expect((await world.state.get(STREAM)).orderCount).toBe(3);
  });

  it('releases an order the source fixed: stored as new, the quarantine empty, counts exact', async () => {
    const world = useCaseWorld({ orders: 4, pageSize: 4 });
    world.shop.broken.set('ord_0000004', {
      field: 'financial_status',
      message: 'order ord_0000004: field "financial_status" must be one of …',
    });
    let first = await begunFullRun(world);
    while (!first.done) first = await syncPage(world.deps.syncPage, first);
    world.shop.fixOrder('ord_0000004', '2026-01-01T11:30:00Z');
    await world.state.releaseLease(STREAM, 'full-test-r1');

    const event = {
      input: { mode: 'full', trigger: 'test', runId: 'full-test-r2' },
      executionName: 'full-test-r2-p1',
      executionArn: 'arn',
    } as const;
    let second = (await beginRun(world.deps.begin, event)) as RunState;
    while (!second.done) second = await syncPage(world.deps.syncPage, second);

    expect(second.run.counts).toEqual({ fetched: 4, inserted: 1, updated: 0, unchanged: 3, stale: 0, quarantined: 0, deleted: 0 });
    expect(world.orders.items.get('ord_0000004')?.record.updatedAt).toBe('2026-01-01T11:30:00.000000Z');
    expect(await world.quarantine.summary(STREAM, 20)).toEqual({ count: 0, newest: [] });
    expect((await world.state.get(STREAM)).orderCount).toBe(4);
  });

  it('an order broken after an older valid version was stored keeps that version, and the entry says the copy is behind', async () => {
    const world = useCaseWorld({ orders: 4, pageSize: 4 });
    let first = await begunFullRun(world);
    while (!first.done) first = await syncPage(world.deps.syncPage, first);
    const storedAt = world.orders.items.get('ord_0000002')!.record.updatedAt;
    world.shop.breakOrder('ord_0000002', 'total_price', '2026-01-01T11:40:00Z');
    await world.state.releaseLease(STREAM, 'full-test-r1');

    const event = {
      input: { mode: 'full', trigger: 'test', runId: 'full-test-r2' },
      executionName: 'full-test-r2-p1',
      executionArn: 'arn',
    } as const;
    let second = (await beginRun(world.deps.begin, event)) as RunState;
    while (!second.done) second = await syncPage(world.deps.syncPage, second);

    expect(world.orders.items.get('ord_0000002')!.record.updatedAt).toBe(storedAt);
    expect((await world.quarantine.summary(STREAM, 20)).newest).toEqual([
      expect.objectContaining({ id: 'ord_0000002', storedUpdatedAt: storedAt }),
    ]);
    expect(second.run.counts).toMatchObject({ fetched: 4, unchanged: 3, quarantined: 1, deleted: 0 });
  });

  it('an order too big for an item even compressed is quarantined, not a failed page', async () => {
    const world = useCaseWorld({ orders: 3, pageSize: 4 });
    const big = world.shop.orders[1]!;
    // Random text gzip cannot shrink: well over the 392 KB a compressed raw order may take.
    big.raw = {
      ...big.raw,
      note: require('node:crypto')
        .randomBytes(600 * 1024)
        .toString('base64'),
    };
    let state = await begunFullRun(world);

    while (!state.done) state = await syncPage(world.deps.syncPage, state);

    expect(state.run.counts).toEqual({ fetched: 3, inserted: 2, updated: 0, unchanged: 0, stale: 0, quarantined: 1, deleted: 0 });
    const [entry] = (await world.quarantine.summary(STREAM, 20)).newest;
    expect(entry).toMatchObject({ id: big.id, field: '(record)', rawKept: false });
    expect(entry!.message).toMatch(/raw order is \d+ bytes \(\d+ gzip-compressed\), more than a DynamoDB item can hold/);
  });

  it('an order with no usable id is keyed by its payload and shown as such', async () => {
    const world = useCaseWorld({ orders: 2, pageSize: 4 });
    const fetchPage = world.shop.fetchPage.bind(world.shop);
    const noId = { order_number: 7, total_price: '1.00' };
    world.shop.fetchPage = async (request) => {
      const page = await fetchPage(request);
      return {
        ...page,
        rejected: [{ id: null, raw: noId, field: 'id', message: 'order (no id): field "id" must be a non-empty string', position: 0 }],
      };
    };
    let state = await begunFullRun(world);
    while (!state.done) state = await syncPage(world.deps.syncPage, state);

    const summary = await world.quarantine.summary(STREAM, 20);
    expect(summary.count).toBe(1);
    expect(summary.newest[0]).toMatchObject({
      idFromPayload: true,
      field: 'id',
      id: expect.stringMatching(/^payload-sha256:[0-9a-f]{32}$/),
    });
  });
});
