// The order-sync stack, read as wiring: stateful parts (tables, the source token), the functions, the state
// machine, the HTTP API and the schedule, each granted only what it uses.
import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, type CfnResource, type StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import {
  COPY_TABLE_KEY,
  ORDERS_BY_CREATED_DAY_INDEX,
  QUARANTINE_TABLE_KEY,
  SYNC_STATE_TABLE_KEY,
} from '../functions/adapters/dynamodb/tables';
import type { StreamName } from '../functions/core/stream';
import { HANDLER_NEEDS, RUN_SETTINGS, type SettingVariable } from '../functions/handler-needs';
import { SETTINGS } from '../functions/settings';
import { API_ROUTES } from '../functions/handlers/api-routes';
import { SYNC_METRICS } from '../functions/metric-names';
import { SyncFunction } from './constructs/sync-function';
import { expressPagesPerPart, PAGE_STEP_RETRIES, SyncStateMachine, worstCaseStepSeconds } from './constructs/sync-state-machine';
import { PAGE_STEP_TIMEOUT_SECONDS, readSettings, type InfraSettings } from './settings';
import { SyncOperations } from './constructs/sync-operations';
import { DailySalesTable } from './constructs/daily-sales-table';
import { copyTableId, copyTableOutput } from './stream-ids';
import { acknowledgeNagFindings } from './nag-acknowledgements';

/** Logical id of the (Standard) state machine resource: the local runner reads its DefinitionString from the template. */
export const STATE_MACHINE_LOGICAL_ID = 'SyncStateMachine';
/** Logical id of the Express state machine: incremental runs start there (the same definition, built for Express). */
export const EXPRESS_STATE_MACHINE_LOGICAL_ID = 'SyncExpressStateMachine';

/** The step functions' Lambda timeouts (seconds): an Express part's page budget is planned from them. */
const STEP_TIMEOUTS = { begin: 30, page: PAGE_STEP_TIMEOUT_SECONDS, commit: 30 } as const;

/** What the schedule sends its target (the scheduled-trigger function). */
export const SCHEDULE_INPUT = { mode: 'incremental', trigger: 'schedule' } as const;

export class OrderSyncStack extends Stack {
  readonly settings: InfraSettings;
  /** The streams this stack syncs (context `streams`): each has its copy table, its alarms and its dashboard row. */
  readonly streams: readonly StreamName[];
  readonly operations: SyncOperations;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    const settings = readSettings(
      (key) => this.node.tryGetContext(key),
      worstCaseStepSeconds(PAGE_STEP_TIMEOUT_SECONDS, PAGE_STEP_RETRIES),
    );
    this.settings = settings;
    this.streams = settings.streams;
    const logRetention = settings.logRetentionDays as logs.RetentionDays;

