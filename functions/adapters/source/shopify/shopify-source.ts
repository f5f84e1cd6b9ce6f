// The source a Shopify deployment runs for one stream: a full resync walks a bulk operation (start, poll, read the
// result one byte range a page), incremental windows walk the stream's paged query. The run's cursor says where the walk
// stands, so a retried, continued or resumed page goes on from the last saved place; no step ever sleeps: a page
// that finds the export not ready asks the state machine to wait (`waitSeconds`). While the result is read the
// cursor holds the operation's id and a byte offset, never the result's signed URL: the cursor is saved in the
// sync-state table (and kept while a stopped run is parked), and that URL opens every order of the shop to whoever
// holds it; the bulk export asks Shopify for it when a step needs it.
import { SourceRequestError, type OrderSyncError } from '../../../core/errors';
import { instantFromEpochMs } from '../../../core/instant';
import type { Order } from '../../../core/order';
import type { Log, PageRequest, RecordSource, SourceCallStats, SourcePage } from '../../../core/ports';
import type { SyncRecord } from '../../../core/record';
import type { Window } from '../../../core/run-types';
import { BulkOperationFailedError, BulkResultExpiredError, type BulkExport } from './bulk-export';
import type { ShopifyDeletions } from './shopify-deletions';

/** Where a bulk walk stands; `restarts`: new exports this run has started after one failed or expired. */
export type BulkPlace =
  | { phase: 'starting'; restarts: number; blockedSinceMs: number | null }
  | { phase: 'exporting'; restarts: number; operationId: string; startedAtMs: number }
  | {
      phase: 'reading';
      restarts: number;
      operationId: string;
      offset: number;
      /** When the export started (absent in cursors issued before it was kept): the read time of its orders. */
      startedAtMs?: number;
    };

export interface ShopifySourceOptions<R extends SyncRecord = Order> {
  /** The paged connector: incremental windows, counts, and full windows when bulk is off. */
  paged: RecordSource<R> & { timeZone(): Promise<string> };
  /** The bulk export over the same connector; absent: full resyncs page too (SHOPIFY_BULK_RESYNC=false). */
  bulk?: BulkExport<R>;
  /** Deleted records (the `events` feed where the stream has one, `nodes(ids:)`); absent: runs skip the deletion steps. */
  deletions?: ShopifyDeletions<R>;
  /** Bytes of the result one page reads (SHOPIFY_BULK_RANGE_BYTES). */
  rangeBytes: number;
  clock?: () => number;
  logger?: Pick<Log, 'info' | 'warn'>;
}

/** A bulk cursor starts with this; the paged connector's are base64url, which has no ':'. */
const BULK_PREFIX = 'bulk:';
/** Waits (s): after a start, and while another query of the app holds the bulk slot. */
const FIRST_POLL_SECONDS = 2;
const BLOCKED_SECONDS = 30;
/** Polls of a running export are a quarter of its age apart, within these bounds: late by at most a quarter. */
const MIN_POLL_SECONDS = 2;
const MAX_POLL_SECONDS = 30;
/** New exports one run starts after a FAILED, CANCELED or EXPIRED one before it gives up with that error. */
export const MAX_EXPORT_RESTARTS = 2;

export function encodeBulkPlace(place: BulkPlace): string {
  return BULK_PREFIX + Buffer.from(JSON.stringify(place)).toString('base64url');
}

export function decodeBulkPlace(cursor: string): BulkPlace {
  try {
    const place = JSON.parse(Buffer.from(cursor.slice(BULK_PREFIX.length), 'base64url').toString('utf8')) as BulkPlace;
    if (Number.isInteger(place.restarts)) {
      const { restarts } = place;
      if (place.phase === 'starting') return { phase: 'starting', restarts, blockedSinceMs: place.blockedSinceMs };
      if (place.phase === 'exporting')
        return { phase: 'exporting', restarts, operationId: place.operationId, startedAtMs: place.startedAtMs };
      // Field by field: a cursor saved by an earlier version also held the result's URL, which is not carried on.
      if (place.phase === 'reading') {
        const { operationId, offset, startedAtMs } = place;
        return { phase: 'reading', restarts, operationId, offset, ...(startedAtMs === undefined ? {} : { startedAtMs }) };
      }
    }
  } catch {
    // refused below
  }
  throw new SourceRequestError('the cursor is not one the Shopify bulk walk issued (pass nextCursor back exactly as received)');
}

function noStats(): SourceCallStats {
  return { requests: 0, throttled: 0, retried: 0 };
}

export class ShopifySource<R extends SyncRecord = Order> implements RecordSource<R> {
  private readonly clock: () => number;
  readonly fetchDeleted?: RecordSource['fetchDeleted'];
  readonly existing?: RecordSource['existing'];

  constructor(private readonly options: ShopifySourceOptions<R>) {
    this.clock = options.clock ?? Date.now;
    const { deletions } = options;
    if (deletions) {
      // A stream without a deletion feed on Shopify (customers) finds deletions by reconciliation alone.
      if (deletions.hasFeed) this.fetchDeleted = (request) => deletions.fetchDeleted(request);
      this.existing = (ids) => deletions.existing(ids);
    }
  }

  async fetchPage(request: PageRequest): Promise<SourcePage<R>> {
    const { window, cursor } = request;
    // A run goes on the way it began: a bulk cursor stays bulk, a paged one paged, whatever the setting says now.
    if (cursor?.startsWith(BULK_PREFIX)) return this.bulkPage(window, decodeBulkPlace(cursor));
    if (cursor === null && window.from === null && this.options.bulk)
      return this.bulkPage(window, { phase: 'starting', restarts: 0, blockedSinceMs: null });
    return this.options.paged.fetchPage(request);
  }

