// The streams the engine syncs, each with its own lease, checkpoint, run, quarantine, counter and copy. A stream
// brings its model and validation (here), its item mapping and its connector operations (adapters); the engine is
// the same for every stream.
import type { SyncRecord } from './record';

export const STREAM_NAMES = ['orders', 'products', 'customers'] as const;
export type StreamName = (typeof STREAM_NAMES)[number];

/** The stream's model as the engine uses it. */
export interface StreamModel<R extends SyncRecord = SyncRecord> {
  name: StreamName;
  /** One record as logs and errors name it: `order`, `product`, `customer`. */
  noun: string;
  /**
   * Checks one payload against the stream's rules (docs/source-contract.md) and normalises it; throws
   * InvalidRecordError naming the record id and the field. `raw` is the payload itself.
   */
  validate(input: unknown): R;
}

export function isStreamName(value: string): value is StreamName {
  return (STREAM_NAMES as readonly string[]).includes(value);
}
