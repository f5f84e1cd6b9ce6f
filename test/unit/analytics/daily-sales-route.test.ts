// The daily-sales route's parameters (refused with the reason, as a 400) and its answer's shape.
import { dailySalesOf, contributionOf, type SalesOrder } from '../../../functions/core/analytics/daily-sales';
import { MAX_RANGE_DAYS, parseDayRange } from '../../../functions/core/analytics/daily-sales-range';
import { dailySalesResponse } from '../../../functions/core/analytics/daily-sales-response';
import { InvalidInputError } from '../../../functions/core/errors';
import { toInstant } from '../../../functions/core/instant';

function refusal(query: Record<string, string | undefined>): InvalidInputError {
  try {
    parseDayRange(query);
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(query)} to be refused`);
}

describe('the range a daily-sales request asks for', () => {
  it('takes two real days, both included, one day or up to 366', () => {
    expect(parseDayRange({ from: '2026-03-08', to: '2026-03-08' })).toEqual({ from: '2026-03-08', to: '2026-03-08' });
    expect(parseDayRange({ from: '2024-01-01', to: '2024-12-31' })).toEqual({ from: '2024-01-01', to: '2024-12-31' });
    expect(MAX_RANGE_DAYS).toBe(366);
  });

  it.each<[string, Record<string, string | undefined>, string]>([
    ['a missing from', { to: '2026-03-08' }, 'from: required, a day as YYYY-MM-DD'],
    ['an empty to', { from: '2026-03-08', to: '' }, 'to: required, a day as YYYY-MM-DD'],
    ['a from that is not a date', { from: 'yesterday', to: '2026-03-08' }, 'from: "yesterday" is not a day of the form YYYY-MM-DD'],
    [
      'a timestamp for a day',
      { from: '2026-03-08T00:00:00Z', to: '2026-03-09' },
      'from: "2026-03-08T00:00:00Z" is not a day of the form YYYY-MM-DD',
    ],
    ['February 30', { from: '2026-02-01', to: '2026-02-30' }, 'to: "2026-02-30" has day 30, not a day of 2026-02'],
    ['February 29 of a common year', { from: '2026-02-29', to: '2026-03-01' }, 'from: "2026-02-29" has day 29, not a day of 2026-02'],
    ['month 13', { from: '2026-13-01', to: '2026-13-02' }, 'from: "2026-13-01" has month 13, outside 01..12'],
    ['to before from', { from: '2026-03-09', to: '2026-03-08' }, 'to: 2026-03-08 is before from (2026-03-09)'],
    [
      '367 days',
      { from: '2025-01-01', to: '2026-01-02' },
      'from 2025-01-01 to 2026-01-02 is 367 days, both included; at most 366 days per request',
    ],
  ])('refuses %s, naming the problem', (_what, query, message) => {
    const error = refusal(query);

    expect(error.message).toBe(message);
    expect(error.name).toBe('InvalidInputError');
    expect(error.expose).toBe(true);
  });

  it('shortens a long bad value in the message', () => {
    expect(refusal({ from: 'x'.repeat(500), to: '2026-01-01' }).message.length).toBeLessThan(120);
  });
});

describe("the route's answer", () => {
  const zone = 'America/Los_Angeles';
  const base: SalesOrder = {
    currency: 'USD',
    status: 'open',
    createdAt: toInstant('2026-03-08T09:00:00-07:00'),
    cancelledAt: null,
    subtotalPrice: '1200.5',
    totalTax: '96.04',
    totalDiscounts: '34.00',
    totalShipping: '4.9',
    refunds: [{ id: 'r1', createdAt: toInstant('2026-03-10T10:00:00-07:00'), amount: '50' }],
  };
  const sales = dailySalesOf(
    [
      base,
      { ...base, currency: 'JPY', subtotalPrice: '1200', totalTax: '120', totalDiscounts: null, totalShipping: null, refunds: [] },
      { ...base, status: 'cancelled', cancelledAt: toInstant('2026-03-08T10:00:00-07:00') },
      { ...base, createdAt: toInstant('2026-03-20T10:00:00-07:00'), refunds: [] },
    ],
    zone,
  );

  it('lists the days with an order or a refund in the range, by day then currency, money in each currency’s places', () => {
    const answer = dailySalesResponse({
      timeZone: zone,
      range: { from: '2026-03-01', to: '2026-03-10' },
      asOf: '2026-03-11T00:05:00.000000Z',
      sales: sales.values(),
    });

    expect(answer).toEqual({
      time_zone: zone,
      from: '2026-03-01',
      to: '2026-03-10',
      as_of: '2026-03-11T00:05:00.000000Z',
      days: [
        {
          day: '2026-03-08',
          currency: 'JPY',
          orders: 1,
          cancelled_orders: 0,
          gross_sales: '1200',
          discounts: '0',
          returns: '0',
          net_sales: '1200',
          shipping: '0',
          taxes: '120',
          total_sales: '1320',
        },
        {
          day: '2026-03-08',
          currency: 'USD',
          orders: 2,
          cancelled_orders: 1,
          gross_sales: '1234.50',
          discounts: '34.00',
          returns: '0.00',
          net_sales: '1200.50',
          shipping: '4.90',
          taxes: '96.04',
          total_sales: '1301.44',
        },
        {
          day: '2026-03-10',
          currency: 'USD',
          orders: 0,
          cancelled_orders: 0,
          gross_sales: '0.00',
          discounts: '0.00',
          returns: '50.00',
          net_sales: '-50.00',
          shipping: '0.00',
          taxes: '0.00',
          total_sales: '-50.00',
        },
      ],
    });
  });

  it('answers an empty list for a range without sales, and as_of null before the first sync', () => {
    const answer = dailySalesResponse({
      timeZone: 'UTC',
      range: { from: '2025-01-01', to: '2025-01-31' },
      asOf: null,
      sales: sales.values(),
    });

    expect(answer).toEqual({ time_zone: 'UTC', from: '2025-01-01', to: '2025-01-31', as_of: null, days: [] });
  });

  it('leaves out a row with nothing to show (orders and refunds 0), whatever the reader gave', () => {
    const [empty] = contributionOf(null, zone);
    expect(empty).toBeUndefined();
    const zero = { day: '2026-03-09', currency: 'USD', figures: { ...[...sales.values()][0]!.figures, orders: 0, refunds: 0 } };

    expect(dailySalesResponse({ timeZone: zone, range: { from: '2026-03-09', to: '2026-03-09' }, asOf: null, sales: [zero] }).days).toEqual(
      [],
    );
  });
});
