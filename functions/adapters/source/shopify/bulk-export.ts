// A full resync's read side on Shopify, for any stream: start a bulk operation over the window, poll it, and read its
// JSONL result one bounded byte range at a time (HTTP Range), each record reassembled with its `__parentId` children
// and mapped and validated by the stream's mapping, the same as the paged query's. Every call is short: the state
// machine waits between polls, and a range that stops inside a record hands back the offset of its first byte.
//
// The result's URL is signed: whoever holds it reads every order of the shop, with no credential, until it expires.
// So it never leaves this object's memory: a run's cursor keeps the operation's id and a byte offset, and readRange
// asks Shopify (`node(id:)`) for the URL when it holds none that still works, and once more when storage refuses one.
//
// Sources (read Dec 2026): https://shopify.dev/docs/api/usage/bulk-operations/queries (JSONL, __parentId, limits,
// URL valid 7 days), objects/BulkOperation (status, errorCode, url, partialDataUrl), the 2026-01 release notes
// (five concurrent bulk queries, groupObjects default false, bulkOperations query). Result URLs are Google Cloud
// Storage V4 signed URLs: X-Goog-Date + X-Goog-Expires say when they stop working, and GCS answers 400 ExpiredToken.
import { request } from 'undici';
import { InvalidPageError, SourceAuthError, SourceRequestError, SourceUnavailableError } from '../../../core/errors';
import { instantFromEpochMs } from '../../../core/instant';
import type { SourceCallStats } from '../../../core/ports';
import type { Window } from '../../../core/run-types';
import { describeNetworkError } from '../http-client';
import { quoteSource } from '../quote';
import { screenRecord, type RejectedRecord } from '../../../core/quarantine';
import type { Order } from '../../../core/order';
import type { SyncRecord } from '../../../core/record';
import { assemble } from './bulk-jsonl';
import {
  BULK_OPERATION_COST,
  BULK_OPERATION_QUERY,
  CURRENT_BULK_OPERATION_QUERY,
  hasConcurrentBulkQueries,
  RUN_BULK_EXPORT_COST,
  RUN_BULK_EXPORT_MUTATION,
  RUNNING_BULK_OPERATIONS_COST,
  RUNNING_BULK_OPERATIONS_QUERY,
} from './queries';
import type { ShopifyPagedSource } from './shopify-paged-source';
import {
  BulkOperationBusyError,
  BulkOperationFailedError,
  BulkResultExpiredError,
  type BulkExport,
  type BulkRange,
  type BulkStart,
  type BulkStatus,
} from './bulk-types';

export * from './bulk-types';

type Fields = Record<string, unknown>;

// ---------------------------------------------------------------- the export

export interface ShopifyBulkExportOptions<R extends SyncRecord> {
  /** The stream's paged connector: its stream, and the graphql() and scope check the export sends through (one transport, one cost bucket). */
  source: Pick<ShopifyPagedSource<R>, 'graphql' | 'checkScopes' | 'quote' | 'stream'>;
  apiVersion: string;
  /** How long start() accepts being blocked by another bulk query of the app (default 30 min). */
  maxBlockedMs?: number;
  /** One range request, answer and body included (default 60 s). */
  timeoutMs?: number;
  /** A range may grow to this many bytes to hold one whole record with its children (default 64 MiB). */
  maxOrderBytes?: number;
  clock?: () => number;
}

const IN_FLIGHT = new Set(['CREATED', 'RUNNING', 'CANCELING']);
/** Result URLs kept in memory: one run reads one result at a time; a few cover restarts. */
const KEPT_URLS = 5;

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function newStats(): SourceCallStats {
  return { requests: 0, throttled: 0, retried: 0 };
}

function count(value: unknown): number {
  const n = typeof value === 'string' ? Number(value) : value;
  return Number.isSafeInteger(n) && (n as number) >= 0 ? (n as number) : 0;
}

