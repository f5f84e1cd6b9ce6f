// The customers table's item: the fields docs/source-contract.md "Customer" names, flat for a dashboard (snake_case,
// the exact total_spent string, Instants), the version attributes, and the raw customer beside them. Pure mapping both
// ways.
import type { RecordWrite, WriteKind } from '../../../core/ports';
import type { Customer } from '../../../core/streams/customers/customer';
import { versionAttributes, type ItemMapping, type VersionAttributes } from '../item-mapping';
import { fittedItem, rawAttributes, SIZING_WRITE, storedRaw, unstorableReason } from './raw-attributes';

export interface CustomerItem extends VersionAttributes {
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  state: string;
  orders_count: number;
  /** Exact decimal string, in `currency`. */
  total_spent: string;
  currency: string;
  /** Absent only when the item would not fit DynamoDB's 400 KB with them (`trimmed_details`). */
  tags?: string[];
  created_at: string;
  trimmed_details?: Array<'tags'>;
  /** The source's customer as JSON, when it is small enough ... */
  raw?: string;
  /** ... else the same JSON gzip-compressed. Exactly one of the two is present. */
  raw_gz?: Uint8Array;
}

/** A stored customer as readers see it: the customer and the write's metadata. */
export interface StoredCustomer extends Customer {
  syncedAt: string;
  writeTag: string | null;
  writeKind: WriteKind | null;
  /** `['tags']` when the item left them out (the raw customer has them); empty when none. */
  trimmedDetails: Array<'tags'>;
}

export function customerToItem(write: RecordWrite<Customer>): CustomerItem {
  const { record: customer } = write;
  return fittedItem<CustomerItem>(
    'customer',
    {
      ...versionAttributes(write),
      email: customer.email,
      first_name: customer.firstName,
      last_name: customer.lastName,
      state: customer.state,
      orders_count: customer.ordersCount,
      total_spent: customer.totalSpent,
      currency: customer.currency,
      tags: customer.tags,
      created_at: customer.createdAt,
      ...rawAttributes('customer', customer.id, customer.raw),
    },
    'tags',
  );
}

export function itemToStoredCustomer(item: Record<string, unknown>): StoredCustomer {
  const stored = item as unknown as CustomerItem;
  return {
    id: stored.id,
    email: stored.email ?? null,
    firstName: stored.first_name ?? null,
    lastName: stored.last_name ?? null,
    state: stored.state as Customer['state'],
    ordersCount: stored.orders_count,
    totalSpent: stored.total_spent,
    currency: stored.currency,
    tags: stored.tags ?? [],
    createdAt: stored.created_at,
    updatedAt: stored.updated_at,
    syncedAt: stored.synced_at,
    writeTag: stored.write_tag ?? null,
    writeKind: stored.write_kind ?? null,
    trimmedDetails: stored.trimmed_details ?? [],
    raw: storedRaw('customer', stored),
  };
}

/** The customers stream's item mapping. */
export const CUSTOMER_ITEMS: ItemMapping<Customer, StoredCustomer> = {
  toItem: customerToItem,
  unstorable: (customer) => unstorableReason(() => customerToItem({ ...SIZING_WRITE, record: customer })),
  fromItem: itemToStoredCustomer,
};
