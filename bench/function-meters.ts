// Loaded in each function environment of the bench's local stack, before the handler: the same meters the runner
// process uses (DynamoDB calls and capacity, time per part), over the classes of that environment's own modules.
import { DynamoOrderStore } from '../functions/adapters/dynamodb/order-store';
import { DynamoSyncStateStore } from '../functions/adapters/dynamodb/sync-state-store';
import { HttpOrdersSource } from '../functions/adapters/source/http-orders-source';
import { installDynamoMeter, Sections, timeMethods, type DynamoTally } from './instrument';

/** What one environment counted since it started. */
export interface FunctionMeterSnapshot {
  dynamo: DynamoTally;
  partsMs: Record<string, number>;
}

const sections = new Sections();
const dynamo = installDynamoMeter();
timeMethods(sections, 'source', HttpOrdersSource.prototype, ['fetchPage', 'count']);
timeMethods(sections, 'orders store', DynamoOrderStore.prototype, ['getVersions', 'putOrders']);
timeMethods(sections, 'sync-state store', DynamoSyncStateStore.prototype, [
  'get',
  'acquireLease',
  'releaseLease',
  'claimPage',
  'saveProgress',
  'commit',
  'recordFailure',
]);

export function snapshot(): FunctionMeterSnapshot {
  return { dynamo: dynamo.snapshot(), partsMs: sections.snapshot() };
}
