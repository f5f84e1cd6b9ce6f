// The RecordSource over Shopify's GraphQL Admin API: one page of the window is one or more `orders` requests
// (sized under the single-query cost limit), each order completed with the rest of its lists, paced by the
// cost bucket Shopify reports, transient failures retried here, every order mapped and validated.
//
// Sources (read Nov 2026):
// - endpoint and versions, https://{shop}/admin/api/{version}/graphql.json: https://shopify.dev/docs/api/usage/versioning
// - X-Shopify-Access-Token: https://shopify.dev/docs/api/admin-graphql (Authentication)
// - status codes (401 token, 402 frozen shop, 403 scope, 423 locked shop, 5xx): https://shopify.dev/docs/api/usage/response-codes
// - GraphQL error codes THROTTLED, ACCESS_DENIED, MAX_COST_EXCEEDED, INTERNAL_SERVER_ERROR (in errors[].extensions.code),
//   extensions.cost {requestedQueryCost, actualQueryCost, throttleStatus {maximumAvailable, currentlyAvailable,
//   restoreRate}}: https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits
// - read_orders, and read_all_orders for orders older than 60 days: https://shopify.dev/docs/api/usage/access-scopes
import { ConfigError, InvalidPageError, SourceAuthError, SourceRequestError, SourceUnavailableError } from '../../../core/errors';
import { PAGE_SIZE_MAX } from '../../../core/limits';
import type { Order } from '../../../core/order';
import type { RecordSource, PageRequest, SourceCallStats, SourcePage } from '../../../core/ports';
import { screenRecord, type RejectedRecord } from '../../../core/quarantine';
import type { Window } from '../../../core/run-types';
import { DEFAULT_RETRY_AFTER_MS, header, HttpClient, type Exchange, type HttpClientSettings, type Verdict } from '../http-client';
import { quoteSource } from '../quote';
import { mapShopifyOrder } from './map-order';
import { connection, decodeCursor, encodeCursor, graphqlEndpoint, isFields, type Fields, type WalkCursor } from './shopify-graphql';

export { graphqlEndpoint } from './shopify-graphql';
import {
  ACCESS_SCOPES_COST,
  ACCESS_SCOPES_QUERY,
  MAX_CONNECTION_FIRST,
  maxOrdersPerRequest,
  ORDER_CONNECTIONS,
  ORDER_CONNECTIONS_QUERY,
  orderConnectionsCost,
  PAGED_DISCOUNT_APPLICATIONS,
  PAGED_SHIPPING_LINES,
  type OrderConnection,
  ORDERS_COUNT_COST,
  ORDERS_COUNT_QUERY,
  ORDERS_PAGE_QUERY,
  ordersPageCost,
  windowFilter,
} from './queries';

/** The client's knobs (timeout default 20 s; INTERNAL_SERVER_ERROR is transient, THROTTLED is throttling) and Shopify's own. */
export interface ShopifyOrdersSourceOptions extends HttpClientSettings {
  /** The shop's domain (`my-shop.myshopify.com`: https), or an http(s) origin on loopback for a local fake. */
  shopDomain: string;
  /** A stable Admin API version, `YYYY-MM` (January, April, July, October), or `unstable`. */
  apiVersion: string;
  /** Line items fetched with each order in the page query; the rest come by follow-up queries (default 5: most orders have fewer, and each costs 7 points of every order's requested cost). */
  lineItemsPerOrder?: number;
  /** Line items per follow-up query (default 100). */
  lineItemsPerRequest?: number;
  /** `orders` requests one page may make before it returns what it has, cursor included (default 40). */
  maxRequestsPerPage?: number;
  /**
   * How long one page may spend (waiting for the cost bucket included) before it returns what it has, cursor
   * included (default 20 s): on a Standard plan a 250-order page would take minutes, past the page step's timeout.
   */
  maxPageMs?: number;
}

/** What Shopify last said about our cost bucket, and when. */
interface Bucket {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
  atMs: number;
}

const DEFAULTS = {
  timeoutMs: 20_000,
  lineItemsPerOrder: 5,
  lineItemsPerRequest: 100,
  maxRequestsPerPage: 40,
  maxPageMs: 20_000,
};
/** Discount applications or shipping lines per follow-up query (100 shipping lines cost 503 points, under the 1000 a query may). */
const FOLLOW_UP_FIRST = 100;
/** Reads of one order's lists that each met a change within its second, before the page is tried again. */
const MAX_ORDER_READS = 3;

/** The order's own fields as text (its connections left out): equal for two reads of one version. */
function ownFieldsOf(order: Fields): string {
  const own: Fields = { ...order };
  for (const name of ORDER_CONNECTIONS) delete own[name];
  return JSON.stringify(own);
}

