// SyncStateStore on DynamoDB: each method is ONE conditional write on the stream's item (dynalite has no
// transactions, and none is needed), so a run whose lease was taken over can no longer change anything.
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { LeaseLostError, NothingToResumeError } from '../../core/errors';
import { leaseLostError } from '../../core/lease';
import { runAt } from '../../core/run-position';
import type { BegunRunSave, LeaseAttempt, RunAt, StepClaim, SyncStateStore } from '../../core/ports';
import type { Checkpoint, Lease, RunOutcome, RunProgress, SyncState } from '../../core/run-types';
import { checkpointToItem, itemToSyncState, leaseToItem, outcomeToItem, parkedToItem, runToItem, SYNC_ATTRIBUTES } from './sync-state-item';

export interface DynamoSyncStateStoreOptions {
  /** The document client, built once per process (client.ts). Only its `send` is used. */
  client: Pick<DynamoDBDocumentClient, 'send'>;
  tableName: string;
}

/** How often acquireLease tries again when the lease changed between its write and its read. */
const ACQUIRE_ROUNDS = 3;

type Update = Pick<UpdateCommandInput, 'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeValues'>;

export class DynamoSyncStateStore implements SyncStateStore {
  private readonly client: Pick<DynamoDBDocumentClient, 'send'>;
  readonly tableName: string;

  constructor(options: DynamoSyncStateStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
  }

