// The fake Shopify GraphQL Admin API: POST /admin/api/{version}/graphql.json on loopback, serving the connector's
// operations (operations.ts) from the fake orders API's seeded shop, with Shopify's documented auth, scopes, error
// shapes and leaky-bucket cost throttling (bucket.ts). An object with a start and a stop; its methods are the controls.
// Shapes from https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits (extensions.cost, THROTTLED),
// https://shopify.dev/docs/api/usage/response-codes (401), and the access-scope changelog (ACCESS_DENIED,
// requiredAccess). Bulk operations (bulk.ts) run at `bulkRate` orders a second and serve their JSONL at /bulk-results/.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent } from 'undici';
import { MAX_SINGLE_QUERY_COST } from '../../../functions/adapters/source/shopify/queries';
import type { Instant } from '../../../functions/core/order';
import { listenOnLoopback, type Listening } from '../../loopback';
import { FakeOrdersApi, type FakeOrdersApiOptions } from '../orders-api';
import { hash32, SeededRandom } from '../orders-api/random';
import { CostBucket, type BucketSettings } from './bucket';
import { epochMsOf } from '../../../functions/core/instant';
import { createBulkOperations, type BulkEngine, type ExportedRecord, type ExportStream, type FakeBulkOperations } from './bulk';
import { Catalogue } from './catalogue';
import { CatalogueOperations } from './catalogue-operations';
import { GraphqlError, ShopifyOperations, windowOf, type Fields } from './operations';
import {
  LIST_LENGTHS_FIELD,
  lineItemNodes,
  orderChildren,
  orderFields,
  orderGid,
  orderNode,
  referenceIdOf,
  secondCeiling,
  wholeSecond,
  type ListLengths,
} from './translate';

export type { BucketSettings } from './bucket';
export { windowOf } from './operations';

/** What one scripted request gets instead of its normal answer. */
export type ShopifyOutcome = 500 | 502 | 503 | 504 | 401 | 'drop' | 'hang' | 'throttled' | 'internal-error' | 'access-denied';

export interface FakeShopifyOptions {
  /** The seeded shop underneath (orders, seed, live rate, clock offset...): the fake orders API's options. */
  shop?: FakeOrdersApiOptions;
  /** Default: derived from the shop's seed, `shpat_…`. */
  token?: string;
  /** Granted access scopes (default read_orders, read_all_orders, read_products and read_customers). */
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
  /** The shop's IANA time zone, as `shop { ianaTimezone }` answers it (default UTC). */
  timeZone?: string;
  /** Products and customers in the shop (default 100 each; the seed is the shop's). */
  products?: number;
  customers?: number;
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

const VERSION = /^\/admin\/api\/(\d{4}-\d{2}|unstable)\/graphql\.json$/;
const RECORDED = 1000;
const DOCS = 'https://shopify.dev/api/usage/rate-limits';
const NO_FAULTS = { errorRate: 0, dropRate: 0 };

export class FakeShopify {
  readonly token: string;
  /** The seeded shop underneath: mutate(), setLiveRate(), corruptOrder(), ... */
  readonly shop: FakeOrdersApi;
  /** The shop's products and customers (change(), delete(), setLiveRate(), corrupt(), truth(), ...), on the shop's clock. */
  readonly products: Catalogue;
  readonly customers: Catalogue;
  private readonly bulkOperations: BulkEngine;
  private readonly operations: ShopifyOperations;
  private readonly bucket: CostBucket;
  private readonly agent = new Agent({ keepAliveTimeout: 4_000 });
  private readonly faultRandom: SeededRandom;
  private readonly scripted: ShopifyOutcome[] = [];
  private readonly recorded: RecordedCall[] = [];
  private faults = NO_FAULTS;
  private listening: Listening | undefined;

