// The one Lambda construct of the stack: every handler under functions/handlers/ is built through it, with the
// same runtime, architecture, tracing, logs and bundling, and grants that read as wiring.
import * as path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/** The repository root: handlers, package-lock.json and tsconfig.json live there. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** The handler modules, one per function (functions/handlers/<name>.ts, each exporting `handler`). */
export type HandlerName = 'begin' | 'sync-page' | 'commit' | 'record-failure' | 'api' | 'scheduled-trigger';

export function handlerEntry(name: HandlerName): string {
  return path.join(PROJECT_ROOT, 'functions', 'handlers', `${name}.ts`);
}

/**
 * What a function may do with a table. Named by use, each the smallest set of DynamoDB actions that use needs:
 * - `readWrite`: the sync-state item's conditional writes (lease, progress, checkpoint);
 * - `batchReadWrite`: one page of orders (BatchGetItem their stored versions, a conditional PutItem per new or changed one);
 * - `batchRead`: stored versions only (BatchGetItem): Begin counts what a replaced or parked run's unsaved page inserted.
 */
export type TableAccess = 'readWrite' | 'batchReadWrite' | 'batchRead';

export const TABLE_ACTIONS: Record<TableAccess, readonly string[]> = {
  readWrite: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], // every sync-state write is one conditional UpdateItem
  batchReadWrite: ['dynamodb:BatchGetItem', 'dynamodb:PutItem'],
  batchRead: ['dynamodb:BatchGetItem'],
};

export interface SyncFunctionProps {
  handler: HandlerName;
  /** What the function is for, shown in the console. */
  description: string;
  /** Chosen per function, on purpose: say why at the call site. */
  memorySize: number;
  timeout: Duration;
  /** The stack's shared environment (tables, stream, source, limits, Powertools). */
  baseEnvironment: Record<string, string>;
  /** Variables only this function reads (e.g. STATE_MACHINE_ARN). */
  extraEnvironment?: Record<string, string>;
  logRetention: logs.RetentionDays;
}

export class SyncFunction extends nodejs.NodejsFunction {
  constructor(scope: Construct, id: string, props: SyncFunctionProps) {
    // An explicit log group (not the deprecated logRetention custom resource): retention without an extra Lambda.
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    super(scope, id, {
      entry: handlerEntry(props.handler),
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      // Source maps are only read by Node when asked: stack traces then point at our TypeScript lines.
      environment: { ...props.baseEnvironment, ...props.extraEnvironment, NODE_OPTIONS: '--enable-source-maps' },
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      bundling: {
        // The locally installed esbuild: `cdk synth` needs neither Docker nor the network.
        forceDockerBundling: false,
        target: 'node22',
        format: nodejs.OutputFormat.CJS,
        sourceMap: true,
        sourcesContent: false,
        minify: true,
        keepNames: true, // error class names are what Step Functions' Retry/Catch match on
        tsconfig: path.join(PROJECT_ROOT, 'tsconfig.json'),
      },
    });
  }

  /** Allow `access` on `table` and nothing else on it. */
  grantTable(table: dynamodb.ITable, access: TableAccess): this {
    table.grant(this, ...TABLE_ACTIONS[access]);
    return this;
  }

  /** Let the function read the secret's value at run time (the value itself never reaches the environment). */
  grantSecretRead(secret: secretsmanager.ISecret): this {
    secret.grantRead(this);
    return this;
  }
}
