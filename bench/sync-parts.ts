// The parts of a step the bench times, one list for the runner process and every function environment: the source,
// the orders store, reconciliation's own calls apart (what it adds to a full resync), and the sync-state store.
import { DynamoOrderStore } from '../functions/adapters/dynamodb/order-store';
import { DynamoSyncStateStore } from '../functions/adapters/dynamodb/sync-state-store';
import { HttpOrdersSource } from '../functions/adapters/source/http-orders-source';
import { timeMethods, type Sections } from './instrument';

/** Wraps the classes' methods so each call is timed under its part; answers what undoes it. */
export function timeSyncParts(sections: Sections): () => void {
  const undo = [
    timeMethods(sections, 'source', HttpOrdersSource.prototype, ['fetchPage', 'count', 'fetchDeleted']),
    timeMethods(sections, 'orders store', DynamoOrderStore.prototype, ['getVersions', 'putOrders', 'putTombstones']),
    timeMethods(sections, 'reconcile scan', DynamoOrderStore.prototype, ['scanUnwritten']),
    timeMethods(sections, 'existence checks', HttpOrdersSource.prototype, ['existing']),
    timeMethods(sections, 'sync-state store', DynamoSyncStateStore.prototype, [
      'get',
      'acquireLease',
      'releaseLease',
      'claimPage',
      'saveProgress',
      'commit',
      'recordFailure',
    ]),
  ];
  return () => undo.forEach((restore) => restore());
}