const TOKEN_HINT = 'check the Shopify Admin API access token (ORDERS_API_TOKEN_SECRET_ARN in AWS, ORDERS_API_TOKEN locally)';

export class ShopifyOrdersSource implements RecordSource<Order> {
  private readonly endpoint: URL;
  private readonly client: HttpClient;
  private readonly lineItemsPerOrder: number;
  private readonly lineItemsPerRequest: number;
  private readonly maxRequestsPerPage: number;
  private readonly maxPageMs: number;
  private readonly ordersPerRequest: number;
  private bucket: Bucket | null = null;
  private scopesChecked = false;

  constructor(private readonly options: ShopifyOrdersSourceOptions) {
    this.endpoint = graphqlEndpoint(options.shopDomain, options.apiVersion);
    this.client = new HttpClient({
      ...options,
      api: 'Shopify',
      tokenHint: TOKEN_HINT,
      credentials: (token) => ({ 'x-shopify-access-token': token }),
      timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
    });
    this.lineItemsPerOrder = options.lineItemsPerOrder ?? DEFAULTS.lineItemsPerOrder;
    this.lineItemsPerRequest = options.lineItemsPerRequest ?? DEFAULTS.lineItemsPerRequest;
    this.maxRequestsPerPage = Math.max(1, options.maxRequestsPerPage ?? DEFAULTS.maxRequestsPerPage);
    this.maxPageMs = options.maxPageMs ?? DEFAULTS.maxPageMs;
    for (const [name, value] of [
      ['lineItemsPerOrder', this.lineItemsPerOrder],
      ['lineItemsPerRequest', this.lineItemsPerRequest],
    ] as const) {
      if (!Number.isInteger(value) || value < 1 || value > MAX_CONNECTION_FIRST)
        throw new ConfigError(`${name} must be an integer in 1..${MAX_CONNECTION_FIRST}, got ${value}`);
    }
    this.ordersPerRequest = maxOrdersPerRequest(this.lineItemsPerOrder);
    if (this.ordersPerRequest < 1)
      throw new ConfigError(`lineItemsPerOrder ${this.lineItemsPerOrder} makes one order cost more than a query may`);
  }

  async fetchPage({ window, cursor, limit }: PageRequest): Promise<SourcePage<Order>> {
    if (!Number.isInteger(limit) || limit < 1 || limit > PAGE_SIZE_MAX) {
      throw new SourceRequestError(`page size must be an integer in 1..${PAGE_SIZE_MAX}, got ${limit}`);
    }
    const stats: SourceCallStats = { requests: 0, throttled: 0, retried: 0 };
    await this.checkScopes(stats);
    const query = windowFilter(window);
    let position: WalkCursor | null = cursor === null ? null : decodeCursor(cursor);
    const orders: Order[] = [];
    const rejected: RejectedRecord[] = [];
    // A page holds `limit` nodes, the rejected ones included.
    const taken = () => orders.length + rejected.length;
    const startedAt = this.client.clock();
    // Past the time budget a page ends with what it has (at least one request's worth), its cursor going on from there.
    const inBudget = (requests: number) => requests === 0 || this.client.clock() - startedAt < this.maxPageMs;
    for (let requests = 0; requests < this.maxRequestsPerPage && taken() < limit && inBudget(requests); requests++) {
      const first = Math.min(limit - taken(), this.ordersPerRequest);
      const variables = { first, after: position?.c ?? null, query, lineItems: this.lineItemsPerOrder };
      const data = await this.graphql('OrdersPage', ORDERS_PAGE_QUERY, variables, ordersPageCost(first, this.lineItemsPerOrder), stats);
      const page = connection(isFields(data) ? data.orders : undefined, 'an orders page');
      let lastUpdatedAt = position?.u ?? null;
      for (const node of page.nodes) {
        const whole = await this.wholeOrder(node, stats);
        if (whole === null) continue;
        const screened = screenRecord(whole, mapShopifyOrder, orders.length);
        // A node the mapping cannot take is the page's rejected one (quarantined by the core); the sort is checked on the others.
        if ('rejected' in screened) {
          rejected.push(screened.rejected);
          continue;
        }
        const { record: order } = screened;
        // sortKey UPDATED_AT is the one ordering the walk relies on: a page that breaks it is not what the docs promise.
        if (lastUpdatedAt !== null && order.updatedAt < lastUpdatedAt) {
          throw new InvalidPageError(
            `Shopify returned order ${order.id} (updatedAt ${order.updatedAt}) after one updated at ${lastUpdatedAt}: the orders are not sorted by UPDATED_AT`,
          );
        }
        lastUpdatedAt = order.updatedAt;
        orders.push(order);
      }
      if (!page.hasNextPage) return { records: orders, rejected, nextCursor: null, stats };
      position = { c: page.endCursor!, u: lastUpdatedAt };
    }
    return { records: orders, rejected, nextCursor: encodeCursor(position!), stats };
  }

