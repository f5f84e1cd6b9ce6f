// What the sync engine knows of any record it copies (an order, a product, a customer): its id, the instant its
// version was made, and the payload exactly as the source sent it. A stream's model adds its own fields.
import type { Instant } from './order';

export interface SyncRecord {
  /** Unique and stable within the stream: the copy's key. */
  id: string;
  /** When the source made this version: what windows filter and what tells a newer version from an older one. */
  updatedAt: Instant;
  /** The source's payload exactly as received, unknown fields included. */
  raw: Record<string, unknown>;
}
