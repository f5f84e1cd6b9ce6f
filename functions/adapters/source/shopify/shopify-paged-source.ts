// One stream's paged source over Shopify's GraphQL Admin API: one page of the window is one or more `<stream>`
// requests (sized under the single-query cost limit), each record completed with the rest of its connections, paced by
// the cost bucket Shopify reports, transient failures retried here, every record mapped and validated. What differs
// between orders, products and customers is the stream's descriptor (shopify-stream.ts).
//
// Sources (read Nov 2026):
// - endpoint and versions, https://{shop}/admin/api/{version}/graphql.json: https://shopify.dev/docs/api/usage/versioning
// - X-Shopify-Access-Token: https://shopify.dev/docs/api/admin-graphql (Authentication)
// - status codes (401 token, 402 frozen shop, 403 scope, 423 locked shop, 5xx): https://shopify.dev/docs/api/usage/response-codes
// - GraphQL error codes THROTTLED, ACCESS_DENIED, MAX_COST_EXCEEDED, INTERNAL_SERVER_ERROR (in errors[].extensions.code),
//   extensions.cost {requestedQueryCost, actualQueryCost, throttleStatus {maximumAvailable, currentlyAvailable,
//   restoreRate}}: https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits
// - access scopes (read_orders and read_all_orders, read_products, read_customers): https://shopify.dev/docs/api/usage/access-scopes
import { InvalidPageError, SourceAuthError, SourceRequestError, SourceUnavailableError } from '../../../core/errors';
import { PAGE_SIZE_MAX } from '../../../core/limits';
import type { PageRequest, RecordSource, SourceCallStats, SourcePage } from '../../../core/ports';
import { screenRecord, type RejectedRecord } from '../../../core/quarantine';
import type { SyncRecord } from '../../../core/record';
import type { Window } from '../../../core/run-types';
import { DEFAULT_RETRY_AFTER_MS, header, HttpClient, type Exchange, type HttpClientSettings, type Verdict } from '../http-client';
import { quoteSource } from '../quote';
import { parseTimeZone } from '../../../core/analytics/time-zone';
import { ACCESS_SCOPES_COST, ACCESS_SCOPES_QUERY, SHOP_TIME_ZONE_COST, SHOP_TIME_ZONE_QUERY, windowFilter } from './queries';
import { connection, decodeCursor, encodeCursor, graphqlEndpoint, isFields, type Fields, type WalkCursor } from './shopify-graphql';
import type { ShopifyStream } from './shopify-stream';

/** The client's knobs (timeout default 20 s; INTERNAL_SERVER_ERROR is transient, THROTTLED is throttling) and Shopify's own. */
export interface ShopifyPagedSourceOptions extends HttpClientSettings {
  /** The shop's domain (`my-shop.myshopify.com`: https), or an http(s) origin on loopback for a local fake. */
  shopDomain: string;
  /** A stable Admin API version, `YYYY-MM` (January, April, July, October), or `unstable`. */
  apiVersion: string;
  /** Requests of the stream's page query one page may make before it returns what it has, cursor included (default 40). */
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
  maxRequestsPerPage: 40,
  maxPageMs: 20_000,
};
/** Reads of one record's lists that each met a change within its second, before the page is tried again. */
const MAX_RECORD_READS = 3;

/** The record's own fields as text (its connections left out): equal for two reads of one version. */
function ownFieldsOf(record: Fields, connections: readonly string[]): string {
  const own: Fields = { ...record };
  for (const name of connections) delete own[name];
  return JSON.stringify(own);
}

type Slices = Record<string, { first: number; after: string | null }>;

const TOKEN_HINT = 'check the Shopify Admin API access token (ORDERS_API_TOKEN_SECRET_ARN in AWS, ORDERS_API_TOKEN locally)';

