// The GraphQL operations the fake Shopify serves, read by operationName (a fake for our documents, not a GraphQL
// engine), over the fake orders API's seeded shop reached over HTTP: each operation's requested cost, the access
// scopes it needs, and its answer with the cost it actually used.
import { Agent, request } from 'undici';
import {
  ACCESS_SCOPES_COST,
  BULK_OPERATION_COST,
  RUN_BULK_EXPORT_COST,
  RUNNING_BULK_OPERATIONS_COST,
  MAX_CONNECTION_FIRST,
  ORDER_CONNECTIONS,
  orderConnectionsCost,
  type OrderConnection,
  orderNodeCost,
  ORDERS_COUNT_COST,
  SHOP_TIME_ZONE_COST,
  deletionEventsCost,
  existCheckCost,
  ordersPageCost,
} from '../../../functions/adapters/source/shopify/queries';
import type { Instant } from '../../../functions/core/order';
import { toInstant } from '../../../functions/core/instant';
import type { FakeOrdersApi } from '../orders-api';
import type { BulkEngine } from './bulk';
import type { CatalogueOperations } from './catalogue-operations';
import {
  lineItemNodes,
  listConnection,
  opaque,
  orderChildren,
  orderFields,
  orderGid,
  orderNode,
  referenceIdOf,
  secondCeiling,
  unwrap,
  wholeSecond,
} from './translate';

export type Fields = Record<string, unknown>;

