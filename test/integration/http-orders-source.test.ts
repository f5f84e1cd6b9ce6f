// The HTTP orders source against the fake orders API over loopback: the window on the wire, validated
// pages, every fault knob survived, and every error class raised with a message that says what to fix.
import { waitUntil } from '../support/reliability';
import type { Order } from '../../functions/core/order';
import { request } from 'undici';
import { HttpSource, type HttpSourceOptions } from '../../functions/adapters/source/http-source';
import {
  InvalidPageError,
  SourceAuthError,
  SourceRequestError,
  SourceThrottledError,
  SourceUnavailableError,
} from '../../functions/core/errors';
import type { Window } from '../../functions/core/run-types';
import { startFakeOrdersApi, type FakeOrdersApi, type FaultSettings } from '../../local/fakes/orders-api';
import { walkWindow } from '../support/fake-api-walk';

const sources: HttpSource[] = [];
let api: FakeOrdersApi;
let everything: Window;

/** A source on the fake with quick retries; `waits` records every pause it asks for. */
function sourceFor(options: Partial<HttpSourceOptions<Order>> = {}): HttpSource {
  const source = new HttpSource({
    baseUrl: api.url,
    token: api.token,
    backoff: { baseMs: 1, capMs: 5 },
    timeoutMs: 2_000,
    ...options,
  });
  sources.push(source);
  return source;
}

function recordingSleep(): { waits: number[]; sleep: (ms: number) => Promise<void> } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms) };
}

beforeAll(async () => {
  api = await startFakeOrdersApi({ orders: 600, seed: 21 });
  everything = { from: null, to: api.now() };
});
afterEach(() => api.resetFaults());
afterAll(async () => {
  await Promise.all(sources.map((source) => source.close()));
  await api.stop();
});

