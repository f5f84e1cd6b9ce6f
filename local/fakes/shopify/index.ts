// The fake Shopify GraphQL Admin API: POST /admin/api/{version}/graphql.json on loopback, serving the connector's
// operations from the fake orders API's seeded shop (its order table, live mode and ground truth, reached over
// HTTP), with Shopify's documented auth, scopes, error shapes and leaky-bucket cost throttling.
// Shapes from https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits (extensions.cost, THROTTLED),
// https://shopify.dev/docs/api/usage/response-codes (401), and the access-scope changelog (ACCESS_DENIED,
// requiredAccess). It reads operations by operationName: it is a fake for our documents, not a GraphQL engine.
// Bulk operations (bulk.ts) run at `bulkRate` orders a second and serve their JSONL at /bulk-results/.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../../loopback';
import { Agent, request } from 'undici';
import {
  ACCESS_SCOPES_COST,
  BULK_OPERATION_COST,
  RUN_BULK_EXPORT_COST,
  RUNNING_BULK_OPERATIONS_COST,
  MAX_CONNECTION_FIRST,
  MAX_SINGLE_QUERY_COST,
  ORDER_CONNECTIONS,
  orderConnectionsCost,
  type OrderConnection,
  orderNodeCost,
  ORDERS_COUNT_COST,
  orderDeletionsCost,
  ordersExistCost,
  ordersPageCost,
} from '../../../functions/adapters/source/shopify/queries';
import type { Instant } from '../../../functions/core/order';
import { toInstant } from '../../../functions/core/instant';
import { startFakeOrdersApi, type FakeOrdersApi, type FakeOrdersApiOptions } from '../orders-api';
import { hash32, SeededRandom } from '../orders-api/random';
import { createBulkOperations, type FakeBulkOperations } from './bulk';
import {
  lineItemNodes,
  LIST_LENGTHS_FIELD,
  listConnection,
  type ListLengths,
  orderChildren,
  orderFields,
  opaque,
  orderGid,
  orderNode,
  referenceIdOf,
  secondCeiling,
  unwrap,
  wholeSecond,
} from './translate';

type Fields = Record<string, unknown>;

/** What one scripted request gets instead of its normal answer. */
export type ShopifyOutcome = 500 | 502 | 503 | 504 | 401 | 'drop' | 'hang' | 'throttled' | 'internal-error' | 'access-denied';

export interface BucketSettings {
  maximumAvailable: number;
  /** Points restored per second. */
  restoreRate: number;
}

export interface FakeShopifyOptions {
  /** The seeded shop underneath (orders, seed, live rate, clock offset...): the fake orders API's options. */
  shop?: FakeOrdersApiOptions;
  /** Default: derived from the shop's seed, `shpat_…`. */
  token?: string;
  /** Granted access scopes (default read_orders and read_all_orders). */
  scopes?: readonly string[];
  /** Default 10,000 points restoring 1,000 a second (Shopify Plus's documented rate). */
  bucket?: Partial<BucketSettings>;
  /** Our clock, epoch ms, for the bucket (default Date.now; also the shop's unless shop.clock is given). */
  clock?: () => number;
  port?: number;
  /** Orders a bulk export covers per second (default DEFAULT_BULK_RATE, see bulk.ts). */
  bulkRate?: number;
  /** How long a bulk result URL works from when it is answered (default: until the result expires, see bulk.ts). */
  bulkUrlTtlMs?: number;
}

export interface RecordedCall {
  operation: string;
  variables: Fields;
  requestedQueryCost: number | null;
  /** HTTP status, or a GraphQL error code, or 'dropped' / 'hung'. */
  outcome: string;
  /** The shop's clock when the request arrived: later changes cannot be in its answer. */
  at: Instant;
}

