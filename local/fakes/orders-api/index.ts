// The fake source API: a plain node:http server on loopback that serves docs/source-contract.md to the letter for its
// three streams (orders, products, customers) from a seeded, compact in-memory shop (shop.ts, one per stream), changes
// records while clients page (live-changes.ts), and fails on demand (faults.ts), with one rate budget for every
// request of its token. An object with a start and a stop; its methods are the controls tests and `npm start` use
// (the orders' at the top, every stream's by stream(name)).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback, type Listening } from '../../loopback';
import type { Instant } from '../../../functions/core/order';
import { isStreamName, STREAM_NAMES, type StreamName } from '../../../functions/core/stream';
import { checkedFaults, NO_FAULTS, RateWindow, type FaultSettings, type ScriptedOutcome } from './faults';
import { LiveChanges } from './live-changes';
import { hash32, SeededRandom } from './random';
import { ORDER_IDS, renderOrder, type OrderReferences } from './render';
import { CUSTOMER_IDS, renderCustomer } from './render-customer';
import { PRODUCT_IDS, renderProduct } from './render-product';
import { RequestLog, type RecordedRequest } from './request-log';
import { BadRequest, routesOf, StreamRoutes } from './routes';
import { Shop, type Change, type DeletedRecord, type RecordVersion, type ShopStream } from './shop';

export type { FaultSettings, ScriptedOutcome } from './faults';
export type { RecordedRequest } from './request-log';
export type { Change, DeletedRecord, RecordVersion } from './shop';
/** The orders stream's names for what every stream has. */
export type OrderVersion = RecordVersion;
export type DeletedOrder = DeletedRecord;

/** Background changes of one stream. */
export interface LiveSettings {
  /** Changes per second (default 0: none). */
  rate?: number;
  /** Of the live changes, the share that deletes a record (0..1, default 0). */
  deletionShare?: number;
}

/** Each stream's seed is derived from the fake's, so that the three tables are not one table thrice. */
const STREAM_SEED_SALT: Record<StreamName, number | null> = { orders: null, products: 0x960d, customers: 0xc057 };

export interface FakeOrdersApiOptions {
  /** Orders in the shop at start (default 1000). */
  orders?: number;
  /** Everything generated (orders, tokens, fault and live-mode choices) follows from it (default 1). */
  seed?: number;
  /** Default 0: any free port. */
  port?: number;
  /** Default: derived from the seed. */
  token?: string;
  /** The source's clock minus ours: its updated_at for a change made now is our now + this. */
  clockOffsetMs?: number;
  /** Our clock, epoch ms (default Date.now). */
  clock?: () => number;
  /** How the fake waits out faults.latencyMs (default a timer): a test on a simulated clock passes one that moves its clock. */
  wait?: (ms: number) => Promise<void>;
  /** Every generated updated_at is before this, epoch ms of the source's clock (default: its now at start). */
  historyEndsAtMs?: number;
  /** How far back the generated history goes (default 730 days). */
  historyDays?: number;
  /** Changes per second made in the background while the server runs (default 0: none). */
  liveRate?: number;
  /** Of the live changes, the share that deletes an order (0..1, default 0: none). */
  liveDeletionShare?: number;
  /** Products in the shop at start (default 100): what orders' line items name. */
  products?: number;
  /** Customers in the shop at start (default 300): who orders' buyers are. */
  customers?: number;
  /** Background changes of the products and customers streams (the orders': liveRate and liveDeletionShare). */
  liveByStream?: Partial<Record<'products' | 'customers', LiveSettings>>;
  faults?: Partial<FaultSettings>;
}