export class ShopifyPagedSource<R extends SyncRecord> implements RecordSource<R> {
  private readonly endpoint: URL;
  private readonly client: HttpClient;
  private readonly maxRequestsPerPage: number;
  private readonly maxPageMs: number;
  private bucket: Bucket | null = null;
  private scopesChecked = false;

  constructor(
    private readonly options: ShopifyPagedSourceOptions,
    readonly stream: ShopifyStream<R>,
  ) {
    this.endpoint = graphqlEndpoint(options.shopDomain, options.apiVersion);
    this.client = new HttpClient({
      ...options,
      api: 'Shopify',
      tokenHint: TOKEN_HINT,
      credentials: (token) => ({ 'x-shopify-access-token': token }),
      timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
    });
    this.maxRequestsPerPage = Math.max(1, options.maxRequestsPerPage ?? DEFAULTS.maxRequestsPerPage);
    this.maxPageMs = options.maxPageMs ?? DEFAULTS.maxPageMs;
  }

  async fetchPage({ window, cursor, limit }: PageRequest): Promise<SourcePage<R>> {
    if (!Number.isInteger(limit) || limit < 1 || limit > PAGE_SIZE_MAX) {
      throw new SourceRequestError(`page size must be an integer in 1..${PAGE_SIZE_MAX}, got ${limit}`);
    }
    const stats: SourceCallStats = { requests: 0, throttled: 0, retried: 0 };
    await this.checkScopes(stats);
    const query = windowFilter(window);
    let position: WalkCursor | null = cursor === null ? null : decodeCursor(cursor);
    const { stream } = this;
    const records: R[] = [];
    const rejected: RejectedRecord[] = [];
    // A page holds `limit` nodes, the rejected ones included.
    const taken = () => records.length + rejected.length;
    const startedAt = this.client.clock();
    // Past the time budget a page ends with what it has (at least one request's worth), its cursor going on from there.
    const inBudget = (requests: number) => requests === 0 || this.client.clock() - startedAt < this.maxPageMs;
    for (let requests = 0; requests < this.maxRequestsPerPage && taken() < limit && inBudget(requests); requests++) {
      const want = Math.min(limit - taken(), stream.page.maxPerRequest);
      const after = position?.c ?? null;
      const variables = (first: number): Fields => ({ first, after, query, ...stream.page.variables });
      const { operation, document, cost } = stream.page;
      const data = await this.graphql(operation, document, variables(want), cost(want), stats, { want, cost, variables });
      const page = connection(isFields(data) ? data[stream.page.root] : undefined, `a ${stream.page.root} page`);
      let lastUpdatedAt = position?.u ?? null;
      for (const node of page.nodes) {
        const whole = await this.wholeRecord(node, stats);
        if (whole === null) continue;
        const screened = screenRecord(whole, stream.map, records.length);
        // A node the mapping cannot take is the page's rejected one (quarantined by the core); the sort is checked on the others.
        if ('rejected' in screened) {
          rejected.push(screened.rejected);
          continue;
        }
        const { record } = screened;
        // sortKey UPDATED_AT is the one ordering the walk relies on: a page that breaks it is not what the docs promise.
        if (lastUpdatedAt !== null && record.updatedAt < lastUpdatedAt) {
          throw new InvalidPageError(
            `Shopify returned ${stream.noun} ${record.id} (updatedAt ${record.updatedAt}) after one updated at ${lastUpdatedAt}: the ${stream.name} are not sorted by UPDATED_AT`,
          );
        }
        lastUpdatedAt = record.updatedAt;
        records.push(record);
      }
      if (!page.hasNextPage) return { records, rejected, nextCursor: null, stats };
      position = { c: page.endCursor!, u: lastUpdatedAt };
    }
    return { records, rejected, nextCursor: encodeCursor(position!), stats };
  }

