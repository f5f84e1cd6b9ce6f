// The fake Shopify's bulk operations: bulkOperationRunQuery over the orders, products or customers of a window, RUNNING until the export
// rate has covered them, then a JSONL result (children after their parent with `__parentId` when grouped) served
// with HTTP Range at a signed, expiring URL; the concurrency limit of the API version; and FAILED, CANCELED and
// EXPIRED on demand for tests. Storage checks each URL as Google Cloud Storage checks a V4 signed one: no signature
// 403 AccessDenied, a wrong one 403 SignatureDoesNotMatch, past X-Goog-Date + X-Goog-Expires 400 ExpiredToken, so
// only a URL the fake issued opens a result, and only for as long as it said.
// Shapes from https://shopify.dev/docs/api/usage/bulk-operations/queries and objects/BulkOperation (read Dec 2026).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hasConcurrentBulkQueries } from '../../../functions/adapters/source/shopify/queries';
import type { Instant } from '../../../functions/core/order';

type Fields = Record<string, unknown>;

/**
 * Orders a bulk export covers per second (`--bulk-rate`). Shopify documents no export rate, so this is an assumption,
 * not a measurement: users report anything from about one object a second for a grouped export of a big catalogue
 * (https://github.com/Shopify/shopify-api-ruby/issues/876, 2021: 10k+ products in 2-3 hours) to minutes for whole
 * shops, and the 2026-01 changelog (https://shopify.dev/changelog/faster-bulk-operations) says faster without a
 * figure. 200 orders/s exports 20,000 orders in 100 s and 300,000 in 25 minutes; measure a real shop and set it.
 */
export const DEFAULT_BULK_RATE = 200;
/** The result URL expires 7 days after the operation completes (BulkOperation.url). */
export const RESULT_TTL_MS = 7 * 86_400_000;
/** The signature's query parameters (GCS V4); a URL without them is refused. */
const SIGNED_PARAMS = ['X-Goog-Date', 'X-Goog-Expires', 'X-Goog-Signature'] as const;

export type ExportStream = 'orders' | 'products' | 'customers';

/** One record of an export: its own line, and its children's (written after it with `__parentId` when grouped). */
export interface ExportedRecord {
  fields: Fields;
  children: Fields[];
}

export type BulkStatus = 'CREATED' | 'RUNNING' | 'CANCELING' | 'COMPLETED' | 'CANCELED' | 'FAILED' | 'EXPIRED';
export type BulkErrorCode = 'ACCESS_DENIED' | 'INTERNAL_SERVER_ERROR' | 'TIMEOUT';

interface Operation {
  number: number;
  query: string;
  groupObjects: boolean;
  /** The stream exported and its window; null for an operation that is none of ours (another query of the app). */
  export: { stream: ExportStream; window: { from: Instant | null; to: Instant } } | null;
  status: BulkStatus;
  errorCode: BulkErrorCode | null;
  createdAtMs: number;
  completedAtMs: number | null;
  /** Orders the export covers (counted when it starts), and when it finishes at the export rate. */
  rootTotal: number;
  finishesAtMs: number;
  result: Buffer | null;
  objectCount: number;
  urlExpiresAtMs: number | null;
  partial: Buffer | null;
}

export interface BulkOperationView {
  id: string;
  status: BulkStatus;
  query: string;
  url: string | null;
}

/** What tests and the CLI can do to the fake's bulk operations. */
export interface FakeBulkOperations {
  setRate(ordersPerSecond: number): void;
  /** Every operation, oldest first. */
  list(): BulkOperationView[];
  /** Ends a running (or completed) operation the way Shopify can: FAILED (optionally with partial data), CANCELED, EXPIRED. */
  end(id: string, outcome: 'FAILED' | 'CANCELED' | 'EXPIRED', options?: { errorCode?: BulkErrorCode; partial?: boolean }): void;
  /** Another bulk query of the same app (a manual export, another process), running until `end`ed or `durationMs`. */
  startOther(options?: { query?: string; durationMs?: number }): string;
  /** The JSONL result of a completed operation (for tests to find line boundaries). */
  result(id: string): Buffer | null;
  /** Every result URL the fake has answered (BulkOperation.url and partialDataUrl), oldest first: what must not leak. */
  urlsIssued(): readonly string[];
}

export interface BulkDeps {
  clock: () => number;
  /**
   * The records of a stream's window (filter bounds as Shopify's search would), oldest change first: each record's own
   * fields and its children (with their `__typename`), as the export writes them.
   */
  recordsIn(stream: ExportStream, window: { from: Instant | null; to: Instant }): ExportedRecord[];
  /** Parses an `updated_at` range filter (throws the fake's GraphqlError otherwise). */
  windowOf(filter: unknown): { from: Instant | null; to: Instant };
  /** The server's origin, for result URLs. */
  origin(): string;
  error(message: string, code?: string): Error;
  rate?: number;
  /**
   * How long a result URL works from the moment it is answered, at most until the result expires (default: until
   * then, 7 days after completion). Shorter makes a URL kept across steps lapse while the result is still there.
   */
  urlTtlMs?: number;
}

