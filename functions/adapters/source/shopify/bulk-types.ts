// What a bulk export of a stream answers (start, poll, one range of the result) and how it fails: the interface the
// Shopify source walks a full resync through, and the errors Step Functions' Catch sees by name.
import { OrderSyncError, SourceUnavailableError } from '../../../core/errors';
import type { Instant, Order } from '../../../core/order';
import type { SyncRecord } from '../../../core/record';
import type { SourceCallStats } from '../../../core/ports';
import type { RejectedRecord } from '../../../core/quarantine';
import type { Window } from '../../../core/run-types';

export type BulkStart =
  /** Our operation: just started, or adopted (one of ours over the same window was already running or done). */
  | { kind: 'started'; operationId: string; adopted: boolean }
  /**
   * Another bulk query of this app holds the slot Shopify allows (one before 2026-01, five from it): wait (a Wait
   * state) and call start again with the same `blockedSinceMs`, which bounds the waiting.
   */
  | { kind: 'blocked'; blockingOperationIds: string[]; blockedSinceMs: number };

/**
 * An operation still running, or completed. FAILED, CANCELED and EXPIRED are thrown. The result's URL is not here:
 * it opens every order of the shop to whoever holds it, so it stays inside the export (readRange asks for it).
 */
export interface BulkStatus {
  operationId: string;
  status: 'CREATED' | 'RUNNING' | 'CANCELING' | 'COMPLETED';
  /** COMPLETED: the result can be read. */
  done: boolean;
  /** Done with a result to read (an empty window completes with none). */
  hasResult: boolean;
  /** When the result URL Shopify offers now stops working (from its signature), null when not known. */
  urlExpiresAt: Instant | null;
  /** Objects written so far (orders and their children), and orders among them. */
  objectCount: number;
  rootObjectCount: number;
  /** Bytes of the result, once done. */
  fileSize: number | null;
}

export interface BulkRange<R extends SyncRecord = Order> {
  /** The complete records of the range, mapped and validated, in file order. */
  records: R[];
  /** The range's records the mapping could not take (quarantined by the core), with their place in the range. */
  rejected: RejectedRecord[];
  /** Where the next range starts: the first byte of the first record not returned (the file's size when done). */
  nextOffset: number;
  /** Nothing is left after nextOffset. */
  done: boolean;
  fileSize: number;
  /** The requests of the read (the `stats` given, counted on), a request for the result's URL included. */
  stats: SourceCallStats;
}

export interface BulkExport<R extends SyncRecord = Order> {
  /** `stats`, when given, counts the requests made (for the page's logs and metrics). */
  start(request: { window: Window; blockedSinceMs?: number | null }, stats?: SourceCallStats): Promise<BulkStart>;
  poll(operationId: string, stats?: SourceCallStats): Promise<BulkStatus>;
  /**
   * One bounded read of a completed operation's result: from `offset` (a record's first byte, 0 at first), about
   * `maxBytes` long. The export asks Shopify for the result's URL when it holds none that still works.
   */
  readRange(request: { operationId: string; offset: number; maxBytes: number }, stats?: SourceCallStats): Promise<BulkRange<R>>;
}

/** The orders stream's bulk export. */
export type BulkOrderExport = BulkExport<Order>;

// ---------------------------------------------------------------- errors (new: named for Step Functions' Catch)

/** The bulk operation ended without a usable result: FAILED (errorCode, maybe partial data), CANCELED or EXPIRED. A new operation is needed. */
export class BulkOperationFailedError extends OrderSyncError {
  readonly retryable = false;
  constructor(
    message: string,
    readonly detail: { operationId: string; status: string; errorCode: string | null; hasPartialData: boolean },
  ) {
    super(message);
  }
}

/** The result URL has expired (7 days after completion) or its file is gone: a resume past it must start a new operation. */
export class BulkResultExpiredError extends OrderSyncError {
  readonly retryable = false;
}

/** Another bulk query of the app held the slot for longer than the connector waits: try the resync later. */
export class BulkOperationBusyError extends SourceUnavailableError {}