describe('the HTTP orders source, on a healthy API', () => {
  it('walks a window to its end and returns every order validated, once, in order', async () => {
    const walk = await walkWindow(sourceFor(), everything, 100);

    expect(walk.orders.map((order) => ({ id: order.id, updated_at: order.updatedAt }))).toEqual(api.truth(everything));
    expect(walk.pages).toBe(6);
    expect(walk.stats).toMatchObject({ requests: 6, throttled: 0, retried: 0 });
    const sample = walk.orders[0]!;
    expect(sample.raw).toEqual(api.order(sample.id));
    expect(sample.updatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  it('sends the window as updated_at_min (inclusive, left out when from is null) and updated_at_max (exclusive)', async () => {
    const truth = api.truth();
    const window = { from: truth[100]!.updated_at, to: truth[300]!.updated_at };
    const source = sourceFor();

    await source.fetchPage({ window: everything, cursor: null, limit: 10 });
    const fullQuery = api.requests().at(-1)!.query;
    const page = await source.fetchPage({ window, cursor: null, limit: 250 });
    const windowQuery = api.requests().at(-1)!.query;

    expect(fullQuery).toEqual({ updated_at_max: everything.to, limit: '10' });
    expect(windowQuery).toEqual({ updated_at_min: window.from, updated_at_max: window.to, limit: '250' });
    expect(page.records.map((order) => order.id)).toEqual(api.truth(window).map((order) => order.id));
    expect(page.records[0]!.updatedAt).toBe(window.from);
  });

  it('counts the orders of a window', async () => {
    const truth = api.truth();
    const window = { from: truth[42]!.updated_at, to: everything.to };

    await expect(sourceFor().count(window)).resolves.toBe(api.truth(window).length);
  });

  it('reads the source clock skew from the Date header', async () => {
    const ahead = await startFakeOrdersApi({ orders: 20, seed: 2, clockOffsetMs: 90_000 });
    const source = new HttpSource({ baseUrl: ahead.url, token: ahead.token });
    try {
      const page = await source.fetchPage({ window: { from: null, to: ahead.now() }, cursor: null, limit: 5 });

      expect(page.stats.clockSkewMs).toBeGreaterThanOrEqual(88_500);
      expect(page.stats.clockSkewMs).toBeLessThanOrEqual(91_500);
    } finally {
      await source.close();
      await ahead.stop();
    }
  });
});

describe('the HTTP orders source, through every fault knob', () => {
  it('retries 5xx answers (errorRate) and still returns every order', async () => {
    api.setFaults({ errorRate: 0.3 });
    const logged: string[] = [];
    const logger = { warn: (message: string, fields?: object) => void logged.push(`${message} ${JSON.stringify(fields)}`), info: () => {} };

    const walk = await walkWindow(sourceFor({ maxAttempts: 10, logger }), everything, 50);

    expect(walk.orders.map((order) => order.id)).toEqual(api.truth(everything).map((order) => order.id));
    expect(walk.stats.retried).toBeGreaterThan(0);
    expect(walk.stats.requests).toBe(walk.pages + walk.stats.retried);
    expect(logged).toHaveLength(walk.stats.retried);
    expect(logged.join('\n')).toMatch(/orders API call failed: retrying .*HTTP 50\d/);
    expect(logged.join('\n')).not.toContain(api.token);
  });

  it('retries dropped connections (dropRate) and still returns every order', async () => {
    api.setFaults({ dropRate: 0.3 });

    const walk = await walkWindow(sourceFor({ maxAttempts: 10 }), everything, 50);

    expect(walk.orders.map((order) => order.id)).toEqual(api.truth(everything).map((order) => order.id));
    expect(walk.stats.retried).toBeGreaterThan(0);
    expect(api.stats().byRoute['/orders']!.dropped).toBeGreaterThan(0);
  });

  it('does not end the walk on short or empty pages that carry a cursor (shortPageRate, emptyPageRate)', async () => {
    api.setFaults({ shortPageRate: 0.4, emptyPageRate: 0.3 });

    const walk = await walkWindow(sourceFor(), everything, 50);

    expect(walk.orders.map((order) => order.id)).toEqual(api.truth(everything).map((order) => order.id));
    expect(walk.shortPages).toBeGreaterThan(2);
  });

  it('goes on after an empty first page with a cursor', async () => {
    api.script('empty');
    const source = sourceFor();

    const first = await source.fetchPage({ window: everything, cursor: null, limit: 50 });
    const second = await source.fetchPage({ window: everything, cursor: first.nextCursor, limit: 50 });

    expect(first.records).toEqual([]);
    expect(first.nextCursor).not.toBeNull();
    expect(second.records.map((order) => order.id)).toEqual(
      api
        .truth(everything)
        .slice(0, 50)
        .map((order) => order.id),
    );
  });

  it('waits out latency below its timeout, and gives up with SourceUnavailableError when answers come too late', async () => {
    api.setFaults({ latencyMs: 150 });
    const answeredBefore = api.stats().requests;

    const patient = await sourceFor({ timeoutMs: 2_000 }).fetchPage({ window: everything, cursor: null, limit: 5 });
    const hasty = sourceFor({ timeoutMs: 30, maxAttempts: 2 }).fetchPage({ window: everything, cursor: null, limit: 5 });

    expect(patient.records).toHaveLength(5);
    await expect(hasty).rejects.toThrow(SourceUnavailableError);
    await expect(hasty).rejects.toThrow(/the orders API failed 2 times in a row \(last: no answer within 30 ms\): GET /);
    // The fake still answers the requests the hasty source gave up on: once they are in, none of them can take the
    // next test's scripted outcome (a loaded host may deliver them late).
    await waitUntil('the fake answered the abandoned requests', () => api.stats().requests >= answeredBefore + 3, 10_000);
  });

  it('retries a request that never gets an answer (timeout) and succeeds on the next try', async () => {
    api.script('hang');

    const page = await sourceFor({ timeoutMs: 1_000 }).fetchPage({ window: everything, cursor: null, limit: 5 });

    expect(page.records).toHaveLength(5);
    expect(page.stats).toMatchObject({ requests: 2, retried: 1 });
  });

  describe('with a rate limit (rateLimitPerSecond), on a clock that moves only when the source sleeps', () => {
    let limited: FakeOrdersApi;
    let now: number;
    let waits: number[];
    const limitedSource = (): HttpSource => {
      const source = new HttpSource({
        baseUrl: limited.url,
        token: limited.token,
        clock: () => now,
        sleep: async (ms) => {
          waits.push(ms);
          now += ms;
        },
      });
      sources.push(source);
      return source;
    };
    const start = async (faults: Partial<FaultSettings>): Promise<void> => {
      limited = await startFakeOrdersApi({ orders: 600, seed: 21, clock: () => now, wait: async (ms) => void (now += ms), faults });
    };
    /** Another client on the same token. */
    const otherClientRequests = async (count: number): Promise<void> => {
      for (let i = 0; i < count; i++) {
        await (await request(`${limited.url}/orders/count`, { headers: { authorization: `Bearer ${limited.token}` } })).body.text();
      }
    };

    beforeEach(() => {
      now = Date.UTC(2026, 10, 20, 9, 0, 0, 250);
      waits = [];
    });
    afterEach(async () => {
      await limited.stop();
    });

    describe.each(['fixed', 'sliding'] as const)('counted in a %s window', (rateWindow) => {
      it('uses the budget whole, latency included, and is never throttled (2/s, 300 ms per answer)', async () => {
        await start({ rateLimitPerSecond: 2, rateWindow, latencyMs: 300 });
        const startedAt = now;

        const walk = await walkWindow(limitedSource(), { from: null, to: limited.now() }, 15);

        expect(walk.orders).toHaveLength(600);
        expect(limited.stats().byRoute['/orders']).toEqual({ '200': 40 });
        expect(walk.stats.throttled).toBe(0);
        // 40 requests at 2/s: the last goes out after 19.5 s. Waiting a second after each used-up answer took 1.3x.
        expect(now - startedAt).toBeLessThanOrEqual(1.05 * (40 / 2) * 1000);
      });

      it('leaves room for the requests another client made on the same budget, and is not throttled', async () => {
        await start({ rateLimitPerSecond: 4, rateWindow });
        await otherClientRequests(2);

        const walk = await walkWindow(limitedSource(), { from: null, to: limited.now() }, 100);

        // The first answer said 1 left after ours: the other two are booked, so the third request waits.
        expect(limited.stats().byRoute['/orders']).toEqual({ '200': 6 });
        expect(walk.orders).toHaveLength(600);
        expect(waits).toEqual([1010]);
      });
    });

    it('waits Retry-After on a 429 and then gets the page', async () => {
      await start({ rateLimitPerSecond: 4, retryAfterSeconds: 1 });
      await otherClientRequests(4); // use up this second's requests

      const page = await limitedSource().fetchPage({ window: { from: null, to: limited.now() }, cursor: null, limit: 5 });

      expect(page.records).toHaveLength(5);
      expect(page.stats).toMatchObject({ requests: 2, throttled: 1, retried: 0 });
      expect(waits[0]).toBe(1000);
      expect(limited.stats().byRoute['/orders']).toEqual({ '200': 1, '429': 1 });
    });
  });
});

describe('the HTTP orders source, failing with named errors', () => {
  it('backs off exponentially with jitter between 5xx retries, then raises SourceUnavailableError', async () => {
    api.script(503, 502, 500);
    const { waits, sleep } = recordingSleep();
    const source = sourceFor({ maxAttempts: 3, backoff: { baseMs: 100, capMs: 150 }, random: () => 0.5, sleep });

    const failure = source.fetchPage({ window: everything, cursor: null, limit: 5 }).catch((error: unknown) => error);

    const error = (await failure) as SourceUnavailableError;
    expect(error).toBeInstanceOf(SourceUnavailableError);
    expect(error.name).toBe('SourceUnavailableError');
    expect(error.retryable).toBe(true);
    expect(error.detail).toMatchObject({ status: 500, attempts: 3 });
    expect(error.message).toMatch(
      /failed 3 times in a row \(last: HTTP 500: unavailable: the orders service answered 500 \(injected fault\)\): GET /,
    );
    expect(waits).toEqual([50, 75]);
  });

  it('waits each Retry-After and raises SourceThrottledError once its throttle budget is used up', async () => {
    api.setFaults({ retryAfterSeconds: 1 });
    api.script(429, 429, 429);
    const { waits, sleep } = recordingSleep();
    const source = sourceFor({ maxThrottleWaitMs: 2_500, sleep });

    const error = (await source.fetchPage({ window: everything, cursor: null, limit: 5 }).catch((e: unknown) => e)) as SourceThrottledError;

    expect(error).toBeInstanceOf(SourceThrottledError);
    expect(error.name).toBe('SourceThrottledError');
    expect(error.retryable).toBe(true);
    expect(error.detail.retryAfterSeconds).toBe(1);
    expect(waits).toEqual([1000, 1000]);
  });

  it('raises SourceAuthError on a refused token, saying what to check and never printing the token', async () => {
    const secret = 'sk_live_do-not-print-me-0123456789';
    const source = sourceFor({ token: async () => secret, maxAttempts: 5 });

    const error = (await source.fetchPage({ window: everything, cursor: null, limit: 5 }).catch((e: unknown) => e)) as Error;

    expect(error).toBeInstanceOf(SourceAuthError);
    expect(error.message).toMatch(/the orders API refused the token \(401\): check ORDERS_API_TOKEN \/ the secret/);
    expect(error.message).not.toContain(secret);
    expect(JSON.stringify(error)).not.toContain(secret);
    expect(String(error.stack)).not.toContain(secret);
    expect(api.requests().at(-1)!.authorized).toBe(false);
    expect(api.requests().filter((r) => !r.authorized)).toHaveLength(1);
  });

  it('raises SourceRequestError with the server message on a 400 (a cursor from another window), without retrying', async () => {
    const source = sourceFor();
    const first = await source.fetchPage({ window: everything, cursor: null, limit: 5 });
    const otherWindow = { from: everything.to, to: api.now() };

    const error = (await source.fetchPage({ window: otherWindow, cursor: first.nextCursor, limit: 5 }).catch((e: unknown) => e)) as Error;

    expect(error).toBeInstanceOf(SourceRequestError);
    expect(error.message).toMatch(/rejected the request \(400 invalid_parameter: cursor was issued for other filters/);
    expect(error.message).toContain(`${api.url}/orders?updated_at_min=`);
  });

  it('refuses a page size outside 1..250 before asking', async () => {
    await expect(sourceFor().fetchPage({ window: everything, cursor: null, limit: 251 })).rejects.toThrow(SourceRequestError);
  });

  it.each([
    ['not-json', /answered 200 with a body that is not JSON \(text\/html/],
    ['wrong-shape', /answered a page without an "orders" array/],
    ['cursor-type', /next_cursor is a number, not a string or null/],
  ] as const)('raises InvalidPageError on a %s page, naming the URL without the token', async (fault, message) => {
    api.script(fault);

    const error = (await sourceFor()
      .fetchPage({ window: everything, cursor: null, limit: 5 })
      .catch((e: unknown) => e)) as Error;

    expect(error).toBeInstanceOf(InvalidPageError);
    expect(error.message).toMatch(message);
    expect(error.message).toContain(`GET ${api.url}/orders?updated_at_max=`);
    expect(error.message).not.toContain(api.token);
  });

  it("returns a bad order as the page's rejected one, with its payload, field and error, and the rest of the page valid", async () => {
    const victim = api.truth(everything)[7]!.id;
    api.corruptOrder(victim, { total_price: 12.5 });
    try {
      const page = await sourceFor().fetchPage({ window: everything, cursor: null, limit: 50 });

      expect(page.records).toHaveLength(49);
      expect(page.records.map((order) => order.id)).not.toContain(victim);
      expect(page.rejected).toEqual([
        {
          id: victim,
          raw: expect.objectContaining({ id: victim, total_price: 12.5 }),
          field: 'total_price',
          message: `order ${victim}: field "total_price" must be a decimal string, got number 12.5`,
          position: 7,
          // The rejected version's, so that only a valid version at least as new releases it.
          updatedAt: api.truth(everything).find((order) => order.id === victim)!.updated_at,
        },
      ]);
    } finally {
      api.corruptOrder(victim, null);
    }
  });
});
