// validateOrder: a source order that keeps the rules of docs/source-contract.md "Order" becomes an Order; one that breaks them
// is refused with an error naming the order, the field and what is wrong.
import { InvalidOrderError } from '../../functions/core/errors';
import { validateOrder } from '../../functions/core/validate-order';
import { rawLineItem, rawOrder } from '../support/order-factory';

/** The InvalidOrderError validateOrder throws for this input (fails the test if it throws nothing). */
function refusal(input: unknown): InvalidOrderError {
  try {
    validateOrder(input);
  } catch (error) {
    if (error instanceof InvalidOrderError) return error;
    throw error;
  }
  throw new Error('expected validateOrder to refuse the order, but it accepted it');
}

describe('validateOrder on a valid order', () => {
  it('normalises the contract example into an Order', () => {
    const raw = rawOrder();

    const order = validateOrder(raw);

    expect(order).toEqual({
      id: 'ord_0000001',
      orderNumber: 1001,
      status: 'open',
      financialStatus: 'paid',
      fulfillmentStatus: null,
      currency: 'USD',
      totalPrice: '129.95',
      subtotalPrice: '119.95',
      totalTax: '10.00',
      totalDiscounts: null,
      totalShipping: null,
      refunds: [],
      customer: { id: 'cus_42', email: 'ana@example.com', name: 'Ana Lima' },
      lineItems: [{ id: 'li_1', sku: 'SKU-1', title: 'Mug', quantity: 2, price: '59.98' }],
      createdAt: '2025-01-15T10:25:00.123000Z',
      updatedAt: '2025-01-15T08:31:07.456000Z',
      cancelledAt: null,
      raw,
    });
  });

  it('keeps unknown fields: raw is the very object received', () => {
    const raw = rawOrder({ tags: ['vip'], note_attributes: { gift: true } });

    const order = validateOrder(raw);

    expect(order.raw).toBe(raw);
    expect(order.raw.tags).toEqual(['vip']);
  });

  it('ignores unknown fields on the customer and on line items', () => {
    const order = validateOrder(
      rawOrder({
        customer: { id: 'cus_1', email: null, name: null, phone: '+1 555' },
        line_items: [rawLineItem({ vendor: 'Acme' })],
      }),
    );

    expect(order.customer).toEqual({ id: 'cus_1', email: null, name: null });
    expect(order.lineItems[0]).toEqual({ id: 'li_1', sku: 'SKU-1', title: 'Mug', quantity: 2, price: '59.98' });
  });

  it('keeps money exact, however many digits', () => {
    const order = validateOrder(rawOrder({ total_price: '12345678901234567890.123456789', total_tax: '-0.10' }));

    expect(order.totalPrice).toBe('12345678901234567890.123456789');
    expect(order.totalTax).toBe('-0.10');
  });

  it('accepts a guest checkout, no line items, a cancelled order and every enum value', () => {
    const order = validateOrder(
      rawOrder({
        customer: null,
        line_items: [],
        status: 'cancelled',
        financial_status: 'partially_refunded',
        fulfillment_status: 'partial',
        cancelled_at: '2025-01-16T00:00:00.000001-05:00',
      }),
    );

    expect(order.customer).toBeNull();
    expect(order.lineItems).toEqual([]);
    expect(order.fulfillmentStatus).toBe('partial');
    expect(order.cancelledAt).toBe('2025-01-16T05:00:00.000001Z');
  });

  it.each(['pending', 'authorized', 'paid', 'partially_refunded', 'refunded', 'voided'])(
    'accepts financial_status %s',
    (financialStatus) => {
      expect(validateOrder(rawOrder({ financial_status: financialStatus })).financialStatus).toBe(financialStatus);
    },
  );

  it('reads the optional money and the refunds, refunds dated as instants, amounts exact', () => {
    const order = validateOrder(
      rawOrder({
        total_discounts: '5.00',
        total_shipping: '4.9',
        refunds: [
          { id: 'ref_1', created_at: '2025-01-16T01:00:00-08:00', amount: '20.005', note: 'kept in raw' },
          { id: 'ref_2', created_at: '2025-01-17T00:00:00Z', amount: '0.10' },
        ],
      }),
    );

    expect(order.totalDiscounts).toBe('5.00');
    expect(order.totalShipping).toBe('4.9');
    expect(order.refunds).toEqual([
      { id: 'ref_1', createdAt: '2025-01-16T09:00:00.000000Z', amount: '20.005' },
      { id: 'ref_2', createdAt: '2025-01-17T00:00:00.000000Z', amount: '0.10' },
    ]);
  });

  it('reads absent or null optional money as null (none) and absent refunds as none', () => {
    const absent = validateOrder(rawOrder({ total_discounts: undefined, total_shipping: undefined, refunds: undefined }));
    const nulls = validateOrder(rawOrder({ total_discounts: null, total_shipping: null, refunds: [] }));

    expect([absent.totalDiscounts, absent.totalShipping, absent.refunds]).toEqual([null, null, []]);
    expect([nulls.totalDiscounts, nulls.totalShipping, nulls.refunds]).toEqual([null, null, []]);
  });

  it('reads absent nullable fields as null', () => {
    const order = validateOrder(
      rawOrder({
        fulfillment_status: undefined,
        cancelled_at: undefined,
        customer: { id: 'cus_1' },
        line_items: [rawLineItem({ sku: undefined })],
      }),
    );

    expect(order.fulfillmentStatus).toBeNull();
    expect(order.cancelledAt).toBeNull();
    expect(order.customer).toEqual({ id: 'cus_1', email: null, name: null });
    expect(order.lineItems[0]?.sku).toBeNull();
    expect(validateOrder(rawOrder({ customer: undefined })).customer).toBeNull();
  });

  it('validates a huge order with 500 line items, down to the last one', () => {
    const lineItems = Array.from({ length: 500 }, (_, i) =>
      rawLineItem({ id: `li_${i}`, sku: i % 2 ? null : `SKU-${i}`, quantity: i, price: `${i}.99` }),
    );

    const order = validateOrder(rawOrder({ line_items: lineItems }));

    expect(order.lineItems).toHaveLength(500);
    expect(order.lineItems[499]).toEqual({ id: 'li_499', sku: null, title: 'Mug', quantity: 499, price: '499.99' });
    expect(refusal(rawOrder({ line_items: [...lineItems, rawLineItem({ price: 1 })] })).field).toBe('line_items[500].price');
  });
});

