// What the bench counts in the runner process: DynamoDB calls with the capacity units DynamoDB would charge
// (dynalite computes them when a request asks with ReturnConsumedCapacity), time spent per part (source, orders
// store, sync-state store), and Lambda-step invocations with their durations. Every wrapper calls straight
// through to the real code; nothing is replaced.
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { performance } from 'node:perf_hooks';
import type { InvokeHooks } from '../local/aws/state-machine/task-bindings';

const READ_COMMANDS = new Set(['GetCommand', 'BatchGetCommand', 'QueryCommand', 'ScanCommand']);
const WRITE_COMMANDS = new Set(['PutCommand', 'UpdateCommand', 'DeleteCommand', 'BatchWriteCommand']);

export interface DynamoTally {
  /** Calls per command name (BatchWriteCommand, GetCommand, ...). */
  calls: Record<string, number>;
  /** Read and write capacity units as on-demand DynamoDB would bill them (RRU, WRU), per table. */
  readUnits: Record<string, number>;
  writeUnits: Record<string, number>;
  /** Items put (PutItem, BatchWriteItem), keys asked by BatchGetItem. */
  itemsWritten: number;
  keysRead: number;
}

export function emptyTally(): DynamoTally {
  return { calls: {}, readUnits: {}, writeUnits: {}, itemsWritten: 0, keysRead: 0 };
}

export function totalUnits(units: Record<string, number>): number {
  return Object.values(units).reduce((sum, value) => sum + value, 0);
}

/** a - b, field by field. */
export function tallySince(now: DynamoTally, before: DynamoTally): DynamoTally {
  const minus = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(
      Object.entries(a)
        .map(([key, value]) => [key, value - (b[key] ?? 0)])
        .filter(([, value]) => value !== 0),
    );
  return {
    calls: minus(now.calls, before.calls),
    readUnits: minus(now.readUnits, before.readUnits),
    writeUnits: minus(now.writeUnits, before.writeUnits),
    itemsWritten: now.itemsWritten - before.itemsWritten,
    keysRead: now.keysRead - before.keysRead,
  };
}

function cloneTally(tally: DynamoTally): DynamoTally {
  return { ...tally, calls: { ...tally.calls }, readUnits: { ...tally.readUnits }, writeUnits: { ...tally.writeUnits } };
}

type Capacity = { TableName?: string; CapacityUnits?: number };

export interface DynamoMeter {
  snapshot(): DynamoTally;
  uninstall(): void;
}

/**
 * Wraps the document client's `send` (every store in this process goes through one): asks for the consumed
 * capacity on each read and write, and adds it up. One meter per process at a time.
 */
export function installDynamoMeter(): DynamoMeter {
  const prototype = DynamoDBDocumentClient.prototype as unknown as { send: (...args: unknown[]) => Promise<unknown> };
  const hadOwn = Object.prototype.hasOwnProperty.call(prototype, 'send');
  const original = prototype.send;
  const tally = emptyTally();
  prototype.send = async function send(this: unknown, ...args: unknown[]) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any SDK command input
    const command = args[0] as { constructor: { name: string }; input?: Record<string, any> };
    const name = command?.constructor?.name ?? 'unknown';
    const isRead = READ_COMMANDS.has(name);
    const isWrite = WRITE_COMMANDS.has(name);
    if ((isRead || isWrite) && command.input && command.input.ReturnConsumedCapacity === undefined) {
      command.input.ReturnConsumedCapacity = 'TOTAL';
    }
    const output = (await original.apply(this, args)) as { ConsumedCapacity?: Capacity | Capacity[] };
    tally.calls[name] = (tally.calls[name] ?? 0) + 1;
    // The orders store's conditional writes; the sync-state store writes with UpdateItem only.
    if (name === 'PutCommand') tally.itemsWritten += 1;
    if (name === 'BatchWriteCommand') {
      for (const requests of Object.values(command.input?.RequestItems ?? {})) tally.itemsWritten += (requests as unknown[]).length;
    }
    if (name === 'BatchGetCommand') {
      for (const request of Object.values(command.input?.RequestItems ?? {}))
        tally.keysRead += ((request as { Keys: unknown[] }).Keys ?? []).length;
    }
    const consumed = output?.ConsumedCapacity;
    const target = isRead ? tally.readUnits : isWrite ? tally.writeUnits : undefined;
    if (target && consumed) {
      for (const { TableName, CapacityUnits } of Array.isArray(consumed) ? consumed : [consumed]) {
        const table = TableName ?? '?';
        target[table] = (target[table] ?? 0) + (CapacityUnits ?? 0);
      }
    }
    return output;
  };
  return {
    snapshot: () => cloneTally(tally),
    uninstall() {
      if (hadOwn) prototype.send = original;
      else delete (prototype as { send?: unknown }).send;
    },
  };
}

