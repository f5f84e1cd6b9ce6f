// OrderSalesReader on the orders table: the version and the fields the daily sales read of up to a day's orders, in
// consistent BatchGetItem calls projected to those attributes (the recompute checks entries against them).
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { StoreWriteError } from '../../core/errors';
import type { SalesOrder } from '../../core/analytics/daily-sales';
import type { OrderSalesReader, StoredSales } from '../../core/ports';
import type { OrderItem } from './order-item';
import { chunk, DEFAULT_RETRY_POLICY, retryUnprocessed, type RetryPolicy } from './batching';
import { mapWithConcurrency } from '../../core/concurrency';
import { itemToStoredVersion, VERSION_ATTRIBUTES } from './item-mapping';
import { projection } from './record-store';

const BATCH_GET_MAX_KEYS = 100;
/** Chunks in flight at once: a busy day names a few thousand orders. */
const READ_CONCURRENCY = 4;

const SALES_ATTRIBUTES = [
  ...VERSION_ATTRIBUTES,
  'currency',
  'status',
  'created_at',
  'cancelled_at',
  'subtotal_price',
  'total_tax',
  'total_discounts',
  'total_shipping',
  'refunds',
] as const;

type Key = { id: string };

function salesOrderOf(item: Partial<OrderItem>): SalesOrder {
  return {
    currency: item.currency!,
    status: item.status as SalesOrder['status'],
    createdAt: item.created_at!,
    cancelledAt: item.cancelled_at ?? null,
    subtotalPrice: item.subtotal_price!,
    totalTax: item.total_tax!,
    totalDiscounts: item.total_discounts ?? null,
    totalShipping: item.total_shipping ?? null,
    refunds: (item.refunds ?? []).map((r) => ({ id: r.id, createdAt: r.created_at ?? null, amount: r.amount })),
  };
}

export function itemToStoredSales(item: Record<string, unknown>): StoredSales {
  const { updatedAt, deletedAt, readAt, inferred } = itemToStoredVersion(item);
  return {
    version: { updatedAt, deletedAt, readAt, ...(inferred ? { inferred } : {}) },
    order: deletedAt === null ? salesOrderOf(item as Partial<OrderItem>) : null,
  };
}

export class DynamoOrderSalesReader implements OrderSalesReader {
  private readonly retry: RetryPolicy;

  constructor(private readonly options: { client: Pick<DynamoDBDocumentClient, 'send'>; tableName: string; retry?: Partial<RetryPolicy> }) {
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  }

  async salesOf(ids: readonly string[]): Promise<Map<string, StoredSales>> {
    const { tableName } = this.options;
    const keys = [...new Set(ids)].map((id): Key => ({ id }));
    const found = new Map<string, StoredSales>();
    const left = await mapWithConcurrency(chunk(keys, BATCH_GET_MAX_KEYS), READ_CONCURRENCY, (keysOfChunk) =>
      retryUnprocessed(
        keysOfChunk,
        async (pending) => {
          const answer = await this.options.client.send(
            new BatchGetCommand({
              RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true, ...projection(SALES_ATTRIBUTES) } },
            }),
          );
          for (const item of answer.Responses?.[tableName] ?? []) found.set(String(item.id), itemToStoredSales(item));
          return (answer.UnprocessedKeys?.[tableName]?.Keys ?? []) as Key[];
        },
        this.retry,
      ),
    );
    const leftCount = left.reduce((sum, keysLeft) => sum + keysLeft.length, 0);
    if (leftCount > 0) {
      throw new StoreWriteError(`${leftCount} of ${keys.length} orders' sales could not be read from ${tableName}: left unprocessed`);
    }
    return found;
  }
}
