// Mapping Shopify Order nodes onto the internal order, the window's search filter and the query cost: pure
// functions, no server.
import { mapShopifyOrder } from '../../functions/adapters/source/shopify/map-order';
import {
  maxOrdersPerRequest,
  ordersPageCost,
  shopifyDateTime,
  windowFilter,
  MAX_SINGLE_QUERY_COST,
} from '../../functions/adapters/source/shopify/queries';
import { graphqlEndpoint } from '../../functions/adapters/source/shopify/shopify-orders-source';
import { InvalidOrderError } from '../../functions/core/errors';
import { ORDERS_PAGE_QUERY } from '../../functions/adapters/source/shopify/queries';
import { answerProblems, SUPPORTED_API_VERSIONS } from '../support/shopify-schema';

const money = (amount: string, currencyCode = 'EUR') => ({ shopMoney: { amount, currencyCode } });

function node(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'gid://shopify/Order/5512345678901',
    name: '#1001',
    number: 1001,
    email: 'ana@example.com',
    createdAt: '2025-01-15T10:25:00Z',
    updatedAt: '2025-01-15T10:31:07Z',
    cancelledAt: null,
    closed: false,
    closedAt: null,
    displayFinancialStatus: 'PAID',
    displayFulfillmentStatus: 'UNFULFILLED',
    totalPriceSet: money('1234567890123.10'),
    subtotalPriceSet: money('1234567890113.10'),
    totalTaxSet: money('10.0'),
    currentTotalPriceSet: money('1234567890103.10'),
    currentSubtotalPriceSet: money('1234567890093.10'),
    currentTotalTaxSet: money('10.0'),
    currentTotalDiscountsSet: money('5.00'),
    totalDiscountsSet: money('5.00'),
    totalRefundedSet: money('20.00'),
    totalShippingPriceSet: money('4.90'),
    currentShippingPriceSet: money('4.90'),
    discountCodes: ['WELCOME5'],
    tags: ['vip', 'gift'],
    note: 'Deixe na portaria',
    taxLines: [{ title: 'VAT', rate: 0.2, priceSet: money('10.0') }],
    refunds: [{ id: 'gid://shopify/Refund/7', createdAt: '2025-01-15T11:00:00Z', totalRefundedSet: money('20.00') }],
    billingAddress: {
      countryCodeV2: 'BR',
      country: 'Brazil',
      provinceCode: 'SP',
      province: 'São Paulo',
      city: 'São Paulo',
      zip: '01310-100',
    },
    shippingAddress: null,
    customer: { id: 'gid://shopify/Customer/42', displayName: 'Ana Lima' },
    lineItems: {
      nodes: [
        {
          id: 'gid://shopify/LineItem/1',
          sku: 'SKU-1',
          title: 'Mug',
          quantity: 2,
          variant: { id: 'gid://shopify/ProductVariant/9' },
          product: null,
          originalTotalSet: money('59.98'),
          discountedTotalSet: money('54.98'),
        },
      ],
      pageInfo: { hasNextPage: false, endCursor: 'x' },
    },
    discountApplications: {
      nodes: [
        {
          __typename: 'DiscountCodeApplication',
          allocationMethod: 'ACROSS',
          targetType: 'LINE_ITEM',
          value: { __typename: 'MoneyV2', amount: '5.00', currencyCode: 'EUR' },
          code: 'WELCOME5',
        },
        {
          __typename: 'AutomaticDiscountApplication',
          allocationMethod: 'EACH',
          targetType: 'SHIPPING_LINE',
          value: { __typename: 'PricingPercentageValue', percentage: 100 },
          title: 'Free shipping',
        },
      ],
      pageInfo: { hasNextPage: false, endCursor: 'y' },
    },
    shippingLines: {
      nodes: [
        {
          id: 'gid://shopify/ShippingLine/3',
          title: 'Standard',
          code: 'STD',
          source: 'shopify',
          originalPriceSet: money('4.90'),
          discountedPriceSet: money('4.90'),
        },
      ],
      pageInfo: { hasNextPage: false, endCursor: 'z' },
    },
    ...overrides,
  };
}

