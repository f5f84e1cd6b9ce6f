// Loaded in each function environment of the bench's local stack, before the handler: the same meters the runner
// process uses (DynamoDB calls and capacity, time per part), over the classes of that environment's own modules.
import { installDynamoMeter, Sections, type DynamoTally } from './instrument';
import { timeSyncParts } from './sync-parts';

/** What one environment counted since it started. */
export interface FunctionMeterSnapshot {
  dynamo: DynamoTally;
  partsMs: Record<string, number>;
}

const sections = new Sections();
const dynamo = installDynamoMeter();
timeSyncParts(sections);

export function snapshot(): FunctionMeterSnapshot {
  return { dynamo: dynamo.snapshot(), partsMs: sections.snapshot() };
}
