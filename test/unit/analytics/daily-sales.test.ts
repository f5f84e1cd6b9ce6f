// An order version's contribution to daily sales, and figures kept by adding and removing contributions: always equal
// to a recomputation from the orders held.
import {
  addContribution,
  contributionOf,
  dailySalesOf,
  netSalesOf,
  removeContribution,
  totalSalesOf,
  ZERO_FIGURES,
  type DailySales,
  type DayFigures,
  type SalesOrder,
} from '../../../functions/core/analytics/daily-sales';
import { toInstant } from '../../../functions/core/instant';
import { random, randomSalesOrder, salesOrder } from '../../support/sales-factory';

const LA = 'America/Los_Angeles';

const order = salesOrder;

const figures = (overrides: Partial<DayFigures>): DayFigures => ({ ...ZERO_FIGURES, ...overrides });

describe("an order version's contribution", () => {
  it('adds an order, gross sales (subtotal + discounts), discounts, shipping and taxes on its local creation day', () => {
    const contribution = contributionOf(order({ totalDiscounts: '5.00', totalShipping: '4.90' }), LA);

    expect(contribution).toEqual([
      {
        day: '2026-03-07',
        currency: 'USD',
        figures: figures({ orders: 1, grossSales: '105.00', discounts: '5.00', shipping: '4.90', taxes: '10.00' }),
      },
    ]);
    expect(netSalesOf(contribution[0]!.figures)).toBe('100.00');
    expect(totalSalesOf(contribution[0]!.figures)).toBe('114.90');
  });

  it("counts an order on the shop's day, not UTC's: 23:30 in Los Angeles is the next day in UTC", () => {
    const late = order({ createdAt: toInstant('2026-03-07T23:30:00-08:00') });

    expect(contributionOf(late, LA).map((entry) => entry.day)).toEqual(['2026-03-07']);
    expect(contributionOf(late, 'UTC').map((entry) => entry.day)).toEqual(['2026-03-08']);
  });

  it('counts on the 23-hour and the 25-hour days the orders made in their extra or missing hours', () => {
    // 03:30 PDT, just after the skipped hour; 23:59 PDT that evening; 01:30 PST, the second 01:30 of 2026-11-01.
    const days = ['2026-03-08T03:30:00-07:00', '2026-03-08T23:59:00-07:00', '2026-11-01T01:30:00-08:00', '2026-11-01T23:30:00-08:00'].map(
      (createdAt) => contributionOf(order({ createdAt: toInstant(createdAt) }), LA)[0]!.day,
    );

    expect(days).toEqual(['2026-03-08', '2026-03-08', '2026-11-01', '2026-11-01']);
  });

  it("counts each refund as returns on the refund's own local day, later than the order's", () => {
    const refunded = order({
      refunds: [
        { id: 'r1', createdAt: toInstant('2026-03-09T01:00:00-07:00'), amount: '20.00' },
        { id: 'r2', createdAt: toInstant('2026-03-09T22:00:00-07:00'), amount: '5.5' },
        { id: 'r3', createdAt: toInstant('2026-03-07T18:00:00-08:00'), amount: '1.00' },
      ],
    });

    expect(contributionOf(refunded, LA)).toEqual([
      {
        day: '2026-03-07',
        currency: 'USD',
        figures: figures({ orders: 1, refunds: 1, grossSales: '100.00', returns: '1.00', taxes: '10.00', discounts: '0', shipping: '0' }),
      },
      { day: '2026-03-09', currency: 'USD', figures: figures({ refunds: 2, returns: '25.50' }) },
    ]);
  });

  it("counts an undated refund on the order's own day", () => {
    const undated = order({ refunds: [{ id: 'r1', createdAt: null, amount: '3.00' }] });

    expect(contributionOf(undated, LA)).toEqual([
      {
        day: '2026-03-07',
        currency: 'USD',
        figures: figures({ orders: 1, refunds: 1, grossSales: '100.00', returns: '3.00', taxes: '10.00' }),
      },
    ]);
  });

  it('counts a cancelled order in orders and cancelled_orders, and none of its money, returns included', () => {
    const refunds = [{ id: 'r1', createdAt: toInstant('2026-03-10T09:00:00Z'), amount: '110.00' }];
    const byStatus = order({ status: 'cancelled', totalDiscounts: '5.00', totalShipping: '4.90', refunds });
    const byTime = order({ status: 'closed', cancelledAt: toInstant('2026-03-08T09:00:00Z'), refunds });

    for (const cancelled of [byStatus, byTime]) {
      expect(contributionOf(cancelled, LA)).toEqual([
        { day: '2026-03-07', currency: 'USD', figures: figures({ orders: 1, cancelledOrders: 1 }) },
      ]);
    }
  });

  it('adds nothing for a deleted order', () => {
    expect(contributionOf(null, LA)).toEqual([]);
  });
});

