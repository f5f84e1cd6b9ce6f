// The customers stream's model: a customer as every connector maps it (docs/source-contract.md "Customer" is its
// reference shape). Not the order's own `customer` (core/order.ts), which is only the buyer's id, email and name.
import type { Instant } from '../../order';
import type { SyncRecord } from '../../record';

export type CustomerState = 'enabled' | 'disabled' | 'invited' | 'declined';

export interface Customer extends SyncRecord {
  /** An order's `customer.id` names it. */
  id: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  state: CustomerState;
  /** 0 or more. */
  ordersCount: number;
  /** Exact decimal string, in `currency`. */
  totalSpent: string;
  /** ISO 4217. */
  currency: string;
  tags: string[];
  createdAt: Instant;
  updatedAt: Instant;
  raw: Record<string, unknown>;
}