  async count(window: Window): Promise<number> {
    const stats: SourceCallStats = { requests: 0, throttled: 0, retried: 0 };
    await this.checkScopes(stats);
    const { operation, document, root, cost } = this.stream.count;
    const data = await this.graphql(operation, document, { query: windowFilter(window) }, cost, stats);
    const count = isFields(data) && isFields(data[root]) ? data[root].count : undefined;
    if (!Number.isSafeInteger(count) || (count as number) < 0)
      throw new InvalidPageError(`Shopify answered a ${root} without a non-negative integer count`);
    return count as number;
  }

  /** The shop's own IANA time zone (`shop.ianaTimezone`), spelt canonically; asked once per run, by Begin. */
  async timeZone(): Promise<string> {
    const data = await this.graphql('ShopTimeZone', SHOP_TIME_ZONE_QUERY, {}, SHOP_TIME_ZONE_COST, {
      requests: 0,
      throttled: 0,
      retried: 0,
    });
    const answered = isFields(data) && isFields(data.shop) ? data.shop.ianaTimezone : undefined;
    if (typeof answered !== 'string') throw new InvalidPageError('Shopify answered shop without an ianaTimezone');
    const parsed = parseTimeZone(answered);
    if (!parsed.ok) {
      throw new InvalidPageError(
        `Shopify answered the shop's ianaTimezone ${JSON.stringify(answered)}: ${parsed.problem}; set SHOP_TIME_ZONE`,
      );
    }
    return parsed.zone;
  }

  /** Closes the keep-alive connections (tests; a Lambda keeps them for its next invocation). */
  async close(): Promise<void> {
    await this.client.close();
  }

  /** The token's scopes, checked once per process (by fetchPage, count, deletions and the bulk export) against what the stream needs. */
  async checkScopes(stats: SourceCallStats): Promise<void> {
    if (this.scopesChecked) return;
    const data = await this.graphql('AccessScopes', ACCESS_SCOPES_QUERY, {}, ACCESS_SCOPES_COST, stats);
    const installation = isFields(data) ? data.currentAppInstallation : undefined;
    const scopes = isFields(installation) && Array.isArray(installation.accessScopes) ? installation.accessScopes : undefined;
    if (scopes === undefined) throw new InvalidPageError('Shopify answered currentAppInstallation without accessScopes');
    const granted = new Set(
      scopes.map((scope) => (isFields(scope) ? scope.handle : undefined)).filter((handle) => typeof handle === 'string'),
    );
    this.stream.checkScopes(granted);
    this.scopesChecked = true;
  }

  /**
   * The node with every node of its connections (an order's line items, discount applications and shipping lines, a
   * product's variants): follow-ups of the record by id, one connection at a time from where the page query stopped,
   * while any has a next page. Each follow-up reads the record's own fields again: another `updatedAt` means the
   * record changed meanwhile, and the walk meets the new version further on (or it has left the window), so the node
   * is skipped (null, as for a vanished record); the same `updatedAt` with other fields is a change within the second,
   * which the walk will not meet again, so the record is read again from its start (at most MAX_RECORD_READS times,
   * then a transient error: the step retries).
   */
  private async wholeRecord(node: unknown, stats: SourceCallStats): Promise<unknown> {
    const { connections, noun } = this.stream;
    if (!isFields(node) || connections === undefined) return node;
    let current: Fields = node;
    for (let read = 1; ; read++) {
      const completed = await this.completeConnections(current, stats);
      if (completed.kind === 'whole') return completed.node;
      if (completed.kind === 'gone') {
        this.options.logger?.info(`Shopify ${noun} changed while its lists were read: the walk meets its new version later`, {
          [`${noun}Id`]: node.id,
        });
        return null;
      }
      if (read === MAX_RECORD_READS) {
        throw new SourceUnavailableError(
          `Shopify ${noun} ${String(node.id)} changed within its updatedAt second on each of ${read} reads of its lists: try the page again`,
        );
      }
      const again = await this.recordConnections(node.id, this.firstSlices(), stats);
      if (again === null || again.updatedAt !== node.updatedAt) return null;
      current = again;
    }
  }

