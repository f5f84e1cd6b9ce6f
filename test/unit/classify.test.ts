// classifyPage: which orders of a page are written (new, changed) and which are not (unchanged, stale),
// with exact counts, even for duplicates inside a page and for a page step that runs twice.
import { classifyPage } from '../../functions/core/classify';
import type { Order } from '../../functions/core/order';
import { recordDigest } from '../../functions/core/record-digest';
import type { StoredVersion } from '../../functions/core/ports';
import { order as orderOf, orderIdOf } from '../support/order-factory';

const TAG = 'full-http-20261125T150102Z-7f3a#3';
const T1 = '2025-01-15T08:00:00.000000Z';
const T2 = '2025-01-15T09:00:00.000000Z';
const T3 = '2025-01-15T10:00:00.000000Z';
/** When the page was read: later than every stored version's read unless a test says otherwise. */
const READ = '2025-01-15T12:00:00.000000Z';
const READ_BEFORE = '2025-01-15T11:00:00.000000Z';

/** A validated order with this number and updated_at (written with a Z offset, so it reads back unchanged). */
function orderAt(n: number, updatedAt: string): Order {
  return orderOf({ id: orderIdOf(n), order_number: 1000 + n, updated_at: updatedAt });
}

function storedAt(n: number, updatedAt: string, write: Partial<StoredVersion> = {}): [string, StoredVersion] {
  return [
    orderIdOf(n),
    {
      id: orderIdOf(n),
      updatedAt,
      deletedAt: null,
      writeTag: 'incremental-schedule-20261125T140000Z-0000#0',
      writeKind: 'updated',
      // What orderAt(n, updatedAt) holds, read before READ.
      digest: recordDigest(orderAt(n, updatedAt)),
      readAt: READ_BEFORE,
      ...write,
    },
  ];
}

function idsOf(writes: ReadonlyArray<{ record: Order; kind: string }>): Array<[string, string, string]> {
  return writes.map(({ record, kind }) => [record.id, kind, record.updatedAt]);
}