/** The controls of one stream's records (the orders' are also FakeOrdersApi's own, under their order names). */
export interface StreamControls {
  /** Every record's id and updated_at (as Instants), sorted by (updated_at, id); only the window's when given. */
  truth(window?: { from?: Instant | null; to?: Instant | null }): RecordVersion[];
  /** The record as the API serves it now (bad-data patches included), or undefined. */
  record(id: string): Record<string, unknown> | undefined;
  /** Changes records now; returns the ids changed and created. */
  mutate(change: Change): { updated: string[]; created: string[] };
  /** Serves the record with these fields replaced (undefined removes one): bad data. null clears. */
  corrupt(id: string, patch: Record<string, unknown> | null): void;
  /** A second version stamped in the same second (see FakeOrdersApi.reviseInSameSecond). */
  reviseInSameSecond(id: string, patch: Record<string, unknown>): void;
  /** Every page that holds this record is answered without the stream's array (see FakeOrdersApi.breakPagesOf). */
  breakPagesOf(id: string, broken: boolean): void;
  /** Serves these records as a lagging replica would (see FakeOrdersApi.holdBack). */
  holdBack(ids: readonly string[], held: boolean): void;
  setLiveRate(changesPerSecond: number): void;
  setLiveDeletionShare(share: number): void;
  /** Deletes these records now, all with one deleted_at (returned), into the stream's deletion feed. */
  delete(ids: readonly string[]): { deletedAt: Instant };
  /** Every record deleted since start, oldest first, including those the feed no longer lists. */
  deletions(): DeletedRecord[];
  /** The feed's retention: drops its entries deleted before `instant`; answers how many. */
  dropDeletionsBefore(instant: Instant): number;
}

/** One stream's share of the fake's work. */
export interface StreamStats {
  /** Records made so far (deleted ones included). */
  records: number;
  /** Records changed or created since start. */
  changes: number;
  deleted: number;
}

export interface FakeApiStats {
  requests: number;
  /** Answers per route and status ("200", "429", "dropped", "hung"). */
  byRoute: Record<string, Record<string, number>>;
  orders: number;
  /** Orders changed or created since start (a bulk update counts each of its orders). */
  changes: number;
  /** Orders deleted since start (the feed may have dropped some of them since). */
  deleted: number;
  /** Bytes held by the orders' columns and sorted index. */
  tableBytes: number;
  /** 429 answers on every route: the refusals of the one budget all streams share. */
  throttled: number;
  streams: Record<StreamName, StreamStats>;
}

export class FakeOrdersApi {
  readonly token: string;
  readonly clockOffsetMs: number;
  private readonly shops: Record<StreamName, Shop>;
  private readonly live: Record<StreamName, LiveChanges>;
  private readonly routes: Record<StreamName, StreamRoutes>;
  private readonly controls: Record<StreamName, StreamControls>;
  private readonly log = new RequestLog();
  private readonly faultRandom: SeededRandom;
  private readonly rateWindow = new RateWindow();
  private readonly scripted: ScriptedOutcome[] = [];
  private readonly pendingTimers = new Set<NodeJS.Timeout>();
  private faults: FaultSettings;
  private listening: Listening | undefined;

