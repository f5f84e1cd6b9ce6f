// The run a stopped local stack left in flight, settled (interrupted-run.ts) through the stack's DynamoDB API: at
// start (the last session was killed) and at Ctrl-C (after the executions stopped).
import { createDocumentClient } from '../../functions/adapters/dynamodb/client';
import { DynamoSyncStateStore } from '../../functions/adapters/dynamodb/sync-state-store';
import type { StreamName } from '../../functions/core/stream';
import { readSetting, SETTINGS } from '../../functions/settings';
import type { CloudFormationTemplate } from '../../infra/synth';
import { settleInterruptedRun, type SettledRun } from '../aws/interrupted-run';
import type { LocalStack } from '../aws/stack';
import { LOCAL_REGION } from '../cli/common';

export async function settleStackRun(stack: LocalStack, why: string): Promise<SettledRun | null> {
  const client = createDocumentClient({ region: LOCAL_REGION, endpoint: stack.dynamodbEndpoint });
  try {
    const store = new DynamoSyncStateStore({ client, tableName: stack.tables.syncStateTable });
    let settled: SettledRun | null = null;
    for (const stream of streamsOf(stack.template)) settled = (await settleInterruptedRun(store, stream, Date.now(), why)) ?? settled;
    return settled;
  } finally {
    client.destroy();
  }
}

/** The streams the template's functions sync (their STREAMS), or the setting's default. */
export function streamsOf(template: CloudFormationTemplate): StreamName[] {
  for (const resource of Object.values(template.Resources ?? {})) {
    const streams = (resource as { Properties?: { Environment?: { Variables?: Record<string, unknown> } } }).Properties?.Environment
      ?.Variables?.[SETTINGS.streams.env];
    if (typeof streams === 'string') {
      const read = readSetting(SETTINGS.streams, streams, SETTINGS.streams.env);
      if (read.ok) return read.value;
    }
  }
  return SETTINGS.streams.default;
}
