// The HTTP client both source connectors call through (functions/adapters/source/http-client.ts), against a
// loopback server that answers from a script: what it settles itself (429, 5xx, 408, network errors, unexpected
// statuses), what it leaves to the connector's verdict, the token's check and redaction, and the counts.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { ConfigError, InvalidPageError, SourceThrottledError, SourceUnavailableError } from '../../functions/core/errors';
import type { SourceCallStats } from '../../functions/core/ports';
import { HttpClient, retryAfterMs, type HttpClientOptions, type Verdict } from '../../functions/adapters/source/http-client';
import { listenOnLoopback, type Listening } from '../../local/loopback';

interface Scripted {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  /** Destroy the socket instead of answering. */
  drop?: boolean;
}

let server: Listening;
const script: Scripted[] = [];
const received: IncomingHttpHeaders[] = [];
const clients: HttpClient[] = [];

beforeAll(async () => {
  const http = createServer((req, res) => {
    received.push(req.headers);
    const next = script.shift() ?? { status: 200, body: '{}' };
    if (next.drop) return void req.socket.destroy();
    res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
    res.end(next.body ?? '');
  });
  server = await listenOnLoopback(http);
});
afterEach(() => {
  script.length = 0;
  received.length = 0;
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await server.close();
});

const TOKEN = 'secret-token-1234';

function clientFor(options: Partial<HttpClientOptions> = {}): { client: HttpClient; waits: number[] } {
  const waits: number[] = [];
  const client = new HttpClient({
    api: 'the test API',
    token: TOKEN,
    tokenHint: 'check TEST_TOKEN',
    credentials: (token) => ({ authorization: `Bearer ${token}` }),
    timeoutMs: 2_000,
    backoff: { baseMs: 100, capMs: 300 },
    random: () => 0.5,
    sleep: async (ms) => void waits.push(ms),
    ...options,
  });
  clients.push(client);
  return { client, waits };
}

const stats = (): SourceCallStats => ({ requests: 0, throttled: 0, retried: 0 });
const call = () => ({
  method: 'GET' as const,
  url: new URL(`${server.url}/thing`),
  shown: `GET ${server.url}/thing`,
  detailUrl: `${server.url}/thing`,
});
/** A connector that takes 200 as done and leaves the rest to the client. */
const okOnly = ({ answer }: { answer: { status: number; text: string } }): Verdict<string> =>
  answer.status === 200 ? { done: answer.text } : undefined;