  constructor(private readonly options: FakeShopifyOptions = {}) {
    const clock = options.clock ?? Date.now;
    this.shop = new FakeOrdersApi({ clock, ...options.shop });
    const seed = options.shop?.seed ?? 1;
    this.token = options.token ?? `shpat_${hash32(seed, 0x5409).toString(16)}${hash32(seed, 0x70c3).toString(16)}`;
    this.bucket = new CostBucket(clock, options.bucket);
    this.faultRandom = new SeededRandom(hash32(seed, 0x5f17));
    const shopClock = (): number => epochMsOf(this.shop.now());
    // The orders' history end, when the shop's is kept (npm start's data dir), ends the catalogues' too.
    const history = options.shop?.historyEndsAtMs === undefined ? {} : { historyEndsAtMs: options.shop.historyEndsAtMs };
    this.products = new Catalogue({ stream: 'products', count: options.products ?? 100, seed, clock: shopClock, ...history });
    this.customers = new Catalogue({ stream: 'customers', count: options.customers ?? 100, seed, clock: shopClock, ...history });
    this.bulkOperations = createBulkOperations({
      clock,
      rate: options.bulkRate,
      ...(options.bulkUrlTtlMs !== undefined ? { urlTtlMs: options.bulkUrlTtlMs } : {}),
      recordsIn: (stream, window) => this.exported(stream, window),
      windowOf,
      origin: () => this.url,
      error: (message, code) => new GraphqlError(message, code),
    });
    this.operations = new ShopifyOperations(
      this.shop,
      this.bulkOperations,
      clock,
      options.scopes ?? ['read_orders', 'read_all_orders', 'read_products', 'read_customers'],
      this.agent,
      new CatalogueOperations({ products: this.products, customers: this.customers }, () => this.operations.scopes),
    );
    if (options.timeZone !== undefined) this.operations.timeZone = options.timeZone;
  }

  /** Starts the shop underneath, then listens on loopback (the options' port, default any free one). */
  async start(): Promise<this> {
    if (this.listening) throw new Error('the fake Shopify is already started');
    await this.shop.start();
    const server = createServer((req, res) => {
      // Result downloads are signed URLs of a storage bucket: no token, no scripted outcome.
      if (this.bulkOperations.serve(req, res)) return;
      const outcome = this.scripted.shift();
      this.answer(req, res, outcome).catch((error: unknown) => {
        if (!res.headersSent) send(res, 500, { errors: `fake Shopify bug: ${(error as Error).message}` });
      });
    });
    server.keepAliveTimeout = 5000;
    this.listening = await listenOnLoopback(server, { port: this.options.port });
    return this;
  }

  async stop(): Promise<void> {
    await this.listening?.close();
    this.listening = undefined;
    await this.agent.close();
    await this.shop.stop();
  }

  /** The bulk operations: their rate, list, results, and FAILED / CANCELED / EXPIRED on demand. */
  get bulk(): FakeBulkOperations {
    return this.bulkOperations;
  }

  /** The shop origin, usable as SHOPIFY_SHOP_DOMAIN for a local run (once started). */
  get url(): string {
    if (!this.listening) throw new Error('the fake Shopify is not started: call start() first');
    return this.listening.url;
  }

  // ------------------------------------------------------------------ controls

  /** Every order's gid and updated_at (Instants in whole seconds, as Shopify stores them), sorted; only the window's when given (as Shopify's filter would). */
  truth = (window?: { from?: Instant | null; to?: Instant | null }): Array<{ id: string; updated_at: Instant }> => {
    const bounds = window && {
      from: window.from ? secondCeiling(window.from) : window.from,
      to: window.to ? secondCeiling(window.to) : window.to,
    };
    return this.shop.truth(bounds).map((version) => ({ id: orderGid(version.id), updated_at: wholeSecond(version.updated_at) }));
  };
  /** The order's node with every line item, discount application and shipping line, or undefined. */
  order = (gid: string): Fields | undefined => {
    const referenceId = referenceIdOf(gid);
    const order = referenceId === null ? undefined : this.shop.order(referenceId);
    const all = Number.MAX_SAFE_INTEGER;
    return order === undefined ? undefined : orderNode(order, { lineItems: all, discountApplications: all, shippingLines: all });
  };
  /**
   * Gives the order at least these many discount applications, shipping lines and refunds (each added one worth
   * zero), served paged as Shopify pages them; null serves the derived ones again. Its updated_at does not move
   * (a change within its second): mutate() the order for a sync to see it as changed.
   */
  setListLengths = (gid: string, lengths: ListLengths | null): void => {
    const referenceId = referenceIdOf(gid);
    if (referenceId === null) throw new RangeError(`setListLengths: ${gid} is not an order gid`);
    this.shop.reviseInSameSecond(referenceId, { [LIST_LENGTHS_FIELD]: lengths ?? undefined });
  };
  script = (...outcomes: ShopifyOutcome[]): void => {
    this.scripted.push(...outcomes);
  };
  /** Shares (0..1) of requests answered 5xx or dropped. */
  setFaults = (change: { errorRate?: number; dropRate?: number }): void => {
    this.faults = { ...this.faults, ...change };
  };
  resetFaults = (): void => {
    this.faults = NO_FAULTS;
    this.scripted.length = 0;
  };
  /** Changes the bucket now (currentlyAvailable as of this moment). */
  setBucket = (change: Partial<BucketSettings> & { currentlyAvailable?: number }): void => this.bucket.set(change);
  /** The bucket's points available now. */
  available = (): number => this.bucket.available();
  /** The shop's time zone from now on (Shopify lets a merchant change it in the admin). */
  setTimeZone = (zone: string): void => {
    this.operations.timeZone = zone;
  };