/** Milliseconds spent per part, measured around calls; a call nested in one of the same part counts once. */
export class Sections {
  private readonly totals = new Map<string, number>();
  private readonly depth = new Map<string, number>();

  async time<T>(part: string, call: () => Promise<T>): Promise<T> {
    const depth = this.depth.get(part) ?? 0;
    this.depth.set(part, depth + 1);
    const startedAt = performance.now();
    try {
      return await call();
    } finally {
      this.depth.set(part, depth);
      if (depth === 0) this.add(part, performance.now() - startedAt);
    }
  }

  add(part: string, ms: number): void {
    this.totals.set(part, (this.totals.get(part) ?? 0) + ms);
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.totals);
  }
}

/** Times every call of the named methods of a class (its prototype) as `part`; returns the undo. */
export function timeMethods(sections: Sections, part: string, prototype: object, methods: readonly string[]): () => void {
  const originals = methods.map((method) => {
    const original = (prototype as Record<string, unknown>)[method];
    if (typeof original !== 'function') throw new Error(`no method ${method} to time`);
    (prototype as Record<string, unknown>)[method] = function timed(this: unknown, ...args: unknown[]) {
      return sections.time(part, () => (original as (...a: unknown[]) => Promise<unknown>).apply(this, args));
    };
    return [method, original] as const;
  });
  return () => {
    for (const [method, original] of originals) (prototype as Record<string, unknown>)[method] = original;
  };
}

export interface InvocationTally {
  /** Invocations per function (begin, sync-page, commit, ..., and the trigger functions). */
  count: Record<string, number>;
  /** Billed duration per function: each invocation rounded up to the millisecond, as Lambda bills. */
  billedMs: Record<string, number>;
}

export interface InvocationMeter {
  /** For startLocalStack: times each Lambda-step invocation. */
  hooks: InvokeHooks;
  /** An invocation made outside the state machine (the schedule's or the API's trigger function). */
  record(functionName: string, ms: number): void;
  snapshot(): InvocationTally;
}

export function invocationMeter(sections?: Sections): InvocationMeter {
  const count: Record<string, number> = {};
  const billedMs: Record<string, number> = {};
  const startedAt = new Map<string, number>();
  const record = (functionName: string, ms: number, part: string) => {
    count[functionName] = (count[functionName] ?? 0) + 1;
    billedMs[functionName] = (billedMs[functionName] ?? 0) + Math.ceil(ms);
    sections?.add(part, ms);
  };
  return {
    hooks: {
      before: (functionName) => {
        startedAt.set(functionName, performance.now());
      },
      after: (functionName) => {
        const started = startedAt.get(functionName);
        if (started !== undefined) record(functionName, performance.now() - started, 'lambda steps');
      },
    },
    record: (functionName, ms) => record(functionName, ms, 'trigger functions'),
    snapshot: () => ({ count: { ...count }, billedMs: { ...billedMs } }),
  };
}

/** a - b per key. */
export function countsSince(now: Record<string, number>, before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(now)
      .map(([key, value]) => [key, value - (before[key] ?? 0)])
      .filter(([, value]) => value !== 0),
  );
}
