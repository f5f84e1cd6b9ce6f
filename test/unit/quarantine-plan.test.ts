// What one page does to the quarantine when it holds an order more than once (it changed while the source paged):
// one entry per order, the page's later version decides, first seen carried over from a held entry. DynamoDB refuses
// a batch that names one key twice, so a page that put or released a key twice would fail its run.
import { planQuarantine, type QuarantineMark, type RejectedRecord } from '../../functions/core/quarantine';
import { order } from '../support/order-factory';

const NOW = '2026-01-01T12:00:00.000000Z';
const EARLIER: QuarantineMark = { firstSeenAt: '2026-01-01T11:00:00.000000Z', firstSeenRun: 'full-test-r1', rejectedUpdatedAt: null };

function rejected(id: string, field: string, position: number): RejectedRecord {
  return { id, raw: { id, broken: field }, field, message: `order ${id}: field "${field}" is broken`, position };
}

function plan(input: { orders?: string[]; rejected?: RejectedRecord[]; held?: Record<string, QuarantineMark> }) {
  return planQuarantine({
    records: (input.orders ?? []).map((id) => order({ id })),
    rejected: input.rejected ?? [],
    held: new Map(Object.entries(input.held ?? {})),
    storedUpdatedAt: () => null,
    runId: 'full-test-r2',
    now: NOW,
  });
}

describe('the quarantine plan of a page', () => {
  it('an order rejected twice in one page is one entry, with its later error; a held one keeps when it was first seen', () => {
    const twice = [rejected('ord_1', 'total_price', 0), rejected('ord_1', 'created_at', 2)];

    expect(plan({ orders: ['ord_2', 'ord_3'], rejected: twice }).put).toEqual([
      expect.objectContaining({ key: 'id#ord_1', field: 'created_at', firstSeenAt: NOW, firstSeenRun: 'full-test-r2' }),
    ]);
    expect(plan({ rejected: twice, held: { 'id#ord_1': EARLIER } })).toEqual({
      put: [expect.objectContaining({ key: 'id#ord_1', ...EARLIER, lastSeenAt: NOW, lastSeenRun: 'full-test-r2' })],
      release: [],
    });
  });

  it('rejected, then valid later in the page: not quarantined, and a held entry is released', () => {
    // ord_1 is rejected right after ord_2 (position 1: one valid order before it), then comes valid next (index 1).
    const page = { orders: ['ord_2', 'ord_1'], rejected: [rejected('ord_1', 'total_price', 1)] };

    expect(plan(page)).toEqual({ put: [], release: [] });
    expect(plan({ ...page, held: { 'id#ord_1': EARLIER } })).toEqual({ put: [], release: ['id#ord_1'] });
  });

  it('valid, then rejected later in the page: quarantined (the later version decides), never released', () => {
    // ord_1 comes valid first (index 0), then rejected after both valid orders (position 2).
    const page = { orders: ['ord_1', 'ord_2'], rejected: [rejected('ord_1', 'total_price', 2)], held: { 'id#ord_1': EARLIER } };

    expect(plan(page)).toEqual({ put: [expect.objectContaining({ key: 'id#ord_1', ...EARLIER })], release: [] });
  });
});