/** The parts of a signed URL that open the result: the URL, its query, its signature (to blank in what is quoted). */
function urlSecrets(url: string): string[] {
  try {
    const { href, search, searchParams } = new URL(url);
    return [url, href, search, searchParams.get('X-Goog-Signature'), searchParams.get('X-Amz-Signature')].filter(
      (part): part is string => part !== null && part !== '',
    );
  } catch {
    return [url];
  }
}

/** When a GCS V4 signed URL stops working: X-Goog-Date (`20261201T220000Z`) + X-Goog-Expires seconds; null when it does not say. */
export function signedUrlExpiry(url: string): number | null {
  let params: URLSearchParams;
  try {
    params = new URL(url).searchParams;
  } catch {
    return null;
  }
  const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(params.get('X-Goog-Date') ?? '');
  const expires = Number(params.get('X-Goog-Expires'));
  if (date === null || !Number.isFinite(expires)) return null;
  const [, y, mo, d, h, mi, s] = date.map(Number) as number[];
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) + expires * 1000;
}

export class ShopifyBulkExport<R extends SyncRecord = Order> implements BulkExport<R> {
  private readonly maxBlockedMs: number;
  private readonly timeoutMs: number;
  private readonly maxOrderBytes: number;
  private readonly clock: () => number;
  /** Operation id → the result URL Shopify last offered: in this process's memory only, never returned. */
  private readonly resultUrls = new Map<string, string>();

  constructor(private readonly options: ShopifyBulkExportOptions<R>) {
    this.maxBlockedMs = options.maxBlockedMs ?? 30 * 60_000;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.maxOrderBytes = options.maxOrderBytes ?? 64 * 1024 * 1024;
    this.clock = options.clock ?? Date.now;
  }

  async start(
    { window, blockedSinceMs = null }: { window: Window; blockedSinceMs?: number | null },
    stats = newStats(),
  ): Promise<BulkStart> {
    await this.options.source.checkScopes(stats);
    const query = this.options.source.stream.bulk.query(window);
    // A start step that died after Shopify created the operation is retried: the operation it left is adopted.
    const inFlight = await this.operationsInFlight(stats);
    const ours = inFlight.find((op) => op.query === query && (IN_FLIGHT.has(String(op.status)) || op.status === 'COMPLETED'));
    if (ours) return { kind: 'started', operationId: String(ours.id), adopted: true };
    const running = inFlight.filter((op) => IN_FLIGHT.has(String(op.status)));
    const limit = hasConcurrentBulkQueries(this.options.apiVersion) ? 5 : 1;
    if (running.length >= limit)
      return this.blocked(
        running.map((op) => String(op.id)),
        blockedSinceMs,
      );

    const data = await this.options.source.graphql('RunBulkExport', RUN_BULK_EXPORT_MUTATION, { query }, RUN_BULK_EXPORT_COST, stats);
    const payload = isFields(data) && isFields(data.bulkOperationRunQuery) ? data.bulkOperationRunQuery : undefined;
    if (payload === undefined) throw new InvalidPageError('Shopify answered bulkOperationRunQuery without its payload');
    const userErrors = Array.isArray(payload.userErrors) ? payload.userErrors.filter(isFields) : [];
    if (userErrors.some((error) => error.code === 'OPERATION_IN_PROGRESS' || error.code === 'LIMIT_REACHED')) {
      // Another query took the slot between our look and our start.
      return this.blocked(
        running.map((op) => String(op.id)),
        blockedSinceMs,
      );
    }
    if (userErrors.length > 0) {
      throw new SourceRequestError(
        `Shopify refused the bulk export (${this.options.source.quote(userErrors.map((error) => `${String(error.code)}: ${String(error.message)}`).join('; '))})`,
      );
    }
    const operation = payload.bulkOperation;
    if (!isFields(operation) || typeof operation.id !== 'string')
      throw new InvalidPageError('Shopify started a bulk export but answered no operation id');
    return { kind: 'started', operationId: operation.id, adopted: false };
  }

