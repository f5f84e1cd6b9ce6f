// Maps one Shopify Customer node (CUSTOMER_FIELDS, paged or from the bulk export) onto the reference contract's
// customer (docs/source-contract.md "Customer"); the stream's validator then checks it. An error names the Shopify field.
//
// Field meanings: https://shopify.dev/docs/api/admin-graphql/latest/objects/Customer (numberOfOrders is an
// UnsignedInt64, written as a string; amountSpent a MoneyV2), enums/CustomerState (read Dec 2026).
import { InvalidRecordError } from '../../../../core/errors';
import type { Customer } from '../../../../core/streams/customers/customer';
import { validateCustomer } from '../../../../core/streams/customers/validate-customer';
import { throughValidator } from '../map-record';
import { isFields, type Fields } from '../shopify-graphql';

/** CustomerState → the contract's state: the same four, lower-cased. Any other value fails the customer. */
export const CUSTOMER_STATE: Readonly<Record<string, string>> = {
  ENABLED: 'enabled',
  DISABLED: 'disabled',
  INVITED: 'invited',
  DECLINED: 'declined',
};

const SOURCE_FIELDS: ReadonlyArray<[RegExp, string]> = [
  [/^email$/, 'defaultEmailAddress.emailAddress'],
  [/^first_name$/, 'firstName'],
  [/^last_name$/, 'lastName'],
  [/^orders_count$/, 'numberOfOrders'],
  [/^total_spent$/, 'amountSpent.amount'],
  [/^currency$/, 'amountSpent.currencyCode'],
  [/^created_at$/, 'createdAt'],
  [/^updated_at$/, 'updatedAt'],
];

export function customerSourceField(field: string): string {
  for (const [pattern, replacement] of SOURCE_FIELDS) if (pattern.test(field)) return field.replace(pattern, replacement);
  return field;
}

/** An UnsignedInt64 as Shopify writes it ("7"), as a number when it is a safe integer; anything else as sent (the validator names it). */
function unsignedInt(value: unknown): unknown {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return value;
  const number = Number(value);
  return Number.isSafeInteger(number) ? number : value;
}

/** The contract-shaped customer of a Shopify Customer node; throws InvalidRecordError on what cannot map. */
export function toCustomerShape(node: unknown): Fields {
  if (!isFields(node)) throw new InvalidRecordError('customer', '', '(customer)', 'must be an object');
  const id = typeof node.id === 'string' ? node.id : '';
  if (id === '') throw new InvalidRecordError('customer', '', 'id', 'must be a non-empty string (a gid://shopify/Customer/… id)');
  const state = node.state;
  if (typeof state !== 'string' || !Object.hasOwn(CUSTOMER_STATE, state)) {
    throw new InvalidRecordError(
      'customer',
      id,
      'state',
      `has no mapping for ${JSON.stringify(state) ?? 'nothing'} (known: ${Object.keys(CUSTOMER_STATE).join(', ')}; see map-customer.ts)`,
    );
  }
  const spent = isFields(node.amountSpent) ? node.amountSpent : {};
  // A customer without an email address (a phone-only sign-up) has a null defaultEmailAddress.
  const email = isFields(node.defaultEmailAddress) ? node.defaultEmailAddress.emailAddress : node.defaultEmailAddress;
  return {
    id,
    email: email ?? null,
    first_name: node.firstName,
    last_name: node.lastName,
    state: CUSTOMER_STATE[state],
    orders_count: unsignedInt(node.numberOfOrders),
    total_spent: spent.amount,
    currency: spent.currencyCode,
    tags: node.tags,
    created_at: node.createdAt,
    updated_at: node.updatedAt,
  };
}

/** The validated Customer of a Shopify node; `raw` is the node itself. Errors name the Shopify field. */
export const mapShopifyCustomer: (node: unknown) => Customer = throughValidator(toCustomerShape, validateCustomer, customerSourceField);