describe('classifyPage', () => {
  it('writes new and changed orders, skips unchanged and stale ones, and counts each', () => {
    const page = [orderAt(1, T2), orderAt(2, T2), orderAt(3, T2), orderAt(4, T2)];
    const stored = new Map([storedAt(2, T1), storedAt(3, T2), storedAt(4, T3)]);

    const classified = classifyPage(page, stored, TAG, READ);

    expect(idsOf(classified.writes)).toEqual([
      [orderIdOf(1), 'inserted', T2],
      [orderIdOf(2), 'updated', T2],
    ]);
    expect(classified.counts).toEqual({ fetched: 4, inserted: 1, updated: 1, unchanged: 1, stale: 1, quarantined: 0, deleted: 0 });
    expect(classified.maxRecordTime).toBe(T2);
    // What each write may replace: nothing for the insert, the version read for the update (the store's condition).
    expect(classified.writes.map(({ replaces }) => replaces)).toEqual([null, T1]);
  });

  it('compares instants, not the strings the source wrote', () => {
    // As text, both incoming timestamps would look different from what is stored; as instants,
    // the first is older (08:30Z < 09:00Z) and the second is the same moment (08:30Z).
    const sameMoment = orderOf({ id: orderIdOf(2), updated_at: '2025-01-15T08:30:00Z' });
    const stored = new Map([storedAt(1, T2), storedAt(2, '2025-01-15T08:30:00.000000Z', { digest: recordDigest(sameMoment) })]);
    const page = [
      orderOf({ id: orderIdOf(1), updated_at: '2025-01-15T10:30:00+02:00' }),
      orderOf({ id: orderIdOf(2), updated_at: '2025-01-15T07:30:00.000-01:00' }),
    ];

    const classified = classifyPage(page, stored, TAG, READ);

    expect(classified.counts).toEqual({ fetched: 2, inserted: 0, updated: 0, unchanged: 1, stale: 1, quarantined: 0, deleted: 0 });
    expect(classified.writes).toEqual([]);
  });

  it('sees a one-microsecond change', () => {
    const stored = new Map([storedAt(1, '2025-01-15T08:00:00.000001Z')]);

    const classified = classifyPage([orderAt(1, '2025-01-15T08:00:00.000002Z')], stored, TAG, READ);

    expect(classified.counts.updated).toBe(1);
  });

  it('returns nothing to write and no record time for an empty page', () => {
    expect(classifyPage([], new Map(), TAG, READ)).toEqual({
      writes: [],
      counts: { fetched: 0, inserted: 0, updated: 0, unchanged: 0, stale: 0, quarantined: 0, deleted: 0 },
      maxRecordTime: null,
    });
  });

  it('keeps the newest version of an id that appears twice in a page, once', () => {
    // The order changed while the source paged: it shows up at its old and its new position.
    const page = [orderAt(1, T1), orderAt(2, T1), orderAt(1, T3)];

    const classified = classifyPage(page, new Map(), TAG, READ);

    expect(idsOf(classified.writes)).toEqual([
      [orderIdOf(1), 'inserted', T3],
      [orderIdOf(2), 'inserted', T1],
    ]);
    expect(classified.counts).toEqual({ fetched: 3, inserted: 2, updated: 0, unchanged: 0, stale: 1, quarantined: 0, deleted: 0 });
    expect(classified.maxRecordTime).toBe(T3);
  });

  it('keeps the newest duplicate whichever comes first, and counts an identical copy as unchanged', () => {
    const page = [orderAt(1, T3), orderAt(1, T1), orderAt(1, T3)];
    const stored = new Map([storedAt(1, T2)]);

    const classified = classifyPage(page, stored, TAG, READ);

    expect(idsOf(classified.writes)).toEqual([[orderIdOf(1), 'updated', T3]]);
    expect(classified.counts).toEqual({ fetched: 3, inserted: 0, updated: 1, unchanged: 1, stale: 1, quarantined: 0, deleted: 0 });
  });

  describe("on a retried page (the store already holds this page's own writes)", () => {
    it('counts what the first attempt wrote exactly as it did, and writes nothing again', () => {
      const page = [orderAt(1, T2), orderAt(2, T2), orderAt(3, T2)];
      // First attempt: 1 was new, 2 replaced T1; it crashed before saving its counts. 3 was unchanged then.
      const firstAttempt = classifyPage(page, new Map([storedAt(2, T1), storedAt(3, T2)]), TAG, READ);
      const afterFirstAttempt = new Map([
        storedAt(1, T2, { writeTag: TAG, writeKind: 'inserted' }),
        storedAt(2, T2, { writeTag: TAG, writeKind: 'updated' }),
        storedAt(3, T2),
      ]);

      const retry = classifyPage(page, afterFirstAttempt, TAG, READ);

      expect(retry.counts).toEqual(firstAttempt.counts);
      expect(retry.counts).toEqual({ fetched: 3, inserted: 1, updated: 1, unchanged: 1, stale: 0, quarantined: 0, deleted: 0 });
      expect(retry.writes).toEqual([]);
    });

    it("rewrites an order that changed again between the attempts, keeping the first attempt's kind", () => {
      const stored = new Map([storedAt(1, T1, { writeTag: TAG, writeKind: 'inserted' })]);

      const retry = classifyPage([orderAt(1, T2)], stored, TAG, READ);

      expect(idsOf(retry.writes)).toEqual([[orderIdOf(1), 'inserted', T2]]);
      expect(retry.counts).toEqual({ fetched: 1, inserted: 1, updated: 0, unchanged: 0, stale: 0, quarantined: 0, deleted: 0 });
    });

    it('never writes an older version back, even under its own tag', () => {
      const stored = new Map([storedAt(1, T3, { writeTag: TAG, writeKind: 'updated' })]);

      const retry = classifyPage([orderAt(1, T2)], stored, TAG, READ);

      expect(retry.writes).toEqual([]);
      expect(retry.counts.updated).toBe(1);
    });

    it('treats a write from another page of the same run as any earlier write', () => {
      const stored = new Map([storedAt(1, T2, { writeTag: 'full-http-20261125T150102Z-7f3a#2', writeKind: 'inserted' })]);

      const classified = classifyPage([orderAt(1, T2)], stored, TAG, READ);

      expect(classified.counts).toMatchObject({ inserted: 0, unchanged: 1 });
    });
  });
});

