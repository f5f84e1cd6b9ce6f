// From what the sources send to the daily-sales answer: contract orders as validated, Shopify nodes as mapped, and
// orders as the orders item stores and reads them back, all count the same.
import { contributionOf, dailySalesOf } from '../../../functions/core/analytics/daily-sales';
import { dailySalesResponse } from '../../../functions/core/analytics/daily-sales-response';
import { itemToStoredOrder, orderToItem } from '../../../functions/adapters/dynamodb/order-item';
import { mapShopifyOrder } from '../../../functions/adapters/source/shopify/map-order';
import { order, orderWrite } from '../../support/order-factory';

const LA = 'America/Los_Angeles';

describe('daily sales of contract orders', () => {
  const orders = [
    order({
      id: 'ord_1',
      created_at: '2026-03-08T00:30:00-08:00',
      subtotal_price: '95.00',
      total_discounts: '5.00',
      total_shipping: '4.90',
      total_tax: '7.60',
      refunds: [{ id: 'ref_1', created_at: '2026-03-09T08:00:00Z', amount: '20.00' }],
    }),
    // No optional money at all: none, summed as zero.
    order({ id: 'ord_2', created_at: '2026-03-08T23:59:59-07:00', subtotal_price: '10.00', total_tax: '0.80' }),
    order({ id: 'ord_3', created_at: '2026-03-08T12:00:00-07:00', status: 'cancelled', cancelled_at: '2026-03-08T13:00:00-07:00' }),
    order({
      id: 'ord_4',
      currency: 'JPY',
      created_at: '2026-03-08T12:00:00-07:00',
      subtotal_price: '1500',
      total_tax: '150',
      total_discounts: '0',
    }),
    order({
      id: 'ord_5',
      currency: 'KWD',
      created_at: '2026-03-08T12:00:00-07:00',
      subtotal_price: '3.125',
      total_tax: '0',
      total_shipping: '0.5',
    }),
  ];

  it('answers the 23-hour day and the refund’s own day, each currency in its places', () => {
    const answer = dailySalesResponse({
      timeZone: LA,
      range: { from: '2026-03-08', to: '2026-03-09' },
      asOf: null,
      sales: dailySalesOf(orders, LA).values(),
    });

    expect(
      answer.days.map((row) => [
        row.day,
        row.currency,
        row.orders,
        row.cancelled_orders,
        row.gross_sales,
        row.discounts,
        row.returns,
        row.net_sales,
        row.shipping,
        row.taxes,
        row.total_sales,
      ]),
    ).toEqual([
      ['2026-03-08', 'JPY', 1, 0, '1500', '0', '0', '1500', '0', '150', '1650'],
      ['2026-03-08', 'KWD', 1, 0, '3.125', '0.000', '0.000', '3.125', '0.500', '0.000', '3.625'],
      ['2026-03-08', 'USD', 3, 1, '110.00', '5.00', '0.00', '105.00', '4.90', '8.40', '118.30'],
      ['2026-03-09', 'USD', 0, 0, '0.00', '0.00', '20.00', '-20.00', '0.00', '0.00', '-20.00'],
    ]);
  });

  it('counts an order as the orders item stores it and reads it back', () => {
    for (const source of orders) {
      const item = orderToItem(
        orderWrite({ record: source, kind: 'inserted', replaces: null, writeTag: 'run#0', syncedAt: '2026-03-10T00:00:00.000000Z' }),
        LA,
      );
      const stored = itemToStoredOrder(item as unknown as Record<string, unknown>);

      expect(contributionOf(stored, LA)).toEqual(contributionOf(source, LA));
    }
  });
});

describe('daily sales of a Shopify order', () => {
  const money = (amount: string) => ({ shopMoney: { amount, currencyCode: 'USD' } });
  const node = {
    id: 'gid://shopify/Order/1',
    number: 1,
    closed: false,
    cancelledAt: null,
    displayFinancialStatus: 'PARTIALLY_REFUNDED',
    displayFulfillmentStatus: 'FULFILLED',
    email: null,
    customer: null,
    totalPriceSet: money('112.50'),
    subtotalPriceSet: money('90.00'),
    totalTaxSet: money('7.60'),
    totalDiscountsSet: money('10.00'),
    totalShippingPriceSet: money('4.90'),
    currentTotalPriceSet: money('92.50'),
    currentSubtotalPriceSet: money('70.00'),
    currentTotalTaxSet: money('7.60'),
    currentTotalDiscountsSet: money('10.00'),
    totalRefundedSet: money('20.00'),
    currentShippingPriceSet: money('4.90'),
    refunds: [{ id: 'gid://shopify/Refund/1', createdAt: '2026-11-02T07:30:00Z', totalRefundedSet: money('20.00') }],
    discountCodes: [],
    discountApplications: { nodes: [] },
    shippingLines: { nodes: [] },
    taxLines: [],
    billingAddress: null,
    shippingAddress: null,
    tags: [],
    note: null,
    lineItems: { nodes: [] },
    createdAt: '2026-11-01T08:30:00Z',
    updatedAt: '2026-11-02T07:30:00Z',
  };

  it('sums subtotal + totalDiscounts, totalShipping, totalTax; the refund on its own day (the 25-hour day’s last hour)', () => {
    expect(contributionOf(mapShopifyOrder(node), LA)).toEqual([
      {
        day: '2026-11-01',
        currency: 'USD',
        figures: {
          orders: 1,
          cancelledOrders: 0,
          refunds: 1,
          grossSales: '100.00',
          discounts: '10.00',
          returns: '20.00',
          shipping: '4.90',
          taxes: '7.60',
        },
      },
    ]);
  });
});
