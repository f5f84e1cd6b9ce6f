// The customers stream on Shopify: its documents (./queries.ts), read_customers, and the mapping (./map-customer.ts).
// No deletion feed (see ./queries.ts): a deleted customer is found by reconciliation's existence check.
import type { Customer } from '../../../../core/streams/customers/customer';
import { readScopeCheck, type ShopifyStream } from '../shopify-stream';
import { mapShopifyCustomer } from './map-customer';
import {
  customersBulkQuery,
  CUSTOMERS_COUNT_QUERY,
  CUSTOMERS_EXIST_QUERY,
  CUSTOMERS_PAGE_QUERY,
  customersPageCost,
  MAX_CUSTOMERS_PER_REQUEST,
} from './queries';

export function shopifyCustomersStream(): ShopifyStream<Customer> {
  return {
    name: 'customers',
    noun: 'customer',
    checkScopes: readScopeCheck('customers'),
    scopes: 'read_customers',
    page: {
      operation: 'CustomersPage',
      document: CUSTOMERS_PAGE_QUERY,
      root: 'customers',
      variables: {},
      cost: customersPageCost,
      maxPerRequest: MAX_CUSTOMERS_PER_REQUEST,
      costHint: 'ask for fewer customers a page',
    },
    count: { operation: 'CustomersCount', document: CUSTOMERS_COUNT_QUERY, root: 'customersCount', cost: 1 },
    bulk: { query: customersBulkQuery, childField: () => null, connections: [], typedChildren: [] },
    exist: { operation: 'CustomersExist', document: CUSTOMERS_EXIST_QUERY, typename: 'Customer' },
    map: mapShopifyCustomer,
  };
}