  /** The connections the page query reads, and how many nodes of each: a follow-up with all of them reads the record anew. */
  private firstSlices(): Slices {
    const pageFirsts = this.stream.connections?.pageFirsts ?? {};
    return Object.fromEntries(Object.entries(pageFirsts).map(([name, first]) => [name, { first, after: null }]));
  }

  private async completeConnections(
    node: Fields,
    stats: SourceCallStats,
  ): Promise<{ kind: 'whole'; node: Fields } | { kind: 'gone' } | { kind: 'changed' }> {
    const { names, followUpFirsts } = this.stream.connections!;
    const { noun } = this.stream;
    const lists = new Map(
      names
        .filter((name) => node[name] !== undefined)
        .map((name) => [name, connection(node[name], `${noun} ${String(node.id)}'s ${name}`)]),
    );
    const ownFields = ownFieldsOf(node, names);
    for (const [name, list] of lists) {
      while (list.hasNextPage) {
        const record = await this.recordConnections(node.id, { [name]: { first: followUpFirsts[name]!, after: list.endCursor } }, stats);
        if (record === null || record.updatedAt !== node.updatedAt) return { kind: 'gone' };
        if (ownFieldsOf(record, names) !== ownFields) return { kind: 'changed' };
        const slice = connection(record[name], `${noun} ${String(node.id)}'s ${name}`);
        list.nodes.push(...slice.nodes);
        list.hasNextPage = slice.hasNextPage;
        list.endCursor = slice.endCursor;
      }
    }
    const whole: Fields = { ...node };
    for (const [name, list] of lists) whole[name] = { nodes: list.nodes, pageInfo: { hasNextPage: false, endCursor: list.endCursor } };
    return { kind: 'whole', node: whole };
  }

  /** One follow-up request: the record (null when it is gone) with these slices of its connections. */
  private async recordConnections(id: unknown, slices: Slices, stats: SourceCallStats): Promise<Fields | null> {
    const { operation, document, single, names, cost } = this.stream.connections!;
    const variables: Fields = { id };
    const firsts: Record<string, number> = {};
    for (const name of names) {
      const slice = slices[name];
      const suffix = name.charAt(0).toUpperCase() + name.slice(1);
      variables[`with${suffix}`] = slice !== undefined;
      // A skipped connection's first is still a required Int: 1, never read.
      variables[`${name}First`] = slice?.first ?? 1;
      variables[`${name}After`] = slice?.after ?? null;
      if (slice !== undefined) firsts[name] = slice.first;
    }
    const data = await this.graphql(operation, document, variables, cost(firsts), stats);
    const record = isFields(data) ? data[single] : undefined;
    if (record === null) return null;
    if (!isFields(record)) throw new InvalidPageError(`Shopify answered ${operation} for ${String(id)} without a ${single}`);
    return record;
  }

  /** What the bucket Shopify last reported holds now, refilled since (null: unknown, or it does not refill). */
  private available(): number | null {
    const bucket = this.bucket;
    if (bucket === null || bucket.restoreRate <= 0) return null;
    const refilled = bucket.currentlyAvailable + (bucket.restoreRate * (this.client.clock() - bucket.atMs)) / 1000;
    return Math.min(bucket.maximumAvailable, refilled);
  }

