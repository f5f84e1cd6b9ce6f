// The sync-state table's item, one per stream: the camelCase run vocabulary (core/run-types.ts) stored as
// snake_case maps. The one place where the two spellings meet.
import { withPosition, type SavedProgress } from '../../core/run-position';
import type { Checkpoint, Lease, ParkedRun, RunOutcome, RunProgress, SyncState } from '../../core/run-types';

/** Top-level attributes of a stream's item. */
export const SYNC_ATTRIBUTES = {
  stream: 'stream',
  checkpoint: 'checkpoint',
  lease: 'lease',
  run: 'run',
  lastRun: 'last_run',
  orderCount: 'order_count',
  /** The ids the step in flight claimed before writing (a string set), cleared once that step's result is saved. */
  pendingIds: 'pending_ids',
  /** Of those, the ids whose insert the order counter holds already (a string set; a resumed parked run's). */
  settledIds: 'settled_ids',
  /** The unfinished full resync parked beside the run slot: `{run, pending_ids, settled_ids}` (lists of ids). */
  parked: 'parked',
  /** The zone the orders stream's daily sales are counted in (a string; absent: none built yet). */
  salesZone: 'sales_zone',
} as const;

/** Stored as snake_case: `expiresAt` → `expires_at`, `maxRecordTime` → `max_record_time`. */
export function snakeName(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

function camelName(name: string): string {
  return name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/**
 * The run types hold only plain records, strings, numbers, booleans and null, so renaming keys deeply is
 * the whole mapping; `undefined` (an absent `error`) is dropped by the document client.
 */
function renameKeys(value: unknown, rename: (name: string) => string): unknown {
  if (Array.isArray(value)) return value.map((element) => renameKeys(element, rename));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [rename(key), renameKeys(inner, rename)]));
}

type Stored = Record<string, unknown>;

export const leaseToItem = (lease: Lease): Stored => renameKeys(lease, snakeName) as Stored;
export const checkpointToItem = (checkpoint: Checkpoint): Stored => renameKeys(checkpoint, snakeName) as Stored;
export const runToItem = (run: RunProgress): Stored => renameKeys(run, snakeName) as Stored;
export const outcomeToItem = (outcome: RunOutcome): Stored => renameKeys(outcome, snakeName) as Stored;
export const parkedToItem = (parked: ParkedRun): Stored => renameKeys(parked, snakeName) as Stored;

/** A stream's state from its item; a stream never seen (no item) has nulls and a zero count. */
export function itemToSyncState(stream: string, item: Stored | undefined): SyncState {
  const attribute = <T>(name: string): T | null => (item?.[name] == null ? null : (renameKeys(item[name], camelName) as T));
  return {
    stream,
    checkpoint: attribute<Checkpoint>(SYNC_ATTRIBUTES.checkpoint),
    lease: attribute<Lease>(SYNC_ATTRIBUTES.lease),
    run: progressOf(attribute<SavedProgress>(SYNC_ATTRIBUTES.run)),
    lastRun: attribute<RunOutcome>(SYNC_ATTRIBUTES.lastRun),
    orderCount: Number(item?.[SYNC_ATTRIBUTES.orderCount] ?? 0),
    pendingIds: idSetOf(item, SYNC_ATTRIBUTES.pendingIds),
    settledIds: idSetOf(item, SYNC_ATTRIBUTES.settledIds),
    parked: parkedOf(attribute<ParkedRun>(SYNC_ATTRIBUTES.parked)),
    ...(typeof item?.[SYNC_ATTRIBUTES.salesZone] === 'string' ? { salesZone: item[SYNC_ATTRIBUTES.salesZone] as string } : {}),
  };
}

/** A saved run, given its position when it was saved before the position existed (a stack updated mid-run). */
const progressOf = (run: SavedProgress | null): RunProgress | null => run && withPosition(run);
const parkedOf = (parked: (Omit<ParkedRun, 'run'> & { run: SavedProgress }) | null): ParkedRun | null =>
  parked && { ...parked, run: withPosition(parked.run) };

/** A set of record ids (a string set; absent when empty, as DynamoDB stores no empty set). */
function idSetOf(item: Stored | undefined, name: string): string[] {
  const ids = item?.[name];
  return ids instanceof Set ? [...(ids as Set<string>)] : [];
}