  async poll(operationId: string, stats = newStats()): Promise<BulkStatus> {
    const data = await this.options.source.graphql('BulkOperation', BULK_OPERATION_QUERY, { id: operationId }, BULK_OPERATION_COST, stats);
    const op = isFields(data) ? data.node : undefined;
    if (op === null) throw new SourceRequestError(`Shopify has no bulk operation ${operationId} (an id from another shop or app?)`);
    if (!isFields(op) || typeof op.status !== 'string')
      throw new InvalidPageError(`Shopify answered bulk operation ${operationId} without a status`);
    const status = op.status;
    const errorCode = typeof op.errorCode === 'string' ? op.errorCode : null;
    const hasPartialData = typeof op.partialDataUrl === 'string';
    const detail = { operationId, status, errorCode, hasPartialData };
    if (status === 'FAILED') {
      if (errorCode === 'ACCESS_DENIED') {
        throw new SourceAuthError(
          `Shopify's bulk export ${operationId} failed with ACCESS_DENIED: the token lacks a scope the export needs (${this.options.source.stream.scopes})`,
        );
      }
      const hint =
        errorCode === 'TIMEOUT'
          ? ': the export ran out of time; a narrower window (or groupObjects false, if the reader allowed it) would be lighter'
          : '';
      // Partial data cannot prove which orders are missing, so it is never taken as the copy: the run starts over.
      const partial = hasPartialData
        ? ' (Shopify kept partial data, which a full resync cannot use: it cannot tell which orders are missing)'
        : '';
      throw new BulkOperationFailedError(
        `Shopify's bulk export ${operationId} FAILED (${errorCode ?? 'no errorCode'})${hint}${partial}; start a new one`,
        detail,
      );
    }
    if (status === 'CANCELED')
      throw new BulkOperationFailedError(
        `Shopify's bulk export ${operationId} was CANCELED (by the app, a staff member or Shopify); start a new one`,
        detail,
      );
    if (status === 'EXPIRED')
      throw new BulkResultExpiredError(
        `the result of Shopify's bulk export ${operationId} has EXPIRED (URLs last 7 days): a new export is needed`,
      );
    if (status !== 'CREATED' && status !== 'RUNNING' && status !== 'CANCELING' && status !== 'COMPLETED') {
      throw new InvalidPageError(`Shopify answered bulk operation ${operationId} with a status the connector does not know: ${status}`);
    }
    const url = typeof op.url === 'string' ? op.url : null;
    if (status === 'COMPLETED' && url === null && count(op.objectCount) > 0) {
      throw new InvalidPageError(`Shopify's bulk export ${operationId} COMPLETED with ${String(op.objectCount)} objects but no result URL`);
    }
    const expiry = url === null ? null : signedUrlExpiry(url);
    if (status === 'COMPLETED' && url !== null) this.keepUrl(operationId, url);
    return {
      operationId,
      status,
      done: status === 'COMPLETED',
      hasResult: status === 'COMPLETED' && url !== null,
      urlExpiresAt: expiry === null ? null : instantFromEpochMs(expiry),
      objectCount: count(op.objectCount),
      rootObjectCount: count(op.rootObjectCount),
      fileSize: op.fileSize === null || op.fileSize === undefined ? null : count(op.fileSize),
    };
  }

