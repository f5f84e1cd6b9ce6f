// Mapping Shopify Order nodes onto the internal order, the window's search filter and the query cost: pure
// functions, no server.
import { mapShopifyOrder } from '../../functions/adapters/source/shopify/map-order';
import { maxOrdersPerRequest, ordersPageCost, shopifyDateTime, windowFilter, MAX_SINGLE_QUERY_COST } from '../../functions/adapters/source/shopify/queries';
import { graphqlEndpoint } from '../../functions/adapters/source/shopify/shopify-orders-source';
import { InvalidOrderError } from '../../functions/core/errors';

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
    customer: { id: 'gid://shopify/Customer/42', displayName: 'Ana Lima' },
    lineItems: {
      nodes: [{ id: 'gid://shopify/LineItem/1', sku: 'SKU-1', title: 'Mug', quantity: 2, originalTotalSet: money('59.98') }],
      pageInfo: { hasNextPage: false, endCursor: 'x' },
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
      lineItems: [{ id: 'gid://shopify/LineItem/1', sku: 'SKU-1', title: 'Mug', quantity: 2, price: '59.98' }],
      createdAt: '2025-01-15T10:25:00.000000Z',
      updatedAt: '2025-01-15T10:31:07.000000Z',
      cancelledAt: null,
    });
    expect(order.raw).toBe(input);
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
    [{ displayFinancialStatus: null }, 'displayFinancialStatus', /no mapping for null/],
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
    (bad.lineItems as { nodes: Array<Record<string, unknown>> }).nodes.push({ id: 'gid://shopify/LineItem/2', sku: null, title: 'Cup', quantity: -1, originalTotalSet: money('1.00') });

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