describe('figures kept by adding and removing contributions', () => {
  it('sum several orders per day and currency exactly, JPY and KWD in their own scales', () => {
    const sales = dailySalesOf(
      [
        order({ subtotalPrice: '0.10', totalTax: '0.20' }),
        order({ subtotalPrice: '0.20', totalTax: '0.10' }),
        order({ currency: 'JPY', subtotalPrice: '1200', totalTax: '120', totalDiscounts: '34' }),
        order({ currency: 'JPY', subtotalPrice: '800', totalTax: '80' }),
        order({ currency: 'KWD', subtotalPrice: '12.345', totalTax: '0.005', totalShipping: '1.250' }),
      ],
      LA,
    );

    expect([...sales.keys()]).toEqual(['2026-03-07#USD', '2026-03-07#JPY', '2026-03-07#KWD']);
    expect(sales.get('2026-03-07#USD')!.figures).toEqual(figures({ orders: 2, grossSales: '0.3', taxes: '0.3' }));
    expect(sales.get('2026-03-07#JPY')!.figures).toEqual(figures({ orders: 2, grossSales: '2034', discounts: '34', taxes: '200' }));
    expect(sales.get('2026-03-07#KWD')!.figures).toEqual(figures({ orders: 1, grossSales: '12.345', shipping: '1.25', taxes: '0.005' }));
  });

  it('a new version replacing the old one (a refund arrives, then the order is cancelled) keeps figures equal to a recomputation', () => {
    const placed = order({ totalDiscounts: '5.00' });
    const refunded = { ...placed, refunds: [{ id: 'r1', createdAt: toInstant('2026-03-12T10:00:00Z'), amount: '40.00' }] };
    const cancelled = { ...refunded, status: 'cancelled' as const, cancelledAt: toInstant('2026-03-13T10:00:00Z') };
    const other = order({ subtotalPrice: '7.00', totalTax: '0.70' });
    const sales: DailySales = new Map();
    addContribution(sales, contributionOf(other, LA));
    addContribution(sales, contributionOf(placed, LA));

    removeContribution(sales, contributionOf(placed, LA));
    addContribution(sales, contributionOf(refunded, LA));
    expect(sales).toEqual(dailySalesOf([other, refunded], LA));
    expect(sales.get('2026-03-12#USD')!.figures).toEqual(figures({ refunds: 1, returns: '40' }));

    removeContribution(sales, contributionOf(refunded, LA));
    addContribution(sales, contributionOf(cancelled, LA));
    expect(sales).toEqual(dailySalesOf([other, cancelled], LA));
    // The refund's day had nothing else: it is gone, not a row of zeros.
    expect(sales.has('2026-03-12#USD')).toBe(false);
  });

  it('removing the last order of a day leaves no row for it', () => {
    const sales = dailySalesOf([order()], LA);

    removeContribution(sales, contributionOf(order(), LA));

    expect(sales.size).toBe(0);
  });
});

describe('kept figures under random histories', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('seed %d: versions, replacements and deletions applied in any order equal a recomputation', (seed) => {
    const next = random(seed);
    const held = new Map<string, SalesOrder>();
    const changes: Array<{ add: boolean; order: SalesOrder }> = [];
    for (let step = 0; step < 400; step++) {
      const id = `o${Math.floor(next() * 60)}`;
      const stored = held.get(id);
      if (stored !== undefined) changes.push({ add: false, order: stored });
      if (stored !== undefined && next() < 0.2) {
        held.delete(id);
      } else {
        const version =
          stored !== undefined && next() < 0.5 ? { ...stored, refunds: randomSalesOrder(next).refunds } : randomSalesOrder(next);
        held.set(id, version);
        changes.push({ add: true, order: version });
      }
    }
    // Shuffled: the figures must not depend on the order the changes arrive in.
    for (let i = changes.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [changes[i], changes[j]] = [changes[j]!, changes[i]!];
    }

    const sales: DailySales = new Map();
    for (const change of changes) (change.add ? addContribution : removeContribution)(sales, contributionOf(change.order, LA));

    const recomputed = dailySalesOf(held.values(), LA);
    expect(new Map([...sales].sort())).toEqual(new Map([...recomputed].sort()));
    expect(recomputed.size).toBeGreaterThan(10);
  });
});
