// Random orders as the daily sales read them, from a seeded generator: for tests that compare kept figures with a
// recomputation over many histories.
import type { SalesOrder } from '../../functions/core/analytics/daily-sales';
import { toInstant } from '../../functions/core/instant';

/** mulberry32: a small seeded generator, so a failing case can be replayed from its seed. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random order version around Los Angeles' two DST changes of 2026: currencies of 0, 2 and 3 places, refunds on later days, cancellations. */
export function randomSalesOrder(next: () => number): SalesOrder {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const currency = pick(['USD', 'JPY', 'KWD', 'EUR'] as const);
  const places = { USD: 2, JPY: 0, KWD: 3, EUR: 2 }[currency] + (next() < 0.1 ? 1 : 0);
  const money = (max: number): string => {
    const units = BigInt(Math.floor(next() * max * 10 ** places));
    const text = units.toString().padStart(places + 1, '0');
    return places === 0 ? text : `${text.slice(0, -places)}.${text.slice(-places)}`;
  };
  // Around both DST changes of 2026 in Los Angeles, hour by hour.
  const around = pick(['2026-03-08T10:00:00Z', '2026-11-01T09:00:00Z']);
  const at = (hoursFrom: number): string => new Date(Date.parse(around) + Math.round(hoursFrom * 3_600_000)).toISOString();
  const createdHours = next() * 72 - 36;
  const cancelled = next() < 0.15;
  return {
    currency,
    status: cancelled && next() < 0.5 ? 'cancelled' : pick(['open', 'closed'] as const),
    createdAt: toInstant(at(createdHours)),
    cancelledAt: cancelled ? toInstant(at(createdHours + 1)) : null,
    subtotalPrice: money(500),
    totalTax: money(50),
    totalDiscounts: next() < 0.5 ? null : money(30),
    totalShipping: next() < 0.5 ? null : money(20),
    refunds: Array.from({ length: Math.floor(next() * 3) }, (_, i) => ({
      id: `r${i}`,
      createdAt: next() < 0.1 ? null : toInstant(at(createdHours + next() * 96)),
      amount: money(100),
    })),
  };
}

/** An order as the daily sales read it: USD 100 subtotal, 10 tax, created 2026-03-07 at noon in Los Angeles, no refund. */
export function salesOrder(overrides: Partial<SalesOrder> = {}): SalesOrder {
  return {
    currency: 'USD',
    status: 'open',
    createdAt: toInstant('2026-03-07T12:00:00-08:00'),
    cancelledAt: null,
    subtotalPrice: '100.00',
    totalTax: '10.00',
    totalDiscounts: null,
    totalShipping: null,
    refunds: [],
    ...overrides,
  };
}
