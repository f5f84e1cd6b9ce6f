// Checks one source customer against the Customer table of docs/source-contract.md and normalises it into a
// Customer; CUSTOMERS is the customers stream's model for the engine.
import { InvalidRecordError } from '../../errors';
import { describe, FieldReader, isFields } from '../../field-reader';
import type { StreamModel } from '../../stream';
import type { Customer, CustomerState } from './customer';

// Absent vs null, as for orders: a nullable field (email, first_name, last_name) that is missing altogether reads
// as null; `raw` keeps the customer exactly as sent.

const CUSTOMER_STATES: readonly CustomerState[] = ['enabled', 'disabled', 'invited', 'declined'];

/**
 * The validated, normalised customer; throws InvalidRecordError naming the customer id, the field and the problem.
 * `raw` is the input object itself, unknown fields included.
 */
export function validateCustomer(input: unknown): Customer {
  if (!isFields(input)) throw new InvalidRecordError('customer', '', '(customer)', `must be an object, got ${describe(input)}`);
  // The id first, so every later error can name the customer.
  if (typeof input.id !== 'string' || input.id.length === 0) {
    throw new InvalidRecordError('customer', '', 'id', `must be a non-empty string, got ${describe(input.id)}`);
  }
  const read = new FieldReader('customer', input.id);
  return {
    id: input.id,
    email: read.nullableString(input.email, 'email'),
    firstName: read.nullableString(input.first_name, 'first_name'),
    lastName: read.nullableString(input.last_name, 'last_name'),
    state: read.oneOf(input.state, 'state', CUSTOMER_STATES),
    ordersCount: read.integer(input.orders_count, 'orders_count', 0),
    totalSpent: read.decimal(input.total_spent, 'total_spent'),
    currency: read.currency(input.currency, 'currency'),
    tags: read.strings(input.tags, 'tags'),
    createdAt: read.instant(input.created_at, 'created_at'),
    updatedAt: read.instant(input.updated_at, 'updated_at'),
    raw: input,
  };
}

export const CUSTOMERS: StreamModel<Customer> = { name: 'customers', noun: 'customer', validate: validateCustomer };
