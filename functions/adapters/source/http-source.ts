// The RecordSource over the reference HTTP contract (docs/source-contract.md): one GET per page through the shared
// client (retries, throttling), paced to the X-RateLimit budget, every record validated by its stream's model before
// it is returned (or rejected). One instance serves one stream's endpoints (`/orders`, `/products`, `/customers`).
import { ConfigError, InvalidPageError, SourceAuthError, SourceContractError, SourceRequestError } from '../../core/errors';
import { EXISTING_IDS_MAX, PAGE_SIZE_MAX } from '../../core/limits';
import type { DeletedPage, DeletedPageRequest, Deletion, RecordSource, PageRequest, SourceCallStats, SourcePage } from '../../core/ports';
import { parseInstant } from '../../core/instant';
import { screenRecord, type RejectedRecord } from '../../core/quarantine';
import type { Window } from '../../core/run-types';
import type { Order } from '../../core/order';
import type { SyncRecord } from '../../core/record';
import type { StreamModel } from '../../core/stream';
import { ORDERS } from '../../core/streams/orders/orders-stream';
import { header, HttpClient, type Exchange, type HttpClientSettings, type Verdict } from './http-client';
import { RateLimitPacer } from './rate-limit-pacer';
import { sendAtSlot, type SendSlots } from './send-slots';

export interface HttpSourceOptions<R extends SyncRecord> extends HttpClientSettings {
  /** Where the API lives, e.g. `https://shop.example.com/api/` (the stream's path, `/orders`, is appended). */
  baseUrl: string;
  /** The stream whose endpoints this source reads (its name is the path and the page's array); default: orders. */
  stream?: StreamModel<R>;
  /** The send times every stream on this token reserves from (absent: this source paces itself alone). */
  sendSlots?: SendSlots;
}

/**
 * The longest URL an existence check sends: 250 UUID-like ids make some 10 KB of URL, which common servers and
 * proxies answer 414 (their request line limits are 4-8 KB), so the check is split into requests within this.
 */
export const EXISTING_URL_MAX_CHARS = 4_000;

/** One request, answer and body included, unless the options say otherwise. */
const TIMEOUT_MS_DEFAULT = 10_000;

/** The contract's error body `{"error":{"code","message"}}`, or whatever the server sent instead (the client redacts and cuts it). */
function serverMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    const { code, message } = body.error ?? {};
    if (typeof message === 'string') return typeof code === 'string' ? `${code}: ${message}` : message;
  } catch {
    // not JSON: quote it as it came
  }
  return text;
}

/** A header that holds a whole number, or undefined. */
function wholeHeader(answer: Exchange['answer'], name: string): number | undefined {
  const text = header(answer.headers, name)?.trim();
  return text !== undefined && /^\d{1,9}$/.test(text) ? Number(text) : undefined;
}

export class HttpSource<R extends SyncRecord = Order> implements RecordSource<R> {
  private readonly stream: StreamModel<R>;
  /** What errors call the API: `the orders API`. */
  private readonly api: string;
  private readonly recordsUrl: URL;
  private readonly countUrl: URL;
  private readonly deletedUrl: URL;
  private readonly client: HttpClient;
  /** Keeps to the budget the X-RateLimit headers announce, so the source need not throttle us. */
  private readonly pacer: RateLimitPacer;
  private readonly sendSlots: SendSlots | undefined;

