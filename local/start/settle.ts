// The run a stopped local stack left in flight, settled (interrupted-run.ts) through the stack's DynamoDB API: at
// start (the last session was killed) and at Ctrl-C (after the executions stopped).
import { createDocumentClient } from '../../functions/adapters/dynamodb/client';
import { DynamoSyncStateStore } from '../../functions/adapters/dynamodb/sync-state-store';
import { SETTINGS } from '../../functions/settings';
import type { CloudFormationTemplate } from '../../infra/synth';
import { settleInterruptedRun, type SettledRun } from '../aws/interrupted-run';
import type { LocalStack } from '../aws/stack';
import { LOCAL_REGION } from '../cli/common';

export async function settleStackRun(stack: LocalStack, why: string): Promise<SettledRun | null> {
  const client = createDocumentClient({ region: LOCAL_REGION, endpoint: stack.dynamodbEndpoint });
  try {
    const store = new DynamoSyncStateStore({ client, tableName: stack.tables.syncStateTable });
    return await settleInterruptedRun(store, streamOf(stack.template), Date.now(), why);
  } finally {
    client.destroy();
  }
}

/** The stream the template's functions sync (their STREAM), or the setting's default. */
export function streamOf(template: CloudFormationTemplate): string {
  for (const resource of Object.values(template.Resources ?? {})) {
    const stream = (resource as { Properties?: { Environment?: { Variables?: Record<string, unknown> } } }).Properties?.Environment
      ?.Variables?.[SETTINGS.stream.env];
    if (typeof stream === 'string') return stream;
  }
  return SETTINGS.stream.default;
}
