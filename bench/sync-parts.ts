// The parts of a step the bench times, one list for the runner process and every function environment: the source,
// the orders store, reconciliation's own calls apart (what it adds to a full resync), and the sync-state store.
import { DynamoRecordStore } from '../functions/adapters/dynamodb/record-store';
import { DynamoSyncStateStore } from '../functions/adapters/dynamodb/sync-state-store';
import { HttpSource } from '../functions/adapters/source/http-source';
import { timeMethods, type Sections } from './instrument';

/** Wraps the classes' methods so each call is timed under its part; answers what undoes it. */
export function timeSyncParts(sections: Sections): () => void {
  const undo = [
    timeMethods(sections, 'source', HttpSource.prototype, ['fetchPage', 'count', 'fetchDeleted']),
    timeMethods(sections, 'orders store', DynamoRecordStore.prototype, ['getVersions', 'putRecords', 'putTombstones']),
    timeMethods(sections, 'reconcile scan', DynamoRecordStore.prototype, ['scanUnwritten']),
    timeMethods(sections, 'existence checks', HttpSource.prototype, ['existing']),
    timeMethods(sections, 'sync-state store', DynamoSyncStateStore.prototype, [
      'get',
      'acquireLease',
      'releaseLease',
      'claim',
      'saveProgress',
      'commit',
      'recordFailure',
    ]),
  ];
  return () => undo.forEach((restore) => restore());
}