describe('validateOrder on bad input', () => {
  it('names the order, the field path and the problem', () => {
    const error = refusal(
      rawOrder({ id: 'ord_0000042', line_items: [rawLineItem(), rawLineItem(), rawLineItem(), rawLineItem({ price: 12.5 })] }),
    );

    expect(error.orderId).toBe('ord_0000042');
    expect(error.field).toBe('line_items[3].price');
    expect(error.message).toBe('order ord_0000042: field "line_items[3].price" must be a decimal string, got number 12.5');
    expect(error.name).toBe('InvalidOrderError');
    expect(error.retryable).toBe(false);
  });

  it.each([
    ['a string', 'ord_1'],
    ['null', null],
    ['an array', [rawOrder()]],
    ['a number', 7],
  ])('refuses %s instead of an order object', (_what, input) => {
    const error = refusal(input);
    expect([error.orderId, error.field]).toEqual(['', '(order)']);
  });

  it.each([
    ['a missing id', { id: undefined }, 'nothing (the field is missing)'],
    ['an empty id', { id: '' }, 'string ""'],
    ['a numeric id', { id: 42 }, 'number 42'],
  ])('refuses %s, with no order id to name', (_what, overrides, got) => {
    const error = refusal(rawOrder(overrides));
    expect([error.orderId, error.field]).toEqual(['', 'id']);
    expect(error.message).toContain(`must be a non-empty string, got ${got}`);
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['order_number zero', { order_number: 0 }, 'order_number', 'must be a positive integer, got number 0'],
    ['order_number as a string', { order_number: '1001' }, 'order_number', 'must be a positive integer, got string "1001"'],
    ['order_number fractional', { order_number: 10.5 }, 'order_number', 'must be a positive integer'],
    ['an unknown status', { status: 'archived' }, 'status', 'must be one of open, closed, cancelled, got string "archived"'],
    ['a missing status', { status: undefined }, 'status', 'got nothing (the field is missing)'],
    ['an unknown financial_status', { financial_status: 'PAID' }, 'financial_status', 'must be one of pending, authorized, paid'],
    ['an unknown fulfillment_status', { fulfillment_status: 'shipped' }, 'fulfillment_status', 'must be one of null, partial, fulfilled'],
    ['a lower-case currency', { currency: 'usd' }, 'currency', 'must be an ISO 4217 currency code'],
    ['a four-letter currency', { currency: 'USDT' }, 'currency', 'ISO 4217'],
    ['a missing currency', { currency: undefined }, 'currency', 'ISO 4217'],
    ['total_price as a float', { total_price: 129.95 }, 'total_price', 'must be a decimal string, got number 129.95'],
    ['total_price with a comma', { total_price: '129,95' }, 'total_price', 'must be a decimal string'],
    ['total_price with a sign and no digits', { total_price: '-' }, 'total_price', 'must be a decimal string'],
    ['total_price with a trailing dot', { total_price: '12.' }, 'total_price', 'must be a decimal string'],
    ['total_price in exponent form', { total_price: '1e3' }, 'total_price', 'must be a decimal string'],
    ['subtotal_price missing', { subtotal_price: undefined }, 'subtotal_price', 'must be a decimal string'],
    ['total_tax null', { total_tax: null }, 'total_tax', 'must be a decimal string, got null'],
    ['customer as a string', { customer: 'cus_42' }, 'customer', 'must be an object or null'],
    ['customer without an id', { customer: { email: 'a@b.c', name: null } }, 'customer.id', 'must be a non-empty string'],
    [
      'customer email as a number',
      { customer: { id: 'c', email: 5, name: null } },
      'customer.email',
      'must be a string or null, got number 5',
    ],
    ['customer name as an object', { customer: { id: 'c', email: null, name: {} } }, 'customer.name', 'got an object'],
    ['line_items missing', { line_items: undefined }, 'line_items', 'must be an array'],
    ['line_items as an object', { line_items: { 0: rawLineItem() } }, 'line_items', 'must be an array'],
    ['a null line item', { line_items: [null] }, 'line_items[0]', 'must be an object, got null'],
    ['a line item without an id', { line_items: [rawLineItem({ id: undefined })] }, 'line_items[0].id', 'non-empty string'],
    ['a line item sku as a number', { line_items: [rawLineItem({ sku: 7 })] }, 'line_items[0].sku', 'must be a string or null'],
    ['a line item without a title', { line_items: [rawLineItem({ title: undefined })] }, 'line_items[0].title', 'must be a string'],
    [
      'a negative quantity',
      { line_items: [rawLineItem({ quantity: -1 })] },
      'line_items[0].quantity',
      'must be an integer >= 0, got number -1',
    ],
    ['a fractional quantity', { line_items: [rawLineItem({ quantity: 1.5 })] }, 'line_items[0].quantity', 'must be an integer >= 0'],
    ['a quantity as a string', { line_items: [rawLineItem({ quantity: '2' })] }, 'line_items[0].quantity', 'must be an integer >= 0'],
    ['created_at missing', { created_at: undefined }, 'created_at', 'must be an RFC 3339 timestamp string'],
    ['created_at as epoch ms', { created_at: 1736929867456 }, 'created_at', 'got number 1736929867456'],
    ['updated_at without an offset', { updated_at: '2025-01-15T10:31:07.456' }, 'updated_at', 'must be an RFC 3339 timestamp'],
    ['updated_at on February 30', { updated_at: '2025-02-30T10:31:07Z' }, 'updated_at', 'has day 30'],
    ['updated_at with 7 fractional digits', { updated_at: '2025-01-15T10:31:07.4560001Z' }, 'updated_at', 'RFC 3339'],
    ['cancelled_at as an empty string', { cancelled_at: '' }, 'cancelled_at', 'got string ""'],
    ['total_discounts as a float', { total_discounts: 5 }, 'total_discounts', 'must be a decimal string, got number 5'],
    ['total_shipping with a comma', { total_shipping: '4,90' }, 'total_shipping', 'must be a decimal string'],
    ['refunds as an object', { refunds: { id: 'ref_1' } }, 'refunds', 'must be an array, got an object'],
    ['refunds null', { refunds: null }, 'refunds', 'must be an array, got null'],
    ['a refund as a string', { refunds: ['ref_1'] }, 'refunds[0]', 'must be an object'],
    [
      'a refund without an id',
      { refunds: [{ created_at: '2025-01-16T09:00:00Z', amount: '1.00' }] },
      'refunds[0].id',
      'must be a non-empty string',
    ],
    [
      'a refund with a float amount',
      { refunds: [{ id: 'ref_1', created_at: '2025-01-16T09:00:00Z', amount: 1.5 }] },
      'refunds[0].amount',
      'must be a decimal string, got number 1.5',
    ],
    ['an undated refund', { refunds: [{ id: 'ref_1', created_at: null, amount: '1.00' }] }, 'refunds[0].created_at', 'got null'],
    [
      'a refund dated without an offset',
      { refunds: [{ id: 'r', created_at: '2025-01-16T09:00:00', amount: '1.00' }] },
      'refunds[0].created_at',
      'must be an RFC 3339 timestamp',
    ],
  ])('refuses %s', (_what, overrides, field, problem) => {
    const error = refusal(rawOrder(overrides));

    expect(error.orderId).toBe('ord_0000001');
    expect(error.field).toBe(field);
    expect(error.message).toContain(problem);
  });

  it('shortens a long bad value in the message', () => {
    const error = refusal(rawOrder({ status: 'x'.repeat(1000) }));

    expect(error.message.length).toBeLessThan(200);
  });
});
