// Faults injected where the functions' DynamoDB calls arrive (the IAM-checking proxy): a chosen call fails with a
// chosen error, as DynamoDB answers an error, whichever process or worker thread made it. Tests use it for a step
// that dies at a given write (its Lambda crashed or timed out there). Checked after IAM: a denied call stays denied.
import { unmarshall } from '@aws-sdk/util-dynamodb';

/** A DynamoDB call as the proxy received it: the operation and its request, attribute values as plain data. */
export interface DynamoCall {
  operation: string;
  request: Record<string, unknown>;
  /** The request's ExpressionAttributeValues, unmarshalled (`{}` when it has none). */
  values: Record<string, unknown>;
}

export interface DynamoFault {
  /** Which calls fail. */
  matches(call: DynamoCall): boolean;
  /** The error's name (DynamoDB's `__type`), which the caller's SDK gives the error it throws. */
  errorName: string;
  message: string;
  /** Runs before the failing answer (say, the source changes while the step is down). Once, on the first match. */
  before?: () => void | Promise<void>;
  /** How many matching calls fail (default 1). */
  times?: number;
}

/** The faults of one local DynamoDB endpoint: added by tests, taken by the proxy. */
export class DynamoFaults {
  private readonly active = new Set<{ fault: DynamoFault; left: number; fired: boolean }>();

  /** Arms `fault`; the returned function disarms it. */
  add(fault: DynamoFault): () => void {
    const entry = { fault, left: fault.times ?? 1, fired: false };
    this.active.add(entry);
    return () => void this.active.delete(entry);
  }

  /** The fault this call meets, if any (counted as used), after running its `before` the first time. */
  async take(operation: string, request: Record<string, unknown>): Promise<DynamoFault | undefined> {
    if (this.active.size === 0) return undefined;
    const call: DynamoCall = { operation, request, values: valuesOf(request) };
    for (const entry of this.active) {
      if (!entry.fault.matches(call)) continue;
      entry.left -= 1;
      if (entry.left <= 0) this.active.delete(entry);
      if (!entry.fired) {
        entry.fired = true;
        await entry.fault.before?.();
      }
      return entry.fault;
    }
    return undefined;
  }
}

function valuesOf(request: Record<string, unknown>): Record<string, unknown> {
  const values = request.ExpressionAttributeValues;
  return values && typeof values === 'object' ? unmarshall(values as Parameters<typeof unmarshall>[0]) : {};
}
