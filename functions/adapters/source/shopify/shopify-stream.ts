// What the Shopify connector needs to know of one stream (orders, products, customers): its documents, what they cost,
// the connections it reads to their end, the scopes it needs, its bulk export, its deletions and how a node becomes the
// stream's record. The paged walk, the bulk export and the deletion reads are the same code for every stream.
import { SourceAuthError } from '../../../core/errors';
import type { SyncRecord } from '../../../core/record';
import type { Window } from '../../../core/run-types';
import type { StreamName } from '../../../core/stream';
import type { Fields } from './shopify-graphql';

/** A document and its operation name (what the fake serves by, and what logs show). */
export interface ShopifyDocument {
  operation: string;
  document: string;
}

export interface ShopifyStream<R extends SyncRecord> {
  name: StreamName;
  /** One record, in messages: `order`, `product`, `customer`. */
  noun: string;
  /** Throws SourceAuthError naming the scope the token lacks for this stream. */
  checkScopes(granted: ReadonlySet<string>): void;
  /** The scopes the stream reads with, as errors a scope explains (403, ACCESS_DENIED) name them: `read_orders, read_all_orders`. */
  scopes: string;
  /** One slice of the window: `<root>(first, after, sortKey: UPDATED_AT, query)`, with `variables` besides those. */
  page: ShopifyDocument & {
    root: string;
    variables: Fields;
    cost(first: number): number;
    /** The most records one request may ask for under the single-query cost limit. */
    maxPerRequest: number;
    /** What to lower when Shopify answers MAX_COST_EXCEEDED. */
    costHint: string;
  };
  /**
   * The record's connections the page query reads only the start of, completed by follow-ups of one record by id
   * (`<single>(id)` with `with<Name>`, `<name>First` and `<name>After` variables per connection). Absent: none.
   */
  connections?: ShopifyDocument & {
    single: string;
    names: readonly string[];
    /** How many nodes of each the page query reads (a follow-up with all of them from the start reads the record anew). */
    pageFirsts: Readonly<Record<string, number>>;
    /** Nodes of each per follow-up. */
    followUpFirsts: Readonly<Record<string, number>>;
    cost(firsts: Readonly<Record<string, number>>): number;
  };
  /** `<root>Count(query, limit: null) { count }`. */
  count: ShopifyDocument & { root: string; cost: number };
  bulk: {
    /** The export's query over a window. */
    query(window: Window): string;
    /** A JSONL child line's connection in its parent, by `__typename` (null: not one of ours). */
    childField(typename: unknown): string | null;
    /** The connections a parent line starts with, empty. */
    connections: readonly string[];
    /** The connections whose children keep `__typename` (an interface's concrete type the mapping reads). */
    typedChildren: readonly string[];
  };
  /** Deletions: the destroy events of `subjectType`, when the schema offers them for the stream; absent: none. */
  deletionFeed?: ShopifyDocument & { subjectType: 'ORDER' | 'PRODUCT' };
  /** `nodes(ids:) { ... on <typename> { id } }`: which records still exist. */
  exist: ShopifyDocument & { typename: string };
  /** The validated record of a node; InvalidRecordError (naming the Shopify field) when it cannot be taken. */
  map(node: unknown): R;
}

/** How a missing scope is fixed, as every scope error says it. */
export const SCOPE_FIX = "add it to the app's access scopes (and reinstall the app so the token gets it)";

/** The scope check of a stream that needs `read_<what>` (or `write_<what>`) only. */
export function readScopeCheck(what: string): (granted: ReadonlySet<string>) => void {
  return (granted) => {
    if (!granted.has(`read_${what}`) && !granted.has(`write_${what}`)) {
      throw new SourceAuthError(`the Shopify token lacks the read_${what} scope, needed to read ${what} at all: ${SCOPE_FIX}`);
    }
  };
}
