// The HTTP client both source connectors call through: the token and its redaction, one request over a
// keep-alive agent with a timeout, and the retry loop (transient failures with backoff, throttling within a
// budget of waiting), counted per call. What an answer means beyond that is the connector's.
import { Agent, request } from 'undici';
import { ConfigError, InvalidPageError, SourceThrottledError, SourceUnavailableError } from '../../core/errors';
import type { Log, SourceCallStats } from '../../core/ports';
import { backoffDelayMs, type BackoffSettings } from '../backoff';
import { quoteSource } from './quote';

/** The knobs a connector's options pass through to its client. */
export interface HttpClientSettings {
  /** The access token, or a getter called before every request (it does its own caching, e.g. Secrets Manager). */
  token: string | (() => Promise<string>);
  /** One request, answer and body included (default: the connector's, 10 s for the orders API, 20 s for Shopify). */
  timeoutMs?: number;
  /** Tries per request for 5xx, 408, network errors, timeouts (and what the connector calls transient) before SourceUnavailableError (default 5). */
  maxAttempts?: number;
  /** Total throttle waiting (429 Retry-After, or what the connector says) one request accepts before SourceThrottledError (default 30 s). */
  maxThrottleWaitMs?: number;
  /** Backoff between transient failures (default 200 ms doubling up to 5 s). */
  backoff?: BackoffSettings;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Our clock, epoch ms (default Date.now). */
  clock?: () => number;
  logger?: Pick<Log, 'warn' | 'info'>;
}

export interface HttpClientOptions extends HttpClientSettings {
  /** How messages name the API: "the orders API", "Shopify". */
  api: string;
  /** What to check when the token is unusable, e.g. "check ORDERS_API_TOKEN / the secret". */
  tokenHint: string;
  /** The request headers that carry the token. */
  credentials: (token: string) => Record<string, string>;
  timeoutMs: number;
  /** The part of an error body worth quoting (default: all of it). The client redacts it, then cuts it to length. */
  quoteBody?: (text: string) => string;
}