  /** Waits until the bucket Shopify last reported has refilled enough for `cost`: slowing down beats being throttled. */
  private async pace(cost: number, shown: string): Promise<void> {
    const available = this.available();
    if (available === null || cost > this.bucket!.maximumAvailable) return;
    if (available >= cost) return;
    const waitMs = Math.ceil(((cost - available) / this.bucket!.restoreRate) * 1000);
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

  /** The most records (1..want) a page request may ask for with what the bucket holds now. */
  private affordable(want: number, cost: (first: number) => number): number {
    const available = this.available();
    let first = want;
    if (available === null) return first;
    while (first > 1 && cost(first) > available) first--;
    return first;
  }

  /**
   * Posts one GraphQL operation until it answers data, retrying what is transient and waiting out throttling
   * (bulk-export.ts sends through it too). `shrink`: the request asks for up to `want` records, `first` of them at
   * `cost(first)` with `variables(first)`. THROTTLED once, it waits for its whole cost and goes again as it was (alone
   * on the bucket, that is the quickest); THROTTLED again, something else drains the shop's one bucket (another
   * stream's steps, another app), and a request waiting for the whole of its cost (near the 1000 points a query may
   * cost, a full page of products) could be outrun until the client gives up: it waits for one record's worth and asks
   * only for what the bucket holds then. The records it does not ask for are the next request's.
   */
  async graphql(
    operationName: string,
    query: string,
    variables: Fields,
    cost: number,
    stats: SourceCallStats,
    shrink?: { want: number; cost(first: number): number; variables(first: number): Fields },
  ): Promise<unknown> {
    const shown = `POST ${this.endpoint.href} (${operationName})`;
    const throttledBefore = stats.throttled;
    const contended = () => shrink !== undefined && stats.throttled - throttledBefore >= 2;
    let sent = { variables, cost };
    const bodyNow = (): string => {
      if (contended()) {
        const first = this.affordable(shrink!.want, shrink!.cost);
        sent = { variables: shrink!.variables(first), cost: shrink!.cost(first) };
      }
      return JSON.stringify({ query, variables: sent.variables, operationName });
    };
    const call = {
      method: 'POST' as const,
      url: this.endpoint,
      shown,
      detailUrl: this.endpoint.href,
      headers: { 'content-type': 'application/json' },
      // Read at each send, after pace: a request sent again under contention is sized then.
      get body(): string {
        return bodyNow();
      },
      pace: () => this.pace(contended() ? shrink!.cost(1) : sent.cost, shown),
    };
    // A THROTTLED answer that is not the request's first asks for one record's worth of wait (the next send shrinks).
    const throttledNeed = () => (shrink !== undefined && stats.throttled - throttledBefore >= 1 ? shrink.cost(1) : undefined);
    return this.client.call(call, stats, (exchange) => this.read(exchange, sent.cost, shown, throttledNeed()));
  }

  /**
   * Shopify's statuses and GraphQL error codes; 429, 5xx and 408 the client handles. `throttledNeed`: the points a
   * request sent again after THROTTLED needs (default: what Shopify says this one requested).
   */
  private read(exchange: Exchange, cost: number, shown: string, throttledNeed?: number): Verdict<unknown> {
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
        const need = throttledNeed ?? requested ?? cost;
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
            `grant the app that scope (${this.stream.scopes}) and reinstall it: ${shown}`,
        );
      }
      if (codes.includes('INTERNAL_SERVER_ERROR')) return { retry: `INTERNAL_SERVER_ERROR: ${messages}` };
      if (codes.includes('MAX_COST_EXCEEDED')) {
        throw new SourceRequestError(
          `Shopify refused the query as too costly (MAX_COST_EXCEEDED: ${messages}): ${this.stream.page.costHint}: ${shown}`,
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
        `Shopify refused the request (403): the app lacks a scope it needs (${this.stream.scopes}) (Shopify said: ${said()}): ${shown}`,
      );
    if (status === 423)
      throw new SourceAuthError(`the shop is locked (423): Shopify has disabled it; nothing can be synced until it is unlocked: ${shown}`);
    if (status === 404)
      throw new SourceRequestError(`Shopify has no such endpoint (404): check SHOPIFY_SHOP_DOMAIN and SHOPIFY_API_VERSION: ${shown}`);
    if (status === 400) throw new SourceRequestError(`Shopify rejected the request (400: ${said()}): ${shown}`);
    return undefined;
  }
}