const RESULT_PATH = /^\/bulk-results\/(\d+)\.jsonl$/;
const GID = /^gid:\/\/shopify\/BulkOperation\/(\d+)$/;
const FILTER = /\b(orders|products|customers)\(query: ("(?:[^"\\]|\\.)*")/;
const IN_FLIGHT: readonly BulkStatus[] = ['CREATED', 'RUNNING', 'CANCELING'];

function whole(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/** A GCS-style V4 signed URL's date (`20261201T220000Z`). */
function googDate(ms: number): string {
  return whole(ms).replace(/[-:]/g, '');
}

export function createBulkOperations(deps: BulkDeps): FakeBulkOperations & {
  run(variables: Fields, apiVersion: string): Fields;
  node(id: unknown): Fields | null;
  current(): Fields | null;
  running(apiVersion: string): Fields;
  /** Serves GET /bulk-results/N.jsonl; false when the path is not a result URL. */
  serve(req: IncomingMessage, res: ServerResponse): boolean;
} {
  let rate = deps.rate ?? DEFAULT_BULK_RATE;
  const operations: Operation[] = [];
  // Storage's signing key: a URL signs for its path, date and lifetime, so changing any of them breaks it.
  const signingKey = randomBytes(32);
  const issued: string[] = [];

  function signature(path: string, date: string, expires: string): string {
    return createHmac('sha256', signingKey).update(`${path}\n${date}\n${expires}`).digest('hex');
  }

  /** Why storage refuses a URL, or null when its signature is ours and still valid. */
  function refusal(target: URL): { status: number; code: string; message: string } | null {
    const params = target.searchParams;
    if (SIGNED_PARAMS.some((name) => !params.has(name))) {
      return { status: 403, code: 'AccessDenied', message: 'Anonymous caller does not have storage.objects.get access to the object.' };
    }
    const [date, expires, given] = SIGNED_PARAMS.map((name) => params.get(name)!);
    const expected = Buffer.from(signature(target.pathname, date!, expires!));
    const got = Buffer.from(given!);
    if (got.length !== expected.length || !timingSafeEqual(got, expected)) {
      return {
        status: 403,
        code: 'SignatureDoesNotMatch',
        message: 'The request signature we calculated does not match the signature you provided.',
      };
    }
    const signedAt = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(date!);
    const seconds = Number(expires);
    if (signedAt === null || !Number.isSafeInteger(seconds))
      return { status: 400, code: 'AuthorizationQueryParametersError', message: 'Invalid argument.' };
    const [, y, mo, d, h, mi, sec] = signedAt.map(Number) as number[];
    if (deps.clock() >= Date.UTC(y!, mo! - 1, d!, h!, mi!, sec!) + seconds * 1000)
      return { status: 400, code: 'ExpiredToken', message: 'Invalid argument.' };
    return null;
  }

  function byId(id: unknown): Operation | undefined {
    const match = typeof id === 'string' ? GID.exec(id) : null;
    return match ? operations[Number(match[1]) - 1] : undefined;
  }

  function jsonl({ stream, window }: NonNullable<Operation['export']>, grouped: boolean): { bytes: Buffer; objects: number } {
    const parents: string[] = [];
    const children: string[] = [];
    const lines: string[] = [];
    for (const record of deps.recordsIn(stream, window)) {
      const own = record.children.map((child) => JSON.stringify({ ...child, __parentId: record.fields.id }));
      const parent = JSON.stringify(record.fields);
      if (grouped) lines.push(parent, ...own);
      else {
        parents.push(parent);
        children.push(...own);
      }
    }
    // Ungrouped, Shopify promises nothing about where a child is written: here, after every parent.
    const all = grouped ? lines : [...parents, ...children];
    return { bytes: Buffer.from(all.map((line) => `${line}\n`).join(''), 'utf8'), objects: all.length };
  }

  /** Moves an operation on to where the clock says it is. */
  function advance(op: Operation): void {
    const now = deps.clock();
    if ((op.status === 'CREATED' || op.status === 'RUNNING') && now >= op.finishesAtMs) {
      if (op.export === null) {
        op.status = 'COMPLETED';
        op.result = Buffer.alloc(0);
      } else {
        const { bytes, objects } = jsonl(op.export, op.groupObjects);
        op.status = 'COMPLETED';
        op.result = bytes;
        op.objectCount = objects;
      }
      op.completedAtMs = op.finishesAtMs;
      op.urlExpiresAtMs = op.completedAtMs + RESULT_TTL_MS;
    } else if (op.status === 'CREATED' || op.status === 'RUNNING') {
      op.status = 'RUNNING';
      op.objectCount = Math.min(op.rootTotal, Math.floor(((now - op.createdAtMs) / 1000) * rate));
    }
    if (op.status === 'COMPLETED' && op.urlExpiresAtMs !== null && now >= op.urlExpiresAtMs) op.status = 'EXPIRED';
  }

  /** A URL signed now, working until the result expires or for urlTtlMs, whichever comes first. */
  function url(op: Operation, data: Buffer | null): string | null {
    if (data === null || op.urlExpiresAtMs === null || op.status === 'EXPIRED') return null;
    const signedAtMs = Math.floor(deps.clock() / 1000) * 1000;
    const untilMs = Math.min(op.urlExpiresAtMs, deps.urlTtlMs === undefined ? Number.POSITIVE_INFINITY : signedAtMs + deps.urlTtlMs);
    const expires = String(Math.max(0, Math.floor((untilMs - signedAtMs) / 1000)));
    const path = `/bulk-results/${op.number}.jsonl`;
    const date = googDate(signedAtMs);
    const signed = `${deps.origin()}${path}?X-Goog-Algorithm=GOOG4-HMAC-SHA256&X-Goog-Date=${date}&X-Goog-Expires=${expires}&X-Goog-Signature=${signature(path, date, expires)}`;
    issued.push(signed);
    return signed;
  }

  function view(op: Operation): Fields {
    advance(op);
    const done = op.status === 'COMPLETED';
    return {
      id: `gid://shopify/BulkOperation/${op.number}`,
      status: op.status,
      errorCode: op.errorCode,
      createdAt: whole(op.createdAtMs),
      completedAt: op.completedAtMs === null ? null : whole(op.completedAtMs),
      // UnsignedInt64 is a string on the wire.
      objectCount: String(op.objectCount),
      rootObjectCount: String(done ? op.rootTotal : Math.min(op.rootTotal, op.objectCount)),
      fileSize: done && op.result ? String(op.result.byteLength) : null,
      url: done ? url(op, op.result) : null,
      partialDataUrl: op.status === 'FAILED' ? url(op, op.partial) : null,
      query: op.query,
    };
  }

  function create(query: string, exported: Operation['export'], groupObjects: boolean, durationMs: number | null): Operation {
    const now = deps.clock();
    const rootTotal = exported === null ? 0 : deps.recordsIn(exported.stream, exported.window).length;
    const op: Operation = {
      number: operations.length + 1,
      query,
      groupObjects,
      export: exported,
      status: 'CREATED',
      errorCode: null,
      createdAtMs: now,
      completedAtMs: null,
      rootTotal,
      finishesAtMs: durationMs === null ? now + Math.ceil((rootTotal / rate) * 1000) : now + durationMs,
      result: null,
      objectCount: 0,
      urlExpiresAtMs: null,
      partial: null,
    };
    operations.push(op);
    return op;
  }

  function inFlight(): Operation[] {
    for (const op of operations) advance(op);
    return operations.filter((op) => IN_FLIGHT.includes(op.status));
  }

  function sendStorageError(res: ServerResponse, status: number, code: string, message: string): void {
    const body = `<?xml version='1.0' encoding='UTF-8'?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
    res.writeHead(status, { 'content-type': 'application/xml; charset=UTF-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  return {
    setRate(ordersPerSecond) {
      rate = ordersPerSecond;
    },
    list() {
      return operations.map((op) => {
        const shown = view(op);
        return {
          id: String(shown.id),
          status: op.status,
          query: op.query,
          url: (shown.url as string | null) ?? (shown.partialDataUrl as string | null),
        };
      });
    },
    end(id, outcome, options = {}) {
      const op = byId(id);
      if (op === undefined) throw new Error(`no bulk operation ${id}`);
      advance(op);
      const now = deps.clock();
      if (outcome === 'EXPIRED') {
        // The result's URL expires: as if the 7 days had passed.
        op.urlExpiresAtMs = Math.min(op.urlExpiresAtMs ?? now, now);
        op.status = 'EXPIRED';
        return;
      }
      op.status = outcome;
      op.completedAtMs = null;
      op.errorCode = outcome === 'FAILED' ? (options.errorCode ?? 'INTERNAL_SERVER_ERROR') : null;
      if (outcome === 'FAILED' && options.partial && op.export !== null) {
        // What the export had written when it failed: the first half of the orders' lines.
        const { bytes } = jsonl(op.export, op.groupObjects);
        op.partial = bytes.subarray(0, bytes.indexOf(0x0a, Math.floor(bytes.length / 2)) + 1);
        op.urlExpiresAtMs = now + RESULT_TTL_MS;
      }
    },
    startOther(options = {}) {
      const op = create(
        options.query ?? '{ products { edges { node { id } } } }',
        null,
        false,
        options.durationMs ?? Number.MAX_SAFE_INTEGER / 2,
      );
      op.status = 'RUNNING';
      return `gid://shopify/BulkOperation/${op.number}`;
    },
    result(id) {
      const op = byId(id);
      if (op !== undefined) advance(op);
      return op?.result ?? null;
    },
    urlsIssued() {
      return [...issued];
    },

    run(variables, apiVersion) {
      const query = variables.query;
      if (typeof query !== 'string') throw deps.error('Variable $query of type String! was provided invalid value', 'INVALID_VARIABLE');
      const groupObjects = variables.groupObjects ?? !hasConcurrentBulkQueries(apiVersion);
      const limit = hasConcurrentBulkQueries(apiVersion) ? 5 : 1;
      const running = inFlight();
      if (running.length >= limit) {
        const userError =
          limit === 1
            ? {
                field: null,
                code: 'OPERATION_IN_PROGRESS',
                message: `A bulk query operation for this app and shop is already in progress: gid://shopify/BulkOperation/${running[0]!.number}.`,
              }
            : { field: null, code: 'LIMIT_REACHED', message: 'Bulk operations limit reached. Please try again later.' };
        return { bulkOperationRunQuery: { bulkOperation: null, userErrors: [userError] } };
      }
      const filter = FILTER.exec(query);
      if (filter === null) {
        return {
          bulkOperationRunQuery: {
            bulkOperation: null,
            userErrors: [
              { field: ['query'], code: 'INVALID', message: 'the fake exports only `orders`, `products` or `customers(query: "…")`' },
            ],
          },
        };
      }
      const window = deps.windowOf(JSON.parse(filter[2]!) as unknown);
      const op = create(query, { stream: filter[1] as ExportStream, window }, groupObjects === true, null);
      const created = view(op);
      // The mutation answers CREATED: the export starts right after.
      return { bulkOperationRunQuery: { bulkOperation: { ...created, status: 'CREATED' }, userErrors: [] } };
    },
    node(id) {
      const op = byId(id);
      return op === undefined ? null : { __typename: 'BulkOperation', ...view(op) };
    },
    current() {
      const latest = operations[operations.length - 1];
      return latest === undefined ? null : view(latest);
    },
    running(apiVersion) {
      if (!hasConcurrentBulkQueries(apiVersion))
        throw deps.error("Field 'bulkOperations' doesn't exist on type 'QueryRoot'", 'undefinedField');
      return { bulkOperations: { nodes: inFlight().reverse().map(view) } };
    },

    serve(req, res) {
      const target = new URL(req.url ?? '/', 'http://fake');
      const match = RESULT_PATH.exec(target.pathname);
      if (req.method !== 'GET' || match === null) return false;
      const op = operations[Number(match[1]) - 1];
      const data = op === undefined ? null : op.status === 'FAILED' ? op.partial : op.result;
      if (op !== undefined) advance(op);
      const refused = refusal(target);
      if (refused !== null) {
        sendStorageError(res, refused.status, refused.code, refused.message);
        return true;
      }
      // A result past its 7 days (or ended EXPIRED by a test) is deleted from storage, whatever URL still signs for it.
      if (op === undefined || data === null || op.urlExpiresAtMs === null || deps.clock() >= op.urlExpiresAtMs || op.status === 'EXPIRED') {
        sendStorageError(res, 404, 'NoSuchKey', 'The specified key does not exist.');
        return true;
      }
      const range = /^bytes=(\d*)-(\d*)$/.exec(String(req.headers.range ?? ''));
      if (req.headers.range === undefined || range === null || (range[1] === '' && range[2] === '')) {
        res.writeHead(200, { 'content-type': 'application/jsonl', 'content-length': data.byteLength, 'accept-ranges': 'bytes' });
        res.end(data);
        return true;
      }
      let start: number;
      let end: number;
      if (range[1] === '') {
        start = Math.max(0, data.byteLength - Number(range[2]));
        end = data.byteLength - 1;
      } else {
        start = Number(range[1]);
        end = range[2] === '' ? data.byteLength - 1 : Math.min(Number(range[2]), data.byteLength - 1);
      }
      if (start >= data.byteLength || end < start) {
        res.writeHead(416, { 'content-range': `bytes */${data.byteLength}`, 'content-length': 0 });
        res.end();
        return true;
      }
      res.writeHead(206, {
        'content-type': 'application/jsonl',
        'content-length': end - start + 1,
        'content-range': `bytes ${start}-${end}/${data.byteLength}`,
        'accept-ranges': 'bytes',
      });
      res.end(data.subarray(start, end + 1));
      return true;
    },
  };
}

/** The bulk operations as the fake's server and operations use them (tests see FakeBulkOperations). */
export type BulkEngine = ReturnType<typeof createBulkOperations>;
