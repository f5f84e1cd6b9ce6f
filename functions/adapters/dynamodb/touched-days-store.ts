// TouchedDaysStore on the sync-state table: one attribute per touched day on the stream's item (`sales_touched#<day>`,
// a counter), since DynamoDB's ADD creates a top-level attribute but not a key of a map that does not exist yet. The
// sync-state store's writes SET their own attributes only, so these survive them.
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LocalDay } from '../../core/analytics/local-day';
import type { TouchedDaysStore } from '../../core/ports';
import { refusedAsFalse } from './batching';
import { SYNC_ATTRIBUTES } from './sync-state-item';

const PREFIX = 'sales_touched#';
/**
 * Days one settling write removes: each write rewrites the whole item (its write units grow with the days it holds),
 * so a day at a time cost a step's days times the item; 50 keep both expressions well under DynamoDB's 4 KB.
 */
const DAYS_PER_SETTLE = 50;

export class DynamoTouchedDaysStore implements TouchedDaysStore {
  constructor(private readonly options: { client: Pick<DynamoDBDocumentClient, 'send'>; tableName: string }) {}

  async touch(stream: string, days: readonly LocalDay[]): Promise<void> {
    const unique = [...new Set(days)];
    if (unique.length === 0) return;
    await this.options.client.send(
      new UpdateCommand({
        TableName: this.options.tableName,
        Key: { [SYNC_ATTRIBUTES.stream]: stream },
        UpdateExpression: `ADD ${unique.map((_, i) => `#d${i} :one`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(unique.map((day, i) => [`#d${i}`, `${PREFIX}${day}`])),
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
  }

  async touched(stream: string): Promise<Map<LocalDay, number>> {
    const answer = await this.options.client.send(
      new GetCommand({ TableName: this.options.tableName, Key: { [SYNC_ATTRIBUTES.stream]: stream }, ConsistentRead: true }),
    );
    const days = Object.entries(answer.Item ?? {})
      .filter(([name]) => name.startsWith(PREFIX))
      .map(([name, counter]): [LocalDay, number] => [name.slice(PREFIX.length), Number(counter)]);
    return new Map(days.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  async settleDays(stream: string, counters: ReadonlyArray<readonly [LocalDay, number]>): Promise<LocalDay[]> {
    const left: LocalDay[] = [];
    for (let start = 0; start < counters.length; start += DAYS_PER_SETTLE) {
      const chunk = counters.slice(start, start + DAYS_PER_SETTLE);
      if (await this.settleAll(stream, chunk)) continue;
      // One of them moved (a write touched it meanwhile): the others are settled one by one.
      for (const [day, counter] of chunk) if (!(await this.settle(stream, day, counter))) left.push(day);
    }
    return left;
  }

  /** Removes every day of `chunk` in one write, on condition none moved. */
  private settleAll(stream: string, chunk: ReadonlyArray<readonly [LocalDay, number]>): Promise<boolean> {
    return refusedAsFalse(() =>
      this.options.client.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: { [SYNC_ATTRIBUTES.stream]: stream },
          UpdateExpression: `REMOVE ${chunk.map((_, i) => `#d${i}`).join(', ')}`,
          ConditionExpression: chunk.map((_, i) => `#d${i} = :c${i}`).join(' AND '),
          ExpressionAttributeNames: Object.fromEntries(chunk.map(([day], i) => [`#d${i}`, `${PREFIX}${day}`])),
          ExpressionAttributeValues: Object.fromEntries(chunk.map(([, counter], i) => [`:c${i}`, counter])),
        }),
      ),
    );
  }

  settle(stream: string, day: LocalDay, counter: number): Promise<boolean> {
    return this.settleAll(stream, [[day, counter]]);
  }
}
