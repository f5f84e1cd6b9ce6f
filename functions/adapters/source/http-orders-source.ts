// The OrderSource over the reference HTTP contract (docs/source-contract.md): one GET per page on a keep-alive
// connection, transient failures retried here with backoff, every order validated before it is returned (or rejected).
import { Agent, request } from 'undici';
import { ConfigError, InvalidPageError, SourceAuthError, SourceRequestError, SourceThrottledError, SourceUnavailableError } from '../../core/errors';
import type { Order } from '../../core/order';
import type { Log, OrderSource, PageRequest, SourceCallStats, SourcePage } from '../../core/ports';
import { screenOrder, type RejectedOrder } from '../../core/quarantine';
import type { Window } from '../../core/run-types';
import { validateOrder } from '../../core/validate-order';
import { backoffDelayMs, retryAfterMs, type BackoffSettings } from './backoff';

export interface HttpOrdersSourceOptions {
  /** Where the API lives, e.g. `https://shop.example.com/api/` (`/orders` is appended). */
  baseUrl: string;
  /** The bearer token, or a getter called before every request (it does its own caching, e.g. Secrets Manager). */
  token: string | (() => Promise<string>);
  /** One request, answer and body included (default 10 s). */
  timeoutMs?: number;
  /** Tries per page for 5xx, network errors and timeouts before SourceUnavailableError (default 5). */
  maxAttempts?: number;
  /** Total Retry-After time one call waits through before SourceThrottledError (default 30 s). */
  maxThrottleWaitMs?: number;
  backoff?: BackoffSettings;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Our clock, epoch ms (default Date.now): for the rate-limit pause and the clock skew. */
  clock?: () => number;
  logger?: Pick<Log, 'warn' | 'info'>;
}

const PAGE_LIMIT_MAX = 250;
const DEFAULTS = { timeoutMs: 10_000, maxAttempts: 5, maxThrottleWaitMs: 30_000, backoff: { baseMs: 200, capMs: 5_000 } };
/** Retry-After when a 429 gives none. */
const DEFAULT_RETRY_AFTER_MS = 1_000;
/** Of an error body, at most this much goes into an error message. */
const MESSAGE_CHARS = 300;

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export function header(headers: Answer['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The server's `{"error":{"code","message"}}`, or the start of whatever it sent instead. */
function serverMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    const { code, message } = body.error ?? {};
    if (typeof message === 'string') return typeof code === 'string' ? `${code}: ${message}` : message;
  } catch {
    // not JSON: quote it as it came
  }
  return text.length > MESSAGE_CHARS ? `${text.slice(0, MESSAGE_CHARS)}…` : text;
}