  constructor(options: HttpSourceOptions<R>) {
    this.stream = options.stream ?? (ORDERS as unknown as StreamModel<R>);
    const path = this.stream.name;
    this.api = `the ${path} API`;
    let base: URL;
    try {
      base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    } catch {
      throw new ConfigError(`the source API base URL is not a URL: "${options.baseUrl}"`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new ConfigError(`the source API base URL must be http(s), got ${base.protocol}`);
    }
    this.recordsUrl = new URL(path, base);
    this.countUrl = new URL(`${path}/count`, base);
    this.deletedUrl = new URL(`${path}/deleted`, base);
    this.client = new HttpClient({
      ...options,
      api: this.api,
      tokenHint: 'check ORDERS_API_TOKEN / the secret',
      credentials: (token) => ({ authorization: `Bearer ${token}` }),
      timeoutMs: options.timeoutMs ?? TIMEOUT_MS_DEFAULT,
      quoteBody: serverMessage,
    });
    this.pacer = new RateLimitPacer({ clock: this.client.clock, sleep: this.client.sleep });
    this.sendSlots = options.sendSlots;
  }

  async fetchPage({ window, cursor, limit }: PageRequest): Promise<SourcePage<R>> {
    if (!Number.isInteger(limit) || limit < 1 || limit > PAGE_SIZE_MAX) {
      throw new SourceRequestError(`page size must be an integer in 1..${PAGE_SIZE_MAX}, got ${limit}`);
    }
    const url = this.withWindow(this.recordsUrl, window);
    url.searchParams.set('limit', String(limit));
    if (cursor !== null) url.searchParams.set('cursor', cursor);
    const stats: SourceCallStats = { requests: 0, throttled: 0, retried: 0 };
    const body = await this.getJson(url, stats);
    const page = body as Record<string, unknown>;
    const list = typeof body === 'object' && body !== null ? page[this.stream.name] : undefined;
    if (!Array.isArray(list)) {
      throw new InvalidPageError(`${this.api} answered a page without an "${this.stream.name}" array: GET ${this.shown(url)}`);
    }
    const nextCursor = page.next_cursor ?? null;
    if (nextCursor !== null && (typeof nextCursor !== 'string' || nextCursor === '')) {
      throw new InvalidPageError(
        `${this.api} answered a page whose next_cursor is ${typeof nextCursor === 'string' ? 'empty' : `a ${typeof nextCursor}`}, not a string or null: GET ${this.shown(url)}`,
      );
    }
    // A record that breaks the contract is the page's rejected one (quarantined by the core), never a failed page.
    const records: R[] = [];
    const rejected: RejectedRecord[] = [];
    for (const input of list as unknown[]) {
      const screened = screenRecord(input, this.stream.validate, records.length);
      if ('record' in screened) records.push(screened.record);
      else rejected.push(screened.rejected);
    }
    return { records, rejected, nextCursor, stats };
  }

  async fetchDeleted({ window, cursor, limit }: DeletedPageRequest): Promise<DeletedPage> {
    checkLimit(limit);
    const url = new URL(this.deletedUrl);
    // The feed's window is the run's: deleted_at_min inclusive, deleted_at_max exclusive.
    if (window.from !== null) url.searchParams.set('deleted_at_min', window.from);
    url.searchParams.set('deleted_at_max', window.to);
    url.searchParams.set('limit', String(limit));
    if (cursor !== null) url.searchParams.set('cursor', cursor);
    const stats: SourceCallStats = { requests: 0, throttled: 0, retried: 0 };
    const body = (await this.getJson(url, stats)) as { deleted?: unknown; next_cursor?: unknown } | null;
    if (typeof body !== 'object' || body === null || !Array.isArray(body.deleted)) {
      throw new InvalidPageError(`${this.api} answered a deletion feed page without a "deleted" array: GET ${this.shown(url)}`);
    }
    const deletions = (body.deleted as unknown[]).map((entry, index) => deletionOf(entry, this.api, `${this.shown(url)} (entry ${index})`));
    return { deletions, nextCursor: nextCursorOf(body.next_cursor, this.api, this.shown(url)), stats };
  }

  /**
   * Which of these ids the API still has: `?ids=`, the ids percent-encoded, in as many requests as keep each URL
   * within EXISTING_URL_MAX_CHARS. An answer that is not complete (a next_cursor, an id not asked) is a breach of the
   * contract: SourceContractError, and the caller tombstones nothing.
   */
  async existing(ids: readonly string[]): Promise<{ ids: Set<string>; stats: SourceCallStats }> {
    if (ids.length < 1 || ids.length > EXISTING_IDS_MAX || ids.some((id) => id === '' || id.includes(','))) {
      throw new SourceRequestError(
        `an existence check takes 1..${EXISTING_IDS_MAX} ${this.stream.noun} ids with no comma, got ${ids.length}`,
      );
    }
    const stats: SourceCallStats = { requests: 0, throttled: 0, retried: 0 };
    const found = new Set<string>();
    for (const batch of this.existenceBatches(ids)) {
      const url = this.existenceUrl(batch);
      const body = (await this.getJson(url, stats)) as Record<string, unknown> | null;
      const list = typeof body === 'object' && body !== null ? body[this.stream.name] : undefined;
      if (body === null || !Array.isArray(list)) {
        throw new InvalidPageError(`${this.api} answered an ids check without an "${this.stream.name}" array: GET ${this.shown(url)}`);
      }
      if (body.next_cursor != null) {
        throw new SourceContractError(
          `${this.api} broke its contract: it answered an ids check of ${batch.length} ids with a next_cursor, so the answer ` +
            `is not complete (?ids= answers every asked id in one page); nothing is tombstoned: GET ${this.shown(url)}`,
        );
      }
      // Only the ids matter here: a record that exists is not deleted, whatever else it holds (a bad one is quarantined by the pages).
      const asked = new Set(batch);
      for (const record of list as unknown[]) {
        const id = (record as { id?: unknown } | null)?.id;
        if (typeof id !== 'string' || id === '') continue;
        if (!asked.has(id)) {
          throw new SourceContractError(
            `${this.api} broke its contract: it answered an ids check with ${this.stream.noun} ${JSON.stringify(id).slice(0, 80)}, ` +
              `which it was not asked about; nothing is tombstoned: GET ${this.shown(url)}`,
          );
        }
        found.add(id);
      }
    }
    return { ids: found, stats };
  }

  /** The ids in order, cut so that each request's URL stays within EXISTING_URL_MAX_CHARS (one id alone may pass it). */
  private existenceBatches(ids: readonly string[]): string[][] {
    const batches: string[][] = [];
    let batch: string[] = [];
    let length = this.existenceUrl([]).href.length;
    for (const id of ids) {
      const added = encodeURIComponent(id).length + (batch.length > 0 ? 1 : 0);
      if (batch.length > 0 && length + added > EXISTING_URL_MAX_CHARS) {
        batches.push(batch);
        batch = [];
        length = this.existenceUrl([]).href.length;
      }
      length += encodeURIComponent(id).length + (batch.length > 0 ? 1 : 0);
      batch.push(id);
    }
    if (batch.length > 0) batches.push(batch);
    return batches;
  }

  /** `/<stream>?ids=a,b,c`: each id percent-encoded, the commas between them literal. */
  private existenceUrl(ids: readonly string[]): URL {
    const url = new URL(this.recordsUrl);
    const idsParam = `ids=${ids.map(encodeURIComponent).join(',')}`;
    url.search = url.search ? `${url.search}&${idsParam}` : idsParam;
    return url;
  }

  async count(window: Window): Promise<number> {
    const url = this.withWindow(this.countUrl, window);
    const body = (await this.getJson(url, { requests: 0, throttled: 0, retried: 0 })) as { count?: unknown } | null;
    const count = body?.count;
    if (!Number.isSafeInteger(count) || (count as number) < 0) {
      throw new InvalidPageError(`${this.api} answered a count that is not a non-negative integer: GET ${this.shown(url)}`);
    }
    return count as number;
  }

  /** Closes the keep-alive connections (tests; a Lambda keeps them for its next invocation). */
  async close(): Promise<void> {
    await this.client.close();
  }

  private withWindow(endpoint: URL, window: Window): URL {
    const url = new URL(endpoint);
    // updated_at_min is inclusive and updated_at_max exclusive, exactly as the window's from and to.
    if (window.from !== null) url.searchParams.set('updated_at_min', window.from);
    url.searchParams.set('updated_at_max', window.to);
    return url;
  }

  /** The URL as errors and logs show it: no user info, and only our own parameters (a base URL might carry a key). */
  private shown(url: URL): string {
    const query = new URLSearchParams();
    for (const name of ['updated_at_min', 'updated_at_max', 'deleted_at_min', 'deleted_at_max', 'limit', 'cursor']) {
      const value = url.searchParams.get(name);
      if (value !== null) query.set(name, value);
    }
    const text = query.toString();
    return `${url.origin}${url.pathname}${text ? `?${text}` : ''}`;
  }

  /** GETs `url` until it answers 200, retrying what is transient; returns the parsed JSON body. */
  private async getJson(url: URL, stats: SourceCallStats): Promise<unknown> {
    const shownUrl = this.shown(url);
    const shown = `GET ${shownUrl}`;
    // With send slots the request goes at its slot, and only then: a wait of this source's own on top would send it
    // into the slot of another stream's request. The pacer still learns the budget from every answer.
    const pace = async (): Promise<void> => {
      if (!this.sendSlots) return this.pacer.take();
      await sendAtSlot(this.sendSlots, this.client, () => this.pacer.spacingMs());
    };
    return this.client.call({ method: 'GET', url, shown, detailUrl: shownUrl, pace }, stats, (exchange) =>
      this.read(exchange, stats, shown),
    );
  }

  /** The contract's statuses (docs/source-contract.md "Errors and limits"); 429, 5xx and 408 the client handles. */
  private read(exchange: Exchange, stats: SourceCallStats, shown: string): Verdict<unknown> {
    const { answer, sentAt, receivedAt } = exchange;
    this.pacer.observe(sentAt, {
      limit: wholeHeader(answer, 'x-ratelimit-limit'),
      remaining: wholeHeader(answer, 'x-ratelimit-remaining'),
      refused: answer.status === 429,
    });
    const serverDate = Date.parse(header(answer.headers, 'date') ?? '');
    // The Date header is cut to the second: +500 ms is the middle of the second it names.
    if (!Number.isNaN(serverDate)) stats.clockSkewMs = Math.round(serverDate + 500 - (sentAt + receivedAt) / 2);

    const { status } = answer;
    if (status === 200) {
      try {
        return { done: JSON.parse(answer.text) };
      } catch {
        const contentType = header(answer.headers, 'content-type') ?? 'no content-type';
        throw new InvalidPageError(
          `${this.api} answered 200 with a body that is not JSON (${contentType}, ${answer.text.length} chars): ${shown}`,
        );
      }
    }
    if (status === 401 || status === 403) {
      throw new SourceAuthError(
        `${this.api} refused the token (${status}): check ORDERS_API_TOKEN / the secret (server said: ${this.client.quote(exchange)}): ${shown}`,
      );
    }
    if (status === 400) throw new SourceRequestError(`${this.api} rejected the request (400 ${this.client.quote(exchange)}): ${shown}`);
    if (status === 404) throw new SourceRequestError(`${this.api} has no such route (404): check the base URL: ${shown}`);
    return undefined;
  }
}

function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > PAGE_SIZE_MAX) {
    throw new SourceRequestError(`page size must be an integer in 1..${PAGE_SIZE_MAX}, got ${limit}`);
  }
}

function nextCursorOf(value: unknown, api: string, shown: string): string | null {
  const nextCursor = value ?? null;
  if (nextCursor !== null && (typeof nextCursor !== 'string' || nextCursor === '')) {
    throw new InvalidPageError(`${api} answered a next_cursor that is not a non-empty string or null: GET ${shown}`);
  }
  return nextCursor;
}

/** One feed entry `{id, deleted_at}`; a broken one fails the page (the feed cannot be quarantined, it is not a record). */
function deletionOf(entry: unknown, api: string, shown: string): Deletion {
  const { id, deleted_at: deletedAt } = (entry ?? {}) as { id?: unknown; deleted_at?: unknown };
  const parsed = typeof deletedAt === 'string' ? parseInstant(deletedAt) : null;
  if (typeof id !== 'string' || id === '' || !parsed?.ok) {
    throw new InvalidPageError(`${api} answered a deletion without a string id and an RFC 3339 deleted_at: GET ${shown}`);
  }
  return { id, deletedAt: parsed.instant };
}
