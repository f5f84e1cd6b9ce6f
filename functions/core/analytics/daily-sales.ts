// Daily sales per day (in the shop's time zone) and currency: what one order version adds to them, adding and
// removing such contributions, and the recomputation from a list of orders that every kept figure must equal.
// Definitions: docs/design.md "Daily sales".
import type { Order } from '../order';
import { addDecimals, formatDecimal, isZeroDecimal, subtractDecimals } from './decimal';
import type { LocalDay } from './local-day';
import { localDayOf } from './time-zone';

/** What the daily sales read of an order (a stored order has these too). */
export type SalesOrder = Pick<
  Order,
  'currency' | 'status' | 'createdAt' | 'cancelledAt' | 'subtotalPrice' | 'totalTax' | 'totalDiscounts' | 'totalShipping' | 'refunds'
>;

/** Only what the daily sales read of an order (a whole order or stored order holds much more). */
export function salesFieldsOf(order: SalesOrder): SalesOrder {
  const { currency, status, createdAt, cancelledAt, subtotalPrice, totalTax, totalDiscounts, totalShipping, refunds } = order;
  return {
    currency,
    status,
    createdAt,
    cancelledAt,
    subtotalPrice,
    totalTax,
    totalDiscounts,
    totalShipping,
    refunds: refunds.map((r) => ({ ...r })),
  };
}

/**
 * The additive figures of one day and currency; net and total sales follow from them (netSalesOf, totalSalesOf).
 * Money as exact decimal strings at the scale of the amounts summed.
 */
export interface DayFigures {
  /** Live orders created that day, cancelled ones included. */
  orders: number;
  cancelledOrders: number;
  /** Refunds dated that day, of orders not cancelled: with `orders`, says whether the day has anything to show. */
  refunds: number;
  /** Σ subtotal + discounts of the orders not cancelled. */
  grossSales: string;
  discounts: string;
  /** Σ the refunds dated that day, of orders not cancelled. */
  returns: string;
  shipping: string;
  taxes: string;
}

/** One day and currency's figures. */
export interface DaySales {
  day: LocalDay;
  currency: string;
  figures: DayFigures;
}

/** Days and currencies with their figures, keyed by salesKey. */
export type DailySales = Map<string, DaySales>;

const MONEY = ['grossSales', 'discounts', 'returns', 'shipping', 'taxes'] as const;
const COUNTS = ['orders', 'cancelledOrders', 'refunds'] as const;

export const ZERO_FIGURES: Readonly<DayFigures> = {
  orders: 0,
  cancelledOrders: 0,
  refunds: 0,
  grossSales: '0',
  discounts: '0',
  returns: '0',
  shipping: '0',
  taxes: '0',
};

/** `2026-03-08#USD`: ordered by day, then currency. */
export function salesKey(day: LocalDay, currency: string): string {
  return `${day}#${currency}`;
}

/** Cancelled: the source says so by status or by a cancellation time (either is enough). */
export function isCancelled(order: Pick<SalesOrder, 'status' | 'cancelledAt'>): boolean {
  return order.status === 'cancelled' || order.cancelledAt !== null;
}

export function netSalesOf(figures: DayFigures): string {
  return subtractDecimals(subtractDecimals(figures.grossSales, figures.discounts), figures.returns);
}

export function totalSalesOf(figures: DayFigures): string {
  return addDecimals(addDecimals(netSalesOf(figures), figures.shipping), figures.taxes);
}

/**
 * a + sign × b, figure by figure; money in its shortest exact form ("10.5", not "10.50"), so that figures reached by
 * any order of additions and removals are equal as values and as data.
 */
function combined(a: DayFigures, b: DayFigures, sign: 1 | -1): DayFigures {
  const result = { ...a };
  for (const name of COUNTS) result[name] = a[name] + sign * b[name];
  for (const name of MONEY) {
    result[name] = formatDecimal(sign === 1 ? addDecimals(a[name], b[name]) : subtractDecimals(a[name], b[name]), 0);
  }
  return result;
}

/** Nothing to show: no order, no refund, no money (a day whose last order was removed). */
export function isEmptyFigures(figures: DayFigures): boolean {
  return COUNTS.every((name) => figures[name] === 0) && MONEY.every((name) => isZeroDecimal(figures[name]));
}

/**
 * What one order version adds to the daily sales, one entry per day it touches: its creation day (an order, a
 * cancellation; unless cancelled, its gross sales, discounts, shipping and taxes) and, unless cancelled, the day of
 * each refund (a refund without a date counts on the order's own day). A deleted order (null) adds nothing.
 * Sorted by day.
 */
export function contributionOf(order: SalesOrder | null, zone: string): DaySales[] {
  if (order === null) return [];
  const days = new Map<LocalDay, DayFigures>();
  const at = (day: LocalDay): DayFigures => {
    let figures = days.get(day);
    if (figures === undefined) days.set(day, (figures = { ...ZERO_FIGURES }));
    return figures;
  };
  const createdDay = localDayOf(order.createdAt, zone);
  const created = at(createdDay);
  created.orders = 1;
  if (isCancelled(order)) {
    created.cancelledOrders = 1;
  } else {
    const discounts = order.totalDiscounts ?? '0';
    created.grossSales = addDecimals(order.subtotalPrice, discounts);
    created.discounts = discounts;
    created.shipping = order.totalShipping ?? '0';
    created.taxes = order.totalTax;
    for (const refund of order.refunds) {
      const figures = at(refund.createdAt === null ? createdDay : localDayOf(refund.createdAt, zone));
      figures.refunds += 1;
      figures.returns = addDecimals(figures.returns, refund.amount);
    }
  }
  return [...days].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([day, figures]) => ({ day, currency: order.currency, figures }));
}

function apply(sales: DailySales, contribution: readonly DaySales[], sign: 1 | -1): void {
  for (const { day, currency, figures } of contribution) {
    const key = salesKey(day, currency);
    const before = sales.get(key)?.figures ?? ZERO_FIGURES;
    const after = combined(before, figures, sign);
    if (isEmptyFigures(after)) sales.delete(key);
    else sales.set(key, { day, currency, figures: after });
  }
}

/** Adds a contribution to the figures held (in place). */
export function addContribution(sales: DailySales, contribution: readonly DaySales[]): void {
  apply(sales, contribution, 1);
}

/**
 * Takes a contribution added before back out of the figures held (in place); a day and currency left with nothing
 * to show is dropped, so the figures stay equal to a recomputation from the orders that remain.
 */
export function removeContribution(sales: DailySales, contribution: readonly DaySales[]): void {
  apply(sales, contribution, -1);
}

/** The daily sales of a list of orders, computed from scratch: the reference every kept figure is checked against. */
export function dailySalesOf(orders: Iterable<SalesOrder>, zone: string): DailySales {
  const sales: DailySales = new Map();
  for (const order of orders) addContribution(sales, contributionOf(order, zone));
  return sales;
}
