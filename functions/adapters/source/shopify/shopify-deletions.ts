// Deleted records from the Shopify Admin API, for any stream: the `events` of the stream's subject type and action
// `destroy` in a window (the deletion feed, when the schema offers one for the stream: orders and products), and
// `nodes(ids:)` to ask which records still exist (reconciliation after a full resync; customers' only way).
import { InvalidPageError, SourceRequestError } from '../../../core/errors';
import { parseInstant } from '../../../core/instant';
import { EXISTING_IDS_MAX } from '../../../core/limits';
import type { DeletedPage, DeletedPageRequest, Deletion, SourceCallStats } from '../../../core/ports';
import type { SyncRecord } from '../../../core/record';
import { deletionsFilter, MAX_CONNECTION_FIRST, deletionEventsCost, existCheckCost } from './queries';
import { connection, isFields } from './shopify-graphql';
import type { ShopifyPagedSource } from './shopify-paged-source';

export class ShopifyDeletions<R extends SyncRecord = SyncRecord> {
  constructor(private readonly shopify: Pick<ShopifyPagedSource<R>, 'graphql' | 'checkScopes' | 'stream'>) {}

  /** Whether the stream has a deletion feed (its destroy events); without one, only existence checks find deletions. */
  get hasFeed(): boolean {
    return this.shopify.stream.deletionFeed !== undefined;
  }

  /** One page of the stream's deletions in the window; the cursor is Shopify's `endCursor` (the filter is rebuilt from the window). */
  async fetchDeleted({ window, cursor, limit }: DeletedPageRequest): Promise<DeletedPage> {
    const { deletionFeed: feed, noun } = this.shopify.stream;
    if (feed === undefined) throw new SourceRequestError(`Shopify offers no deletion feed for the ${this.shopify.stream.name} stream`);
    const stats: SourceCallStats = { requests: 0, throttled: 0, retried: 0 };
    await this.shopify.checkScopes(stats);
    const first = Math.min(Math.max(1, limit), MAX_CONNECTION_FIRST);
    const variables = { first, after: cursor, query: deletionsFilter(window, feed.subjectType) };
    const data = await this.shopify.graphql(feed.operation, feed.document, variables, deletionEventsCost(first), stats);
    const page = connection(isFields(data) ? data.events : undefined, 'an events page');
    const deletions: Deletion[] = [];
    for (const node of page.nodes) {
      // The filter asks for the stream's destructions only; anything else it lets through is not one.
      if (!isFields(node) || node.__typename !== 'BasicEvent' || node.subjectType !== feed.subjectType || node.action !== 'destroy')
        continue;
      const parsed = typeof node.createdAt === 'string' ? parseInstant(node.createdAt) : null;
      if (typeof node.subjectId !== 'string' || node.subjectId === '' || !parsed?.ok) {
        throw new InvalidPageError(
          `Shopify answered ${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun} destroy event without a subjectId and a DateTime createdAt`,
        );
      }
      deletions.push({ id: node.subjectId, deletedAt: parsed.instant });
    }
    return { deletions, nextCursor: page.hasNextPage ? page.endCursor : null, stats };
  }

  /** Which of these ids (GIDs) Shopify still has. */
  async existing(ids: readonly string[]): Promise<{ ids: Set<string>; stats: SourceCallStats }> {
    const { exist, noun } = this.shopify.stream;
    if (ids.length < 1 || ids.length > EXISTING_IDS_MAX) {
      throw new SourceRequestError(`an existence check takes 1..${EXISTING_IDS_MAX} ${noun} ids, got ${ids.length}`);
    }
    const stats: SourceCallStats = { requests: 0, throttled: 0, retried: 0 };
    await this.shopify.checkScopes(stats);
    const data = await this.shopify.graphql(exist.operation, exist.document, { ids }, existCheckCost(ids.length), stats);
    const nodes = isFields(data) ? data.nodes : undefined;
    if (!Array.isArray(nodes)) throw new InvalidPageError('Shopify answered nodes(ids:) without a nodes array');
    const found = new Set<string>();
    for (const node of nodes) if (isFields(node) && node.__typename === exist.typename && typeof node.id === 'string') found.add(node.id);
    return { ids: found, stats };
  }
}