    // ---------------------------------------------------------------- stateful
    // One copy table per enabled stream, all alike.
    const copyTables: Partial<Record<StreamName, dynamodb.Table>> = {};
    for (const stream of this.streams) {
      copyTables[stream] = new dynamodb.Table(this, copyTableId(stream), {
        partitionKey: { name: COPY_TABLE_KEY.partitionKey, type: COPY_TABLE_KEY.type as dynamodb.AttributeType },
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        // The copy of the shop's records outlives the stack: rebuilding it is a resync of 300k orders.
        removalPolicy: RemovalPolicy.RETAIN,
      });
    }
    // A dashboard lists one day's orders from this index, not by a scan (docs/design.md "Listing one day's orders").
    const byDay = ORDERS_BY_CREATED_DAY_INDEX;
    copyTables.orders?.addGlobalSecondaryIndex({
      indexName: byDay.name,
      partitionKey: { name: byDay.partitionKey, type: byDay.type as dynamodb.AttributeType },
      sortKey: { name: byDay.sortKey, type: byDay.type as dynamodb.AttributeType },
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: [...byDay.projected],
    });
    const syncStateTable = new dynamodb.Table(this, 'SyncStateTable', {
      partitionKey: { name: SYNC_STATE_TABLE_KEY.partitionKey, type: SYNC_STATE_TABLE_KEY.type as dynamodb.AttributeType },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Its checkpoints and counters describe the retained copy tables: keep them together.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const q = QUARANTINE_TABLE_KEY;
    const quarantineTable = new dynamodb.Table(this, 'QuarantineTable', {
      partitionKey: { name: q.partitionKey, type: q.type as dynamodb.AttributeType },
      sortKey: { name: q.sortKey, type: q.type as dynamodb.AttributeType },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: q.ttlAttribute,
      // The records set aside, with the only copy of their payload we hold: kept with the copies they belong to.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    quarantineTable.addGlobalSecondaryIndex({
      indexName: q.newestIndex.name,
      partitionKey: { name: q.partitionKey, type: q.type as dynamodb.AttributeType },
      sortKey: { name: q.newestIndex.sortKey, type: q.type as dynamodb.AttributeType },
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: [...q.newestIndex.projected],
    });
    const dailySales = new DailySalesTable(this, 'DailySales');
    const sourceToken = this.sourceTokenSecret(settings);

    // ---------------------------------------------------------------- functions
    // Each function gets the settings, then exactly the tables, source and state machine its handler uses
    // (functions/handler-needs.ts), each variable with its grant.
    const baseEnvironment = functionEnvironment(settings);
    const bindable = {
      settings: runSettings(settings),
      tables: { SYNC_STATE_TABLE: syncStateTable, QUARANTINE_TABLE: quarantineTable, DAILY_SALES_TABLE: dailySales.table },
      copyTables,
      source: { environment: sourceEnvironment(settings), tokenSecret: sourceToken },
    };
    const fn = (id: string, props: Omit<ConstructorParameters<typeof SyncFunction>[2], 'baseEnvironment' | 'logRetention'>) =>
      new SyncFunction(this, id, { ...props, baseEnvironment, logRetention }).bindNeeds(HANDLER_NEEDS[props.handler], bindable);

    // Begin: one conditional lease write, one checkpoint read and, for a full run, one /orders/count call. When it
    // replaces an unfinished run, it reads the stored versions of that run's unsaved page (BatchGetItem, one round)
    // to count what that page inserted.
    const begin = fn('BeginFunction', {
      handler: 'begin',
      description: 'Sync step: take the lease and plan the run window',
      memorySize: 256,
      timeout: Duration.seconds(STEP_TIMEOUTS.begin),
    });
    // Sync page: one page of up to 250 orders (fetch with the connector's own 429/5xx waits, validate, one
    // BatchGet round, a conditional PutItem per new or changed order, 16 in flight). 1024 MB buys the CPU for parsing and validating the page
    // quickly; nothing in it grows with the shop's size. 60 s leaves room for a Retry-After wait.
    const syncPage = fn('SyncPageFunction', {
      handler: 'sync-page',
      description: 'Sync step: fetch one page of orders and upsert it',
      memorySize: 1024,
      timeout: Duration.seconds(STEP_TIMEOUTS.page),
    });
    // Commit and record-failure: one conditional write each on the sync-state item.
    const commit = fn('CommitFunction', {
      handler: 'commit',
      description: 'Sync step: write the checkpoint and release the lease',
      memorySize: 256,
      timeout: Duration.seconds(STEP_TIMEOUTS.commit),
    });
    const recordFailure = fn('RecordFailureFunction', {
      handler: 'record-failure',
      description: 'Sync step: record the run error, keep its progress, release the lease',
      memorySize: 256,
      timeout: Duration.seconds(30),
    });

    // ---------------------------------------------------------------- state machine
    // The operators' topic first: the state machine publishes the orders it quarantines to it. What watches the
    // machine (rule, alarms, dashboard) is added once the machine and every function exist, below.
    this.operations = new SyncOperations(this, 'Operations', { notificationEmail: settings.notificationEmail });
    const stateMachineName = `${this.stackName}-sync`;
    const sync = new SyncStateMachine(this, 'Sync', {
      stateMachineName,
      steps: { begin, syncPage, commit, recordFailure },
      notifications: this.operations.topic,
      logRetention,
    });
    (sync.stateMachine.node.defaultChild as CfnResource).overrideLogicalId(STATE_MACHINE_LOGICAL_ID);
    const stateMachine = sync.stateMachine;
    // Incremental runs: the same definition as an Express machine (per request and duration, not per transition),
    // handing a run that outgrows its 5 minutes over to the Standard machine above.
    const syncExpress = new SyncStateMachine(this, 'SyncExpress', {
      stateMachineName: `${stateMachineName}-express`,
      express: { handOverTo: sync.ownArn, pagesPerPart: expressPagesPerPart(STEP_TIMEOUTS) },
      steps: { begin, syncPage, commit, recordFailure },
      notifications: this.operations.topic,
      logRetention,
    });
    (syncExpress.stateMachine.node.defaultChild as CfnResource).overrideLogicalId(EXPRESS_STATE_MACHINE_LOGICAL_ID);
    const expressStateMachine = syncExpress.stateMachine;
    // Both triggers ask whether the run holding the lease still runs (a stopped one's lease is taken over at once).
    const executionsArn = this.formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${stateMachineName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const bindMachine = (trigger: SyncFunction) =>
      trigger.bindStateMachine(
        { standard: stateMachine, express: expressStateMachine },
        HANDLER_NEEDS[trigger.handlerName].stateMachine ?? [],
        executionsArn,
      );

    // ---------------------------------------------------------------- HTTP API
    // The API answers within API Gateway's 29 s: a lease check, a StartExecution, a status read. 512 MB for a
    // quicker cold start of the router and the SDK clients.
    const api = bindMachine(
      fn('ApiFunction', {
        handler: 'api',
        description: 'HTTP API: trigger a sync, read its status',
        memorySize: 512,
        timeout: Duration.seconds(15),
      }),
    );
    const restApi = this.httpApi(api, logRetention);

    // ---------------------------------------------------------------- schedule
    // The trigger (not Scheduler itself) starts the execution, so its name says mode, trigger and time.
    const scheduledTrigger = bindMachine(
      fn('ScheduledTriggerFunction', {
        handler: 'scheduled-trigger',
        description: 'Schedule target: start an incremental sync unless one is running',
        memorySize: 256,
        timeout: Duration.seconds(15),
      }),
    );
    const schedule = new scheduler.Schedule(this, 'Schedule', {
      description: `Incremental sync of ${settings.streams.join(', ')}`,
      schedule: scheduler.ScheduleExpression.expression(settings.scheduleRate),
      enabled: settings.scheduleEnabled,
      target: new schedulerTargets.LambdaInvoke(scheduledTrigger, {
        input: scheduler.ScheduleTargetInput.fromObject(SCHEDULE_INPUT),
        // A late tick is harmless (the lease guards) and the next one comes anyway: a few retries, then drop it.
        retryAttempts: 2,
        maxEventAge: Duration.minutes(5),
      }),
    });

    // ---------------------------------------------------------------- operations
    this.operations.watch({
      stateMachine,
      expressStateMachine,
      streams: this.streams,
      watermarkLagAlarmSeconds: settings.watermarkLagAlarmSeconds,
      scheduleEnabled: settings.scheduleEnabled,
      fullResyncAutoResumes: settings.fullResyncAutoResumes,
      steps: { begin, syncPage, commit, recordFailure, api, scheduledTrigger },
    });

    // ---------------------------------------------------------------- outputs
    new CfnOutput(this, 'ApiUrl', { value: restApi.url, description: 'Base URL of the sync API (IAM-signed requests)' });
    new CfnOutput(this, 'StateMachineArn', {
      value: stateMachine.stateMachineArn,
      description: 'Full resyncs, and runs handed over by Express',
    });
    new CfnOutput(this, 'ExpressStateMachineArn', {
      value: expressStateMachine.stateMachineArn,
      description: 'Incremental runs (Express: no execution history; their trail is in the ExpressExecutionsLogGroup)',
    });
    new CfnOutput(this, 'ExpressExecutionsLogGroup', { value: syncExpress.logGroup.logGroupName });
    for (const [stream, table] of Object.entries(copyTables) as Array<[StreamName, dynamodb.Table]>) {
      new CfnOutput(this, copyTableOutput(stream), { value: table.tableName, description: `The copy of the shop's ${stream}` });
    }
    new CfnOutput(this, 'SyncStateTableName', { value: syncStateTable.tableName });
    new CfnOutput(this, 'QuarantineTableName', { value: quarantineTable.tableName });
    new CfnOutput(this, 'DailySalesTableName', { value: dailySales.table.tableName });
    new CfnOutput(this, 'SourceTokenSecretName', {
      value: sourceToken.secretName,
      description: 'Put the orders API token here: aws secretsmanager put-secret-value --secret-id <name> --secret-string <token>',
    });
    new CfnOutput(this, 'ExecutionsConsoleUrl', {
      value: `https://${this.region}.console.aws.amazon.com/states/home?region=${this.region}#/statemachines/view/${stateMachine.stateMachineArn}`,
      description: 'The executions of the Standard state machine: one line per run part (full resyncs, and incremental runs handed over)',
    });
    new CfnOutput(this, 'ScheduleName', { value: schedule.scheduleName });
    new CfnOutput(this, 'NotificationTopicArn', { value: this.operations.topic.topicArn });

    acknowledgeNagFindings(this, stateMachineName);
  }

  /** The source token: an existing secret (context) or a new one holding a random placeholder to replace. */
  private sourceTokenSecret(settings: InfraSettings): secretsmanager.ISecret {
    if (settings.sourceTokenSecretArn) {
      return secretsmanager.Secret.fromSecretCompleteArn(this, 'SourceToken', settings.sourceTokenSecretArn);
    }
    if (settings.sourceTokenSecretName) {
      return secretsmanager.Secret.fromSecretNameV2(this, 'SourceToken', settings.sourceTokenSecretName);
    }
    // A generated placeholder, never a literal: no token (real or fake) is ever written into the template.
    return new secretsmanager.Secret(this, 'SourceToken', {
      description: `Token of the shop's source API. Replace the generated placeholder with the real token.`,
      generateSecretString: { passwordLength: 32, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /** REST API with IAM authorisation on every method, access logs and stage throttling. */
  private httpApi(handler: SyncFunction, logRetention: logs.RetentionDays): apigateway.RestApi {
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const restApi = new apigateway.RestApi(this, 'Api', {
      restApiName: `${this.stackName}-api`,
      description: 'order-sync: trigger a sync, read its status',
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      // Nobody unauthenticated starts a 300k-order resync: SigV4-signed requests only.
      defaultMethodOptions: { authorizationType: apigateway.AuthorizationType.IAM },
      // Stage logging needs the account-level CloudWatch role; CDK keeps it with the stack.
      cloudWatchRole: true,
      deployOptions: {
        stageName: 'v1',
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false, // request bodies and headers stay out of logs
        tracingEnabled: true,
        metricsEnabled: true,
        // A trigger API, not a data API: a few calls a second is plenty, and caps the cost of a runaway client.
        throttlingRateLimit: 10,
        throttlingBurstLimit: 20,
      },
    });
    const integration = new apigateway.LambdaIntegration(handler, {
      proxy: true,
      // No extra invoke permission for the console's "Test" button: only the deployed stage calls the handler.
      allowTestInvoke: false,
    });
    for (const route of API_ROUTES) {
      restApi.root.resourceForPath(route.path).addMethod(route.method, integration);
    }
    return restApi;
  }
}

/** What every function's runtime reads: Powertools' service name, metrics namespace and log level. */
export function functionEnvironment(settings: InfraSettings): Record<string, string> {
  return {
    POWERTOOLS_SERVICE_NAME: SYNC_METRICS.service,
    POWERTOOLS_METRICS_NAMESPACE: SYNC_METRICS.namespace,
    LOG_LEVEL: settings.logLevel,
  };
}

/** The run settings (functions/config.ts parses them): each function gets those its handler reads (HANDLER_NEEDS). */
export function runSettings(settings: InfraSettings): Record<SettingVariable, string> {
  // An unset optional setting (SHOP_TIME_ZONE) is an empty variable, which the functions read as unset.
  return Object.fromEntries(
    RUN_SETTINGS.map((name) => [SETTINGS[name].env, settings[name] === undefined ? '' : String(settings[name])]),
  ) as Record<SettingVariable, string>;
}

/** The source's settings, for the functions that read the source (the token: only its secret's ARN, bound with it). */
export function sourceEnvironment(settings: InfraSettings): Record<string, string> {
  const where: Record<string, string> =
    settings.sourceKind === 'shopify'
      ? { SHOPIFY_SHOP_DOMAIN: settings.shopifyShopDomain ?? '', SHOPIFY_API_VERSION: settings.shopifyApiVersion }
      : { ORDERS_API_URL: settings.ordersApiUrl };
  return { SOURCE_KIND: settings.sourceKind, ...where };
}
