// A deleted order's item in the orders table (docs/design.md "Deletions"): its id, when it was deleted, and the
// write's metadata; none of the fields a dashboard reads as an order (no status, no money, no updated_at).
import type { TombstoneWrite } from '../../core/ports';

export interface TombstoneItem {
  id: string;
  /** Fixed-width Instant, as updated_at on a live order. */
  deleted_at: string;
  synced_at: string;
  write_tag: string;
  write_kind: TombstoneWrite['kind'];
  /** Inferred by reconciliation: a page that sees the order live replaces it (order-store.ts WRITE_OVER_NOTHING). */
  inferred?: true;
}

export function tombstoneToItem(write: TombstoneWrite): TombstoneItem {
  return {
    id: write.id,
    deleted_at: write.deletedAt,
    synced_at: write.syncedAt,
    write_tag: write.writeTag,
    write_kind: write.kind,
    ...(write.inferred ? { inferred: true as const } : {}),
  };
}

/** A tombstone as readers (tests, audits) see it. */
export interface StoredTombstone {
  id: string;
  deletedAt: string;
  syncedAt: string;
  writeTag: string | null;
}

export function itemToStoredTombstone(item: Record<string, unknown>): StoredTombstone {
  const stored = item as unknown as Partial<TombstoneItem> & { id: string; deleted_at: string };
  return { id: stored.id, deletedAt: stored.deleted_at, syncedAt: stored.synced_at ?? '', writeTag: stored.write_tag ?? null };
}
