// The readable console of `npm start`: each handler log line (Powertools JSON) becomes one short line in the words
// of docs/design.md; lines that are not ours pass through untouched, and the stream hook can be undone.
import { clockTime, formatLogRecord, installReadableLogs, parseLogLine, readableText, type LogRecord } from '../../local/cli/console-log';

/** 09:05:07 local time: the console shows the reader's clock, so the record's instant is built in local time. */
const AT = new Date(2026, 0, 15, 9, 5, 7);
const TIME = '09:05:07';

/** A record as the Powertools logger writes it: its own keys, the run keys, then the call's fields. */
function record(message: string, fields: Record<string, unknown> = {}, level = 'INFO'): LogRecord {
  return {
    level,
    message,
    timestamp: AT.toISOString(),
    service: 'order-sync',
    sampling_rate: 0,
    cold_start: true,
    function_name: 'order-sync-sync-page',
    function_request_id: 'req-1',
    xray_trace_id: 'Root=1-abc',
    ...fields,
  };
}

/** What the logger writes for `record`: one JSON line starting with its level, as parseLogLine expects. */
const jsonLine = (logRecord: LogRecord) => JSON.stringify(logRecord);

describe('clockTime', () => {
  it('is HH:MM:SS in local time, zero-padded', () => {
    expect(clockTime(AT)).toBe(TIME);
    expect(clockTime(new Date(2026, 0, 15, 23, 59, 0))).toBe('23:59:00');
  });
});

describe('formatLogRecord: a run told in one line per event', () => {
  const run = { runId: 'orders-full-http-k1', mode: 'full', executionName: 'orders-full-http-k1-p1' };

  it('a run started: its mode, trigger, run and execution; a resume says so', () => {
    expect(formatLogRecord(record('run started', { ...run, trigger: 'http', resume: false }))).toBe(
      `${TIME} ▶ full sync started by http: run orders-full-http-k1, execution orders-full-http-k1-p1`,
    );
    expect(formatLogRecord(record('run started', { ...run, trigger: 'cli', resume: true }))).toBe(
      `${TIME} ▶ resume started by cli: run orders-full-http-k1, execution orders-full-http-k1-p1`,
    );
  });

  it('a run begins: the plan, the window (an open start as everything) and the orders expected', () => {
    const window = { from: null, to: '2026-01-15T09:00:00.000000Z' };
    expect(formatLogRecord(record('run begins: full resync', { ...run, window, page: 0, expectedTotal: 312_500 }))).toBe(
      `${TIME}   orders-full-http-k1 begins: full resync; window (everything) → 2026-01-15T09:00:00.000000Z, 312,500 orders in the window`,
    );
    const incremental = { from: '2026-01-15T08:55:00.000000Z', to: '2026-01-15T09:00:00.000000Z' };
    expect(
      formatLogRecord(record('run begins: incremental from the watermark', { runId: 'inc-1', window: incremental, expectedTotal: null })),
    ).toBe(`${TIME}   inc-1 begins: incremental from the watermark; window 2026-01-15T08:55:00.000000Z → 2026-01-15T09:00:00.000000Z`);
  });

  it('a page synced: numbered from 1, its counts (stale only when there are), retries and the last page marked', () => {
    const page = { ...run, fetched: 250, inserted: 200, updated: 40, unchanged: 10, stale: 0, requests: 1, throttled: 0, retried: 0 };
    expect(formatLogRecord(record('page synced', { ...page, page: 0, last: false }))).toBe(
      `${TIME}   orders-full-http-k1 page 1: 250 orders: 200 new, 40 changed, 10 unchanged`,
    );
    expect(formatLogRecord(record('page synced', { ...page, page: 1249, stale: 3, retried: 2, throttled: 1, last: true }))).toBe(
      `${TIME}   orders-full-http-k1 page 1,250: 250 orders: 200 new, 40 changed, 10 unchanged, 3 stale (retried 2, throttled 1), last page`,
    );
    // A run's lines count its own stream's records.
    expect(formatLogRecord(record('page synced', { ...page, runId: 'products-full-http-k2', page: 0, last: false }))).toBe(
      `${TIME}   products-full-http-k2 page 1: 250 products: 200 new, 40 changed, 10 unchanged`,
    );
  });

  it('a page an earlier attempt saved, a continue-as-new, a commit', () => {
    expect(formatLogRecord(record('page already synced by an earlier attempt', { runId: 'r', page: 4 }))).toBe(
      `${TIME}   r page 5 was already saved by an earlier attempt: not written twice`,
    );
    expect(formatLogRecord(record('run continues in a new execution', { runId: 'r', part: 2, page: 1000 }))).toBe(
      `${TIME}   r continues as a new execution (part 2) after 1,000 pages`,
    );
    const counts = { fetched: 1_250, inserted: 1_000, updated: 200, unchanged: 50, stale: 0, quarantined: 0, deleted: 0 };
    expect(
      formatLogRecord(
        record('run committed', {
          ...run,
          pages: 5,
          counts,
          durationSeconds: 12.5,
          watermark: '2026-01-15T09:00:00.000000Z',
          orderCount: 314_200,
        }),
      ),
    ).toBe(
      `${TIME} ✔ full run orders-full-http-k1 committed: 5 pages, 1,250 orders (1,000 new, 200 changed, 50 unchanged) in 12.5 s; ` +
        'watermark 2026-01-15T09:00:00.000000Z; 314,200 orders stored',
    );
  });

  it('a run failed: the page, the error name and its reason', () => {
    expect(
      formatLogRecord(record('run failed', { runId: 'r', page: 7, error: 'SourceUnavailableError', reason: 'HTTP 503' }, 'ERROR')),
    ).toBe(`${TIME} ✖ run r failed at page 7: SourceUnavailableError: HTTP 503`);
    expect(formatLogRecord(record('run failed', { runId: 'r', page: 7, error: 'StatesTimeout' }, 'ERROR'))).toBe(
      `${TIME} ✖ run r failed at page 7: StatesTimeout`,
    );
  });

  it('skips: a schedule tick while a run holds the lease, an execution that found the lease taken', () => {
    expect(
      formatLogRecord(
        record('schedule tick skipped: a run is in progress', { running: { mode: 'full', runId: 'r', executionName: 'r-p2' } }),
      ),
    ).toBe(`${TIME} ⏱ schedule tick skipped: a full run holds the lease (r-p2)`);
    expect(
      formatLogRecord(
        record('schedule tick skipped for customers: a run is in progress', {
          stream: 'customers',
          running: { mode: 'full', runId: 'r', executionName: 'r-p2' },
        }),
      ),
    ).toBe(`${TIME} ⏱ schedule tick skipped for customers: a full run holds the lease (r-p2)`);
    expect(formatLogRecord(record('skipped: another run holds the lease', { executionName: 'inc-2-p1', holder: 'r-p2' }))).toBe(
      `${TIME}   execution inc-2-p1 skipped: r-p2 holds the lease`,
    );
  });

  it('drops a refused request: the HTTP line already reports it', () => {
    expect(formatLogRecord(record('request refused', { status: 409 }, 'WARN'))).toBeNull();
  });

  it('any other line: its level unless INFO, the message, then only the fields not already said', () => {
    const error = new TypeError('fetch failed');
    const line = formatLogRecord(
      record(
        'could not count the orders of the window',
        { ...run, page: 3, error, status: 'degraded', detail: { tries: 2 }, absent: undefined },
        'WARN',
      ),
    );
    expect(line).toBe(
      `${TIME} WARN could not count the orders of the window  error=TypeError: fetch failed status=degraded detail={"tries":2}`,
    );
    expect(formatLogRecord(record('local stack ready'))).toBe(`${TIME} local stack ready`);
  });
});