export interface FakeShopify {
  /** The shop origin, usable as SHOPIFY_SHOP_DOMAIN for a local run. */
  url: string;
  token: string;
  /** The seeded shop underneath: mutate(), setLiveRate(), corruptOrder(), ... */
  shop: FakeOrdersApi;
  /** Every order's gid and updated_at (Instants in whole seconds, as Shopify stores them), sorted; only the window's when given (as Shopify's filter would). */
  truth(window?: { from?: Instant | null; to?: Instant | null }): Array<{ id: string; updated_at: Instant }>;
  /** The order's node with every line item, discount application and shipping line, or undefined. */
  order(gid: string): Fields | undefined;
  /**
   * Gives the order at least these many discount applications, shipping lines and refunds (each added one worth
   * zero), served paged as Shopify pages them; null serves the derived ones again. Its updated_at does not move
   * (a change within its second): mutate() the order for a sync to see it as changed.
   */
  setListLengths(gid: string, lengths: ListLengths | null): void;
  script(...outcomes: ShopifyOutcome[]): void;
  /** Shares (0..1) of requests answered 5xx or dropped. */
  setFaults(faults: { errorRate?: number; dropRate?: number }): void;
  resetFaults(): void;
  /** Changes the bucket now (currentlyAvailable as of this moment). */
  setBucket(bucket: Partial<BucketSettings> & { currentlyAvailable?: number }): void;
  /** The bucket's points available now. */
  available(): number;
  setScopes(scopes: readonly string[]): void;
  /** The last 1000 calls, oldest first. */
  calls(): readonly RecordedCall[];
  /** The bulk operations: their rate, list, results, and FAILED / CANCELED / EXPIRED on demand. */
  bulk: FakeBulkOperations;
  stop(): Promise<void>;
}