  async get(stream: string): Promise<SyncState> {
    const answer = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { [SYNC_ATTRIBUTES.stream]: stream }, ConsistentRead: true }),
    );
    return itemToSyncState(stream, answer.Item);
  }

  async acquireLease(stream: string, lease: Lease, now: number): Promise<LeaseAttempt> {
    for (let round = 1; ; round++) {
      const written = await this.conditionalUpdate(stream, {
        UpdateExpression: 'SET #lease = :lease',
        ConditionExpression: 'attribute_not_exists(#lease) OR #lease.#expires_at <= :now OR #lease.#owner = :owner',
        ExpressionAttributeValues: { ':lease': leaseToItem(lease), ':now': now, ':owner': lease.owner },
      });
      if (written) return { acquired: true };
      const holder = (await this.get(stream)).lease;
      // Held by another live run: refused. Released or expired since our write was judged: try again.
      if (holder && holder.expiresAt > now && holder.owner !== lease.owner) return { acquired: false, holder };
      if (round === ACQUIRE_ROUNDS) {
        throw new Error(`the lease of stream ${stream} kept changing while run ${lease.owner} tried to take it`);
      }
    }
  }

  async takeOverLease(stream: string, lease: Lease, deadOwner: string): Promise<boolean> {
    // Conditional on the dead owner, not on expiry: of two triggers that found it dead, only the first write wins.
    return this.conditionalUpdate(stream, {
      UpdateExpression: 'SET #lease = :lease',
      ConditionExpression: '#lease.#owner = :dead_owner',
      ExpressionAttributeValues: { ':lease': leaseToItem(lease), ':dead_owner': deadOwner },
    });
  }

  async releaseLease(stream: string, owner: string): Promise<void> {
    // Not ours (taken over, or already released): nothing to do.
    await this.conditionalUpdate(stream, {
      UpdateExpression: 'REMOVE #lease',
      ConditionExpression: '#lease.#owner = :owner',
      ExpressionAttributeValues: { ':owner': owner },
    });
  }

  async saveBegunRun(stream: string, owner: string, progress: RunProgress, save: BegunRunSave): Promise<boolean> {
    const sets = ['#run = :run', '#lease.#expires_at = :expires_at', '#lease.#execution_name = :execution_name'];
    const removes: string[] = [];
    const values: Record<string, unknown> = {
      ':run': runToItem(progress),
      ':expires_at': save.leaseExpiresAt,
      ':execution_name': progress.executionName,
      ':order_count_delta': save.orderCountDelta,
      ':owner': owner,
    };
    const setOrRemove = (name: string, value: unknown | null) => {
      if (value === null) return removes.push(`#${name}`);
      values[`:${name}`] = value;
      return sets.push(`#${name} = :${name}`);
    };
    setOrRemove('parked', save.parked && parkedToItem(save.parked));
    // DynamoDB stores no empty set: no ids, no attribute.
    setOrRemove('pending_ids', save.pendingIds.length > 0 ? new Set(save.pendingIds) : null);
    setOrRemove('settled_ids', save.settledIds.length > 0 ? new Set(save.settledIds) : null);
    if (save.salesZone !== undefined) setOrRemove('sales_zone', save.salesZone);
    const slotHolds = (path: string, placeholder: string, expected: RunAt | null) => {
      if (expected === null) return `attribute_not_exists(${path})`;
      values[`${placeholder}_id`] = expected.runId;
      values[`${placeholder}_step`] = expected.step;
      return `${path}.#run_id = ${placeholder}_id AND ${path}.#position.#step = ${placeholder}_step`;
    };
    const written = await this.withPositions(stream, () =>
      this.conditionalUpdate(stream, {
        UpdateExpression: `SET ${sets.join(', ')} ADD #order_count :order_count_delta${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression:
          `#lease.#owner = :owner AND ${slotHolds('#run', ':expected_run', save.expectedRun)} AND ` +
          slotHolds('#parked.#run', ':expected_parked', save.expectedParked),
        ExpressionAttributeValues: values,
      }),
    );
    if (written) return true;

    const state = await this.get(stream);
    if (state.lease?.owner !== owner) throw leaseLostError(stream, owner, state.lease);
    // Saved by an attempt of this same begin that ran between our read and our write: its save stands.
    if (state.run?.runId === progress.runId) return false;
    throw new NothingToResumeError(`stream ${stream}: run ${progress.runId} could not begin: ${slotsChanged(state, save)}`);
  }

  async saveProgress(
    stream: string,
    owner: string,
    progress: RunProgress,
    options: { expectedStep: number; orderCountDelta: number; leaseExpiresAt: number },
  ): Promise<boolean> {
    const { expectedStep } = options;
    // A save that moves past a step clears what claim recorded for it; one that keeps the step (a new execution
    // of the run) keeps it, for the retry of that step.
    const clearsPendingIds = progress.position.step !== expectedStep;
    const written = await this.withPositions(stream, () =>
      this.conditionalUpdate(stream, {
        UpdateExpression:
          // The lease names the run's current execution (a new one after continue-as-new), as 409 answers and the status show.
          'SET #run = :run, #lease.#expires_at = :expires_at, #lease.#execution_name = :execution_name ADD #order_count :order_count_delta' +
          (clearsPendingIds ? ' REMOVE #pending_ids, #settled_ids' : ''),
        ConditionExpression: '#lease.#owner = :owner AND #run.#run_id = :run_id AND #run.#position.#step = :expected_step',
        ExpressionAttributeValues: {
          ':run': runToItem(progress),
          ':expires_at': options.leaseExpiresAt,
          ':execution_name': progress.executionName,
          ':order_count_delta': options.orderCountDelta,
          ':owner': owner,
          ':run_id': progress.runId,
          ':expected_step': expectedStep,
        },
      }),
    );
    if (written) return true;

    const state = await this.get(stream);
    if (state.lease?.owner !== owner) throw leaseLostError(stream, owner, state.lease);
    const saved = state.run;
    if (saved?.runId === progress.runId && saved.position.step > expectedStep) return false;
    throw new NothingToResumeError(
      `stream ${stream}: run ${progress.runId} expected its saved progress at step ${expectedStep}, but the saved run is ` +
        (saved ? `${saved.runId} at step ${saved.position.step}` : 'absent'),
    );
  }

  async claim(
    stream: string,
    owner: string,
    at: RunAt,
    ids: readonly string[],
    options: { nowMs: number; leaseExpiresAt: number },
  ): Promise<StepClaim> {
    // The ids go into a string set: a retry adds its own to an earlier attempt's.
    const before = await this.withPositions(stream, () =>
      this.conditionalUpdate(
        stream,
        {
          UpdateExpression: `SET #lease.#expires_at = :expires_at${ids.length > 0 ? ' ADD #pending_ids :ids' : ''}`,
          ConditionExpression:
            '#lease.#owner = :owner AND #lease.#expires_at > :now AND #run.#run_id = :run_id AND #run.#position.#step = :step',
          ExpressionAttributeValues: {
            ':expires_at': options.leaseExpiresAt,
            ':owner': owner,
            ':now': options.nowMs,
            ':run_id': at.runId,
            ':step': at.step,
            ...(ids.length > 0 ? { ':ids': new Set(ids) } : {}),
          },
        },
        'ALL_OLD',
      ),
    );
    if (before) {
      const state = itemToSyncState(stream, before);
      return { kind: 'claimed', progress: state.run!, earlierAttemptIds: state.pendingIds, settledIds: state.settledIds };
    }
    const state = await this.get(stream);
    if (state.lease?.owner !== owner || state.lease.expiresAt <= options.nowMs) throw leaseLostError(stream, owner, state.lease);
    if (state.run?.runId === at.runId && state.run.position.step > at.step) return { kind: 'already-saved', progress: state.run };
    throw new LeaseLostError(
      `stream ${stream}: run ${at.runId} expected its saved progress at step ${at.step}, but the saved run is ` +
        (state.run ? `${state.run.runId} at step ${state.run.position.step}` : 'absent'),
    );
  }

  async commit(stream: string, owner: string, checkpoint: Checkpoint, outcome: RunOutcome): Promise<void> {
    await this.finish(stream, owner, outcome, {
      UpdateExpression: 'SET #checkpoint = :checkpoint, #last_run = :last_run REMOVE #run, #lease, #pending_ids, #settled_ids',
      ConditionExpression: '#lease.#owner = :owner',
      ExpressionAttributeValues: { ':checkpoint': checkpointToItem(checkpoint), ':last_run': outcomeToItem(outcome), ':owner': owner },
    });
  }

  async recordFailure(stream: string, owner: string, failedRun: RunProgress, outcome: RunOutcome): Promise<void> {
    // The claimed and settled ids stay: a resume redoes the page, a run that parks or replaces this one counts it.
    await this.finish(stream, owner, outcome, {
      UpdateExpression: 'SET #run = :run, #last_run = :last_run REMOVE #lease',
      ConditionExpression: '#lease.#owner = :owner',
      ExpressionAttributeValues: { ':run': runToItem(failedRun), ':last_run': outcomeToItem(outcome), ':owner': owner },
    });
  }

  /**
   * The last write of a run. Retried after it had succeeded (the step crashed after the write), it finds the
   * lease gone but its own result recorded: done already, not an error.
   */
  private async finish(stream: string, owner: string, outcome: RunOutcome, update: Update): Promise<void> {
    if (await this.conditionalUpdate(stream, update)) return;
    const state = await this.get(stream);
    if (state.lastRun?.runId === outcome.runId) return;
    throw leaseLostError(stream, owner, state.lease);
  }

  /**
   * A write whose condition reads a run's position, done again once when it did not hold because the item keeps a run
   * saved before the position existed (a stack updated mid-run): that run is given its position first.
   */
  private async withPositions<T>(stream: string, write: () => Promise<T>): Promise<T> {
    const written = await write();
    if (written !== false && written !== null) return written;
    return (await this.givePositions(stream)) ? write() : written;
  }

  /**
   * Give the run and the parked run of the stream's item their position (core/run-position.ts withPosition) where
   * they were saved without one, in one write conditional on the item being as read. True when it wrote.
   */
  private async givePositions(stream: string): Promise<boolean> {
    const answer = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { [SYNC_ATTRIBUTES.stream]: stream }, ConsistentRead: true }),
    );
    const item = answer.Item;
    const runItem = item?.[SYNC_ATTRIBUTES.run] as Record<string, unknown> | undefined;
    const parkedRunItem = (item?.[SYNC_ATTRIBUTES.parked] as Record<string, unknown> | undefined)?.run as
      Record<string, unknown> | undefined;
    const state = itemToSyncState(stream, item);
    const sets: string[] = [];
    const conditions: string[] = [];
    const values: Record<string, unknown> = {};
    if (runItem && runItem.position === undefined && state.run) {
      sets.push('#run = :run');
      conditions.push('attribute_not_exists(#run.#position) AND #run.#updated_at = :run_updated_at');
      values[':run'] = runToItem(state.run);
      values[':run_updated_at'] = runItem.updated_at;
    }
    if (parkedRunItem && parkedRunItem.position === undefined && state.parked) {
      sets.push('#parked.#run = :parked_run');
      conditions.push('attribute_not_exists(#parked.#run.#position) AND #parked.#run.#updated_at = :parked_updated_at');
      values[':parked_run'] = runToItem(state.parked.run);
      values[':parked_updated_at'] = parkedRunItem.updated_at;
    }
    if (sets.length === 0) return false;
    return this.conditionalUpdate(stream, {
      UpdateExpression: `SET ${sets.join(', ')}`,
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeValues: values,
    });
  }

  /** One conditional UpdateItem; false when its condition did not hold (nothing was written). */
  private async conditionalUpdate(stream: string, update: Update): Promise<boolean>;
  /** The same, answering the item as it was before the write (null when nothing was written). */
  private async conditionalUpdate(stream: string, update: Update, returnValues: 'ALL_OLD'): Promise<Record<string, unknown> | null>;
  private async conditionalUpdate(
    stream: string,
    update: Update,
    returnValues?: 'ALL_OLD',
  ): Promise<boolean | Record<string, unknown> | null> {
    const expressions = `${update.UpdateExpression} ${update.ConditionExpression ?? ''}`;
    try {
      const answer = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [SYNC_ATTRIBUTES.stream]: stream },
          ...update,
          ExpressionAttributeNames: attributeNamesIn(expressions),
          ...(returnValues ? { ReturnValues: returnValues } : {}),
        }),
      );
      return returnValues ? (answer.Attributes ?? {}) : true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return returnValues ? null : false;
      throw error;
    }
  }
}

/**
 * Every `#name` placeholder in the expressions mapped to its stored attribute (`#expires_at` → `expires_at`):
 * all names go through placeholders (`stream`, `owner`, ... are DynamoDB reserved words), and DynamoDB
 * rejects a placeholder that the expressions do not use, so the map is built from them.
 */
function attributeNamesIn(expressions: string): Record<string, string> {
  return Object.fromEntries([...expressions.matchAll(/#(\w+)/g)].map(([placeholder, name]) => [placeholder, name as string]));
}

/** Why begin's save did not hold: a slot no longer holds the run begin read there. */
export function slotsChanged(state: SyncState, save: BegunRunSave): string {
  const at = (run: RunAt | null | undefined) => (run ? `${run.runId} at step ${run.step}` : 'none');
  return (
    `it read run ${at(save.expectedRun)} and parked ${at(save.expectedParked)}, ` +
    `but the stream now has run ${at(runAt(state.run))} and parked ${at(runAt(state.parked?.run))}`
  );
}