function failure(input: Record<string, unknown>): InvalidOrderError {
  try {
    mapShopifyOrder(input);
  } catch (error) {
    return error as InvalidOrderError;
  }
  throw new Error('expected the order to fail');
}

describe('mapShopifyOrder', () => {
  it.each(SUPPORTED_API_VERSIONS)('is tested on a node shaped as the Admin API %s answers OrdersPage', (version) => {
    const data = {
      orders: {
        nodes: [node(), node({ displayFinancialStatus: null, totalDiscountsSet: null })],
        pageInfo: { hasNextPage: false, endCursor: null },
      },
    };
    expect(answerProblems(ORDERS_PAGE_QUERY, version, data, { first: 2, query: 'x', lineItems: 10 })).toEqual([]);
  });

  it('maps a node onto the internal order, money as the exact strings Shopify sent, raw kept', () => {
    const input = node();

    const order = mapShopifyOrder(input);

    expect(order).toMatchObject({
      id: 'gid://shopify/Order/5512345678901',
      orderNumber: 1001,
      status: 'open',
      financialStatus: 'paid',
      fulfillmentStatus: null,
      currency: 'EUR',
      totalPrice: '1234567890123.10',
      subtotalPrice: '1234567890113.10',
      totalTax: '10.0',
      customer: { id: 'gid://shopify/Customer/42', email: 'ana@example.com', name: 'Ana Lima' },
      lineItems: [
        {
          id: 'gid://shopify/LineItem/1',
          sku: 'SKU-1',
          title: 'Mug',
          quantity: 2,
          price: '59.98',
          discountedTotal: '54.98',
          variantId: 'gid://shopify/ProductVariant/9',
          productId: null,
        },
      ],
      createdAt: '2025-01-15T10:25:00.000000Z',
      updatedAt: '2025-01-15T10:31:07.000000Z',
      cancelledAt: null,
    });
    expect(order.raw).toBe(input);
  });

  it('keeps the fields a revenue dashboard reads: current totals, refunds, discounts, shipping, tax, addresses, tags, note', () => {
    expect(mapShopifyOrder(node()).details).toEqual({
      currentTotalPrice: '1234567890103.10',
      currentSubtotalPrice: '1234567890093.10',
      currentTotalTax: '10.0',
      currentTotalDiscounts: '5.00',
      totalDiscounts: '5.00',
      totalRefunded: '20.00',
      totalShipping: '4.90',
      currentTotalShipping: '4.90',
      refunds: [{ id: 'gid://shopify/Refund/7', createdAt: '2025-01-15T11:00:00.000000Z', amount: '20.00' }],
      discountCodes: ['WELCOME5'],
      discountApplications: [
        {
          kind: 'code',
          code: 'WELCOME5',
          title: null,
          amount: '5.00',
          percentage: null,
          allocationMethod: 'ACROSS',
          targetType: 'LINE_ITEM',
        },
        {
          kind: 'automatic',
          code: null,
          title: 'Free shipping',
          amount: null,
          percentage: 100,
          allocationMethod: 'EACH',
          targetType: 'SHIPPING_LINE',
        },
      ],
      shippingLines: [
        { id: 'gid://shopify/ShippingLine/3', title: 'Standard', code: 'STD', source: 'shopify', price: '4.90', discountedPrice: '4.90' },
      ],
      taxLines: [{ title: 'VAT', rate: 0.2, price: '10.0' }],
      billingAddress: {
        countryCode: 'BR',
        country: 'Brazil',
        provinceCode: 'SP',
        province: 'São Paulo',
        city: 'São Paulo',
        zip: '01310-100',
      },
      shippingAddress: null,
      tags: ['vip', 'gift'],
      note: 'Deixe na portaria',
    });
  });

  it('keeps a null displayFinancialStatus (the schema allows it) as financial status null, and a null totalDiscountsSet as null', () => {
    const order = mapShopifyOrder(node({ displayFinancialStatus: null, totalDiscountsSet: null }));

    expect(order.financialStatus).toBeNull();
    expect(order.details!.totalDiscounts).toBeNull();
    expect(order.totalDiscounts).toBeNull();
  });

  it("reads the contract's own discounts, shipping and refunds (what the daily sales sum) from the same Shopify fields as details", () => {
    const order = mapShopifyOrder(node());

    expect(order.totalDiscounts).toBe('5.00');
    expect(order.totalShipping).toBe('4.90');
    expect(order.refunds).toEqual([{ id: 'gid://shopify/Refund/7', createdAt: '2025-01-15T11:00:00.000000Z', amount: '20.00' }]);
    expect([order.totalDiscounts, order.totalShipping, order.refunds]).toEqual([
      order.details!.totalDiscounts,
      order.details!.totalShipping,
      order.details!.refunds,
    ]);
  });

  it('keeps an undated refund (Refund.createdAt is nullable) as undated, and names a bad refund amount by its Shopify field', () => {
    const undated = mapShopifyOrder(
      node({ refunds: [{ id: 'gid://shopify/Refund/1', createdAt: null, totalRefundedSet: money('1.00') }] }),
    );
    const bad = failure(node({ refunds: [{ id: 'gid://shopify/Refund/1', createdAt: null, totalRefundedSet: money('1,00') }] }));

    expect(undated.refunds).toEqual([{ id: 'gid://shopify/Refund/1', createdAt: null, amount: '1.00' }]);
    expect(bad.field).toBe('refunds[0].totalRefundedSet.shopMoney.amount');
  });

  it.each([
    [{ closed: false, cancelledAt: null }, 'open'],
    [{ closed: true, cancelledAt: null }, 'closed'],
    [{ closed: true, cancelledAt: '2025-01-16T00:00:00Z' }, 'cancelled'],
    [{ closed: false, cancelledAt: '2025-01-16T00:00:00Z' }, 'cancelled'],
  ])('derives status from closed and cancelledAt (%o → %s)', (fields, status) => {
    expect(mapShopifyOrder(node(fields)).status).toBe(status);
  });

  it.each([
    ['PENDING', 'pending'],
    ['AUTHORIZED', 'authorized'],
    ['PARTIALLY_PAID', 'pending'],
    ['PAID', 'paid'],
    ['PARTIALLY_REFUNDED', 'partially_refunded'],
    ['REFUNDED', 'refunded'],
    ['VOIDED', 'voided'],
    ['EXPIRED', 'voided'],
  ])('maps displayFinancialStatus %s to %s', (shopify, ours) => {
    expect(mapShopifyOrder(node({ displayFinancialStatus: shopify })).financialStatus).toBe(ours);
  });

  it.each([
    ['FULFILLED', 'fulfilled'],
    ['PARTIALLY_FULFILLED', 'partial'],
    ['IN_PROGRESS', null],
    ['FULFILLMENT_NOT_REQUIRED', null],
  ])('maps displayFulfillmentStatus %s to %s', (shopify, ours) => {
    expect(mapShopifyOrder(node({ displayFulfillmentStatus: shopify })).fulfillmentStatus).toBe(ours);
  });

  it('maps an order without a customer (guest checkout) to customer null', () => {
    expect(mapShopifyOrder(node({ customer: null, email: null })).customer).toBeNull();
  });

  it.each([
    [{ displayFinancialStatus: 'SOMETHING_NEW' }, 'displayFinancialStatus', /no mapping for "SOMETHING_NEW"/],
    [{ currentTotalPriceSet: undefined }, 'currentTotalPriceSet.shopMoney.amount', /must be a decimal string/],
    [
      { refunds: [{ id: 'gid://shopify/Refund/1', createdAt: null, totalRefundedSet: money('1.00', 'USD') }] },
      'refunds[0].totalRefundedSet.shopMoney.currencyCode',
      /is in USD/,
    ],
    [
      {
        discountApplications: {
          nodes: [
            {
              __typename: 'FutureDiscountApplication',
              allocationMethod: 'EACH',
              targetType: 'LINE_ITEM',
              value: { __typename: 'PricingPercentageValue', percentage: 5 },
            },
          ],
          pageInfo: { hasNextPage: false },
        },
      },
      'discountApplications.nodes[0].__typename',
      /must be one of code/,
    ],
    [{ billingAddress: { countryCodeV2: 7 } }, 'billingAddress.countryCodeV2', /must be a string or null/],
    [{ tags: 'vip, gift' }, 'tags', /must be an array/],
    [{ displayFulfillmentStatus: 'LOST' }, 'displayFulfillmentStatus', /no mapping for "LOST"/],
    [{ totalPriceSet: money('12.5e3') }, 'totalPriceSet.shopMoney.amount', /must be a decimal string/],
    [{ totalTaxSet: money('1.00', 'USD') }, 'totalTaxSet.shopMoney.currencyCode', /is in USD, the order total in EUR/],
    [{ number: 0 }, 'number', /positive integer/],
    [{ updatedAt: 'yesterday' }, 'updatedAt', /RFC 3339/],
    [{ closed: 'no' }, 'closed', /must be a boolean/],
  ])('refuses %o, naming the Shopify field %s', (fields, field, problem) => {
    const error = failure(node(fields));

    expect(error).toBeInstanceOf(InvalidOrderError);
    expect(error.orderId).toBe('gid://shopify/Order/5512345678901');
    expect(error.field).toBe(field);
    expect(error.message).toMatch(problem);
  });

  it('names the line item and its Shopify field when one is bad', () => {
    const bad = node();
    (bad.lineItems as { nodes: Array<Record<string, unknown>> }).nodes.push({
      id: 'gid://shopify/LineItem/2',
      sku: null,
      title: 'Cup',
      quantity: -1,
      originalTotalSet: money('1.00'),
    });

    expect(failure(bad).field).toBe('lineItems.nodes[1].quantity');
  });
});