  count(window: Window): Promise<number> {
    return this.options.paged.count(window);
  }

  timeZone(): Promise<string> {
    return this.options.paged.timeZone();
  }

  private async bulkPage(window: Window, place: BulkPlace): Promise<SourcePage<R>> {
    const bulk = this.options.bulk;
    if (!bulk) throw new SourceRequestError('this run began as a Shopify bulk export, but the connector was built without one');
    const stats = noStats();
    try {
      if (place.phase === 'starting') return await this.start(bulk, window, place, stats);
      if (place.phase === 'exporting') return await this.poll(bulk, place, stats);
      return await this.read(bulk, place, stats);
    } catch (error) {
      if (error instanceof BulkOperationFailedError || error instanceof BulkResultExpiredError) return this.restart(place, error, stats);
      throw error;
    }
  }

  private async start(
    bulk: BulkExport<R>,
    window: Window,
    place: BulkPlace & { phase: 'starting' },
    stats: SourceCallStats,
  ): Promise<SourcePage<R>> {
    const started = await bulk.start({ window, blockedSinceMs: place.blockedSinceMs }, stats);
    if (started.kind === 'blocked') {
      this.options.logger?.info('Shopify bulk export waits: another bulk query of the app holds the slot', {
        blockingOperationIds: started.blockingOperationIds,
        blockedForSeconds: Math.round((this.clock() - started.blockedSinceMs) / 1000),
      });
      return this.page([], { ...place, blockedSinceMs: started.blockedSinceMs }, stats, BLOCKED_SECONDS);
    }
    this.options.logger?.info(started.adopted ? 'Shopify bulk export adopted (ours, already started)' : 'Shopify bulk export started', {
      operationId: started.operationId,
      window,
    });
    const next: BulkPlace = { phase: 'exporting', restarts: place.restarts, operationId: started.operationId, startedAtMs: this.clock() };
    return this.page([], next, stats, FIRST_POLL_SECONDS);
  }

  private async poll(bulk: BulkExport<R>, place: BulkPlace & { phase: 'exporting' }, stats: SourceCallStats): Promise<SourcePage<R>> {
    const status = await bulk.poll(place.operationId, stats);
    if (!status.done) {
      const ageSeconds = (this.clock() - place.startedAtMs) / 1000;
      const waitSeconds = Math.min(MAX_POLL_SECONDS, Math.max(MIN_POLL_SECONDS, Math.ceil(ageSeconds / 4)));
      this.options.logger?.info('Shopify bulk export running', {
        operationId: place.operationId,
        status: status.status,
        orders: status.rootObjectCount,
        waitSeconds,
      });
      return this.page([], place, stats, waitSeconds);
    }
    this.options.logger?.info('Shopify bulk export completed', {
      operationId: place.operationId,
      orders: status.rootObjectCount,
      bytes: status.fileSize,
    });
    // An empty window completes with no file: nothing to read.
    if (!status.hasResult) return { records: [], rejected: [], nextCursor: null, stats };
    return this.page(
      [],
      { phase: 'reading', restarts: place.restarts, operationId: place.operationId, offset: 0, startedAtMs: place.startedAtMs },
      stats,
      0,
    );
  }

  private async read(bulk: BulkExport<R>, place: BulkPlace & { phase: 'reading' }, stats: SourceCallStats): Promise<SourcePage<R>> {
    // A result gone for good (EXPIRED, no URL that storage accepts) is BulkResultExpiredError: restarted by bulkPage.
    const range = await bulk.readRange({ operationId: place.operationId, offset: place.offset, maxBytes: this.options.rangeBytes }, stats);
    // The file holds the orders as they were when the export ran, not when a page reads them (perhaps days later, for
    // a parked resync): of two versions with one updated_at, one read since the export started is the newer.
    const readAt = place.startedAtMs === undefined ? {} : { readAt: instantFromEpochMs(place.startedAtMs) };
    if (range.done) return { records: range.records, rejected: range.rejected, nextCursor: null, stats, ...readAt };
    return { ...this.page(range.records, { ...place, offset: range.nextOffset }, stats, 0, range.rejected), ...readAt };
  }

  /**
   * The export failed, was canceled, or its result is gone (a resume past the URL's 7 days): start a new one over the
   * same window from its first byte. Orders already stored come again and count as unchanged, so counts stay exact.
   */
  private restart(place: BulkPlace, error: OrderSyncError, stats: SourceCallStats): SourcePage<R> {
    if (place.restarts >= MAX_EXPORT_RESTARTS) {
      // The same error (its name is what Catch and the run's record show), saying what was tried.
      error.message = `${error.message} (after ${place.restarts} new exports in this run; request a new full resync once Shopify's export works again)`;
      throw error;
    }
    const where = place.phase === 'reading' ? ` at byte ${place.offset} of its result` : '';
    this.options.logger?.warn(
      `Shopify bulk export unusable${where}: starting a new export of the window from the start (orders already stored count as unchanged)`,
      {
        error: error.message,
        errorName: error.name,
        restart: place.restarts + 1,
        maxRestarts: MAX_EXPORT_RESTARTS,
      },
    );
    return this.page([], { phase: 'starting', restarts: place.restarts + 1, blockedSinceMs: null }, stats, 0);
  }

  private page(
    records: R[],
    next: BulkPlace,
    stats: SourceCallStats,
    waitSeconds: number,
    rejected: SourcePage<R>['rejected'] = [],
  ): SourcePage<R> {
    return { records, rejected, nextCursor: encodeBulkPlace(next), stats, ...(waitSeconds > 0 ? { waitSeconds } : {}) };
  }
}