export function describeNetworkError(error: unknown, timeoutMs: number): string {
  // Duck-typed: the timeout arrives as a DOMException, which is not an Error of every realm.
  if (typeof error !== 'object' || error === null) return String(error);
  const { name, message, code } = error as { name?: unknown; message?: unknown; code?: unknown };
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  return `${typeof code === 'string' ? code : String(name)}: ${String(message)}`;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class HttpOrdersSource implements OrderSource {
  private readonly ordersUrl: URL;
  private readonly countUrl: URL;
  private readonly agent = new Agent({ keepAliveTimeout: 4_000, keepAliveMaxTimeout: 60_000 });
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly maxThrottleWaitMs: number;
  private readonly backoff: BackoffSettings;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly clock: () => number;
  /** When the source said the current second's requests are used up: no request before this time. */
  private pauseUntilMs = 0;

  constructor(private readonly options: HttpOrdersSourceOptions) {
    let base: URL;
    try {
      base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    } catch {
      throw new ConfigError(`the orders API base URL is not a URL: "${options.baseUrl}"`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new ConfigError(`the orders API base URL must be http(s), got ${base.protocol}`);
    }
    this.ordersUrl = new URL('orders', base);
    this.countUrl = new URL('orders/count', base);
    this.timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULTS.maxAttempts);
    this.maxThrottleWaitMs = options.maxThrottleWaitMs ?? DEFAULTS.maxThrottleWaitMs;
    this.backoff = options.backoff ?? DEFAULTS.backoff;
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    this.clock = options.clock ?? Date.now;
  }

  async fetchPage({ window, cursor, limit }: PageRequest): Promise<SourcePage> {
    if (!Number.isInteger(limit) || limit < 1 || limit > PAGE_LIMIT_MAX) {
      throw new SourceRequestError(`page size must be an integer in 1..${PAGE_LIMIT_MAX}, got ${limit}`);
    }
    const url = this.withWindow(this.ordersUrl, window);
    url.searchParams.set('limit', String(limit));
    if (cursor !== null) url.searchParams.set('cursor', cursor);
    const stats: SourceCallStats = { requests: 0, throttled: 0, retried: 0 };
    const body = await this.getJson(url, stats);
    const page = body as { orders?: unknown; next_cursor?: unknown };
    if (typeof body !== 'object' || body === null || !Array.isArray(page.orders)) {
      throw new InvalidPageError(`the orders API answered a page without an "orders" array: GET ${this.shown(url)}`);
    }
    const nextCursor = page.next_cursor ?? null;
    if (nextCursor !== null && (typeof nextCursor !== 'string' || nextCursor === '')) {
      throw new InvalidPageError(
        `the orders API answered a page whose next_cursor is ${typeof nextCursor === 'string' ? 'empty' : `a ${typeof nextCursor}`}, not a string or null: GET ${this.shown(url)}`,
      );
    }
    // An order that breaks the contract is the page's rejected one (quarantined by the core), never a failed page.
    const orders: Order[] = [];
    const rejected: RejectedOrder[] = [];
    for (const input of page.orders as unknown[]) {
      const screened = screenOrder(input, validateOrder, orders.length);
      if ('order' in screened) orders.push(screened.order);
      else rejected.push(screened.rejected);
    }
    return { orders, rejected, nextCursor, stats };
  }

  async count(window: Window): Promise<number> {
    const url = this.withWindow(this.countUrl, window);
    const body = (await this.getJson(url, { requests: 0, throttled: 0, retried: 0 })) as { count?: unknown } | null;
    const count = body?.count;
    if (!Number.isSafeInteger(count) || (count as number) < 0) {
      throw new InvalidPageError(`the orders API answered a count that is not a non-negative integer: GET ${this.shown(url)}`);
    }
    return count as number;
  }

  /** Closes the keep-alive connections (tests; a Lambda keeps them for its next invocation). */
  async close(): Promise<void> {
    await this.agent.close();
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
    for (const name of ['updated_at_min', 'updated_at_max', 'limit', 'cursor']) {
      const value = url.searchParams.get(name);
      if (value !== null) query.set(name, value);
    }
    const text = query.toString();
    return `${url.origin}${url.pathname}${text ? `?${text}` : ''}`;
  }

  private async token(): Promise<string> {
    const token = typeof this.options.token === 'string' ? this.options.token : await this.options.token();
    if (token === '' || /[\r\n]/.test(token)) {
      throw new ConfigError('the orders API token is empty or spans lines: check ORDERS_API_TOKEN / the secret');
    }
    return token;
  }

  /** The text with every occurrence of the token blanked: for server messages we quote. */
  private redacted(text: string, token: string): string {
    return token.length >= 4 ? text.split(token).join('[token]') : text;
  }

  private async send(url: URL, token: string): Promise<Answer> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    const response = await request(url, {
      method: 'GET',
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      dispatcher: this.agent,
      signal,
    });
    return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
  }

  /** GETs `url` until it answers 200, retrying what is transient; returns the parsed JSON body. */
  private async getJson(url: URL, stats: SourceCallStats): Promise<unknown> {
    const shown = this.shown(url);
    let failures = 0;
    let throttleWaitedMs = 0;
    for (;;) {
      const pauseMs = this.pauseUntilMs - this.clock();
      if (pauseMs > 0) await this.sleep(pauseMs);
      const token = await this.token();
      stats.requests++;
      const sentAt = this.clock();
      let answer: Answer;
      try {
        answer = await this.send(url, token);
      } catch (error) {
        failures++;
        const problem = describeNetworkError(error, this.timeoutMs);
        if (failures >= this.maxAttempts) {
          throw new SourceUnavailableError(
            `the orders API could not be reached after ${failures} attempts (last: ${problem}): GET ${shown}`,
            { url: shown, attempts: failures },
            { cause: error },
          );
        }
        await this.retryLater(failures, stats, problem, shown);
        continue;
      }
      const receivedAt = this.clock();
      this.noteRateLimit(answer, receivedAt);
      const serverDate = Date.parse(header(answer.headers, 'date') ?? '');
      // The Date header is cut to the second: +500 ms is the middle of the second it names.
      if (!Number.isNaN(serverDate)) stats.clockSkewMs = Math.round(serverDate + 500 - (sentAt + receivedAt) / 2);

      const { status } = answer;
      if (status === 200) {
        try {
          return JSON.parse(answer.text);
        } catch {
          const contentType = header(answer.headers, 'content-type') ?? 'no content-type';
          throw new InvalidPageError(`the orders API answered 200 with a body that is not JSON (${contentType}, ${answer.text.length} chars): GET ${shown}`);
        }
      }
      if (status === 401 || status === 403) {
        throw new SourceAuthError(
          `the orders API refused the token (${status}): check ORDERS_API_TOKEN / the secret ` +
            `(server said: ${this.redacted(serverMessage(answer.text), token)}): GET ${shown}`,
        );
      }
      if (status === 429) {
        stats.throttled++;
        const waitMs = retryAfterMs(header(answer.headers, 'retry-after'), receivedAt) ?? DEFAULT_RETRY_AFTER_MS;
        if (throttleWaitedMs + waitMs > this.maxThrottleWaitMs) {
          throw new SourceThrottledError(
            `the orders API is still rate limiting (429) after ${throttleWaitedMs} ms of waiting; it asks for ${Math.ceil(waitMs / 1000)} s more: GET ${shown}`,
            { status, url: shown, attempts: stats.requests, retryAfterSeconds: Math.ceil(waitMs / 1000) },
          );
        }
        throttleWaitedMs += waitMs;
        this.options.logger?.info('orders API rate limited us: waiting Retry-After', { waitMs, url: shown });
        await this.sleep(waitMs);
        continue;
      }
      // 408: the server gave up waiting on us, as transient as a 5xx.
      if (status >= 500 || status === 408) {
        failures++;
        if (failures >= this.maxAttempts) {
          throw new SourceUnavailableError(
            `the orders API answered ${status} ${failures} times in a row (last: ${this.redacted(serverMessage(answer.text), token)}): GET ${shown}`,
            { status, url: shown, attempts: failures },
          );
        }
        await this.retryLater(failures, stats, `HTTP ${status}`, shown);
        continue;
      }
      if (status === 400) {
        throw new SourceRequestError(`the orders API rejected the request (400 ${this.redacted(serverMessage(answer.text), token)}): GET ${shown}`);
      }
      if (status === 404) {
        throw new SourceRequestError(`the orders API has no such route (404): check the base URL: GET ${shown}`);
      }
      throw new InvalidPageError(`the orders API answered an unexpected status ${status}: GET ${shown}`);
    }
  }

  private async retryLater(failures: number, stats: SourceCallStats, problem: string, shown: string): Promise<void> {
    stats.retried++;
    const delayMs = backoffDelayMs(failures, this.backoff, this.random);
    this.options.logger?.warn('orders API call failed: retrying', { problem, attempt: failures, delayMs, url: shown });
    await this.sleep(delayMs);
  }

  /** X-RateLimit-Remaining 0: this second is used up, so the next request waits a full second. */
  private noteRateLimit(answer: Answer, receivedAt: number): void {
    // We cannot see where the source's second begins; one full second later is surely a new one.
    if (header(answer.headers, 'x-ratelimit-remaining') === '0') this.pauseUntilMs = receivedAt + 1000;
  }
}