  async readRange(
    { operationId, offset, maxBytes }: { operationId: string; offset: number; maxBytes: number },
    stats = newStats(),
  ): Promise<BulkRange<R>> {
    if (!Number.isSafeInteger(offset) || offset < 0)
      throw new SourceRequestError(`a result offset must be a non-negative integer, got ${offset}`);
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 1)
      throw new SourceRequestError(`maxBytes must be a positive integer, got ${maxBytes}`);
    const kept = this.resultUrls.get(operationId);
    const url = kept !== undefined && !this.lapsing(kept) ? kept : await this.askUrl(operationId, stats);
    try {
      return await this.readFrom(url, offset, maxBytes, stats);
    } catch (error) {
      if (!(error instanceof BulkResultExpiredError) || url !== kept) throw error;
      // Storage refused a URL kept from an earlier step before its signature said it would (a shorter lifetime, a
      // rotated key): Shopify may offer a new one for the same result. Refused again, the result is gone.
      this.resultUrls.delete(operationId);
      return await this.readFrom(await this.askUrl(operationId, stats), offset, maxBytes, stats);
    }
  }

  /** The URL Shopify offers now for a completed operation's result; BulkResultExpiredError when it offers none. */
  private async askUrl(operationId: string, stats: SourceCallStats): Promise<string> {
    this.resultUrls.delete(operationId);
    // FAILED, CANCELED and EXPIRED throw their named errors here.
    const status = await this.poll(operationId, stats);
    const url = this.resultUrls.get(operationId);
    if (url === undefined) {
      throw new BulkResultExpiredError(
        `Shopify offers no result for bulk export ${operationId} (${status.status}, no URL): a resume needs a new export`,
      );
    }
    return url;
  }

  /** Whether a URL's signature ends before one read could finish with it (then a new one is asked for first). */
  private lapsing(url: string): boolean {
    const expiry = signedUrlExpiry(url);
    return expiry !== null && this.clock() + this.timeoutMs >= expiry;
  }

  private keepUrl(operationId: string, url: string): void {
    this.resultUrls.delete(operationId);
    this.resultUrls.set(operationId, url);
    // A Map iterates in insertion order: the first key is the URL asked for longest ago.
    if (this.resultUrls.size > KEPT_URLS) this.resultUrls.delete(this.resultUrls.keys().next().value!);
  }

  private async readFrom(url: string, offset: number, maxBytes: number, stats: SourceCallStats): Promise<BulkRange<R>> {
    const expiry = signedUrlExpiry(url);
    if (expiry !== null && this.clock() >= expiry) throw this.expired(url, `its signature expired at ${instantFromEpochMs(expiry)}`);
    for (let want = maxBytes; ; want = Math.min(want * 2, this.maxOrderBytes)) {
      const got = await this.fetchRange(url, offset, want, stats);
      if (got === null) return { records: [], rejected: [], nextOffset: offset, done: true, fileSize: offset, stats };
      const end = offset + got.bytes.byteLength;
      const atEnd = end >= got.fileSize;
      const { stream } = this.options.source;
      const { nodes, consumed } = assemble(got.bytes, atEnd, offset, stream);
      if (nodes.length > 0 || atEnd) {
        // The same mapping and validation as the paged query: a node it cannot take is set aside as there.
        const records: R[] = [];
        const rejected: RejectedRecord[] = [];
        for (const node of nodes) {
          const screened = screenRecord(node, stream.map, records.length);
          if ('rejected' in screened) rejected.push(screened.rejected);
          else records.push(screened.record);
        }
        const nextOffset = offset + consumed;
        return { records, rejected, nextOffset, done: atEnd && nextOffset >= got.fileSize, fileSize: got.fileSize, stats };
      }
      if (want >= this.maxOrderBytes) {
        throw new InvalidPageError(
          `one ${this.options.source.stream.noun} of the bulk result at byte ${offset} spans more than ${this.maxOrderBytes} bytes with its children: too big to read in one step`,
        );
      }
    }
  }

  /** Our app's operations that may hold the slot (and the latest, before 2026-01, which may be ours already done). */
  private async operationsInFlight(stats: SourceCallStats): Promise<Fields[]> {
    if (hasConcurrentBulkQueries(this.options.apiVersion)) {
      const data = await this.options.source.graphql(
        'RunningBulkOperations',
        RUNNING_BULK_OPERATIONS_QUERY,
        {},
        RUNNING_BULK_OPERATIONS_COST,
        stats,
      );
      const nodes = isFields(data) && isFields(data.bulkOperations) ? data.bulkOperations.nodes : undefined;
      if (!Array.isArray(nodes)) throw new InvalidPageError('Shopify answered bulkOperations without nodes');
      return nodes.filter(isFields);
    }
    const data = await this.options.source.graphql('CurrentBulkOperation', CURRENT_BULK_OPERATION_QUERY, {}, BULK_OPERATION_COST, stats);
    const current = isFields(data) ? data.currentBulkOperation : undefined;
    return isFields(current) ? [current] : [];
  }

  private blocked(blockingOperationIds: string[], blockedSinceMs: number | null): BulkStart {
    const now = this.clock();
    const since = blockedSinceMs ?? now;
    if (now - since > this.maxBlockedMs) {
      throw new BulkOperationBusyError(
        `another bulk query of this app (${blockingOperationIds.join(', ') || 'unknown'}) has held Shopify's bulk slot for ${Math.round((now - since) / 60_000)} minutes, ` +
          `longer than the ${Math.round(this.maxBlockedMs / 60_000)} the resync waits; let it finish (or cancel it) and start the resync again`,
        { attempts: 0 },
      );
    }
    return { kind: 'blocked', blockingOperationIds, blockedSinceMs: since };
  }

  private expired(url: string, why: string): BulkResultExpiredError {
    return new BulkResultExpiredError(
      `the bulk export's result URL no longer works (${why}): a resume past it needs a new export (${new URL(url).pathname})`,
    );
  }

  /** Bytes [offset, offset + want) of the result and its size; null when offset is at or past its end. */
  private async fetchRange(
    url: string,
    offset: number,
    want: number,
    stats: SourceCallStats,
  ): Promise<{ bytes: Buffer; fileSize: number } | null> {
    const shown = `GET ${new URL(url).origin}${new URL(url).pathname} bytes=${offset}-${offset + want - 1}`;
    stats.requests++;
    let response;
    try {
      response = await request(url, {
        headers: { range: `bytes=${offset}-${offset + want - 1}` },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new SourceUnavailableError(
        `the bulk result did not answer (${quoteSource(describeNetworkError(error, this.timeoutMs), urlSecrets(url))}): ${shown}`,
        // No cause: the socket layer's error is not ours to vouch for, and a logged cause could carry the signed URL.
        {},
      );
    }
    const { statusCode } = response;
    if (statusCode === 206) {
      const total = /\/(\d+)$/.exec(String(response.headers['content-range'] ?? ''));
      const bytes = Buffer.from(await response.body.arrayBuffer());
      if (total === null) throw new InvalidPageError(`the bulk result answered 206 without a Content-Range size: ${shown}`);
      return { bytes, fileSize: Number(total[1]) };
    }
    const text = await response.body.text();
    if (statusCode === 200) {
      // A server that ignores Range sends the whole file: take our slice of it.
      const whole = Buffer.from(text, 'utf8');
      return offset >= whole.byteLength ? null : { bytes: whole.subarray(offset, offset + want), fileSize: whole.byteLength };
    }
    if (statusCode === 416) return null;
    if (statusCode === 400 || statusCode === 403 || statusCode === 404) {
      // 400 ExpiredToken (GCS), 403 AccessDenied or SignatureDoesNotMatch, 404 NoSuchKey: this URL no longer opens the result.
      const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? `HTTP ${statusCode}`;
      throw this.expired(url, `storage answered ${statusCode} ${quoteSource(code, urlSecrets(url))}`);
    }
    if (statusCode >= 500 || statusCode === 408 || statusCode === 429) {
      throw new SourceUnavailableError(`the bulk result answered ${statusCode}: ${shown}`, { status: statusCode });
    }
    throw new InvalidPageError(`the bulk result answered an unexpected status ${statusCode}: ${shown}`);
  }
}

// ---------------------------------------------------------------- JSONL → Order nodes
