// The use cases' unit-test world: in-memory stores with the real conditions, a shop in memory that pages like the
// reference API (sorted by updated_at then id, keyset cursor), a clock the test moves, and the log lines captured.
import type { Order } from '../../functions/core/order';
import type { Log, RecordSource, PageRequest, SourcePage } from '../../functions/core/ports';
import type { Window } from '../../functions/core/run-types';
import type { RunState } from '../../functions/core/run-state';
import { beginRun, type BeginDeps } from '../../functions/core/use-cases/begin-run';
import type { CommitDeps } from '../../functions/core/use-cases/commit-run';
import type { RecordFailureDeps } from '../../functions/core/use-cases/record-failure';
import type { StepDeps } from '../../functions/core/step';
import type { RejectedRecord } from '../../functions/core/quarantine';
import { InMemoryRecordStore, InMemoryQuarantineStore, InMemorySyncStateStore } from './in-memory-stores';
import { order, orderIdOf } from './order-factory';

export const STREAM = 'orders' as const;
export const T0 = Date.parse('2026-01-01T12:00:00Z');

/** A shop in memory: its orders, paged in (updated_at, id) order within the window; the cursor is the last key. */
export class InMemoryShop implements RecordSource<Order> {
  orders: Order[];
  countFails = false;
  pageRequests = 0;
  /** The shop's clock minus ours, as its pages' Date header would show it; unknown (no header) when undefined. */
  clockSkewMs: number | undefined = undefined;
  /** The shop's own time zone, when a test gives it one (absent: the source has none). */
  timeZone?: () => Promise<string>;
  /** Orders the shop serves broken: the connector rejects them with this field and message. */
  readonly broken = new Map<string, { field: string; message: string }>();

  constructor(count: number, updatedAt = '2026-01-01T11:00:00Z') {
    this.orders = Array.from({ length: count }, (_, i) => order({ id: orderIdOf(i + 1), order_number: 1001 + i, updated_at: updatedAt }));
  }

  /** The order changes now: a new updated_at moves it to a later position (or out of the window). */
  change(id: string, updatedAt: string): void {
    this.orders = this.orders.map((existing) => (existing.id === id ? order({ id, updated_at: updatedAt }) : existing));
  }

  /** The order is served broken from now on (`field` at fault); it changes, so an incremental window meets it. */
  breakOrder(id: string, field: string, updatedAt: string): void {
    this.change(id, updatedAt);
    this.broken.set(id, { field, message: `order ${id}: field "${field}" is broken on purpose` });
  }

  /** The source fixes the order: valid again, at a new updated_at. */
  fixOrder(id: string, updatedAt: string): void {
    this.broken.delete(id);
    this.change(id, updatedAt);
  }

  async fetchPage({ window, cursor, limit }: PageRequest): Promise<SourcePage<Order>> {
    this.pageRequests++;
    const inWindow = this.inWindow(window);
    const after = cursor === null ? inWindow : inWindow.filter((o) => `${o.updatedAt}|${o.id}` > cursor);
    const served = after.slice(0, limit);
    const last = served[served.length - 1];
    const nextCursor = after.length > limit && last ? `${last.updatedAt}|${last.id}` : null;
    const orders: Order[] = [];
    const rejected: RejectedRecord[] = [];
    for (const order of served) {
      const broken = this.broken.get(order.id);
      if (broken) {
        rejected.push({
          id: order.id,
          raw: { ...order.raw, broken: broken.field },
          ...broken,
          position: orders.length,
          updatedAt: order.updatedAt,
        });
      } else orders.push(order);
    }
    const clock = this.clockSkewMs === undefined ? {} : { clockSkewMs: this.clockSkewMs };
    return { records: orders, rejected, nextCursor, stats: { requests: 1, throttled: 0, retried: 0, ...clock } };
  }

  async count(window: Window): Promise<number> {
    if (this.countFails) throw new Error('the count endpoint is down');
    return this.inWindow(window).length;
  }

  private inWindow(window: Window): Order[] {
    return this.orders
      .filter((o) => (window.from === null || o.updatedAt >= window.from) && o.updatedAt < window.to)
      .sort((a, b) => (a.updatedAt === b.updatedAt ? a.id.localeCompare(b.id) : a.updatedAt.localeCompare(b.updatedAt)));
  }
}

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields?: Record<string, unknown>;
}

/** Every port a use case takes, in memory; `deps` narrows them as each use case asks. */
export function useCaseWorld(options: { orders?: number; pageSize?: number } = {}) {
  let nowMs = T0;
  const lines: LogLine[] = [];
  const log: Log = {
    debug: (message, fields) => lines.push({ level: 'debug', message, fields }),
    info: (message, fields) => lines.push({ level: 'info', message, fields }),
    warn: (message, fields) => lines.push({ level: 'warn', message, fields }),
    error: (message, fields) => lines.push({ level: 'error', message, fields }),
  };
  const state = new InMemorySyncStateStore();
  const records = new InMemoryRecordStore();
  const quarantine = new InMemoryQuarantineStore();
  const shop = new InMemoryShop(options.orders ?? 10);
  const clock = () => nowMs;
  const leaseMs = 15 * 60_000;
  const overlapMs = 5 * 60_000;
  const begin: BeginDeps = {
    settings: { stream: STREAM, leaseMs, overlapMs, maxPagesPerPart: 500 },
    state,
    records,
    source: shop,
    clock,
    log,
  };
  const syncPage: StepDeps = {
    settings: { pageSize: options.pageSize ?? 4, leaseMs, overlapMs },
    state,
    records,
    quarantine,
    source: shop,
    clock,
    log,
  };
  const commit: CommitDeps = { state, quarantine, clock, log };
  const recordFailure: RecordFailureDeps = { state, clock, log };
  return {
    state,
    orders: records,
    quarantine,
    shop,
    lines,
    deps: { begin, syncPage, commit, recordFailure },
    advance: (ms: number) => {
      nowMs += ms;
    },
    now: () => nowMs,
  };
}

/** A full run begun in the world by a test trigger (run id `full-test-r1`): the state its first page step gets. */
export async function begunFullRun(world: ReturnType<typeof useCaseWorld>): Promise<RunState> {
  const event = {
    input: { mode: 'full', trigger: 'test', runId: 'full-test-r1' },
    executionName: 'full-test-r1-p1',
    executionArn: 'arn',
  } as const;
  return (await beginRun(world.deps.begin, event)) as RunState;
}
