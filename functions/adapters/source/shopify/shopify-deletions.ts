// Deleted orders from the Shopify Admin API: the `events` of subject type ORDER and action `destroy` in a window (the
// deletion feed), and `nodes(ids:)` to ask which orders still exist (reconciliation after a full resync).
import { InvalidPageError, SourceRequestError } from '../../../core/errors';
import { parseInstant } from '../../../core/instant';
import { EXISTING_IDS_MAX } from '../../../core/limits';
import type { DeletedPage, DeletedPageRequest, Deletion, SourceCallStats } from '../../../core/ports';
import { connection, isFields } from './shopify-graphql';
import type { ShopifyOrdersSource } from './shopify-orders-source';
import {
  deletionsFilter,
  MAX_CONNECTION_FIRST,
  ORDER_DELETIONS_QUERY,
  orderDeletionsCost,
  ORDERS_EXIST_QUERY,
  ordersExistCost,
} from './queries';

export class ShopifyDeletions {
  constructor(private readonly shopify: Pick<ShopifyOrdersSource, 'graphql' | 'checkScopes'>) {}

  /** One page of the order deletions of the window; the cursor is Shopify's `endCursor` (the filter is rebuilt from the window). */
  async fetchDeleted({ window, cursor, limit }: DeletedPageRequest): Promise<DeletedPage> {
    const stats: SourceCallStats = { requests: 0, throttled: 0, retried: 0 };
    await this.shopify.checkScopes(stats);
    const first = Math.min(Math.max(1, limit), MAX_CONNECTION_FIRST);
    const variables = { first, after: cursor, query: deletionsFilter(window) };
    const data = await this.shopify.graphql('OrderDeletions', ORDER_DELETIONS_QUERY, variables, orderDeletionsCost(first), stats);
    const page = connection(isFields(data) ? data.events : undefined, 'an events page');
    const deletions: Deletion[] = [];
    for (const node of page.nodes) {
      // The filter asks for order destructions only; anything else it lets through is not one.
      if (!isFields(node) || node.__typename !== 'BasicEvent' || node.subjectType !== 'ORDER' || node.action !== 'destroy') continue;
      const parsed = typeof node.createdAt === 'string' ? parseInstant(node.createdAt) : null;
      if (typeof node.subjectId !== 'string' || node.subjectId === '' || !parsed?.ok) {
        throw new InvalidPageError('Shopify answered an order destroy event without a subjectId and a DateTime createdAt');
      }
      deletions.push({ id: node.subjectId, deletedAt: parsed.instant });
    }
    return { deletions, nextCursor: page.hasNextPage ? page.endCursor : null, stats };
  }

  /** Which of these order ids (GIDs) Shopify still has. */
  async existing(ids: readonly string[]): Promise<{ ids: Set<string>; stats: SourceCallStats }> {
    if (ids.length < 1 || ids.length > EXISTING_IDS_MAX) {
      throw new SourceRequestError(`an existence check takes 1..${EXISTING_IDS_MAX} order ids, got ${ids.length}`);
    }
    const stats: SourceCallStats = { requests: 0, throttled: 0, retried: 0 };
    await this.shopify.checkScopes(stats);
    const data = await this.shopify.graphql('OrdersExist', ORDERS_EXIST_QUERY, { ids }, ordersExistCost(ids.length), stats);
    const nodes = isFields(data) ? data.nodes : undefined;
    if (!Array.isArray(nodes)) throw new InvalidPageError('Shopify answered nodes(ids:) without a nodes array');
    const found = new Set<string>();
    for (const node of nodes) if (isFields(node) && node.__typename === 'Order' && typeof node.id === 'string') found.add(node.id);
    return { ids: found, stats };
  }
}
