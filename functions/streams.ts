// The streams bound to what each brings beyond the engine: its model and validation (core), its copy table's variable
// and item mapping (DynamoDB). The HTTP connector reads any stream by its model; Shopify's operations are bound in
// runtime/source.ts. A fourth stream adds its entry here (docs/design.md "Streams").
import { CUSTOMER_ITEMS } from './adapters/dynamodb/items/customer-item';
import { PRODUCT_ITEMS } from './adapters/dynamodb/items/product-item';
import { orderItems } from './adapters/dynamodb/order-item';
import type { ItemMapping } from './adapters/dynamodb/item-mapping';
import type { SyncRecord } from './core/record';
import type { StreamModel, StreamName } from './core/stream';
import { CUSTOMERS } from './core/streams/customers/validate-customer';
import { ORDERS } from './core/streams/orders/orders-stream';
import { PRODUCTS } from './core/streams/products/validate-product';

/** The variable that names a stream's copy table. */
export type CopyTableVariable = `${Uppercase<StreamName>}_TABLE`;

export interface StreamBinding<R extends SyncRecord = SyncRecord> {
  model: StreamModel<R>;
  /** The item mapping in the shop's zone (SHOP_TIME_ZONE): the orders' items carry their local `created_day`. */
  items: (zone: string) => ItemMapping<R>;
}

/** A stream's parts, typed for the engine, which handles any stream's records alike. */
function binding<R extends SyncRecord>(model: StreamModel<R>, items: (zone: string) => ItemMapping<R, unknown>): StreamBinding {
  return { model, items } as unknown as StreamBinding;
}

const BINDINGS: { [S in StreamName]: StreamBinding } = {
  orders: binding(ORDERS, orderItems),
  products: binding(PRODUCTS, () => PRODUCT_ITEMS),
  customers: binding(CUSTOMERS, () => CUSTOMER_ITEMS),
};

export function bindingOf(stream: StreamName): StreamBinding {
  return BINDINGS[stream];
}

export function copyTableVariable(stream: StreamName): CopyTableVariable {
  return `${stream.toUpperCase()}_TABLE` as CopyTableVariable;
}
