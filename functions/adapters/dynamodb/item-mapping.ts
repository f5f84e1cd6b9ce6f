// What every stream's copy table shares: the version attributes a write is conditional on (the same for orders,
// products and customers), and the mapping a stream brings from its record to its item and back.
import type { SyncRecord } from '../../core/record';
import type { RecordWrite, StoredVersion } from '../../core/ports';

/** The attributes getVersions reads: enough to classify an incoming version (`deleted_at`: a tombstone's). */
export const VERSION_ATTRIBUTES = ['id', 'updated_at', 'deleted_at', 'write_tag', 'write_kind', 'digest', 'read_at', 'inferred'] as const;

/** The version attributes every live item carries, as a write sets them. */
export interface VersionAttributes {
  id: string;
  /** Fixed-width Instant: DynamoDB string comparison is instant comparison. */
  updated_at: string;
  synced_at: string;
  write_tag: string;
  write_kind: 'inserted' | 'updated';
  /** The digest of what the version holds: an equal updated_at with another digest is another version. */
  digest: string;
  /** When the version was read from the source (fixed-width Instant): of two with one updated_at, the later read wins. */
  read_at: string;
}

export function versionAttributes(write: RecordWrite): VersionAttributes {
  return {
    id: write.record.id,
    updated_at: write.record.updatedAt,
    synced_at: write.syncedAt,
    write_tag: write.writeTag,
    write_kind: write.kind,
    digest: write.digest,
    read_at: write.readAt,
  };
}

/**
 * A stream's item: the fields its contract names stored flat for a dashboard, the version attributes, and the raw
 * payload (raw-payload.ts). `Stored` is what the stream's readers (tests, the CLI, audits) get back.
 */
export interface ItemMapping<R extends SyncRecord, Stored = unknown> {
  /** The item a write puts. Throws when the record cannot be an item (`unstorable` says why first). */
  toItem(write: RecordWrite<R>): VersionAttributes;
  /** Why this record cannot be an item (too big for DynamoDB's 400 KB even compressed and trimmed), or null. */
  unstorable(record: R): string | null;
  /** A whole live item read back. */
  fromItem(item: Record<string, unknown>): Stored;
}

/** Read back the version attributes only (a projected BatchGet or Scan). */
export function itemToStoredVersion(item: Record<string, unknown>): StoredVersion {
  const stored = item as unknown as Pick<VersionAttributes, 'id' | 'updated_at' | 'write_tag' | 'write_kind'> &
    Partial<Pick<VersionAttributes, 'digest' | 'read_at'>> & { deleted_at?: string; inferred?: boolean };
  const deletedAt = stored.deleted_at ?? null;
  return {
    id: stored.id,
    // A tombstone's version is its deletion: only a version made after it may replace it (unless it was inferred).
    updatedAt: deletedAt ?? stored.updated_at,
    deletedAt,
    writeTag: stored.write_tag ?? null,
    writeKind: stored.write_kind ?? null,
    // Absent on a tombstone and on an item written before digests were kept.
    digest: stored.digest ?? null,
    readAt: stored.read_at ?? null,
    ...(stored.inferred === true ? { inferred: true } : {}),
  };
}
