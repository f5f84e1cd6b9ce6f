// The shared send slots (adapters/source/send-slots.ts) as one item of the sync-state table, under a key no stream
// can have: `next_at` the next free send time, `spacing_ms` the budget's spacing last learnt. Two conditional
// updates at most per request: take the slot now when it is free, else queue behind the last reserved one.
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SendSlots } from '../source/send-slots';
import { SYNC_ATTRIBUTES } from './sync-state-item';

/** Not a stream name (those are lower-case words), so never a stream's state. */
export const SEND_SLOTS_KEY = '#source-send-slots';
/**
 * The spacing of a client that has not learnt the budget when no client has stored one (a first cold start): one
 * request a second, until the first answer's X-RateLimit headers teach the real budget.
 */
export const UNKNOWN_BUDGET_SPACING_MS = 1000;
/** Each attempt is two updates; a slot another client took between them is retried, never waited on. */
const ATTEMPTS_MAX = 20;

export interface DynamoSendSlotsOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
}

export class DynamoSendSlots implements SendSlots {
  constructor(private readonly options: DynamoSendSlotsOptions) {}

  async reserve(nowMs: number, spacingMs: number | null): Promise<number> {
    const spacing = spacingMs === null ? 'if_not_exists(spacing_ms, :unknown)' : ':spacing';
    const values = { ':now': nowMs, ...(spacingMs === null ? { ':unknown': UNKNOWN_BUDGET_SPACING_MS } : { ':spacing': spacingMs }) };
    const keep = spacingMs === null ? '' : ', spacing_ms = :spacing';
    for (let attempt = 0; attempt < ATTEMPTS_MAX; attempt++) {
      if (await this.update(`SET next_at = :now + ${spacing}${keep}`, 'attribute_not_exists(next_at) OR next_at <= :now', values)) {
        return nowMs;
      }
      const queued = await this.update(`SET next_at = next_at + ${spacing}${keep}`, 'next_at > :now', values);
      if (queued) return queued.next_at as number;
    }
    throw new Error(`no send slot after ${ATTEMPTS_MAX} attempts: the slots item changed under every one`);
  }

  /** The update, or null when its condition failed; on success the item's attributes before it. */
  private async update(expression: string, condition: string, values: Record<string, number>): Promise<Record<string, unknown> | null> {
    try {
      const out = await this.options.client.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: { [SYNC_ATTRIBUTES.stream]: SEND_SLOTS_KEY },
          UpdateExpression: expression,
          ConditionExpression: condition,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_OLD',
        }),
      );
      return out.Attributes ?? {};
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return null;
      throw error;
    }
  }
}
