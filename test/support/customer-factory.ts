// Valid raw source customers in the shape of docs/source-contract.md "Customer", for any test: override what the
// story is about. An override whose value is `undefined` removes that field (to test a missing field).
import type { Customer } from '../../functions/core/streams/customers/customer';
import { validateCustomer } from '../../functions/core/streams/customers/validate-customer';
import { applyOverrides, type Overrides } from './order-factory';

/** docs/source-contract.md's example customer (cus_42), with overrides. */
export function rawCustomer(overrides: Overrides = {}): Record<string, unknown> {
  return applyOverrides(
    {
      id: 'cus_42',
      email: 'ana@example.com',
      first_name: 'Ana',
      last_name: 'Lima',
      state: 'enabled',
      orders_count: 7,
      total_spent: '912.40',
      currency: 'USD',
      tags: ['vip'],
      created_at: '2023-11-20T18:02:11Z',
      updated_at: '2025-01-15T10:31:07Z',
    },
    overrides,
  );
}

/** A validated Customer built from rawCustomer(overrides). */
export function customer(overrides: Overrides = {}): Customer {
  return validateCustomer(rawCustomer(overrides));
}