describe('parseLogLine', () => {
  it('reads a handler JSON line', () => {
    const logRecord = record('page synced', { page: 1 });
    expect(parseLogLine(jsonLine(logRecord))).toEqual(logRecord);
  });

  it('leaves anything else alone: plain text, other JSON, a broken line, a record without a text message', () => {
    expect(parseLogLine('(node:123) Warning: something')).toBeUndefined();
    expect(parseLogLine('{"message":"no level first"}')).toBeUndefined();
    expect(parseLogLine('{"level":"INFO","message":"cut sho')).toBeUndefined();
    expect(parseLogLine('{"level":"INFO","message":42}')).toBeUndefined();
  });
});

describe('readableText', () => {
  it('rewrites each JSON line, passes other lines, drops refused requests and keeps the trailing newline', () => {
    const text = [
      jsonLine(record('run continues in a new execution', { runId: 'r', part: 2, page: 10 })),
      'plain text stays',
      jsonLine(record('request refused', { status: 409 }, 'WARN')),
      jsonLine(record('run failed', { runId: 'r', page: 10, error: 'X' }, 'ERROR')),
      '',
    ].join('\n');

    expect(readableText(text)).toBe(
      [
        `${TIME}   r continues as a new execution (part 2) after 10 pages`,
        'plain text stays',
        `${TIME} ✖ run r failed at page 10: X`,
        '',
      ].join('\n'),
    );
  });
});

describe('installReadableLogs', () => {
  const streams = [process.stdout, process.stderr] as const;
  let originals: Array<typeof process.stdout.write>;
  let written: Array<Array<unknown>>;

  beforeEach(() => {
    originals = streams.map((stream) => stream.write);
    written = [[], []];
    // Stand-ins for the real writes, so what reaches the terminal can be read.
    streams.forEach((stream, index) => {
      stream.write = ((chunk: unknown) => written[index]!.push(chunk) > 0) as typeof stream.write;
    });
  });

  afterEach(() => {
    streams.forEach((stream, index) => {
      stream.write = originals[index]!;
    });
  });

  it('rewrites what stdout and stderr carry (strings and buffers) until undone', () => {
    const line = `${jsonLine(record('run continues in a new execution', { runId: 'r', part: 3, page: 20 }))}\n`;
    const readable = `${TIME}   r continues as a new execution (part 3) after 20 pages\n`;

    const undo = installReadableLogs();
    process.stdout.write(line);
    process.stderr.write(Buffer.from(line));
    process.stdout.write('not ours\n');
    undo();
    process.stdout.write(line);

    expect(written[0]).toEqual([readable, 'not ours\n', line]);
    expect(written[1]).toEqual([readable]);
  });
});