  setScopes = (granted: readonly string[]): void => {
    this.operations.scopes = new Set(granted);
  };
  /** The last 1000 calls, oldest first. */
  calls = (): readonly RecordedCall[] => [...this.recorded];

  /** What a bulk export of the stream's window writes: each record's own fields, then its children. */
  private exported(stream: ExportStream, window: { from: Instant | null; to: Instant }): ExportedRecord[] {
    if (stream === 'orders') {
      return this.shop
        .truth(window)
        .map((version) => this.shop.order(version.id))
        .filter((order): order is Fields => order !== undefined && this.operations.visible(orderNode(order, { lineItems: 0 })))
        .map((order) => {
          const { discountApplications, shippingLines } = orderChildren(order);
          return {
            fields: orderFields(order),
            children: [
              ...lineItemNodes(order).map((item) => ({ __typename: 'LineItem', ...item })),
              ...discountApplications,
              ...shippingLines.map((line) => ({ __typename: 'ShippingLine', ...line })),
            ],
          };
        });
    }
    const catalogue = stream === 'products' ? this.products : this.customers;
    const bounds = { fromMs: window.from === null ? null : epochMsOf(window.from), toMs: epochMsOf(window.to) };
    return catalogue.walk(bounds).map((entry) => {
      const { variants, ...fields } = catalogue.render(entry);
      const children =
        variants === undefined
          ? []
          : ((variants as Fields).nodes as Fields[]).map((variant) => ({ __typename: 'ProductVariant', ...variant }));
      return { fields, children };
    });
  }

  // ------------------------------------------------------------------ HTTP

  private record(call: RecordedCall): void {
    this.recorded.push(call);
    if (this.recorded.length > RECORDED) this.recorded.shift();
  }

  /** Faults and auth first, then the operation's cost against the bucket, then the operation. */
  private async answer(req: IncomingMessage, res: ServerResponse, outcome: ShopifyOutcome | undefined): Promise<void> {
    const { bucket, operations } = this;
    const receivedAt = this.shop.now();
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
      this.record({ ...call, outcome: outcomeName });
      send(res, status, body);
    };

    if (outcome === 'drop' || (outcome === undefined && this.faultRandom.chance(this.faults.dropRate))) {
      this.record({ ...call, outcome: 'dropped' });
      req.socket.destroy();
      return;
    }
    if (outcome === 'hang') return this.record({ ...call, outcome: 'hung' });
    const version = VERSION.exec(new URL(req.url ?? '/', 'http://fake').pathname);
    if (req.method !== 'POST' || !version) return done(404, { errors: 'Not Found' });
    if (typeof outcome === 'number' && outcome >= 500) return done(outcome, { errors: 'Internal Server Error' });
    if (outcome === undefined && this.faultRandom.chance(this.faults.errorRate)) return done(503, { errors: 'Service Unavailable' });
    if (outcome === 401 || req.headers['x-shopify-access-token'] !== this.token) {
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
      operations.scopes.delete('read_orders');
      try {
        operations.requireOrdersScope('orders');
      } catch (error) {
        return graphqlError(error as GraphqlError);
      } finally {
        operations.scopes.add('read_orders');
      }
    }
    let requested: number;
    try {
      requested = operations.requestedCost(operation, variables);
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
    if (outcome === 'throttled' || !bucket.take(requested)) {
      return graphqlError(new GraphqlError('Throttled', 'THROTTLED', { documentation: DOCS }), bucket.extension(requested, null));
    }
    try {
      const { data, actual } = await operations.execute(operation, variables, version[1]!, parsed.query);
      // Shopify charges the requested cost up front and refunds what the query did not use.
      bucket.refund(requested - Math.min(actual, requested));
      this.record({ ...call, outcome: '200' });
      send(res, 200, { data, extensions: bucket.extension(requested, Math.min(actual, requested)) });
    } catch (error) {
      if (!(error instanceof GraphqlError)) throw error;
      bucket.refund(requested - 1);
      graphqlError(error, bucket.extension(requested, 1));
    }
  }
}

/** Starts a fake Shopify: `new FakeShopify(options).start()`. */
export function startFakeShopify(options: FakeShopifyOptions = {}): Promise<FakeShopify> {
  return new FakeShopify(options).start();
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
