// What an error quotes of a source never holds the token, wherever the token sits around the cut of the quote: an
// HTTP body (the client's own quote, and the orders API's JSON error message), Shopify's GraphQL error messages and
// a bulk export's user errors, against a loopback server that answers from a script.
import { createServer } from 'node:http';
import { HttpClient } from '../../functions/adapters/source/http-client';
import { HttpSource } from '../../functions/adapters/source/http-source';
import { QUOTE_CHARS } from '../../functions/adapters/source/quote';
import { ShopifyBulkExport } from '../../functions/adapters/source/shopify/bulk-export';
import { ShopifyOrdersSource } from '../../functions/adapters/source/shopify/shopify-orders-source';
import { listenOnLoopback, type Listening } from '../../local/loopback';
import { leakedParts } from '../support/leaks';

const TOKEN = 'shpat_9f3c0e7d51b2a4c8e6f0';
/** Every place from "ends just before the cut" to "starts just after it". */
const PLACES = Array.from({ length: TOKEN.length + 5 }, (_, n) => QUOTE_CHARS - TOKEN.length - 2 + n);

/** A text of the source with the token at character `at`, long past the cut. */
function saying(at: number): string {
  return `${'a'.repeat(at)}${TOKEN}${'b'.repeat(400)}`;
}

let server: Listening;
/** What the server answers next: a status and a body, or (GraphQL) a function of the operation's name. */
let answer: (operationName: string | undefined) => { status: number; body: string };
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  server = await listenOnLoopback(
    createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        const operationName = body ? (JSON.parse(body) as { operationName?: string }).operationName : undefined;
        const next = answer(operationName);
        res.writeHead(next.status, { 'content-type': 'application/json' });
        res.end(next.body);
      });
    }),
  );
});
afterAll(async () => {
  for (const close of closers) await close();
  await server.close();
});

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error('expected the call to fail');
  return error;
}

describe('the HTTP client', () => {
  it.each(PLACES)('a 5xx body with the token at character %i: the error quotes the body and no part of the token', async (at) => {
    const client = new HttpClient({
      api: 'the test API',
      token: TOKEN,
      tokenHint: 'check TEST_TOKEN',
      credentials: (token) => ({ authorization: `Bearer ${token}` }),
      timeoutMs: 2_000,
      maxAttempts: 1,
    });
    closers.push(() => client.close());
    answer = () => ({ status: 502, body: saying(at) });
    const call = { method: 'GET' as const, url: new URL(`${server.url}/thing`), shown: 'GET /thing', detailUrl: `${server.url}/thing` };

    const error = await failure(client.call(call, { requests: 0, throttled: 0, retried: 0 }, () => undefined));

    expect(error.message).toContain('HTTP 502: aaaa');
    expect(leakedParts(error.message, TOKEN)).toEqual([]);
  });

  it.each(PLACES)('an exception with the token at character %i in its text: the error quotes it and no part of the token', async (at) => {
    const client = new HttpClient({
      api: 'the test API',
      token: TOKEN,
      tokenHint: 'check TEST_TOKEN',
      // The request fails before an answer, with the source's words in the exception (as a proxy's reset reason may).
      credentials: () => {
        throw new Error(saying(at));
      },
      timeoutMs: 2_000,
      maxAttempts: 1,
    });
    closers.push(() => client.close());
    const call = { method: 'GET' as const, url: new URL(`${server.url}/thing`), shown: 'GET /thing', detailUrl: `${server.url}/thing` };

    const error = await failure(client.call(call, { requests: 0, throttled: 0, retried: 0 }, () => undefined));

    expect(error.message).toContain('(last: Error: aaaa');
    expect(leakedParts(error.message, TOKEN)).toEqual([]);
  });
});

describe('the orders API connector', () => {
  it.each(PLACES)('a 401 error message with the token at character %i quotes no part of it', async (at) => {
    const source = new HttpSource({ baseUrl: server.url, token: TOKEN, timeoutMs: 2_000 });
    answer = () => ({ status: 401, body: JSON.stringify({ error: { code: 'unauthorized', message: saying(at) } }) });

    const error = await failure(source.count({ from: null, to: '2026-12-01T00:00:00.000000Z' }));

    expect(error.message).toContain('(server said: unauthorized: aaaa');
    expect(leakedParts(error.message, TOKEN)).toEqual([]);
  });
});

describe('the Shopify connector', () => {
  const scopes = { data: { currentAppInstallation: { accessScopes: [{ handle: 'read_orders' }, { handle: 'read_all_orders' }] } } };

  function shopify(): ShopifyOrdersSource {
    const source = new ShopifyOrdersSource({ shopDomain: server.url, apiVersion: '2025-10', token: TOKEN, timeoutMs: 2_000 });
    closers.push(() => source.close());
    return source;
  }

  it.each(PLACES)('a GraphQL error message with the token at character %i quotes no part of it', async (at) => {
    answer = (operation) =>
      operation === 'AccessScopes'
        ? { status: 200, body: JSON.stringify(scopes) }
        : { status: 200, body: JSON.stringify({ errors: [{ message: saying(at), extensions: { code: 'BAD_REQUEST' } }] }) };

    const error = await failure(shopify().count({ from: null, to: '2026-12-01T00:00:00.000000Z' }));

    expect(error.message).toContain('Shopify answered GraphQL errors (aaaa');
    expect(leakedParts(error.message, TOKEN)).toEqual([]);
  });

  it.each(PLACES)("a bulk export's user error with the token at character %i quotes no part of it", async (at) => {
    answer = (operation) => {
      if (operation === 'AccessScopes') return { status: 200, body: JSON.stringify(scopes) };
      if (operation === 'CurrentBulkOperation') return { status: 200, body: JSON.stringify({ data: { currentBulkOperation: null } }) };
      const refused = { bulkOperation: null, userErrors: [{ field: ['query'], code: 'INVALID', message: saying(at) }] };
      return { status: 200, body: JSON.stringify({ data: { bulkOperationRunQuery: refused } }) };
    };
    const bulk = new ShopifyBulkExport({ source: shopify(), apiVersion: '2025-10' });

    const error = await failure(bulk.start({ window: { from: null, to: '2026-12-01T00:00:00.000000Z' } }));

    expect(error.message).toContain('Shopify refused the bulk export (INVALID: aaaa');
    expect(leakedParts(error.message, TOKEN)).toEqual([]);
  });
});
