// The orders stream's paged source on Shopify: the stream-generic ShopifyPagedSource with the orders descriptor
// (orders/stream.ts), its line-item knobs among its options.
import type { Order } from '../../../core/order';
import { shopifyOrdersStream, type ShopifyOrdersSettings } from './orders/stream';
import { ShopifyPagedSource, type ShopifyPagedSourceOptions } from './shopify-paged-source';

export { graphqlEndpoint } from './shopify-graphql';

export interface ShopifyOrdersSourceOptions extends ShopifyPagedSourceOptions, ShopifyOrdersSettings {}

export class ShopifyOrdersSource extends ShopifyPagedSource<Order> {
  constructor(options: ShopifyOrdersSourceOptions) {
    super(options, shopifyOrdersStream(options));
  }
}