const WINDOW_FILTER = /^(?:updated_at:>='([^']+)' AND )?updated_at:<'([^']+)'$/;
const DELETIONS_FILTER = /^subject_type:ORDER AND action:destroy AND (?:created_at:>='([^']+)' AND )?created_at:<'([^']+)'$/;
const SIXTY_DAYS_MS = 60 * 86_400_000;

/** An error Shopify answers in the GraphQL body (HTTP 200), with its extensions code. */
export class GraphqlError extends Error {
  override readonly name = 'GraphqlError';
  constructor(
    message: string,
    readonly code?: string,
    readonly extra: Fields = {},
  ) {
    super(message);
  }
}

function intIn(value: unknown, name: string, min: number, max: number): number {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    throw new GraphqlError(`${name} must be an integer in ${min}..${max}, got ${JSON.stringify(value)}`, 'BAD_USER_INPUT');
  }
  return value as number;
}

/**
 * The window of an `updated_at` range filter, as bounds on the shop's precise times: Shopify stores whole seconds,
 * so a bound matches what its filter would on those (see secondCeiling). Anything else is refused so a connector
 * bug cannot pass silently.
 */
export function windowOf(query: unknown): { from: Instant | null; to: Instant } {
  const match = typeof query === 'string' ? WINDOW_FILTER.exec(query) : null;
  if (!match)
    throw new GraphqlError(
      `the fake understands only "updated_at:>='…' AND updated_at:<'…'" filters, got ${JSON.stringify(query)}`,
      'BAD_USER_INPUT',
    );
  try {
    return { from: match[1] === undefined ? null : secondCeiling(toInstant(match[1])), to: secondCeiling(toInstant(match[2]!)) };
  } catch (error) {
    throw new GraphqlError(`invalid date in query: ${(error as Error).message}`, 'BAD_USER_INPUT');
  }
}

export class ShopifyOperations {
  /** Granted access scopes. */
  scopes: Set<string>;
  /** The shop's `ianaTimezone`. */
  timeZone = 'UTC';

  constructor(
    private readonly shop: FakeOrdersApi,
    private readonly bulk: BulkEngine,
    private readonly clock: () => number,
    scopes: readonly string[],
    private readonly agent: Agent,
    private readonly catalogue: CatalogueOperations,
  ) {
    this.scopes = new Set(scopes);
  }

  requestedCost(operation: string, variables: Fields): number {
    if (this.catalogue.serves(operation)) return this.catalogue.requestedCost(operation, variables);
    switch (operation) {
      case 'OrdersPage':
        return ordersPageCost(
          intIn(variables.first, 'first', 1, MAX_CONNECTION_FIRST),
          intIn(variables.lineItems, 'lineItems', 1, MAX_CONNECTION_FIRST),
        );
      case 'OrderConnections':
        return orderConnectionsCost(this.connectionFirsts(variables));
      case 'OrdersCount':
        return ORDERS_COUNT_COST;
      case 'AccessScopes':
        return ACCESS_SCOPES_COST;
      case 'ShopTimeZone':
        return SHOP_TIME_ZONE_COST;
      case 'RunBulkExport':
        return RUN_BULK_EXPORT_COST;
      case 'BulkOperation':
      case 'CurrentBulkOperation':
        return BULK_OPERATION_COST;
      case 'RunningBulkOperations':
        return RUNNING_BULK_OPERATIONS_COST;
      case 'OrderDeletions':
        return deletionEventsCost(intIn(variables.first, 'first', 1, MAX_CONNECTION_FIRST));
      case 'OrdersExist':
        if (!Array.isArray(variables.ids) || variables.ids.length > MAX_CONNECTION_FIRST) {
          throw new GraphqlError(`ids must be a list of at most ${MAX_CONNECTION_FIRST} ids`, 'BAD_USER_INPUT');
        }
        return existCheckCost(variables.ids.length);
      default:
        throw new GraphqlError(
          `the fake serves the orders, products and customers documents of the connector and the bulk operations, not ${JSON.stringify(operation)}`,
          'undefinedField',
        );
    }
  }

  requireOrdersScope(field: string): void {
    if (!this.scopes.has('read_orders') && !this.scopes.has('write_orders')) {
      throw new GraphqlError(`Access denied for ${field} field. Required access: \`read_orders\` access scope.`, 'ACCESS_DENIED', {
        documentation: 'https://shopify.dev/api/usage/access-scopes',
        requiredAccess: '`read_orders` access scope.',
      });
    }
  }

  /** Without read_all_orders Shopify shows only orders created in the last 60 days, and says nothing. */
  visible(node: Fields): boolean {
    return (
      this.scopes.has('read_all_orders') || Date.parse(String(node.createdAt)) >= this.clock() + this.shop.clockOffsetMs - SIXTY_DAYS_MS
    );
  }

  private async ordersPage(variables: Fields): Promise<{ data: Fields; actual: number }> {
    this.requireOrdersScope('orders');
    const first = variables.first as number;
    const lineItems = variables.lineItems as number;
    const window = windowOf(variables.query);
    let referenceCursor: string | null = null;
    if (variables.after !== null && variables.after !== undefined) {
      const after = unwrap(String(variables.after)) as Fields | undefined;
      if (after?.end === true) return { data: { orders: { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } } }, actual: 3 };
      if (typeof after?.r !== 'string') throw new GraphqlError('Invalid cursor for current pagination sort.', 'BAD_USER_INPUT');
      referenceCursor = after.r;
    }
    const url = new URL('/orders', this.shop.url);
    if (window.from !== null) url.searchParams.set('updated_at_min', window.from);
    url.searchParams.set('updated_at_max', window.to);
    url.searchParams.set('limit', String(first));
    if (referenceCursor !== null) url.searchParams.set('cursor', referenceCursor);
    const answer = await request(url, { headers: { authorization: `Bearer ${this.shop.token}` }, dispatcher: this.agent });
    const text = await answer.body.text();
    if (answer.statusCode === 400) throw new GraphqlError('Invalid cursor for current pagination sort.', 'BAD_USER_INPUT');
    if (answer.statusCode !== 200) throw new GraphqlError(`shop answered ${answer.statusCode}`, 'INTERNAL_SERVER_ERROR');
    const page = JSON.parse(text) as { orders: Fields[]; next_cursor: string | null };
    const nodes = page.orders.map((order) => orderNode(order, { lineItems })).filter((node) => this.visible(node));
    const hasNextPage = page.next_cursor !== null;
    const endCursor = hasNextPage ? opaque({ r: page.next_cursor }) : nodes.length > 0 ? opaque({ end: true }) : null;
    // Actual cost counts what came back: each order, its money bags and customer, the line items returned.
    const actual = 3 + nodes.reduce((sum, node) => sum + orderNodeCost(((node.lineItems as Fields).nodes as unknown[]).length), 0);
    return { data: { orders: { nodes, pageInfo: { hasNextPage, endCursor } } }, actual };
  }

  /** The `first` of each connection an OrderConnections request includes (`with…: true`), checked as Shopify would. */
  private connectionFirsts(variables: Fields): Partial<Record<OrderConnection, number>> {
    const firsts: Partial<Record<OrderConnection, number>> = {};
    for (const name of ORDER_CONNECTIONS) {
      const suffix = name.charAt(0).toUpperCase() + name.slice(1);
      const included = variables[`with${suffix}`];
      if (typeof included !== 'boolean')
        throw new GraphqlError(`Variable $with${suffix} of type Boolean! was not provided.`, 'INVALID_VARIABLE');
      const first = intIn(variables[`${name}First`], `${name}First`, 1, MAX_CONNECTION_FIRST);
      if (included) firsts[name] = first;
    }
    return firsts;
  }

  /** One order's own fields and a slice of each connection asked for, from that connection's cursor. */
  private orderConnections(variables: Fields): { data: Fields; actual: number } {
    this.requireOrdersScope('order');
    const referenceId = referenceIdOf(variables.id);
    const order = referenceId === null ? undefined : this.shop.order(referenceId);
    if (order === undefined || !this.visible(orderNode(order, { lineItems: 0 }))) return { data: { order: null }, actual: 1 };
    const lists: Record<OrderConnection, Fields[]> = { lineItems: lineItemNodes(order), ...orderChildren(order) };
    const node: Fields = orderFields(order);
    const returned: Partial<Record<OrderConnection, number>> = {};
    for (const [name, first] of Object.entries(this.connectionFirsts(variables)) as Array<[OrderConnection, number]>) {
      let after = 0;
      const cursor = variables[`${name}After`];
      if (cursor !== null && cursor !== undefined) {
        const decoded = unwrap(String(cursor)) as Fields | undefined;
        if (!Number.isInteger(decoded?.li)) throw new GraphqlError('Invalid cursor for current pagination sort.', 'BAD_USER_INPUT');
        after = decoded!.li as number;
      }
      const slice = listConnection(lists[name], first, after);
      node[name] = slice;
      returned[name] = (slice.nodes as unknown[]).length;
    }
    return { data: { order: node }, actual: orderConnectionsCost(returned) };
  }

  /**
   * `events` filtered to order destructions in a created_at window: the shop's deletion feed, each entry a BasicEvent
   * created when the order was deleted (whole seconds, as Shopify stores times; the bounds as windowOf reads them).
   */
  private async orderDeletions(variables: Fields): Promise<{ data: Fields; actual: number }> {
    this.requireOrdersScope('events');
    const match = typeof variables.query === 'string' ? DELETIONS_FILTER.exec(variables.query) : null;
    if (!match) {
      throw new GraphqlError(
        `the fake understands only "subject_type:ORDER AND action:destroy AND created_at:>='…' AND created_at:<'…'", got ${JSON.stringify(variables.query)}`,
        'BAD_USER_INPUT',
      );
    }
    const url = new URL('/orders/deleted', this.shop.url);
    if (match[1] !== undefined) url.searchParams.set('deleted_at_min', secondCeiling(toInstant(match[1])));
    url.searchParams.set('deleted_at_max', secondCeiling(toInstant(match[2]!)));
    url.searchParams.set('limit', String(variables.first));
    if (variables.after !== null && variables.after !== undefined) {
      const after = unwrap(String(variables.after)) as Fields | undefined;
      if (typeof after?.d !== 'string') throw new GraphqlError('Invalid cursor for current pagination sort.', 'BAD_USER_INPUT');
      url.searchParams.set('cursor', after.d);
    }
    const answer = await request(url, { headers: { authorization: `Bearer ${this.shop.token}` }, dispatcher: this.agent });
    const text = await answer.body.text();
    if (answer.statusCode !== 200) throw new GraphqlError(`shop answered ${answer.statusCode}`, 'INTERNAL_SERVER_ERROR');
    const page = JSON.parse(text) as { deleted: Array<{ id: string; deleted_at: Instant }>; next_cursor: string | null };
    const nodes = page.deleted.map((entry) => ({
      __typename: 'BasicEvent',
      subjectId: orderGid(entry.id),
      subjectType: 'ORDER',
      action: 'destroy',
      createdAt: `${wholeSecond(entry.deleted_at).slice(0, 19)}Z`,
    }));
    const hasNextPage = page.next_cursor !== null;
    const endCursor = hasNextPage ? opaque({ d: page.next_cursor }) : null;
    return { data: { events: { nodes, pageInfo: { hasNextPage, endCursor } } }, actual: 2 + nodes.length };
  }

  /** `nodes(ids:)`: an order that exists (and is visible) answers its id, anything else null. */
  private ordersExist(variables: Fields): { data: Fields; actual: number } {
    this.requireOrdersScope('nodes');
    const nodes = (variables.ids as unknown[]).map((gid) => {
      const referenceId = referenceIdOf(gid);
      const order = referenceId === null ? undefined : this.shop.order(referenceId);
      return order === undefined || !this.visible(orderNode(order, { lineItems: 0 })) ? null : { __typename: 'Order', id: gid };
    });
    return { data: { nodes }, actual: 1 + nodes.length };
  }

  async execute(operation: string, variables: Fields, apiVersion: string, document: string): Promise<{ data: Fields; actual: number }> {
    if (this.catalogue.serves(operation)) return this.catalogue.execute(operation, variables);
    switch (operation) {
      case 'RunBulkExport': {
        if (!/\b(products|customers)\(query:/.test(String(variables.query))) this.requireOrdersScope('orders');
        const literal = /groupObjects:\s*(true|false)/.exec(document);
        return {
          data: this.bulk.run({ query: variables.query, groupObjects: literal ? literal[1] === 'true' : undefined }, apiVersion),
          actual: RUN_BULK_EXPORT_COST,
        };
      }
      case 'BulkOperation':
        return { data: { node: this.bulk.node(variables.id) }, actual: 1 };
      case 'CurrentBulkOperation':
        return { data: { currentBulkOperation: this.bulk.current() }, actual: 1 };
      case 'RunningBulkOperations':
        return { data: this.bulk.running(apiVersion), actual: RUNNING_BULK_OPERATIONS_COST };
      case 'OrdersPage':
        return this.ordersPage(variables);
      case 'OrderConnections':
        return this.orderConnections(variables);
      case 'OrderDeletions':
        return this.orderDeletions(variables);
      case 'OrdersExist':
        return this.ordersExist(variables);
      case 'ShopTimeZone':
        return { data: { shop: { ianaTimezone: this.timeZone } }, actual: SHOP_TIME_ZONE_COST };
      case 'OrdersCount': {
        this.requireOrdersScope('ordersCount');
        return { data: { ordersCount: { count: this.shop.truth(windowOf(variables.query)).length, precision: 'EXACT' } }, actual: 1 };
      }
      default:
        return { data: { currentAppInstallation: { accessScopes: [...this.scopes].map((handle) => ({ handle })) } }, actual: 2 };
    }
  }
}