  async count(window: Window): Promise<number> {
    const stats: SourceCallStats = { requests: 0, throttled: 0, retried: 0 };
    await this.checkScopes(stats);
    const data = await this.graphql('OrdersCount', ORDERS_COUNT_QUERY, { query: windowFilter(window) }, ORDERS_COUNT_COST, stats);
    const count = isFields(data) && isFields(data.ordersCount) ? data.ordersCount.count : undefined;
    if (!Number.isSafeInteger(count) || (count as number) < 0)
      throw new InvalidPageError('Shopify answered an ordersCount without a non-negative integer count');
    return count as number;
  }

  /** Closes the keep-alive connections (tests; a Lambda keeps them for its next invocation). */
  async close(): Promise<void> {
    await this.client.close();
  }

  /**
   * The token's scopes, checked once per process (by fetchPage, count and the bulk export): read_orders to see orders at all, and read_all_orders because
   * without it Shopify hides orders created more than 60 days ago *silently*; an old order that changes today
   * would be missing from every window, so no window is complete without it.
   */
  async checkScopes(stats: SourceCallStats): Promise<void> {
    if (this.scopesChecked) return;
    const data = await this.graphql('AccessScopes', ACCESS_SCOPES_QUERY, {}, ACCESS_SCOPES_COST, stats);
    const installation = isFields(data) ? data.currentAppInstallation : undefined;
    const scopes = isFields(installation) && Array.isArray(installation.accessScopes) ? installation.accessScopes : undefined;
    if (scopes === undefined) throw new InvalidPageError('Shopify answered currentAppInstallation without accessScopes');
    const granted = new Set(scopes.map((scope) => (isFields(scope) ? scope.handle : undefined)));
    const fix = "add it to the app's access scopes (and reinstall the app so the token gets it)";
    if (!granted.has('read_orders') && !granted.has('write_orders')) {
      throw new SourceAuthError(`the Shopify token lacks the read_orders scope, needed to read orders at all: ${fix}`);
    }
    if (!granted.has('read_all_orders')) {
      throw new SourceAuthError(
        `the Shopify token lacks the read_all_orders scope: without it Shopify silently hides orders created more than 60 days ago, ` +
          `so the copy would miss them (and every change to them); request "Read all orders" access for the app, then ${fix}`,
      );
    }
    this.scopesChecked = true;
  }

  /**
   * The node with every line item, discount application and shipping line: OrderConnections follow-ups, one
   * connection at a time from where the page query stopped, while any has a next page. Each follow-up reads the
   * order's own fields again: another `updatedAt` means the order changed meanwhile, and the walk meets the new
   * version further on (or it has left the window), so the node is skipped (null, as for a vanished order); the
   * same `updatedAt` with other fields is a change within the second, which the walk will not meet again, so the
   * order is read again from its start (at most MAX_ORDER_READS times, then a transient error: the step retries).
   */
  private async wholeOrder(node: unknown, stats: SourceCallStats): Promise<unknown> {
    if (!isFields(node)) return node;
    let current: Fields = node;
    for (let read = 1; ; read++) {
      const completed = await this.completeConnections(current, stats);
      if (completed.kind === 'whole') return completed.node;
      if (completed.kind === 'gone') {
        this.options.logger?.info('Shopify order changed while its lists were read: the walk meets its new version later', {
          orderId: node.id,
        });
        return null;
      }
      if (read === MAX_ORDER_READS) {
        throw new SourceUnavailableError(
          `Shopify order ${String(node.id)} changed within its updatedAt second on each of ${read} reads of its lists: try the page again`,
        );
      }
      const again = await this.orderConnections(node.id, this.firstSlices(), stats);
      if (again === null || again.updatedAt !== node.updatedAt) return null;
      current = again;
    }
  }

  /** The connections the page query reads, and how many nodes of each: OrderConnections with all of them reads the order anew. */
  private firstSlices(): Partial<Record<OrderConnection, { first: number; after: string | null }>> {
    return {
      lineItems: { first: this.lineItemsPerOrder, after: null },
      discountApplications: { first: PAGED_DISCOUNT_APPLICATIONS, after: null },
      shippingLines: { first: PAGED_SHIPPING_LINES, after: null },
    };
  }