const VERSION = /^\/admin\/api\/(\d{4}-\d{2}|unstable)\/graphql\.json$/;
const WINDOW_FILTER = /^(?:updated_at:>='([^']+)' AND )?updated_at:<'([^']+)'$/;
const DELETIONS_FILTER = /^subject_type:ORDER AND action:destroy AND (?:created_at:>='([^']+)' AND )?created_at:<'([^']+)'$/;
const SIXTY_DAYS_MS = 60 * 86_400_000;
const RECORDED = 1000;
const DOCS = 'https://shopify.dev/api/usage/rate-limits';

class GraphqlError extends Error {
  constructor(
    message: string,
    readonly code?: string,
    readonly extra: Fields = {},
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
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

export async function startFakeShopify(options: FakeShopifyOptions = {}): Promise<FakeShopify> {
  const clock = options.clock ?? Date.now;
  const shop = await startFakeOrdersApi({ clock, ...options.shop });
  const seed = options.shop?.seed ?? 1;
  const token = options.token ?? `shpat_${hash32(seed, 0x5409).toString(16)}${hash32(seed, 0x70c3).toString(16)}`;
  let scopes = new Set(options.scopes ?? ['read_orders', 'read_all_orders']);
  let bucket = { maximumAvailable: 10_000, restoreRate: 1_000, ...options.bucket };
  let currentlyAvailable = bucket.maximumAvailable;
  let bucketAt = clock();
  let faults = { errorRate: 0, dropRate: 0 };
  const faultRandom = new SeededRandom(hash32(seed, 0x5f17));
  const scripted: ShopifyOutcome[] = [];
  const recorded: RecordedCall[] = [];
  const agent = new Agent({ keepAliveTimeout: 4_000 });
  let origin = '';
  const bulk = createBulkOperations({
    clock,
    rate: options.bulkRate,
    ...(options.bulkUrlTtlMs !== undefined ? { urlTtlMs: options.bulkUrlTtlMs } : {}),
    ordersIn: (window) =>
      shop
        .truth(window)
        .map((version) => shop.order(version.id))
        .filter((order): order is Fields => order !== undefined && visible(orderNode(order, { lineItems: 0 }))),
    windowOf,
    origin: () => origin,
    error: (message, code) => new GraphqlError(message, code),
  });

  // ------------------------------------------------------------------ the leaky bucket

  function available(): number {
    const now = clock();
    currentlyAvailable = Math.min(bucket.maximumAvailable, currentlyAvailable + (bucket.restoreRate * (now - bucketAt)) / 1000);
    bucketAt = now;
    return currentlyAvailable;
  }

  function costExtension(requested: number, actual: number | null): Fields {
    return {
      cost: {
        requestedQueryCost: requested,
        actualQueryCost: actual,
        throttleStatus: {
          maximumAvailable: bucket.maximumAvailable,
          currentlyAvailable: Math.floor(available()),
          restoreRate: bucket.restoreRate,
        },
      },
    };
  }

  // ------------------------------------------------------------------ operations

  function requestedCost(operation: string, variables: Fields): number {
    switch (operation) {
      case 'OrdersPage':
        return ordersPageCost(
          intIn(variables.first, 'first', 1, MAX_CONNECTION_FIRST),
          intIn(variables.lineItems, 'lineItems', 1, MAX_CONNECTION_FIRST),
        );
      case 'OrderConnections':
        return orderConnectionsCost(connectionFirsts(variables));
      case 'OrdersCount':
        return ORDERS_COUNT_COST;
      case 'AccessScopes':
        return ACCESS_SCOPES_COST;
      case 'RunBulkExport':
        return RUN_BULK_EXPORT_COST;
      case 'BulkOperation':
      case 'CurrentBulkOperation':
        return BULK_OPERATION_COST;
      case 'RunningBulkOperations':
        return RUNNING_BULK_OPERATIONS_COST;
      case 'OrderDeletions':
        return orderDeletionsCost(intIn(variables.first, 'first', 1, MAX_CONNECTION_FIRST));
      case 'OrdersExist':
        if (!Array.isArray(variables.ids) || variables.ids.length > MAX_CONNECTION_FIRST) {
          throw new GraphqlError(`ids must be a list of at most ${MAX_CONNECTION_FIRST} ids`, 'BAD_USER_INPUT');
        }
        return ordersExistCost(variables.ids.length);
      default:
        throw new GraphqlError(
          `the fake serves OrdersPage, OrderConnections, OrdersCount, AccessScopes, OrderDeletions, OrdersExist and the bulk operations, not ${JSON.stringify(operation)}`,
          'undefinedField',
        );
    }
  }

  function requireOrdersScope(field: string): void {
    if (!scopes.has('read_orders') && !scopes.has('write_orders')) {
      throw new GraphqlError(`Access denied for ${field} field. Required access: \`read_orders\` access scope.`, 'ACCESS_DENIED', {
        documentation: 'https://shopify.dev/api/usage/access-scopes',
        requiredAccess: '`read_orders` access scope.',
      });
    }
  }

  /** Without read_all_orders Shopify shows only orders created in the last 60 days, and says nothing. */
  function visible(node: Fields): boolean {
    return scopes.has('read_all_orders') || Date.parse(String(node.createdAt)) >= clock() + shop.clockOffsetMs - SIXTY_DAYS_MS;
  }

  async function ordersPage(variables: Fields): Promise<{ data: Fields; actual: number }> {
    requireOrdersScope('orders');
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
    const url = new URL('/orders', shop.url);
    if (window.from !== null) url.searchParams.set('updated_at_min', window.from);
    url.searchParams.set('updated_at_max', window.to);
    url.searchParams.set('limit', String(first));
    if (referenceCursor !== null) url.searchParams.set('cursor', referenceCursor);
    const answer = await request(url, { headers: { authorization: `Bearer ${shop.token}` }, dispatcher: agent });
    const text = await answer.body.text();
    if (answer.statusCode === 400) throw new GraphqlError('Invalid cursor for current pagination sort.', 'BAD_USER_INPUT');
    if (answer.statusCode !== 200) throw new GraphqlError(`shop answered ${answer.statusCode}`, 'INTERNAL_SERVER_ERROR');
    const page = JSON.parse(text) as { orders: Fields[]; next_cursor: string | null };
    const nodes = page.orders.map((order) => orderNode(order, { lineItems })).filter(visible);
    const hasNextPage = page.next_cursor !== null;
    const endCursor = hasNextPage ? opaque({ r: page.next_cursor }) : nodes.length > 0 ? opaque({ end: true }) : null;
    // Actual cost counts what came back: each order, its money bags and customer, the line items returned.
    const actual = 3 + nodes.reduce((sum, node) => sum + orderNodeCost(((node.lineItems as Fields).nodes as unknown[]).length), 0);
    return { data: { orders: { nodes, pageInfo: { hasNextPage, endCursor } } }, actual };
  }

  /** The `first` of each connection an OrderConnections request includes (`with…: true`), checked as Shopify would. */
  function connectionFirsts(variables: Fields): Partial<Record<OrderConnection, number>> {
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
  function orderConnections(variables: Fields): { data: Fields; actual: number } {
    requireOrdersScope('order');
    const referenceId = referenceIdOf(variables.id);
    const order = referenceId === null ? undefined : shop.order(referenceId);
    if (order === undefined || !visible(orderNode(order, { lineItems: 0 }))) return { data: { order: null }, actual: 1 };
    const lists: Record<OrderConnection, Fields[]> = { lineItems: lineItemNodes(order), ...orderChildren(order) };
    const node: Fields = orderFields(order);
    const returned: Partial<Record<OrderConnection, number>> = {};
    for (const [name, first] of Object.entries(connectionFirsts(variables)) as Array<[OrderConnection, number]>) {
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
  async function orderDeletions(variables: Fields): Promise<{ data: Fields; actual: number }> {
    requireOrdersScope('events');
    const match = typeof variables.query === 'string' ? DELETIONS_FILTER.exec(variables.query) : null;
    if (!match) {
      throw new GraphqlError(
        `the fake understands only "subject_type:ORDER AND action:destroy AND created_at:>='…' AND created_at:<'…'", got ${JSON.stringify(variables.query)}`,
        'BAD_USER_INPUT',
      );
    }
    const url = new URL('/orders/deleted', shop.url);
    if (match[1] !== undefined) url.searchParams.set('deleted_at_min', secondCeiling(toInstant(match[1])));
    url.searchParams.set('deleted_at_max', secondCeiling(toInstant(match[2]!)));
    url.searchParams.set('limit', String(variables.first));
    if (variables.after !== null && variables.after !== undefined) {
      const after = unwrap(String(variables.after)) as Fields | undefined;
      if (typeof after?.d !== 'string') throw new GraphqlError('Invalid cursor for current pagination sort.', 'BAD_USER_INPUT');
      url.searchParams.set('cursor', after.d);
    }
    const answer = await request(url, { headers: { authorization: `Bearer ${shop.token}` }, dispatcher: agent });
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
  function ordersExist(variables: Fields): { data: Fields; actual: number } {
    requireOrdersScope('nodes');
    const nodes = (variables.ids as unknown[]).map((gid) => {
      const referenceId = referenceIdOf(gid);
      const order = referenceId === null ? undefined : shop.order(referenceId);
      return order === undefined || !visible(orderNode(order, { lineItems: 0 })) ? null : { __typename: 'Order', id: gid };
    });
    return { data: { nodes }, actual: 1 + nodes.length };
  }

  async function execute(
    operation: string,
    variables: Fields,
    apiVersion: string,
    document: string,
  ): Promise<{ data: Fields; actual: number }> {
    switch (operation) {
      case 'RunBulkExport': {
        requireOrdersScope('orders');
        const literal = /groupObjects:\s*(true|false)/.exec(document);
        return {
          data: bulk.run({ query: variables.query, groupObjects: literal ? literal[1] === 'true' : undefined }, apiVersion),
          actual: RUN_BULK_EXPORT_COST,
        };
      }
      case 'BulkOperation':
        return { data: { node: bulk.node(variables.id) }, actual: 1 };
      case 'CurrentBulkOperation':
        return { data: { currentBulkOperation: bulk.current() }, actual: 1 };
      case 'RunningBulkOperations':
        return { data: bulk.running(apiVersion), actual: RUNNING_BULK_OPERATIONS_COST };
      case 'OrdersPage':
        return ordersPage(variables);
      case 'OrderConnections':
        return orderConnections(variables);
      case 'OrderDeletions':
        return orderDeletions(variables);
      case 'OrdersExist':
        return ordersExist(variables);
      case 'OrdersCount': {
        requireOrdersScope('ordersCount');
        return { data: { ordersCount: { count: shop.truth(windowOf(variables.query)).length, precision: 'EXACT' } }, actual: 1 };
      }
      default:
        return { data: { currentAppInstallation: { accessScopes: [...scopes].map((handle) => ({ handle })) } }, actual: 2 };
    }
  }

  // ------------------------------------------------------------------ HTTP

  function record(call: RecordedCall): void {
    recorded.push(call);
    if (recorded.length > RECORDED) recorded.shift();
  }

  function send(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  async function answer(req: IncomingMessage, res: ServerResponse, outcome: ShopifyOutcome | undefined): Promise<void> {
    const receivedAt = shop.now();
    const text = await readBody(req);
    let parsed: Fields = {};
    try {
      parsed = JSON.parse(text) as Fields;
    } catch {
      // answered below
    }
    const operation = typeof parsed.operationName === 'string' ? parsed.operationName : '(none)';
    const variables = typeof parsed.variables === 'object' && parsed.variables !== null ? (parsed.variables as Fields) : {};
    const call: RecordedCall = { operation, variables, requestedQueryCost: null, outcome: '', at: receivedAt };
    const done = (status: number, body: unknown, outcomeName = String(status)): void => {
      record({ ...call, outcome: outcomeName });
      send(res, status, body);
    };

    if (outcome === 'drop' || (outcome === undefined && faultRandom.chance(faults.dropRate))) {
      record({ ...call, outcome: 'dropped' });
      req.socket.destroy();
      return;
    }
    if (outcome === 'hang') return record({ ...call, outcome: 'hung' });
    if (req.method !== 'POST' || !VERSION.test(new URL(req.url ?? '/', 'http://fake').pathname)) return done(404, { errors: 'Not Found' });
    if (typeof outcome === 'number' && outcome >= 500) return done(outcome, { errors: 'Internal Server Error' });
    if (outcome === undefined && faultRandom.chance(faults.errorRate)) return done(503, { errors: 'Service Unavailable' });
    if (outcome === 401 || req.headers['x-shopify-access-token'] !== token) {
      return done(401, { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
    }
    if (typeof parsed.query !== 'string') return done(400, { errors: { query: 'Required parameter missing or invalid' } });

    const graphqlError = (error: GraphqlError, extensions?: Fields): void =>
      done(
        200,
        { errors: [{ message: error.message, extensions: { code: error.code, ...error.extra } }], ...(extensions ? { extensions } : {}) },
        error.code ?? 'error',
      );
    if (outcome === 'internal-error') {
      const requestId = randomUUID();
      return graphqlError(
        new GraphqlError(
          `Internal error. Looks like something went wrong on our end. Request ID: ${requestId} (include this in support requests).`,
          'INTERNAL_SERVER_ERROR',
          { requestId },
        ),
      );
    }
    if (outcome === 'access-denied') {
      scopes.delete('read_orders');
      try {
        requireOrdersScope('orders');
      } catch (error) {
        return graphqlError(error as GraphqlError);
      } finally {
        scopes.add('read_orders');
      }
    }
    let requested: number;
    try {
      requested = requestedCost(operation, variables);
    } catch (error) {
      return graphqlError(error as GraphqlError);
    }
    call.requestedQueryCost = requested;
    if (requested > MAX_SINGLE_QUERY_COST) {
      return graphqlError(
        new GraphqlError(
          `Query cost is ${requested}, which exceeds the single query max cost limit (${MAX_SINGLE_QUERY_COST}).`,
          'MAX_COST_EXCEEDED',
          { cost: requested, maxCost: MAX_SINGLE_QUERY_COST, documentation: DOCS },
        ),
      );
    }
    if (outcome === 'throttled' || available() < requested) {
      return graphqlError(new GraphqlError('Throttled', 'THROTTLED', { documentation: DOCS }), costExtension(requested, null));
    }
    currentlyAvailable -= requested;
    try {
      const apiVersion = VERSION.exec(new URL(req.url ?? '/', 'http://fake').pathname)![1]!;
      const { data, actual } = await execute(operation, variables, apiVersion, parsed.query);
      // Shopify charges the requested cost up front and refunds what the query did not use.
      currentlyAvailable = Math.min(bucket.maximumAvailable, currentlyAvailable + requested - Math.min(actual, requested));
      record({ ...call, outcome: '200' });
      send(res, 200, { data, extensions: costExtension(requested, Math.min(actual, requested)) });
    } catch (error) {
      if (!(error instanceof GraphqlError)) throw error;
      currentlyAvailable = Math.min(bucket.maximumAvailable, currentlyAvailable + requested - 1);
      graphqlError(error, costExtension(requested, 1));
    }
  }

  const server = createServer((req, res) => {
    // Result downloads are signed URLs of a storage bucket: no token, no scripted outcome.
    if (bulk.serve(req, res)) return;
    const outcome = scripted.shift();
    answer(req, res, outcome).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { errors: `fake Shopify bug: ${(error as Error).message}` });
    });
  });
  server.keepAliveTimeout = 5000;
  const listening = await listenOnLoopback(server, { port: options.port });
  origin = listening.url;

  return {
    url: listening.url,
    token,
    shop,
    truth(window) {
      const bounds = window && {
        from: window.from ? secondCeiling(window.from) : window.from,
        to: window.to ? secondCeiling(window.to) : window.to,
      };
      return shop.truth(bounds).map((version) => ({ id: orderGid(version.id), updated_at: wholeSecond(version.updated_at) }));
    },
    order(gid) {
      const referenceId = referenceIdOf(gid);
      const order = referenceId === null ? undefined : shop.order(referenceId);
      const all = Number.MAX_SAFE_INTEGER;
      return order === undefined ? undefined : orderNode(order, { lineItems: all, discountApplications: all, shippingLines: all });
    },
    setListLengths(gid, lengths) {
      const referenceId = referenceIdOf(gid);
      if (referenceId === null) throw new RangeError(`setListLengths: ${gid} is not an order gid`);
      shop.reviseInSameSecond(referenceId, { [LIST_LENGTHS_FIELD]: lengths ?? undefined });
    },
    script(...outcomes) {
      scripted.push(...outcomes);
    },
    setFaults(change) {
      faults = { ...faults, ...change };
    },
    resetFaults() {
      faults = { errorRate: 0, dropRate: 0 };
      scripted.length = 0;
    },
    setBucket(change) {
      available();
      bucket = {
        maximumAvailable: change.maximumAvailable ?? bucket.maximumAvailable,
        restoreRate: change.restoreRate ?? bucket.restoreRate,
      };
      if (change.currentlyAvailable !== undefined) currentlyAvailable = change.currentlyAvailable;
      currentlyAvailable = Math.min(currentlyAvailable, bucket.maximumAvailable);
    },
    available,
    setScopes(granted) {
      scopes = new Set(granted);
    },
    calls() {
      return [...recorded];
    },
    bulk,
    async stop() {
      await listening.close();
      await agent.close();
      await shop.stop();
    },
  };
}