describe('the window as a search filter, and the query cost', () => {
  it('writes the bounds as Shopify DateTimes, keeping sub-second digits only when there are some', () => {
    expect(shopifyDateTime('2025-01-15T10:31:07.000000Z')).toBe('2025-01-15T10:31:07Z');
    expect(shopifyDateTime('2025-01-15T10:31:07.450000Z')).toBe('2025-01-15T10:31:07.45Z');
    expect(windowFilter({ from: null, to: '2025-01-15T10:31:07.000000Z' })).toBe("updated_at:<'2025-01-15T10:31:07Z'");
    expect(windowFilter({ from: '2025-01-15T10:26:07.000001Z', to: '2025-01-15T10:31:07.000000Z' })).toBe(
      "updated_at:>='2025-01-15T10:26:07.000001Z' AND updated_at:<'2025-01-15T10:31:07Z'",
    );
  });

  it('sizes a page request to the most orders whose calculated cost stays under the single-query limit', () => {
    const first = maxOrdersPerRequest(10);

    expect(ordersPageCost(first, 10)).toBeLessThanOrEqual(MAX_SINGLE_QUERY_COST);
    expect(ordersPageCost(first + 1, 10)).toBeGreaterThan(MAX_SINGLE_QUERY_COST);
  });

  it('builds the versioned GraphQL endpoint of a shop domain', () => {
    expect(graphqlEndpoint('my-shop.myshopify.com', '2025-10').href).toBe('https://my-shop.myshopify.com/admin/api/2025-10/graphql.json');
    expect(graphqlEndpoint('http://127.0.0.1:4011', 'unstable').href).toBe('http://127.0.0.1:4011/admin/api/unstable/graphql.json');
  });
});
