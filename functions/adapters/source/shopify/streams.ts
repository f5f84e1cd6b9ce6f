// The Shopify side of each stream, by name, and the source a stream runs on a Shopify shop: the paged walk for
// incremental windows, a bulk export for full resyncs (when enabled), and its deletions (the destroy events where the
// schema offers them, existence checks always). Streams built for one shop share nothing but the shop: Shopify's bulk
// slot is taken turn about (ShopifyBulkExport waits while another export of the app holds it).
import type { StreamName } from '../../../core/stream';
import type { SyncRecord } from '../../../core/record';
import type { Log } from '../../../core/ports';
import { ShopifyBulkExport } from './bulk-export';
import { shopifyCustomersStream } from './customers/stream';
import { shopifyOrdersStream } from './orders/stream';
import { shopifyProductsStream } from './products/stream';
import { ShopifyDeletions } from './shopify-deletions';
import { ShopifyPagedSource, type ShopifyPagedSourceOptions } from './shopify-paged-source';
import { ShopifySource } from './shopify-source';
import type { ShopifyStream } from './shopify-stream';

/** Each stream's descriptor with its defaults. */
export const SHOPIFY_STREAMS = {
  orders: shopifyOrdersStream,
  products: shopifyProductsStream,
  customers: shopifyCustomersStream,
} satisfies Record<StreamName, () => ShopifyStream<SyncRecord>>;

export interface ShopifyStreamSourceOptions extends ShopifyPagedSourceOptions {
  /** Full resyncs as a bulk export (SHOPIFY_BULK_RESYNC); false: they page too. */
  bulkResync: boolean;
  /** Bytes of the bulk result one page reads (SHOPIFY_BULK_RANGE_BYTES). */
  rangeBytes: number;
  clock?: () => number;
  logger?: Pick<Log, 'info' | 'warn'>;
}

/** The source of one stream on a Shopify shop, and its paged connector (to close it). */
export function shopifyStreamSource<R extends SyncRecord>(
  stream: ShopifyStream<R>,
  options: ShopifyStreamSourceOptions,
): { source: ShopifySource<R>; paged: ShopifyPagedSource<R> } {
  const paged = new ShopifyPagedSource(options, stream);
  const bulk = options.bulkResync
    ? new ShopifyBulkExport<R>({ source: paged, apiVersion: options.apiVersion, ...(options.clock ? { clock: options.clock } : {}) })
    : undefined;
  const source = new ShopifySource<R>({
    paged,
    ...(bulk ? { bulk } : {}),
    deletions: new ShopifyDeletions(paged),
    rangeBytes: options.rangeBytes,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  return { source, paged };
}