  private async completeConnections(
    node: Fields,
    stats: SourceCallStats,
  ): Promise<{ kind: 'whole'; node: Fields } | { kind: 'gone' } | { kind: 'changed' }> {
    const lists = new Map(
      ORDER_CONNECTIONS.filter((name) => node[name] !== undefined).map((name) => [
        name,
        connection(node[name], `order ${String(node.id)}'s ${name}`),
      ]),
    );
    const ownFields = ownFieldsOf(node);
    for (const [name, list] of lists) {
      while (list.hasNextPage) {
        const first = name === 'lineItems' ? this.lineItemsPerRequest : FOLLOW_UP_FIRST;
        const order = await this.orderConnections(node.id, { [name]: { first, after: list.endCursor } }, stats);
        if (order === null || order.updatedAt !== node.updatedAt) return { kind: 'gone' };
        if (ownFieldsOf(order) !== ownFields) return { kind: 'changed' };
        const slice = connection(order[name], `order ${String(node.id)}'s ${name}`);
        list.nodes.push(...slice.nodes);
        list.hasNextPage = slice.hasNextPage;
        list.endCursor = slice.endCursor;
      }
    }
    const whole: Fields = { ...node };
    for (const [name, list] of lists) whole[name] = { nodes: list.nodes, pageInfo: { hasNextPage: false, endCursor: list.endCursor } };
    return { kind: 'whole', node: whole };
  }

  /** One OrderConnections request: the order (null when it is gone) with these slices of its connections. */
  private async orderConnections(
    id: unknown,
    slices: Partial<Record<OrderConnection, { first: number; after: string | null }>>,
    stats: SourceCallStats,
  ): Promise<Fields | null> {
    const variables: Fields = { id };
    const firsts: Partial<Record<OrderConnection, number>> = {};
    for (const name of ORDER_CONNECTIONS) {
      const slice = slices[name];
      const suffix = name.charAt(0).toUpperCase() + name.slice(1);
      variables[`with${suffix}`] = slice !== undefined;
      // A skipped connection's first is still a required Int: 1, never read.
      variables[`${name}First`] = slice?.first ?? 1;
      variables[`${name}After`] = slice?.after ?? null;
      if (slice !== undefined) firsts[name] = slice.first;
    }
    const data = await this.graphql('OrderConnections', ORDER_CONNECTIONS_QUERY, variables, orderConnectionsCost(firsts), stats);
    const order = isFields(data) ? data.order : undefined;
    if (order === null) return null;
    if (!isFields(order)) throw new InvalidPageError(`Shopify answered OrderConnections for ${String(id)} without an order`);
    return order;
  }

  /** Waits until the bucket Shopify last reported has refilled enough for `cost`: slowing down beats being throttled. */
  private async pace(cost: number, shown: string): Promise<void> {
    const bucket = this.bucket;
    if (bucket === null || bucket.restoreRate <= 0 || cost > bucket.maximumAvailable) return;
    const refilled = bucket.currentlyAvailable + (bucket.restoreRate * (this.client.clock() - bucket.atMs)) / 1000;
    const available = Math.min(bucket.maximumAvailable, refilled);
    if (available >= cost) return;
    const waitMs = Math.ceil(((cost - available) / bucket.restoreRate) * 1000);
    this.options.logger?.info('Shopify cost bucket nearly empty: waiting for it to refill', { waitMs, cost, available, call: shown });
    await this.client.sleep(waitMs);
  }

  private noteCost(body: unknown, receivedAt: number): { requested: number | null; status: Bucket | null } {
    const cost = isFields(body) && isFields(body.extensions) ? body.extensions.cost : undefined;
    if (!isFields(cost) || !isFields(cost.throttleStatus)) return { requested: null, status: null };
    const { maximumAvailable, currentlyAvailable, restoreRate } = cost.throttleStatus;
    const requested = typeof cost.requestedQueryCost === 'number' ? cost.requestedQueryCost : null;
    if (typeof maximumAvailable !== 'number' || typeof currentlyAvailable !== 'number' || typeof restoreRate !== 'number') {
      return { requested, status: null };
    }
    this.bucket = { maximumAvailable, currentlyAvailable, restoreRate, atMs: receivedAt };
    return { requested, status: this.bucket };
  }

  /** A text Shopify sent inside its data (a user error's message), fit to quote in an error: the token blanked, then cut. */
  quote(text: string): string {
    return this.client.quoteText(text);
  }

