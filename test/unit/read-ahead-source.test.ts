// The read-ahead over a source (functions/adapters/source/read-ahead-source.ts), on the in-memory shop that pages
// like the reference API: the next page is asked for as soon as a page comes back, the next call gets it from
// memory, and anything but exactly that call (another page, a failure, a page held too long) fetches as before.
import type { Order } from '../../functions/core/order';
import { ReadAheadSource, READ_AHEAD_MAX_AGE_MS } from '../../functions/adapters/source/read-ahead-source';
import type { PageRequest, SourcePage } from '../../functions/core/ports';
import type { Window } from '../../functions/core/run-types';
import { InMemoryShop, type LogLine } from '../support/use-case-harness';

const WINDOW: Window = { from: null, to: '2026-01-01T12:00:00.000000Z' };

/** The shop, recording the cursor of each request it gets; `failing` lists the requests (1 = the first) that fail. */
class RecordingShop extends InMemoryShop {
  readonly asked: Array<string | null> = [];
  failing: number[] = [];
  /** The requests (1 = the first) answered with an empty page that carries the cursor it was asked with. */
  emptying: number[] = [];
  waitSeconds = 0;

  override async fetchPage(request: PageRequest): Promise<SourcePage<Order>> {
    this.asked.push(request.cursor);
    if (this.failing.includes(this.asked.length)) throw new Error('the source is down for a moment');
    if (this.emptying.includes(this.asked.length)) {
      return { records: [], rejected: [], nextCursor: request.cursor, stats: { requests: 1, throttled: 0, retried: 0 } };
    }
    const page = await super.fetchPage(request);
    return this.waitSeconds > 0 ? { ...page, waitSeconds: this.waitSeconds } : page;
  }
}

function readAheadWorld(orders = 10) {
  const shop = new RecordingShop(orders);
  const lines: LogLine[] = [];
  let nowMs = 0;
  const source = new ReadAheadSource(shop, {
    clock: () => nowMs,
    log: { info: (message, fields) => lines.push({ level: 'info', message, fields }) },
  });
  const page = (cursor: string | null, window = WINDOW) => source.fetchPage({ window, cursor, limit: 4 });
  return { shop, source, lines, page, advance: (ms: number) => (nowMs += ms) };
}