  constructor(private readonly options: FakeOrdersApiOptions = {}) {
    const seed = options.seed ?? 1;
    const clock = options.clock ?? Date.now;
    this.clockOffsetMs = options.clockOffsetMs ?? 0;
    const sourceNowMs = (): number => clock() + this.clockOffsetMs;
    this.token = options.token ?? `fake_${hash32(seed, 0x70c3).toString(16)}${hash32(seed, 0xbeef).toString(16)}`;
    const historyEndsAtMs = options.historyEndsAtMs ?? sourceNowMs();
    const streamSeed = (stream: StreamName): number => (STREAM_SEED_SALT[stream] === null ? seed : hash32(seed, STREAM_SEED_SALT[stream]));
    const counts: Record<StreamName, number> = {
      orders: options.orders ?? 1000,
      products: options.products ?? 100,
      customers: options.customers ?? 300,
    };
    const references: OrderReferences = {
      products: { seed: streamSeed('products'), count: counts.products },
      customers: { seed: streamSeed('customers'), count: counts.customers },
    };
    const kinds: Record<StreamName, ShopStream> = {
      orders: { noun: 'order', ids: ORDER_IDS, render: (table, orderSeed, index) => renderOrder(table, orderSeed, index, references) },
      products: { noun: 'product', ids: PRODUCT_IDS, render: renderProduct },
      customers: { noun: 'customer', ids: CUSTOMER_IDS, render: renderCustomer },
    };
    this.faults = checkedFaults({ ...NO_FAULTS, ...options.faults });
    this.faultRandom = new SeededRandom(hash32(seed, 0xfa17));
    const shops = {} as Record<StreamName, Shop>;
    const live = {} as Record<StreamName, LiveChanges>;
    const routes = {} as Record<StreamName, StreamRoutes>;
    const controls = {} as Record<StreamName, StreamControls>;
    for (const stream of STREAM_NAMES) {
      const shop = new Shop({
        stream: kinds[stream],
        seed: streamSeed(stream),
        records: counts[stream],
        sourceNowMs,
        historyEndsAtMs,
        historyDays: options.historyDays ?? 730,
      });
      shops[stream] = shop;
      live[stream] = new LiveChanges(shop, clock, liveSettingsOf(options, stream).deletionShare ?? 0);
      routes[stream] = new StreamRoutes(stream, shop, () => this.faults, this.faultRandom);
      controls[stream] = controlsOf(shop, live[stream]);
    }
    this.shops = shops;
    this.live = live;
    this.routes = routes;
    this.controls = controls;
  }

  /** Listens on loopback (the port of the options, default any free one) and starts live changes, if asked. */
  async start(): Promise<this> {
    if (this.listening) throw new Error('the fake orders API is already started');
    const server = createServer((req, res) => this.receive(req, res));
    server.keepAliveTimeout = 5000;
    this.listening = await listenOnLoopback(server, { port: this.options.port });
    for (const stream of STREAM_NAMES) this.live[stream].setRate(liveSettingsOf(this.options, stream).rate ?? 0);
    return this;
  }

  async stop(): Promise<void> {
    for (const stream of STREAM_NAMES) this.live[stream].setRate(0);
    for (const timer of this.pendingTimers) clearTimeout(timer);
    this.pendingTimers.clear();
    await this.listening?.close();
    this.listening = undefined;
  }

  /** The base URL, once started. */
  get url(): string {
    if (!this.listening) throw new Error('the fake orders API is not started: call start() first');
    return this.listening.url;
  }

  // ------------------------------------------------------------------ controls