  /** Posts one GraphQL operation until it answers data, retrying what is transient and waiting out throttling (bulk-export.ts sends through it too). */
  async graphql(operationName: string, query: string, variables: Fields, cost: number, stats: SourceCallStats): Promise<unknown> {
    const shown = `POST ${this.endpoint.href} (${operationName})`;
    const call = {
      method: 'POST' as const,
      url: this.endpoint,
      shown,
      detailUrl: this.endpoint.href,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables, operationName }),
      pace: () => this.pace(cost, shown),
    };
    return this.client.call(call, stats, (exchange) => this.read(exchange, cost, shown));
  }

  /** Shopify's statuses and GraphQL error codes; 429, 5xx and 408 the client handles. */
  private read(exchange: Exchange, cost: number, shown: string): Verdict<unknown> {
    const { answer, receivedAt } = exchange;
    const { status } = answer;
    if (status === 200) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(answer.text);
      } catch {
        throw new InvalidPageError(
          `Shopify answered 200 with a body that is not JSON (${header(answer.headers, 'content-type') ?? 'no content-type'}): ${shown}`,
        );
      }
      const { requested, status: bucket } = this.noteCost(parsed, receivedAt);
      const errors = isFields(parsed) && Array.isArray(parsed.errors) ? parsed.errors.filter(isFields) : [];
      const codes = errors.map((error) => (isFields(error.extensions) ? error.extensions.code : undefined));
      // Shopify's words, redacted before they are cut (a message may echo the request, and so the token).
      const messages = quoteSource(errors.map((error) => String(error.message)).join('; '), [exchange.token]);
      if (codes.includes('THROTTLED')) {
        const need = requested ?? cost;
        const waitMs =
          bucket && bucket.restoreRate > 0
            ? Math.max(1, Math.ceil(((need - bucket.currentlyAvailable) / bucket.restoreRate) * 1000))
            : DEFAULT_RETRY_AFTER_MS;
        return { throttled: { waitMs, why: `THROTTLED: needs ${need} points, ${bucket?.currentlyAvailable ?? '?'} available` } };
      }
      if (codes.includes('ACCESS_DENIED')) {
        const required = errors
          .map((error) => (isFields(error.extensions) ? error.extensions.requiredAccess : undefined))
          .filter(Boolean)
          .map((access) => quoteSource(String(access), [exchange.token]));
        throw new SourceAuthError(
          `Shopify denied access (ACCESS_DENIED: ${messages})${required.length ? `; required: ${required.join(', ')}` : ''}: ` +
            `grant the app that scope (read_orders to read orders, read_all_orders for orders older than 60 days) and reinstall it: ${shown}`,
        );
      }
      if (codes.includes('INTERNAL_SERVER_ERROR')) return { retry: `INTERNAL_SERVER_ERROR: ${messages}` };
      if (codes.includes('MAX_COST_EXCEEDED')) {
        throw new SourceRequestError(
          `Shopify refused the query as too costly (MAX_COST_EXCEEDED: ${messages}): lower lineItemsPerOrder: ${shown}`,
        );
      }
      if (errors.length > 0 || (isFields(parsed) && parsed.errors !== undefined && !Array.isArray(parsed.errors))) {
        // Partial data with errors is refused: an order missing fields must not be stored as if whole.
        throw new SourceRequestError(
          `Shopify answered GraphQL errors (${messages || quoteSource(JSON.stringify((parsed as Fields).errors), [exchange.token])}): ${shown}`,
        );
      }
      if (!isFields(parsed) || !isFields(parsed.data)) throw new InvalidPageError(`Shopify answered 200 without a data object: ${shown}`);
      return { done: parsed.data };
    }
    const said = (): string => this.client.quote(exchange);
    if (status === 401)
      throw new SourceAuthError(`Shopify refused the access token (401): ${TOKEN_HINT} (Shopify said: ${said()}): ${shown}`);
    if (status === 402)
      throw new SourceAuthError(
        `the shop is frozen (402 Payment Required): its owner must settle the shop's bill in the Shopify admin: ${shown}`,
      );
    if (status === 403)
      throw new SourceAuthError(
        `Shopify refused the request (403): the app lacks a scope it needs (read_orders, read_all_orders) (Shopify said: ${said()}): ${shown}`,
      );
    if (status === 423)
      throw new SourceAuthError(`the shop is locked (423): Shopify has disabled it; nothing can be synced until it is unlocked: ${shown}`);
    if (status === 404)
      throw new SourceRequestError(`Shopify has no such endpoint (404): check SHOPIFY_SHOP_DOMAIN and SHOPIFY_API_VERSION: ${shown}`);
    if (status === 400) throw new SourceRequestError(`Shopify rejected the request (400: ${said()}): ${shown}`);
    return undefined;
  }
}
