// The HTTP source's existence check (`GET /orders?ids=`) against a real HTTP server on a free port (issue 24, item 5):
// sized by URL length as well as count, ids percent-encoded, and an answer that is not complete (a next_cursor, an
// id not asked) refused as a breach of the contract.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EXISTING_URL_MAX_CHARS, HttpSource } from '../../functions/adapters/source/http-source';
import { SourceContractError } from '../../functions/core/errors';

type Answer = (asked: string[]) => { orders: Array<{ id: string }>; next_cursor: string | null };

let server: Server;
let baseUrl: string;
let answer: Answer;
const requested: string[] = [];
const sources: HttpSource[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    requested.push(request.url ?? '');
    const asked = new URL(request.url ?? '/', 'http://localhost').searchParams.get('ids')?.split(',') ?? [];
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(answer(asked)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
});
afterAll(async () => {
  await Promise.all(sources.map((source) => source.close()));
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  requested.length = 0;
  answer = (asked) => ({ orders: asked.map((id) => ({ id })), next_cursor: null });
});

function source(): HttpSource {
  const created = new HttpSource({ baseUrl, token: 'test-token', backoff: { baseMs: 1, capMs: 5 }, timeoutMs: 2_000 });
  sources.push(created);
  return created;
}

const uuidLike = (n: number) => `gid-${String(n).padStart(4, '0')}-7f3a9c1e-4b2d-4e8f-9a6b-1c2d3e4f5a6b`;

describe('the existence check of the HTTP source', () => {
  it('splits 250 long ids into requests whose URLs stay within the bound, and asks about each id once', async () => {
    const ids = Array.from({ length: 250 }, (_, n) => uuidLike(n));

    const found = await source().existing(ids);

    expect(requested.length).toBeGreaterThan(1);
    for (const url of requested) expect(`${baseUrl.replace(/\/api\/$/, '')}${url}`.length).toBeLessThanOrEqual(EXISTING_URL_MAX_CHARS);
    expect([...found.ids].sort()).toEqual([...ids].sort());
    expect(found.stats.requests).toBe(requested.length);
  });

  it('percent-encodes the ids: one with reserved characters reaches the server whole', async () => {
    const odd = 'ord/ä 1?&x=#2';

    const found = await source().existing([odd, 'ord_2']);

    expect(requested[0]).toContain(`ids=${encodeURIComponent(odd)},ord_2`);
    expect(found.ids).toEqual(new Set([odd, 'ord_2']));
  });

  it('refuses an answer with a next_cursor: it is not complete', async () => {
    answer = (asked) => ({ orders: asked.slice(0, 1).map((id) => ({ id })), next_cursor: 'more' });

    const check = source().existing(['ord_1', 'ord_2']);

    await expect(check).rejects.toThrow(SourceContractError);
    await expect(check).rejects.toThrow(/answered an ids check of 2 ids with a next_cursor/);
  });

  it('refuses an answer that names an id it was not asked about', async () => {
    answer = () => ({ orders: [{ id: 'ord_1' }, { id: 'ord_9' }], next_cursor: null });

    await expect(source().existing(['ord_1', 'ord_2'])).rejects.toThrow(/with order "ord_9", which it was not asked about/);
  });
});