/** Lets the read-ahead's fetch (started after the page came back) reach the shop. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('ReadAheadSource', () => {
  it('asks for the next page as soon as a page comes back, and the next call takes it from memory: one request a page', async () => {
    const { shop, page } = readAheadWorld(10);
    const plain = new InMemoryShop(10);

    const first = await page(null);
    await settle();
    expect(shop.asked).toEqual([null, first.nextCursor]);
    const second = await page(first.nextCursor);
    const third = await page(second.nextCursor);
    await settle();

    // 10 orders by 4: three pages, the last without a cursor and with nothing read after it.
    expect(shop.asked).toEqual([null, first.nextCursor, second.nextCursor]);
    expect(third.nextCursor).toBeNull();
    const plainFirst = await plain.fetchPage({ window: WINDOW, cursor: null, limit: 4 });
    const plainSecond = await plain.fetchPage({ window: WINDOW, cursor: plainFirst.nextCursor, limit: 4 });
    expect([first, second].map((p) => p.records.map((o) => o.id))).toEqual(
      [plainFirst, plainSecond].map((p) => p.records.map((o) => o.id)),
    );
  });

  it('serves the page as the source answered it when it was read ahead (keyset paging: a snapshot like any other)', async () => {
    const { shop, page } = readAheadWorld(10);

    const first = await page(null);
    await settle();
    shop.change('ord_0000005', '2026-01-01T11:30:00Z'); // moves from page 2 to the end of the window
    const second = await page(first.nextCursor);

    expect(second.records.map((o) => o.id)).toContain('ord_0000005');
  });

  it('keeps what it read ahead through a retry of the page before it: the retry fetches its own page, nothing more', async () => {
    const { shop, page, lines } = readAheadWorld(10);

    const first = await page(null);
    const again = await page(null); // a retry of the first page (its first attempt died before saving)
    const second = await page(again.nextCursor);
    await settle();

    expect(again.records.map((o) => o.id)).toEqual(first.records.map((o) => o.id));
    expect(second.records).toHaveLength(4);
    expect(shop.asked).toEqual([null, first.nextCursor, null, second.nextCursor]);
    expect(lines).toEqual([]);
  });

  it('drops what it read ahead when asked for another page, and says so', async () => {
    const { shop, page, lines } = readAheadWorld(12);

    const first = await page(null);
    const second = await page(first.nextCursor);
    await page(first.nextCursor); // a retry of the second page: the third, held, is kept
    await page(null); // another walk from the start: the third page is dropped
    await settle();

    expect(shop.asked).toEqual([null, first.nextCursor, second.nextCursor, first.nextCursor, null, first.nextCursor]);
    expect(lines.map((line) => line.message)).toEqual(['read-ahead page dropped']);
    expect(lines[0]!.fields).toMatchObject({ reason: 'another page asked' });
  });

  it('asks again after an empty page that carries its own cursor, instead of serving that page again', async () => {
    const { shop, page } = readAheadWorld(10);

    shop.emptying = [2]; // the read-ahead of the second page comes back empty, with the cursor it was asked with
    const first = await page(null);
    const empty = await page(first.nextCursor);
    const second = await page(empty.nextCursor);

    expect(empty.records).toEqual([]);
    expect(empty.nextCursor).toBe(first.nextCursor);
    expect(second.records).toHaveLength(4);
    expect(shop.asked.slice(0, 3)).toEqual([null, first.nextCursor, first.nextCursor]);
  });

  it('fetches afresh for another window at the same cursor', async () => {
    const { shop, page } = readAheadWorld(10);

    const first = await page(null);
    await page(first.nextCursor, { ...WINDOW, to: '2026-01-01T11:59:00.000000Z' });

    expect(shop.asked.slice(0, 3)).toEqual([null, first.nextCursor, first.nextCursor]);
  });

  it('fetches afresh for another caller (a resume: another chain of executions) at the same cursor', async () => {
    const { shop, source } = readAheadWorld(10);

    const first = await source.fetchPage({ window: WINDOW, cursor: null, limit: 4, caller: 'run-a' });
    const second = await source.fetchPage({ window: WINDOW, cursor: first.nextCursor, limit: 4, caller: 'run-b' });
    const third = await source.fetchPage({ window: WINDOW, cursor: second.nextCursor, limit: 4, caller: 'run-b' });

    expect(shop.asked).toEqual([null, first.nextCursor, first.nextCursor, second.nextCursor]);
    expect(third.nextCursor).toBeNull();
  });

  it('does not fail on a read-ahead that failed: the next call fetches the page itself', async () => {
    const { shop, page, lines } = readAheadWorld(10);

    shop.failing = [2]; // the read-ahead of the second page
    const first = await page(null);
    const second = await page(first.nextCursor);

    expect(second.records).toHaveLength(4);
    expect(shop.asked.slice(0, 3)).toEqual([null, first.nextCursor, first.nextCursor]);
    expect(lines.map((line) => line.message)).toEqual(['read-ahead page failed; fetching it again']);
    expect(lines[0]!.fields).toEqual({ error: 'Error: the source is down for a moment' });
  });

  it('fails as without read-ahead when the page asked for fails', async () => {
    const { shop, page } = readAheadWorld(10);

    shop.failing = [1];

    await expect(page(null)).rejects.toThrow('the source is down for a moment');
  });

  it(`drops a page held longer than ${READ_AHEAD_MAX_AGE_MS / 1000} s and fetches it again`, async () => {
    const { shop, page, lines, advance } = readAheadWorld(10);

    const first = await page(null);
    advance(READ_AHEAD_MAX_AGE_MS + 1);
    await page(first.nextCursor);

    expect(shop.asked.slice(0, 3)).toEqual([null, first.nextCursor, first.nextCursor]);
    expect(lines[0]).toMatchObject({ message: 'read-ahead page dropped', fields: { reason: 'too old' } });
  });

  it('reads nothing ahead of a page that asks to wait', async () => {
    const { shop, page } = readAheadWorld(10);

    shop.waitSeconds = 5;
    await page(null);
    await settle();

    expect(shop.asked).toEqual([null]);
  });

  it('counts through the source it wraps', async () => {
    const { page, source } = readAheadWorld(10);

    await page(null);

    await expect(source.count(WINDOW)).resolves.toBe(10);
  });

  it('passes the deletion feed and the existence check straight to the source, and has neither when the source has none', async () => {
    const stats = { requests: 1, throttled: 0, retried: 0 };
    const deletions = { deletions: [{ id: 'ord_1', deletedAt: '2026-01-01T11:00:00.000000Z' }], nextCursor: null, stats };
    const withFeed = new (class extends InMemoryShop {
      async fetchDeleted() {
        return deletions;
      }
      async existing(ids: readonly string[]) {
        return { ids: new Set(ids.filter((id) => id !== 'ord_1')), stats };
      }
    })(3);
    const options = { clock: () => 0, log: { info: () => undefined } };
    const source = new ReadAheadSource(withFeed, options);

    await expect(source.fetchDeleted!({ window: WINDOW, cursor: null, limit: 4 })).resolves.toBe(deletions);
    await expect(source.existing!(['ord_1', 'ord_2'])).resolves.toEqual({ ids: new Set(['ord_2']), stats });
    const withoutFeed = new ReadAheadSource(new InMemoryShop(3), options);
    expect(withoutFeed.fetchDeleted).toBeUndefined();
    expect(withoutFeed.existing).toBeUndefined();
  });
});
