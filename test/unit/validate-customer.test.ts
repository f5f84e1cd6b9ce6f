// validateCustomer: a source customer that keeps the rules of docs/source-contract.md "Customer" becomes a Customer;
// one that breaks them is refused with an error naming the customer, the field and what is wrong.
import { InvalidRecordError } from '../../functions/core/errors';
import { CUSTOMERS, validateCustomer } from '../../functions/core/streams/customers/validate-customer';
import { rawCustomer } from '../support/customer-factory';

/** The InvalidRecordError validateCustomer throws for this input (fails the test if it throws nothing). */
function refusal(input: unknown): InvalidRecordError {
  try {
    validateCustomer(input);
  } catch (error) {
    if (error instanceof InvalidRecordError) return error;
    throw error;
  }
  throw new Error('expected validateCustomer to refuse the customer, but it accepted it');
}

describe('validateCustomer on a valid customer', () => {
  it('normalises the contract example into a Customer', () => {
    const raw = rawCustomer();

    expect(validateCustomer(raw)).toEqual({
      id: 'cus_42',
      email: 'ana@example.com',
      firstName: 'Ana',
      lastName: 'Lima',
      state: 'enabled',
      ordersCount: 7,
      totalSpent: '912.40',
      currency: 'USD',
      tags: ['vip'],
      createdAt: '2023-11-20T18:02:11.000000Z',
      updatedAt: '2025-01-15T10:31:07.000000Z',
      raw,
    });
  });

  it('is the customers stream model the engine uses', () => {
    expect([CUSTOMERS.name, CUSTOMERS.noun]).toEqual(['customers', 'customer']);
    expect(CUSTOMERS.validate(rawCustomer({ id: 'cus_9' })).id).toBe('cus_9');
  });

  it('keeps unknown fields: raw is the very object received', () => {
    const raw = rawCustomer({ phone: '+1 555', default_address: { city: 'Lisbon' } });

    const customer = validateCustomer(raw);

    expect(customer.raw).toBe(raw);
    expect(customer.raw.default_address).toEqual({ city: 'Lisbon' });
  });

  it('accepts every state, no orders, no tags, nulls where allowed and exact money', () => {
    for (const state of ['enabled', 'disabled', 'invited', 'declined']) {
      expect(validateCustomer(rawCustomer({ state })).state).toBe(state);
    }
    const customer = validateCustomer(
      rawCustomer({ orders_count: 0, tags: [], email: null, first_name: null, last_name: null, total_spent: '0.000000001' }),
    );

    expect([customer.ordersCount, customer.tags, customer.email, customer.firstName, customer.lastName]).toEqual([0, [], null, null, null]);
    expect(customer.totalSpent).toBe('0.000000001');
  });

  it('reads absent nullable fields as null', () => {
    const customer = validateCustomer(rawCustomer({ email: undefined, first_name: undefined, last_name: undefined }));

    expect([customer.email, customer.firstName, customer.lastName]).toEqual([null, null, null]);
  });
});

describe('validateCustomer on bad input', () => {
  it('names the customer, the field and the problem', () => {
    const error = refusal(rawCustomer({ id: 'cus_7', total_spent: 912.4 }));

    expect(error.recordId).toBe('cus_7');
    expect(error.field).toBe('total_spent');
    expect(error.message).toBe('customer cus_7: field "total_spent" must be a decimal string, got number 912.4');
    expect(error.name).toBe('InvalidRecordError');
  });

  it.each([
    ['a string', 'cus_1'],
    ['null', null],
    ['an array', [rawCustomer()]],
  ])('refuses %s instead of a customer object', (_what, input) => {
    expect([refusal(input).recordId, refusal(input).field]).toEqual(['', '(customer)']);
  });

  it.each([
    ['a missing id', { id: undefined }],
    ['an empty id', { id: '' }],
    ['a numeric id', { id: 42 }],
  ])('refuses %s, with no customer id to name', (_what, overrides) => {
    const error = refusal(rawCustomer(overrides));
    expect([error.recordId, error.field]).toEqual(['', 'id']);
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['a numeric email', { email: 5 }, 'email', 'must be a string or null, got number 5'],
    ['first_name as an object', { first_name: {} }, 'first_name', 'must be a string or null, got an object'],
    ['last_name as a boolean', { last_name: false }, 'last_name', 'must be a string or null'],
    ['an unknown state', { state: 'active' }, 'state', 'must be one of enabled, disabled, invited, declined, got string "active"'],
    ['a missing state', { state: undefined }, 'state', 'must be one of enabled'],
    ['a negative orders_count', { orders_count: -1 }, 'orders_count', 'must be an integer >= 0, got number -1'],
    ['a fractional orders_count', { orders_count: 1.5 }, 'orders_count', 'must be an integer >= 0'],
    ['orders_count missing', { orders_count: undefined }, 'orders_count', 'must be an integer >= 0'],
    ['total_spent null', { total_spent: null }, 'total_spent', 'must be a decimal string, got null'],
    ['total_spent in exponent form', { total_spent: '1e3' }, 'total_spent', 'must be a decimal string'],
    ['a lower-case currency', { currency: 'usd' }, 'currency', 'must be an ISO 4217 currency code'],
    ['currency missing', { currency: undefined }, 'currency', 'ISO 4217'],
    ['tags missing', { tags: undefined }, 'tags', 'must be an array'],
    ['a null tag', { tags: [null] }, 'tags[0]', 'must be a string, got null'],
    ['created_at as epoch ms', { created_at: 1700000000000 }, 'created_at', 'got number 1700000000000'],
    ['updated_at on February 30', { updated_at: '2025-02-30T10:31:07Z' }, 'updated_at', 'has day 30'],
  ])('refuses %s', (_what, overrides, field, problem) => {
    const error = refusal(rawCustomer(overrides));

    expect(error.recordId).toBe('cus_42');
    expect(error.field).toBe(field);
    expect(error.message).toContain(problem);
  });
});
