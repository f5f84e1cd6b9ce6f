// Chunking and the retry of unprocessed items that the batch calls share.
import { StoreWriteError } from '../../core/errors';
import { backoffDelayMs, type BackoffSettings } from '../backoff';

/** How a chunk is retried: the adapters' one backoff (full jitter, so chunks throttled together do not come back together). */
export interface RetryPolicy extends BackoffSettings {
  /** Calls per chunk, the first one included. */
  maxAttempts: number;
}

/** About 10 s of retrying in the worst case: far inside a page step's Lambda time, long enough for DynamoDB throttling to pass. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 10, baseMs: 50, capMs: 2_000 };

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/**
 * Send `pending`, then what the answer says was left unprocessed, with backoff, until nothing is left or
 * the attempts are used up. Returns what was still left (empty on success).
 */
export async function retryUnprocessed<T>(
  pending: T[],
  send: (batch: T[]) => Promise<T[]>,
  policy: RetryPolicy,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<T[]> {
  let left = pending;
  for (let attempt = 1; left.length > 0 && attempt <= policy.maxAttempts; attempt++) {
    if (attempt > 1) await sleep(backoffDelayMs(attempt - 1, policy));
    left = await send(left);
  }
  return left;
}

const THROTTLING_ERROR_NAMES = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded']);

/**
 * Whether a DynamoDB call failed for a reason that passes (throttling that outlasted the SDK's own retries,
 * a 5xx, the network): such failures become StoreWriteError so the state machine retries the step.
 */
export function isTransientDynamoError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const sdkError = error as Error & { $fault?: string; $metadata?: { httpStatusCode?: number } };
  if (THROTTLING_ERROR_NAMES.has(error.name)) return true;
  if (sdkError.$fault === 'server') return true;
  // No answer from the service at all (reset, timeout): the request may be sent again. The SDK's retry step puts
  // `$metadata` (attempts, delay) on every error, so only a missing HTTP status says nothing came back.
  return (
    sdkError.$metadata?.httpStatusCode === undefined &&
    /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|socket hang up|TimeoutError/i.test(`${error.name} ${error.message}`)
  );
}

/** Runs one call on `tableName`; a transient failure becomes StoreWriteError (retryable), anything else passes as is. */
export async function retryableOnTransient<R>(tableName: string, doing: string, call: () => Promise<R>): Promise<R> {
  try {
    return await call();
  } catch (error) {
    if (!isTransientDynamoError(error)) throw error;
    const { name, message } = error as Error;
    throw new StoreWriteError(`${doing} in ${tableName} failed: ${name}: ${message}`, { cause: error });
  }
}

/** One conditional write; false when its condition refused it. */
export async function refusedAsFalse(call: () => Promise<unknown>): Promise<boolean> {
  try {
    await call();
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}
