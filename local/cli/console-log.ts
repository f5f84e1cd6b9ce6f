// Readable console lines for `npm start`: the handlers' Powertools JSON log lines become one short line per run
// event or page; anything else passes through untouched. `--json-logs` keeps the JSON as Lambda writes it.
import { isStreamName } from '../../functions/core/stream';

/** What a Powertools log line holds (its own keys, the run keys the handlers append, the call's fields). */
export type LogRecord = Record<string, unknown> & { level: string; message: string; timestamp?: string };

/** Keys every line has, or the run keys the handlers append: never repeated in the readable line's tail. */
const QUIET_KEYS = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'sampling_rate',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
  'xray_trace_id',
  'stream',
  'runId',
  'mode',
  'page',
  'part',
  'executionName',
]);

const number = (value: unknown): string => (typeof value === 'number' ? value.toLocaleString('en-US') : String(value ?? '?'));

/** HH:MM:SS in local time: the console is read by a person at this machine. */
export function clockTime(date: Date): string {
  return date.toTimeString().slice(0, 8);
}

function countsText(counts: Record<string, unknown>): string {
  return (
    `${number(counts.inserted)} new, ${number(counts.updated)} changed, ${number(counts.unchanged)} unchanged` +
    (counts.stale ? `, ${number(counts.stale)} stale` : '') +
    (counts.deleted ? `, ${number(counts.deleted)} deleted` : '')
  );
}

/** The fields not already said, as `key=value` (objects as compact JSON). */
function tail(record: LogRecord, said: readonly string[] = []): string {
  const parts = Object.entries(record)
    .filter(([key, value]) => !QUIET_KEYS.has(key) && !said.includes(key) && value !== undefined)
    .map(([key, value]) => {
      if (value instanceof Object && 'message' in value && 'name' in value) return `${key}=${String(value.name)}: ${String(value.message)}`;
      return `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`;
    });
  return parts.length ? `  ${parts.join(' ')}` : '';
}

/**
 * One readable line for a log record, or null for records not worth a line. Pure: the run's story in the words
 * of docs/design.md (run, page, window, watermark, lease).
 */
export function formatLogRecord(record: LogRecord): string | null {
  const time = clockTime(record.timestamp ? new Date(record.timestamp) : new Date());
  const run = String(record.runId ?? '');
  // Run ids start with their stream: the records a line counts are that stream's.
  const prefix = run.split('-')[0]!;
  const records = isStreamName(prefix) ? prefix : 'records';
  const line = (text: string) => `${time} ${text}`;
  const message = record.message;

  if (message === 'run started') {
    return line(
      `▶ ${record.resume ? 'resume' : `${record.mode} sync`} started by ${record.trigger}: run ${run}, execution ${record.executionName}`,
    );
  }
  if (message.startsWith('run begins: ')) {
    const window = record.window as { from: string | null; to: string } | undefined;
    const expected = typeof record.expectedTotal === 'number' ? `, ${number(record.expectedTotal)} ${records} in the window` : '';
    const span = window ? `; window ${window.from ?? '(everything)'} → ${window.to}` : '';
    return line(`  ${run} begins: ${message.slice('run begins: '.length)}${span}${expected}`);
  }
  if (message === 'page synced') {
    const retries = record.retried || record.throttled ? ` (retried ${number(record.retried)}, throttled ${number(record.throttled)})` : '';
    const last = record.last ? ', last page' : '';
    return line(
      `  ${run} page ${number(Number(record.page) + 1)}: ${number(record.fetched)} ${records}: ${countsText(record)}${retries}${last}`,
    );
  }
  if (message === 'page already synced by an earlier attempt') {
    return line(`  ${run} page ${number(Number(record.page) + 1)} was already saved by an earlier attempt: not written twice`);
  }
  if (message === 'run continues in a new execution') {
    return line(`  ${run} continues as a new execution (part ${record.part}) after ${number(record.page)} pages`);
  }
  if (message === 'run committed') {
    const counts = (record.counts ?? {}) as Record<string, unknown>;
    return line(
      `✔ ${record.mode} run ${run} committed: ${number(record.pages)} pages, ${number(counts.fetched)} ${records} (${countsText(counts)}) ` +
        `in ${number(record.durationSeconds)} s; watermark ${record.watermark}; ${number(record.orderCount)} ${records} stored`,
    );
  }
  if (message === 'run failed') {
    return line(`✖ run ${run} failed at page ${number(record.page)}: ${record.error}${record.reason ? `: ${record.reason}` : ''}`);
  }
  if (message.startsWith('schedule tick skipped')) {
    const running = (record.running ?? {}) as Record<string, unknown>;
    const stream = typeof record.stream === 'string' ? ` for ${record.stream}` : '';
    return line(
      `⏱ schedule tick skipped${stream}: a ${running.mode ?? ''} run holds the lease (${running.executionName ?? running.runId})`,
    );
  }
  if (message === 'skipped: another run holds the lease') {
    return line(`  execution ${record.executionName} skipped: ${record.holder} holds the lease`);
  }
  if (message === 'request refused') return null; // the HTTP line already says it, with its status
  const level = record.level === 'INFO' ? '' : `${record.level} `;
  return line(`${level}${message}${tail(record)}`);
}

/** A JSON log line from the handlers, or undefined for anything else (SDK warnings, plain text). */
export function parseLogLine(line: string): LogRecord | undefined {
  if (!line.startsWith('{"level":')) return undefined;
  try {
    const parsed = JSON.parse(line) as unknown;
    if (parsed && typeof parsed === 'object' && typeof (parsed as LogRecord).message === 'string') return parsed as LogRecord;
  } catch {
    // not ours: printed as it came
  }
  return undefined;
}

/** Rewrites what one write() carries, line by line. */
export function readableText(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const record = parseLogLine(line);
      if (!record) return line;
      return formatLogRecord(record);
    })
    .filter((line): line is string => line !== null)
    .join('\n');
}

type Write = typeof process.stdout.write;

/**
 * Route the handlers' JSON log lines through `readableText` on stdout and stderr (the Powertools logger writes
 * through a Console bound to these streams, so the streams are the seam). Returns the function that undoes it.
 */
export function installReadableLogs(): () => void {
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write);
  streams.forEach((stream, index) => {
    const original = originals[index]!;
    stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
      const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : chunk;
      const rewritten = typeof text === 'string' ? readableText(text) : text;
      return (original as (...args: unknown[]) => boolean).call(this, rewritten, ...rest);
    } as Write;
  });
  return () =>
    streams.forEach((stream, index) => {
      stream.write = originals[index]!;
    });
}