describe('HttpClient', () => {
  it('sends the credentials and returns what the verdict settles, counting one request', async () => {
    script.push({ status: 200, body: 'hello' });
    const counted = stats();

    await expect(clientFor().client.call(call(), counted, okOnly)).resolves.toBe('hello');

    expect(received[0]!.authorization).toBe(`Bearer ${TOKEN}`);
    expect(counted).toEqual({ requests: 1, throttled: 0, retried: 0 });
  });

  it('retries 5xx, 408 and dropped connections with capped exponential backoff, then succeeds', async () => {
    script.push({ status: 503 }, { status: 408 }, { status: 0, drop: true }, { status: 200, body: 'at last' });
    const { client, waits } = clientFor({ maxAttempts: 4 });
    const counted = stats();

    await expect(client.call(call(), counted, okOnly)).resolves.toBe('at last');

    expect(waits).toEqual([50, 100, 150]); // half of 100, 200, 300 (capped)
    expect(counted).toEqual({ requests: 4, throttled: 0, retried: 3 });
  });

  it('raises SourceUnavailableError after maxAttempts, quoting the last answer with the token blanked', async () => {
    script.push({ status: 500 }, { status: 502, body: `upstream refused ${TOKEN}` });
    const { client } = clientFor({ maxAttempts: 2 });

    const error = (await client.call(call(), stats(), okOnly).catch((e: unknown) => e)) as SourceUnavailableError;

    expect(error).toBeInstanceOf(SourceUnavailableError);
    expect(error.message).toBe(
      `the test API failed 2 times in a row (last: HTTP 502: upstream refused [redacted]): GET ${server.url}/thing`,
    );
    expect(error.detail).toEqual({ status: 502, url: `${server.url}/thing`, attempts: 2 });
  });

  it('retries what the connector calls transient, as it retries a 5xx', async () => {
    script.push({ status: 200, body: 'busy' }, { status: 200, body: 'fine' });
    const { client, waits } = clientFor();
    const read = ({ answer }: { answer: { text: string } }): Verdict<string> =>
      answer.text === 'busy' ? { retry: 'BUSY: try later' } : { done: answer.text };
    const counted = stats();

    await expect(client.call(call(), counted, read)).resolves.toBe('fine');

    expect(waits).toEqual([50]);
    expect(counted.retried).toBe(1);
  });

  it('waits Retry-After on a 429 (1 s when it gives none) and raises SourceThrottledError past its throttle budget', async () => {
    script.push({ status: 429, headers: { 'retry-after': '2' } }, { status: 429 }, { status: 429, headers: { 'retry-after': '3' } });
    const { client, waits } = clientFor({ maxThrottleWaitMs: 4_000 });
    const counted = stats();

    const error = (await client.call(call(), counted, okOnly).catch((e: unknown) => e)) as SourceThrottledError;

    expect(waits).toEqual([2_000, 1_000]);
    expect(error).toBeInstanceOf(SourceThrottledError);
    expect(error.message).toBe(
      `the test API is still throttling (HTTP 429) after 3000 ms of waiting; it asks for 3 s more: GET ${server.url}/thing`,
    );
    expect(error.detail).toMatchObject({ status: 429, attempts: 3, retryAfterSeconds: 3 });
    expect(counted).toEqual({ requests: 3, throttled: 3, retried: 0 });
  });

  it('waits what the connector says for its own throttling', async () => {
    script.push({ status: 200, body: 'slow down' }, { status: 200, body: 'ok' });
    const { client, waits } = clientFor();
    const read = ({ answer }: { answer: { text: string } }): Verdict<string> =>
      answer.text === 'slow down' ? { throttled: { waitMs: 1_234, why: 'BUCKET EMPTY' } } : { done: answer.text };

    await expect(client.call(call(), stats(), read)).resolves.toBe('ok');
    expect(waits).toEqual([1_234]);
  });

  it('raises InvalidPageError on a status neither it nor the connector knows', async () => {
    script.push({ status: 302, headers: { location: '/elsewhere' } });

    await expect(clientFor().client.call(call(), stats(), okOnly)).rejects.toThrow(
      new InvalidPageError(`the test API answered an unexpected status 302: GET ${server.url}/thing`),
    );
  });

  it('paces before every send, retries included', async () => {
    script.push({ status: 503 }, { status: 200, body: 'ok' });
    let paced = 0;

    await clientFor().client.call({ ...call(), pace: async () => void paced++ }, stats(), okOnly);

    expect(paced).toBe(2);
  });

  it.each([[''], ['two\nlines']])('refuses a token %j with a ConfigError that says what to check, before sending', async (token) => {
    await expect(clientFor({ token: async () => token }).client.call(call(), stats(), okOnly)).rejects.toThrow(
      new ConfigError('the test API token is empty or spans lines: check TEST_TOKEN'),
    );
    expect(received).toHaveLength(0);
  });
});

describe('retryAfterMs', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);

  it('reads delta-seconds and HTTP dates, and nothing else', () => {
    expect(retryAfterMs('7', now)).toBe(7_000);
    expect(retryAfterMs(new Date(now + 4_000).toUTCString(), now)).toBe(4_000);
    expect(retryAfterMs(new Date(now - 4_000).toUTCString(), now)).toBe(0);
    expect(retryAfterMs(undefined, now)).toBeNull();
    expect(retryAfterMs(' ', now)).toBeNull();
    expect(retryAfterMs('soon', now)).toBeNull();
  });
});
