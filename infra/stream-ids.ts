// How the stack names a stream's own resources: its copy table's logical id (OrdersTable keeps the one it always
// had), the output that gives its physical name (the local stack maps its own table names through these outputs),
// and the ids of its alarms.
import type { StreamName } from '../functions/core/stream';

const TITLE: Record<StreamName, string> = { orders: 'Orders', products: 'Products', customers: 'Customers' };

/** `Orders`, `Products`, `Customers`: the prefix of the stream's construct ids. */
export function streamTitle(stream: StreamName): string {
  return TITLE[stream];
}

/** `OrdersTable`, `ProductsTable`, `CustomersTable`. */
export function copyTableId(stream: StreamName): string {
  return `${streamTitle(stream)}Table`;
}

/** `OrdersTableName`, ...: the stack output naming the stream's copy table. */
export function copyTableOutput(stream: StreamName): string {
  return `${copyTableId(stream)}Name`;
}