describe('classifyPage with two versions of one updated_at (a source that stamps whole seconds)', () => {
  /** The order at T2 as stored (storedAt's digest), and another version of it stamped T2 too: refunded. */
  const refundedAt = (n: number) => orderOf({ id: orderIdOf(n), order_number: 1000 + n, updated_at: T2, financial_status: 'refunded' });

  it('writes other content read after the stored version as an update', () => {
    const classified = classifyPage([refundedAt(1)], new Map([storedAt(1, T2)]), TAG, READ);

    expect(idsOf(classified.writes)).toEqual([[orderIdOf(1), 'updated', T2]]);
    expect(classified.writes[0]).toMatchObject({ replaces: T2, digest: recordDigest(refundedAt(1)) });
    expect(classified.counts).toMatchObject({ fetched: 1, updated: 1, unchanged: 0, stale: 0 });
  });

  it('counts other content read before the stored version as stale (a zombie step), and writes nothing', () => {
    const stored = new Map([storedAt(1, T2, { readAt: READ })]);

    const classified = classifyPage([refundedAt(1)], stored, TAG, READ_BEFORE);

    expect(classified.writes).toEqual([]);
    expect(classified.counts).toMatchObject({ stale: 1, updated: 0 });
  });

  it('takes an item stored before digests were kept as the same version', () => {
    const classified = classifyPage([refundedAt(1)], new Map([storedAt(1, T2, { digest: null, readAt: null })]), TAG, READ);

    expect(classified.counts).toMatchObject({ unchanged: 1, updated: 0 });
  });

  it("on a retried page, writes the version changed between the attempts, keeping the first attempt's kind", () => {
    const stored = new Map([storedAt(1, T2, { writeTag: TAG, writeKind: 'inserted' })]);

    const retry = classifyPage([refundedAt(1)], stored, TAG, READ);

    expect(idsOf(retry.writes)).toEqual([[orderIdOf(1), 'inserted', T2]]);
    expect(retry.counts).toMatchObject({ inserted: 1, updated: 0 });
  });

  it('keeps the later of two copies of one updated_at in a page, and counts the other stale', () => {
    const classified = classifyPage([orderAt(1, T2), refundedAt(1)], new Map(), TAG, READ);

    expect(classified.writes.map(({ digest }) => digest)).toEqual([recordDigest(refundedAt(1))]);
    expect(classified.counts).toMatchObject({ fetched: 2, inserted: 1, stale: 1 });
  });
});

describe('classifyPage over a tombstone', () => {
  const tombstone = (n: number, deletedAt: string) =>
    storedAt(n, deletedAt, { deletedAt, writeTag: 'full-test-20261125T140000Z-0000#12', writeKind: 'deleted' });

  it('never writes a version made before the deletion (or at it): stale, the tombstone stays', () => {
    const stored = new Map([tombstone(1, T2), tombstone(2, T2)]);
    const classified = classifyPage([orderAt(1, T1), orderAt(2, T2)], stored, 'run-late#3', READ);
    expect(classified.writes).toEqual([]);
    expect(classified.counts).toMatchObject({ fetched: 2, stale: 2, inserted: 0, updated: 0, unchanged: 0 });
  });

  it('writes a version made after the deletion as an insert over no live version (the counter gains it back)', () => {
    const classified = classifyPage([orderAt(1, T3)], new Map([tombstone(1, T2)]), 'run-b#0', READ);
    expect(classified.writes.map(({ record, kind, replaces }) => [record.id, kind, replaces])).toEqual([[orderIdOf(1), 'inserted', null]]);
    expect(classified.counts).toMatchObject({ inserted: 1, stale: 0 });
  });
});
