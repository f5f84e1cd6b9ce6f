// The one Lambda construct of the stack: every handler under functions/handlers/ is built through it, with the
// same runtime, architecture, tracing, logs and bundling, and grants that read as wiring.
import * as path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { StreamName } from '../../functions/core/stream';
import { copyTableVariable, type CopyTableVariable } from '../../functions/streams';
import {
  TABLE_ACCESS,
  type HandlerName,
  type HandlerNeeds,
  type SettingVariable,
  type StateMachineActions,
  type TableAccess,
  type TableVariable,
} from '../../functions/handler-needs';
import { HANDLER_METADATA_KEY, handlerEntry, PROJECT_ROOT } from '../handler-entry';

export type { HandlerName };
export { HANDLER_METADATA_KEY, handlerEntry, PROJECT_ROOT };

export interface SyncFunctionProps {
  handler: HandlerName;
  /** What the function is for, shown in the console. */
  description: string;
  /** Chosen per function, on purpose: say why at the call site. */
  memorySize: number;
  timeout: Duration;
  /** What every function's runtime reads (Powertools' service, namespace, log level); what it uses comes with `bind*`. */
  baseEnvironment: Record<string, string>;
  logRetention: logs.RetentionDays;
}

/** What a function can be bound to: the tables by the variable that names each, the source. */
export interface BindableResources {
  /** The run settings' values, from the stack's settings. */
  settings: Record<SettingVariable, string>;
  tables: Record<Exclude<TableVariable, CopyTableVariable>, dynamodb.ITable>;
  /** The copy table of each enabled stream (and only those). */
  copyTables: Partial<Record<StreamName, dynamodb.ITable>>;
  source: { environment: Record<string, string>; tokenSecret: secretsmanager.ISecret };
}

export class SyncFunction extends nodejs.NodejsFunction {
  readonly handlerName: HandlerName;

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
      environment: { ...props.baseEnvironment, NODE_OPTIONS: '--enable-source-maps' },
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
        // The AWS SDK goes into the bundle (CDK leaves @aws-sdk/* to the runtime by default): the function runs
        // the SDK version it was tested with, not whichever one nodejs22.x carries that day (AWS's own advice).
        externalModules: [],
        tsconfig: path.join(PROJECT_ROOT, 'tsconfig.json'),
      },
    });
    this.handlerName = props.handler;
    (this.node.defaultChild as lambda.CfnFunction).addMetadata(HANDLER_METADATA_KEY, props.handler);
  }

  /** Everything the handler's needs (functions/handler-needs.ts) name but the state machine: tables, source. */
  bindNeeds(needs: HandlerNeeds, resources: BindableResources): this {
    for (const name of needs.settings) this.addEnvironment(name, resources.settings[name]);
    for (const [variable, access] of Object.entries(needs.tables) as Array<[keyof BindableResources['tables'], TableAccess]>) {
      this.bindTable(resources.tables[variable], variable, access);
    }
    if (needs.copyTables) {
      for (const [stream, table] of Object.entries(resources.copyTables) as Array<[StreamName, dynamodb.ITable]>) {
        this.bindTable(table, copyTableVariable(stream), needs.copyTables);
      }
    }
    if (needs.source) {
      for (const [name, value] of Object.entries(resources.source.environment)) this.addEnvironment(name, value);
      // The token itself never reaches the environment: only the ARN of the secret that holds it.
      this.addEnvironment('ORDERS_API_TOKEN_SECRET_ARN', resources.source.tokenSecret.secretArn);
      resources.source.tokenSecret.grantRead(this);
    }
    return this;
  }

  /**
   * The table's name in `variable` and `access` on it, nothing else: the grant and the variable in one call. On the
   * table itself, or on the one index the access reads (not `table.grant`, which adds every index, `/index/*`).
   */
  bindTable(table: dynamodb.ITable, variable: TableVariable, access: TableAccess): this {
    this.addEnvironment(variable, table.tableName);
    const { actions, index } = TABLE_ACCESS[access];
    this.addToRolePolicy(
      new iam.PolicyStatement({ actions: [...actions], resources: [index ? `${table.tableArn}/index/${index}` : table.tableArn] }),
    );
    return this;
  }

  /**
   * The Standard machine's ARN in STATE_MACHINE_ARN and `actions` on it (DescribeExecution: on its executions,
   * `executionsArn`); the Express machine's in EXPRESS_STATE_MACHINE_ARN and StartExecution on it, the one action
   * Express executions take (no Describe, no List: AWS answers neither for Express).
   */
  bindStateMachine(
    machines: { standard: sfn.IStateMachine; express: sfn.IStateMachine },
    actions: StateMachineActions,
    executionsArn: string,
  ): this {
    this.addEnvironment('STATE_MACHINE_ARN', machines.standard.stateMachineArn);
    const onMachine = actions.filter((action) => action !== 'states:DescribeExecution');
    if (onMachine.length > 0) machines.standard.grant(this, ...onMachine);
    if (actions.includes('states:DescribeExecution')) {
      this.addToRolePolicy(new iam.PolicyStatement({ actions: ['states:DescribeExecution'], resources: [executionsArn] }));
    }
    if (actions.includes('states:StartExecution')) {
      this.addEnvironment('EXPRESS_STATE_MACHINE_ARN', machines.express.stateMachineArn);
      machines.express.grantStartExecution(this);
    }
    return this;
  }
}