  /** The controls of one stream's records. */
  stream = (name: StreamName): StreamControls => this.controls[name];
  /** Every order's id and updated_at (as Instants), sorted by (updated_at, id); only the window's when given. */
  truth = (window?: { from?: Instant | null; to?: Instant | null }): OrderVersion[] => this.shops.orders.truth(window);
  /** The order as the API serves it now (bad-data patches included), or undefined. */
  order = (id: string): Record<string, unknown> | undefined => this.shops.orders.record(id);
  /** Changes orders now; returns the ids changed and created. */
  mutate = (change: Change): { updated: string[]; created: string[] } => this.shops.orders.mutate(change);
  /** Changes some fault knobs (the others keep their value); resetFaults() restores none. */
  setFaults = (change: Partial<FaultSettings>): void => {
    this.faults = checkedFaults({ ...this.faults, ...change });
  };
  resetFaults = (): void => {
    this.faults = NO_FAULTS;
    this.scripted.length = 0;
  };
  /** The next requests get these outcomes, in order, before any rate applies. */
  script = (...outcomes: ScriptedOutcome[]): void => {
    this.scripted.push(...outcomes);
  };
  /** Serves the order with these fields replaced (undefined removes one): bad data for the reliability tests. null clears. */
  corruptOrder = (id: string, patch: Record<string, unknown> | null): void => this.shops.orders.corrupt(id, patch);
  /**
   * Serves the order with these fields replaced too (added to its earlier patches), its updated_at unchanged: a second
   * version stamped in the same second as one a sync may have read already, as a source that stamps whole seconds
   * (Shopify) serves it. `updated_at` in the patch is a RangeError.
   */
  reviseInSameSecond = (id: string, patch: Record<string, unknown>): void => this.shops.orders.reviseInSameSecond(id, patch);
  /**
   * Every page that holds this order is answered without an `orders` array (a request failure, not an order's:
   * InvalidPageError, which fails the run as a permanent error); false serves it normally again.
   */
  breakPagesOf = (id: string, broken: boolean): void => this.shops.orders.breakPagesOf(id, broken);
  /**
   * Serves these orders as a lagging replica (or search index) would: left out of `/orders` pages and `?ids=` while
   * held back, their `updated_at` unchanged, then served again (false): a change that becomes visible later than its
   * updated_at. truth() holds them throughout.
   */
  holdBack = (ids: readonly string[], held: boolean): void => this.shops.orders.holdBack(ids, held);
  /** Changes per second in the background (0 stops them). */
  setLiveRate = (changesPerSecond: number): void => this.live.orders.setRate(changesPerSecond);
  /** Of the live changes, the share that deletes an order (0..1). */
  setLiveDeletionShare = (share: number): void => this.live.orders.setDeletionShare(share);
  /**
   * Deletes these orders now, all with one deleted_at (returned): they leave /orders, ?ids= and the count, and enter
   * the deletion feed. An unknown or already deleted id is a RangeError.
   */
  deleteOrders = (ids: readonly string[]): { deletedAt: Instant } => this.shops.orders.deleteRecords(ids);
  /** Every order deleted since start, oldest first, including those the feed no longer lists. */
  deletions = (): DeletedOrder[] => this.shops.orders.deletions();
  /** The feed's retention: drops its entries deleted before `instant` (as a feed kept 30 days does); answers how many. */
  dropDeletionsBefore = (instant: Instant): number => this.shops.orders.dropDeletionsBefore(instant);
  stats = (): FakeApiStats => {
    const { orders } = this.shops;
    return {
      requests: this.log.received,
      byRoute: structuredClone(this.log.byRoute),
      orders: orders.table.size,
      changes: orders.changeCount,
      deleted: orders.feed.deletedAt.size,
      tableBytes: orders.table.bytes(),
      throttled: this.log.throttled,
      streams: Object.fromEntries(
        STREAM_NAMES.map((stream) => {
          const shop = this.shops[stream];
          return [stream, { records: shop.table.size, changes: shop.changeCount, deleted: shop.feed.deletedAt.size }];
        }),
      ) as Record<StreamName, StreamStats>,
    };
  };
  /** The last 1000 requests, oldest first. */
  requests = (): readonly RecordedRequest[] => this.log.last();
  /** The source's clock now, as an Instant. */
  now = (): Instant => this.shops.orders.now();

  // ------------------------------------------------------------------ HTTP

  private receive(req: IncomingMessage, res: ServerResponse): void {
    this.log.received++;
    const outcome = this.scripted.shift();
    const respond = (): void => {
      try {
        this.answer(req, res, outcome);
      } catch (error) {
        send(res, 500, errorBody('internal', `fake orders API bug: ${(error as Error).message}`));
      }
    };
    const { latencyMs } = this.faults;
    if (latencyMs > 0 && this.options.wait) void this.options.wait(latencyMs).then(respond);
    else if (latencyMs > 0) {
      const timer = setTimeout(() => {
        this.pendingTimers.delete(timer);
        respond();
      }, latencyMs);
      this.pendingTimers.add(timer);
    } else respond();
  }

  /**
   * Faults first (a dropped or hung connection, a 429, a 5xx), then the method, the token, and the route. The rate
   * window counts every request whatever its route: the streams share one budget.
   */
  private answer(req: IncomingMessage, res: ServerResponse, outcome: ScriptedOutcome | undefined): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname;
    const stream = path.split('/')[1] ?? '';
    const authorized = req.headers.authorization === `Bearer ${this.token}`;
    const faults = this.faults;
    const done = (status: number, body: string, headers: Record<string, string> = {}): void => {
      this.log.record(path, url.searchParams, authorized, status);
      send(res, status, body, headers);
    };

