// What each handler uses of the stack, in one list: the tables (by the variable that names each, with what it does
// there), the source, the state machine. The stack builds each function's variables and grants from it, one call
// each (infra/constructs/sync-function.ts `bindNeeds`); an infra test checks every role against it with a real policy
// evaluator, and the local stack enforces the roles on every call. Plain data: no CDK import.
import { QUARANTINE_TABLE_KEY } from './adapters/dynamodb/tables';
import type { CopyTableVariable } from './streams';
import type { SETTINGS, SettingName } from './settings';

/**
 * What a function does with a table. Named by use, each the smallest set of DynamoDB actions that use needs, on the
 * table itself (none of these calls goes to an index) or, for `queryNewest`, on the one index it reads:
 * - `readWrite`: the sync-state item's reads and conditional writes (lease, claim, progress, checkpoint);
 * - `batchRead`: stored versions only (BatchGetItem): Begin counts what a replaced or parked run's unsaved page inserted;
 * - `conditionalPut`: one page of records (BatchGetItem their stored versions, a conditional PutItem per new or changed
 *   one or tombstone) and reconciliation's bounded Scan of the table;
 * - `batchReadWrite`: the quarantine's look-up, puts and releases of one page (BatchGetItem, BatchWriteItem);
 * - `queryNewest`: the status's count and newest entries (Query on the `newest` index, which holds no payload);
 * - `query`: the entries first seen since the last commit, read consistently (Query on the table itself);
 * - `dailySales`: a page's daily sales entries (conditional PutItem), the recompute's reads of a day's entries and a
 *   day's totals (Query), its corrections (PutItem) and totals rows (BatchWriteItem).
 */
export type TableAccess = 'readWrite' | 'batchRead' | 'conditionalPut' | 'batchReadWrite' | 'queryNewest' | 'query' | 'dailySales';

export const TABLE_ACCESS: Record<TableAccess, { actions: readonly string[]; index?: string }> = {
  readWrite: { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'] }, // every sync-state write is one conditional UpdateItem
  batchRead: { actions: ['dynamodb:BatchGetItem'] },
  conditionalPut: { actions: ['dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:Scan'] },
  batchReadWrite: { actions: ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem'] },
  queryNewest: { actions: ['dynamodb:Query'], index: QUARANTINE_TABLE_KEY.newestIndex.name },
  query: { actions: ['dynamodb:Query'] },
  dailySales: { actions: ['dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:BatchWriteItem'] },
};

/**
 * The variables that name the stack's tables: one copy table per stream, the sync-state and quarantine tables all
 * streams share, and the daily sales (of the orders stream).
 */
export type TableVariable = CopyTableVariable | 'SYNC_STATE_TABLE' | 'QUARANTINE_TABLE' | 'DAILY_SALES_TABLE';

/** The run settings (functions/settings.ts defines them, functions/config.ts parses them): each function gets those its composition reads. */
export const RUN_SETTINGS = [
  'streams',
  'pageSize',
  'overlapSeconds',
  'lookbackSeconds',
  'lookbackEverySeconds',
  'leaseSeconds',
  'maxPagesPerExecution',
  'reconcileAfterFullResync',
  'fullResyncAutoResumes',
  'shopTimeZone',
  'dailySales',
] as const satisfies readonly SettingName[];

/** A run setting by its environment variable. */
export type SettingVariable = NonNullable<(typeof SETTINGS)[(typeof RUN_SETTINGS)[number]]['env']>;

/** The state machine: the Step Functions actions on it and its executions. */
export type StateMachineActions = ReadonlyArray<'states:StartExecution' | 'states:ListExecutions' | 'states:DescribeExecution'>;

export interface HandlerNeeds {
  settings: readonly SettingVariable[];
  /** The shared tables. */
  tables: Partial<Record<Exclude<TableVariable, CopyTableVariable>, TableAccess>>;
  /** What the function does on every enabled stream's copy table (a step serves whichever stream its run is of). */
  copyTables?: TableAccess;
  /** The source: its settings, the token's secret ARN in the environment, and read access to that secret. */
  source?: true;
  /** STATE_MACHINE_ARN and these actions; with StartExecution, EXPRESS_STATE_MACHINE_ARN and StartExecution on it. */
  stateMachine?: StateMachineActions;
}

/** The handler modules, one per function (functions/handlers/<name>.ts, each exporting `handler`). */
export type HandlerName = 'begin' | 'sync-page' | 'commit' | 'record-failure' | 'api' | 'scheduled-trigger';

/** What a trigger reads to take the lease for its run (and plan it as begin will: a failed resync resumed or not). */
const LEASE: readonly SettingVariable[] = ['STREAMS', 'LEASE_SECONDS', 'OVERLAP_SECONDS', 'FULL_RESYNC_AUTO_RESUMES'];

export const HANDLER_NEEDS: Record<HandlerName, HandlerNeeds> = {
  // The lease, the checkpoint, the count of a full run; a replaced or parked run's unsaved page: its stored versions.
  begin: {
    // The deep lookback is planned here: the triggers plan only to name the run.
    settings: [...LEASE, 'MAX_PAGES_PER_EXECUTION', 'LOOKBACK_SECONDS', 'LOOKBACK_EVERY_SECONDS'],
    tables: { SYNC_STATE_TABLE: 'readWrite' },
    copyTables: 'batchRead',
    source: true,
  },
  'sync-page': {
    settings: ['PAGE_SIZE', 'LEASE_SECONDS', 'OVERLAP_SECONDS', 'RECONCILE_AFTER_FULL_RESYNC', 'SHOP_TIME_ZONE', 'DAILY_SALES'],
    tables: { SYNC_STATE_TABLE: 'readWrite', QUARANTINE_TABLE: 'batchReadWrite', DAILY_SALES_TABLE: 'dailySales' },
    copyTables: 'conditionalPut',
    source: true,
  },
  // The run's state names its stream and lease. Commit names the records quarantined since the last commit and, with
  // the daily sales, reads the touched days on the sync-state item.
  commit: { settings: ['DAILY_SALES'], tables: { SYNC_STATE_TABLE: 'readWrite', QUARANTINE_TABLE: 'query' } },
  'record-failure': { settings: [], tables: { SYNC_STATE_TABLE: 'readWrite' } },
  // A trigger takes the lease for its run, starts the execution, and asks whether the lease holder's execution still
  // runs; the API's status reads the item and the quarantine's newest entries; its daily sales one Query of the
  // totals (in the zone they are counted in) and the orders stream's watermark.
  api: {
    settings: [...LEASE, 'SHOP_TIME_ZONE'],
    tables: { SYNC_STATE_TABLE: 'readWrite', QUARANTINE_TABLE: 'queryNewest', DAILY_SALES_TABLE: 'query' },
    stateMachine: ['states:StartExecution', 'states:ListExecutions', 'states:DescribeExecution'],
  },
  'scheduled-trigger': {
    settings: LEASE,
    tables: { SYNC_STATE_TABLE: 'readWrite' },
    stateMachine: ['states:StartExecution', 'states:DescribeExecution'],
  },
};
