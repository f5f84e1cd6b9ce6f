// One order version's part of one day's sales, as kept per order and day so that a day's figures can be recomputed
// from its entries alone; and the version rule that lets a newer entry replace an older one, never the reverse.
// Design: docs/design.md "Daily sales".
import type { Instant } from '../order';
import type { DayFigures, SalesOrder } from './daily-sales';
import { contributionOf } from './daily-sales';
import type { LocalDay } from './local-day';

/**
 * The order version an entry is of, ordered as the orders table orders its items: by `updatedAt` (a deletion's
 * `deleted_at` for a deleted order), then by read time for two versions of one second.
 */
export interface SalesVersion {
  updatedAt: Instant;
  /** Set when the order is deleted (then `updatedAt` is the same instant). */
  deletedAt: Instant | null;
  /** When the version was read from the source; null for a deletion and for an item stored before read times. */
  readAt: Instant | null;
  /** A deletion inferred by reconciliation: any live version replaces it. */
  inferred?: boolean;
}

/** One currency's figures on one day. */
export interface DayPart {
  currency: string;
  figures: DayFigures;
}

export interface SalesEntry {
  day: LocalDay;
  orderId: string;
  /** What the version adds to the day; null: nothing (it no longer touches the day, or the order is deleted). */
  part: DayPart | null;
  version: SalesVersion;
  /** The write that put the entry (`${runId}#${step}`): a retried step recognises its own. */
  writeTag: string;
}

/**
 * Whether an entry of `incoming` may replace one of `stored`: a live version replaces an older live one (or one of
 * the same second read no later: a rewrite of the same version is harmless), or a deletion made before it (or
 * inferred); a deletion replaces a live version not newer than itself, or a deletion not later than itself. The
 * DynamoDB store's condition expression says the same (test/integration/daily-sales-store.test.ts runs both).
 */
export function entryReplaces(incoming: SalesVersion, stored: SalesVersion): boolean {
  if (incoming.deletedAt !== null) return stored.updatedAt <= incoming.deletedAt;
  if (stored.deletedAt !== null) return stored.deletedAt < incoming.updatedAt || stored.inferred === true;
  if (stored.updatedAt !== incoming.updatedAt) return stored.updatedAt < incoming.updatedAt;
  return stored.readAt === null || (incoming.readAt !== null && stored.readAt <= incoming.readAt);
}

export function sameVersion(a: SalesVersion, b: SalesVersion): boolean {
  return (
    a.updatedAt === b.updatedAt && a.deletedAt === b.deletedAt && a.readAt === b.readAt && (a.inferred ?? false) === (b.inferred ?? false)
  );
}

export function samePart(a: DayPart | null, b: DayPart | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.currency === b.currency && (Object.keys(a.figures) as Array<keyof DayFigures>).every((name) => a.figures[name] === b.figures[name])
  );
}

/** What an order version (null: deleted or absent) adds to one day. */
export function dayPartOf(order: SalesOrder | null, day: LocalDay, zone: string): DayPart | null {
  const found = contributionOf(order, zone).find((sales) => sales.day === day);
  return found ? { currency: found.currency, figures: found.figures } : null;
}

/**
 * The entries a write puts before its order: one per day the version adds to, and an empty one for each day the
 * version it replaces added to and this one does not (for a deletion, `order` null: an empty one for each of them),
 * so the replaced version's entries cannot go on counting.
 */
export function salesEntriesOf(
  write: { orderId: string; order: SalesOrder | null; version: SalesVersion; writeTag: string },
  replacedDays: readonly LocalDay[],
  zone: string,
): SalesEntry[] {
  const { orderId, version, writeTag } = write;
  const entries: SalesEntry[] = contributionOf(write.order, zone).map(({ day, currency, figures }) => ({
    day,
    orderId,
    part: { currency, figures },
    version,
    writeTag,
  }));
  const days = new Set(entries.map((entry) => entry.day));
  for (const day of new Set(replacedDays)) if (!days.has(day)) entries.push({ day, orderId, part: null, version, writeTag });
  return entries;
}