    if (outcome === 'drop' || (outcome === undefined && this.faultRandom.chance(faults.dropRate))) {
      this.log.record(path, url.searchParams, authorized, 'dropped');
      req.socket.destroy();
      return;
    }
    if (outcome === 'hang') {
      this.log.record(path, url.searchParams, authorized, 'hung');
      return;
    }
    // The Date header is the source's clock: what a client reads its clock skew from.
    const sourceNowMs = this.shops.orders.sourceNowMs();
    const headers: Record<string, string> = { date: new Date(sourceNowMs).toUTCString() };
    if (faults.rateLimitPerSecond !== null) {
      const left = this.rateWindow.take(sourceNowMs, faults.rateLimitPerSecond, faults.rateWindow);
      headers['x-ratelimit-limit'] = String(faults.rateLimitPerSecond);
      headers['x-ratelimit-remaining'] = String(Math.max(0, left));
      if (left < 0 && outcome === undefined) outcome = 429;
    }
    if (outcome === 429) {
      return done(429, errorBody('rate_limited', 'too many requests'), { ...headers, 'retry-after': String(faults.retryAfterSeconds) });
    }
    if (typeof outcome === 'number' || (outcome === undefined && this.faultRandom.chance(faults.errorRate))) {
      const status = typeof outcome === 'number' ? outcome : ([500, 502, 503, 504] as const)[this.faultRandom.int(4)]!;
      const service = isStreamName(stream) ? stream : 'source';
      return done(status, errorBody('unavailable', `the ${service} service answered ${status} (injected fault)`), headers);
    }
    if (req.method !== 'GET') return done(405, errorBody('method_not_allowed', `${req.method} is not supported: use GET`), headers);
    if (!authorized) return done(401, errorBody('unauthorized', 'missing or invalid bearer token'), headers);
    if (outcome === 'not-json' && isStreamName(stream) && path === `/${stream}`) {
      return done(200, '<html><body><h1>502 Bad Gateway</h1></body></html>', { ...headers, 'content-type': 'text/html' });
    }
    try {
      const body = isStreamName(stream) ? this.routes[stream].answer(path, url.searchParams, outcome) : undefined;
      if (body !== undefined) return done(200, body, headers);
      return done(404, errorBody('not_found', `no route ${path} (routes: ${STREAM_NAMES.flatMap(routesOf).join(', ')})`), headers);
    } catch (error) {
      if (error instanceof BadRequest) return done(400, errorBody('invalid_parameter', error.message), headers);
      throw error;
    }
  }
}

/** Starts a fake orders API: `new FakeOrdersApi(options).start()`. */
export function startFakeOrdersApi(options: FakeOrdersApiOptions = {}): Promise<FakeOrdersApi> {
  return new FakeOrdersApi(options).start();
}

function liveSettingsOf(options: FakeOrdersApiOptions, stream: StreamName): LiveSettings {
  if (stream === 'orders') return { rate: options.liveRate, deletionShare: options.liveDeletionShare };
  return options.liveByStream?.[stream] ?? {};
}

function controlsOf(shop: Shop, live: LiveChanges): StreamControls {
  return {
    truth: (window) => shop.truth(window),
    record: (id) => shop.record(id),
    mutate: (change) => shop.mutate(change),
    corrupt: (id, patch) => shop.corrupt(id, patch),
    reviseInSameSecond: (id, patch) => shop.reviseInSameSecond(id, patch),
    breakPagesOf: (id, broken) => shop.breakPagesOf(id, broken),
    holdBack: (ids, held) => shop.holdBack(ids, held),
    setLiveRate: (changesPerSecond) => live.setRate(changesPerSecond),
    setLiveDeletionShare: (share) => live.setDeletionShare(share),
    delete: (ids) => shop.deleteRecords(ids),
    deletions: () => shop.deletions(),
    dropDeletionsBefore: (instant) => shop.dropDeletionsBefore(instant),
  };
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': headers['content-type'] ?? 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

function errorBody(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}