/** One request as the client sends it and as messages show it. */
export interface HttpCall {
  method: 'GET' | 'POST';
  url: URL;
  /** The call in messages and logs, free of secrets: "GET https://…/orders?limit=250", "POST … (OrdersPage)". */
  shown: string;
  /** The URL an error's detail carries, free of secrets. */
  detailUrl: string;
  headers?: Record<string, string>;
  body?: string;
  /** Waits until the request may go (the connector's pacing); called right before each send. */
  pace?: () => Promise<void>;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One answer with what a connector needs to read it. */
export interface Exchange {
  answer: Answer;
  /** The token sent, for redacting quotes of the answer. */
  token: string;
  sentAt: number;
  receivedAt: number;
}

/**
 * What a connector makes of an answer: the call's result, a transient failure to retry with backoff, or a
 * throttle to wait out. It throws for what is final; `undefined` leaves the answer to the client (429 waits
 * Retry-After; 5xx and 408 are transient; anything else is an unexpected status).
 */
export type Verdict<T> = { done: T } | { retry: string } | { throttled: { waitMs: number; why: string } } | undefined;

const DEFAULTS = { maxAttempts: 5, maxThrottleWaitMs: 30_000, backoff: { baseMs: 200, capMs: 5_000 } };
/** Retry-After when a 429 gives none. */
export const DEFAULT_RETRY_AFTER_MS = 1_000;
export function header(headers: Answer['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date (RFC 9110); null when absent or unreadable. */
export function retryAfterMs(value: string | undefined, nowMs: number): number | null {
  if (value === undefined || value.trim() === '') return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

export function describeNetworkError(error: unknown, timeoutMs: number): string {
  // Duck-typed: the timeout arrives as a DOMException, which is not an Error of every realm.
  if (typeof error !== 'object' || error === null) return String(error);
  const { name, message, code } = error as { name?: unknown; message?: unknown; code?: unknown };
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  return `${typeof code === 'string' ? code : String(name)}: ${String(message)}`;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class HttpClient {
  readonly sleep: (ms: number) => Promise<void>;
  readonly clock: () => number;
  private readonly agent = new Agent({ keepAliveTimeout: 4_000, keepAliveMaxTimeout: 60_000 });
  private readonly maxAttempts: number;
  private readonly maxThrottleWaitMs: number;
  private readonly backoff: BackoffSettings;
  private readonly random: () => number;
  /** The token last sent, for quoting what the source said outside an answer's body (quoteText). */
  private lastToken: string | null = null;

  constructor(private readonly options: HttpClientOptions) {
    this.maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULTS.maxAttempts);
    this.maxThrottleWaitMs = options.maxThrottleWaitMs ?? DEFAULTS.maxThrottleWaitMs;
    this.backoff = options.backoff ?? DEFAULTS.backoff;
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    this.clock = options.clock ?? Date.now;
  }

  /** Closes the keep-alive connections (tests; a Lambda keeps them for its next invocation). */
  async close(): Promise<void> {
    await this.agent.close();
  }

  /** The part of an answer's body worth quoting: the token blanked, then cut to length (quote.ts). */
  quote({ answer, token }: Pick<Exchange, 'answer' | 'token'>): string {
    const { quoteBody } = this.options;
    return quoteSource(quoteBody ? quoteBody(answer.text) : answer.text, [token]);
  }

  /** A text the source sent inside its data (a user error, a field), fit to quote: the token blanked, then cut. */
  quoteText(text: string): string {
    return quoteSource(text, [this.lastToken]);
  }

  /** Sends `call` until `read` settles an answer, retrying what is transient and waiting out throttling. */
  async call<T>(call: HttpCall, stats: SourceCallStats, read: (exchange: Exchange) => Verdict<T>): Promise<T> {
    const { api, logger } = this.options;
    let failures = 0;
    let throttleWaitedMs = 0;
    const retryLater = async (problem: string, status: number | undefined, cause?: unknown): Promise<void> => {
      failures++;
      if (failures >= this.maxAttempts) {
        throw new SourceUnavailableError(
          `${api} failed ${failures} times in a row (last: ${problem}): ${call.shown}`,
          { ...(status !== undefined ? { status } : {}), url: call.detailUrl, attempts: failures },
          { cause },
        );
      }
      stats.retried++;
      const delayMs = backoffDelayMs(failures, this.backoff, this.random);
      logger?.warn(`${api} call failed: retrying`, { problem, attempt: failures, delayMs, call: call.shown });
      await this.sleep(delayMs);
    };
    const waitOut = async (waitMs: number, why: string, status: number): Promise<void> => {
      stats.throttled++;
      const moreSeconds = Math.ceil(waitMs / 1000);
      if (throttleWaitedMs + waitMs > this.maxThrottleWaitMs) {
        throw new SourceThrottledError(
          `${api} is still throttling (${why}) after ${throttleWaitedMs} ms of waiting; it asks for ${moreSeconds} s more: ${call.shown}`,
          { status, url: call.detailUrl, attempts: stats.requests, retryAfterSeconds: moreSeconds },
        );
      }
      throttleWaitedMs += waitMs;
      logger?.info(`${api} throttled us: waiting`, { waitMs, why, call: call.shown });
      await this.sleep(waitMs);
    };

    for (;;) {
      const token = await this.token();
      await call.pace?.();
      stats.requests++;
      const sentAt = this.clock();
      let answer: Answer;
      try {
        answer = await this.send(call, token);
      } catch (error) {
        // An exception's text is the source's words too (a proxy's reset reason, a header it echoed).
        await retryLater(quoteSource(describeNetworkError(error, this.options.timeoutMs), [token]), undefined, error);
        continue;
      }
      const exchange = { answer, token, sentAt, receivedAt: this.clock() };
      const { status } = answer;
      const verdict = read(exchange);
      if (verdict !== undefined) {
        if ('done' in verdict) return verdict.done;
        if ('retry' in verdict) await retryLater(verdict.retry, status);
        else await waitOut(verdict.throttled.waitMs, verdict.throttled.why, status);
        continue;
      }
      if (status === 429) {
        await waitOut(
          retryAfterMs(header(answer.headers, 'retry-after'), exchange.receivedAt) ?? DEFAULT_RETRY_AFTER_MS,
          'HTTP 429',
          status,
        );
        continue;
      }
      // 408: the server gave up waiting on us, as transient as a 5xx.
      if (status >= 500 || status === 408) {
        const said = this.quote(exchange);
        await retryLater(`HTTP ${status}${said ? `: ${said}` : ''}`, status);
        continue;
      }
      throw new InvalidPageError(`${api} answered an unexpected status ${status}: ${call.shown}`);
    }
  }

  private async token(): Promise<string> {
    const { token: given, api, tokenHint } = this.options;
    const token = typeof given === 'string' ? given : await given();
    if (token === '' || /[\r\n]/.test(token)) throw new ConfigError(`${api} token is empty or spans lines: ${tokenHint}`);
    this.lastToken = token;
    return token;
  }

  private async send(call: HttpCall, token: string): Promise<Answer> {
    const response = await request(call.url, {
      method: call.method,
      headers: { accept: 'application/json', ...call.headers, ...this.options.credentials(token) },
      body: call.body,
      dispatcher: this.agent,
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
  }
}
