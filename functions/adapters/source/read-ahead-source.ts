// Reads the next page while the page step stores this one: a RecordSource over another that, as soon as a page
// comes back with a cursor, starts fetching the page after it and holds that one fetch (at most one page) for the
// next call. The SyncPage function keeps it in module scope, so a warm function's next invocation, which asks for
// exactly that page for the same caller (the chain of executions), gets it without waiting for the source. Anything
// else (a cold start, another window or chain, a retry of an earlier page, a read-ahead that failed or is too old)
// fetches as if there were no read-ahead.
import type { Log, RecordSource, PageRequest, SourcePage } from '../../core/ports';
import type { SyncRecord } from '../../core/record';
import { instantFromEpochMs } from '../../core/instant';
import type { Window } from '../../core/run-types';

/** A held page older than this (counted from when its fetch began) is dropped and fetched again. */
export const READ_AHEAD_MAX_AGE_MS = 60_000;

export interface ReadAheadSourceOptions {
  clock: () => number;
  log: Pick<Log, 'info'>;
  /** Default READ_AHEAD_MAX_AGE_MS. */
  maxAgeMs?: number;
}

/** The one fetch ahead: the request it answers, when it began, and its outcome (never a rejected promise). */
interface HeldPage<R extends SyncRecord> {
  key: string;
  startedAtMs: number;
  outcome: Promise<{ page: SourcePage<R> } | { error: unknown }>;
}

export class ReadAheadSource<R extends SyncRecord = SyncRecord> implements RecordSource<R> {
  private held: HeldPage<R> | null = null;
  private readonly maxAgeMs: number;
  // The deletion feed and the existence check go straight to the source, and exist exactly when the source has them
  // (a source without them makes the run skip those steps).
  readonly fetchDeleted?: RecordSource['fetchDeleted'];
  readonly existing?: RecordSource['existing'];

  constructor(
    private readonly source: RecordSource<R>,
    private readonly options: ReadAheadSourceOptions,
  ) {
    this.maxAgeMs = options.maxAgeMs ?? READ_AHEAD_MAX_AGE_MS;
    if (source.fetchDeleted) this.fetchDeleted = source.fetchDeleted.bind(source);
    if (source.existing) this.existing = source.existing.bind(source);
  }

  async fetchPage(request: PageRequest): Promise<SourcePage<R>> {
    const held = this.held;
    this.held = null;
    const fresh = held !== null && this.options.clock() - held.startedAtMs <= this.maxAgeMs;
    const answers = fresh && held.key === keyOf(request);
    const page = (answers ? await this.pageOf(held) : null) ?? (await this.source.fetchPage(request));
    // The last page has nothing after it; a page that asks to wait is followed by the wait, not by a request.
    const next = page.nextCursor !== null && !(page.waitSeconds && page.waitSeconds > 0) ? { ...request, cursor: page.nextCursor } : null;
    // A retry of the page before the held one: what its first attempt read ahead still answers the next call. (Not
    // the page just served: an empty page can carry its own cursor, and the source may serve more the next time.)
    if (next !== null && fresh && !answers && held.key === keyOf(next)) this.held = held;
    else if (next !== null) this.readAhead(next);
    if (held !== null && !answers && this.held !== held) {
      const ageMs = this.options.clock() - held.startedAtMs;
      this.options.log.info('read-ahead page dropped', { reason: fresh ? 'another page asked' : 'too old', ageMs });
    }
    return page;
  }

  count(window: Window): Promise<number> {
    return this.source.count(window);
  }

  /** The page a read-ahead fetched; null when it failed (the caller fetches it again, and fails if that fails). */
  private async pageOf(held: HeldPage<R>): Promise<SourcePage<R> | null> {
    const outcome = await held.outcome;
    // The page was read when its fetch began, not when it is handed over: that is what orders two same-second versions.
    if ('page' in outcome) return { ...outcome.page, readAt: outcome.page.readAt ?? instantFromEpochMs(held.startedAtMs) };
    const error = outcome.error instanceof Error ? `${outcome.error.name}: ${outcome.error.message}` : String(outcome.error);
    this.options.log.info('read-ahead page failed; fetching it again', { error });
    return null;
  }

  private readAhead(request: PageRequest): void {
    this.held = {
      key: keyOf(request),
      startedAtMs: this.options.clock(),
      outcome: this.source.fetchPage(request).then(
        (page) => ({ page }),
        (error: unknown) => ({ error }),
      ),
    };
  }
}

/** The request a page answers: the same window, cursor and size is the same page of the same walk, for one caller. */
function keyOf({ window, cursor, limit, caller }: PageRequest): string {
  return JSON.stringify([window.from, window.to, cursor, limit, caller ?? null]);
}
