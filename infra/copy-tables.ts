// How the stack names each stream's copy table: its logical id (OrdersTable keeps the one it always had) and the
// output that gives its physical name (the local stack maps its own table names through these outputs).
import type { StreamName } from '../functions/core/stream';

const TITLE: Record<StreamName, string> = { orders: 'Orders', products: 'Products', customers: 'Customers' };

/** `OrdersTable`, `ProductsTable`, `CustomersTable`. */
export function copyTableId(stream: StreamName): string {
  return `${TITLE[stream]}Table`;
}

/** `OrdersTableName`, ...: the stack output naming the stream's copy table. */
export function copyTableOutput(stream: StreamName): string {
  return `${copyTableId(stream)}Name`;
}
