// The stack's resources as CloudFormation will create them: stateful parts, every function's runtime and
// environment, least privilege per function, the IAM-only API, the schedule. Synthesized once (bundling skipped).
import { Match, Template } from 'aws-cdk-lib/assertions';
import { synthTemplate, type CloudFormationTemplate } from '../../infra/synth';
import { arnOf, functionIdByDescription, grantsOfRole, logicalId, ref, resourcesOfType, roleIdOfFunction } from './template-helpers';

const FUNCTIONS = {
  begin: 'Sync step: take the lease',
  syncPage: 'Sync step: fetch one page',
  commit: 'Sync step: write the checkpoint',
  recordFailure: 'Sync step: record the run error',
  api: 'HTTP API:',
  scheduledTrigger: 'Schedule target:',
} as const;
type FunctionKey = keyof typeof FUNCTIONS;

const X_RAY = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'];
/** DescribeExecution's resource: the executions of this stack's state machine, none other. */
const THIS_MACHINES_EXECUTIONS = JSON.stringify({
  'Fn::Join': [
    '',
    ['arn:', { Ref: 'AWS::Partition' }, ':states:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':execution:OrderSync-sync:*'],
  ],
});

let json: CloudFormationTemplate;
let template: Template;
let ids: Record<
  | 'ordersTable'
  | 'productsTable'
  | 'customersTable'
  | 'syncStateTable'
  | 'quarantineTable'
  | 'dailySalesTable'
  | 'secret'
  | 'stateMachine'
  | 'expressStateMachine',
  string
>;
/** The three streams' copy tables' ARNs, as a role's statement names them (sorted). */
let copyTableArns: string[];
let fnIds: Record<FunctionKey, string>;

beforeAll(() => {
  json = synthTemplate();
  template = Template.fromJSON(json);
  ids = {
    ordersTable: logicalId(json, 'AWS::DynamoDB::Table', 'OrdersTable'),
    productsTable: logicalId(json, 'AWS::DynamoDB::Table', 'ProductsTable'),
    customersTable: logicalId(json, 'AWS::DynamoDB::Table', 'CustomersTable'),
    syncStateTable: logicalId(json, 'AWS::DynamoDB::Table', 'SyncStateTable'),
    quarantineTable: logicalId(json, 'AWS::DynamoDB::Table', 'QuarantineTable'),
    dailySalesTable: logicalId(json, 'AWS::DynamoDB::Table', 'DailySales'),
    secret: logicalId(json, 'AWS::SecretsManager::Secret'),
    stateMachine: logicalId(json, 'AWS::StepFunctions::StateMachine', 'SyncStateMachine'),
    expressStateMachine: logicalId(json, 'AWS::StepFunctions::StateMachine', 'SyncExpressStateMachine'),
  };
  copyTableArns = [ids.ordersTable, ids.productsTable, ids.customersTable].map(arnOf).sort();
  fnIds = Object.fromEntries(
    Object.entries(FUNCTIONS).map(([key, description]) => [key, functionIdByDescription(json, description)]),
  ) as Record<FunctionKey, string>;
});

describe('stateful parts', () => {
  it('keeps the quarantine keyed by stream and key beside them, with an index by last seen that holds no payload', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({
        KeySchema: [
          { AttributeName: 'stream', KeyType: 'HASH' },
          { AttributeName: 'key', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        // The first-seen markers commit reads expire; the entries carry no such attribute.
        TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
        GlobalSecondaryIndexes: [
          Match.objectLike({
            IndexName: 'newest',
            KeySchema: [
              { AttributeName: 'stream', KeyType: 'HASH' },
              { AttributeName: 'last_seen_at', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: Match.arrayWith(['id', 'field', 'message']) },
          }),
        ],
      }),
      DeletionPolicy: 'Retain',
    });
    expect(json.Resources[ids.quarantineTable].Properties.GlobalSecondaryIndexes[0].Projection.NonKeyAttributes).not.toContain('raw');
  });

  it('keeps orders keyed by id and sync state keyed by stream, on demand, with point-in-time recovery, retained', () => {
    for (const [id, key] of [
      [ids.ordersTable, 'id'],
      [ids.syncStateTable, 'stream'],
    ] as const) {
      template.hasResource('AWS::DynamoDB::Table', {
        Properties: Match.objectLike({
          KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        }),
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
      expect(json.Resources[id].DeletionPolicy).toBe('Retain');
    }
  });

  it("keeps the daily sales keyed by scope and key (a day's entries, a range of totals: one Query each), retained", () => {
    expect(json.Resources[ids.dailySalesTable]).toMatchObject({
      Properties: {
        KeySchema: [
          { AttributeName: 'scope', KeyType: 'HASH' },
          { AttributeName: 'key', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      },
      DeletionPolicy: 'Retain',
    });
    expect(json.Outputs.DailySalesTableName.Value).toEqual({ Ref: ids.dailySalesTable });
  });

  it('gives each stream a copy table alike the orders table (which keeps its logical id), each named in an output', () => {
    // The orders table's id is what CloudFormation knows it by: a new id would be a new, empty table.
    expect(ids.ordersTable).toBe('OrdersTable315BB997');
    const orders = json.Resources[ids.ordersTable];
    expect(orders.Properties.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
    for (const [stream, id] of [
      ['Products', ids.productsTable],
      ['Customers', ids.customersTable],
    ] as const) {
      const table = json.Resources[id];
      // Same key, billing, point-in-time recovery, encryption (none set: DynamoDB's default key) and removal policy.
      expect({ ...table, Metadata: undefined }).toEqual({ ...orders, Metadata: undefined });
      expect(json.Outputs[`${stream}TableName`].Value).toEqual({ Ref: id });
    }
    expect(json.Outputs.OrdersTableName.Value).toEqual({ Ref: ids.ordersTable });
  });

  it('creates the token secret with a generated placeholder, never a literal value', () => {
    const secret = json.Resources[ids.secret].Properties;
    expect(secret.SecretString).toBeUndefined();
    expect(secret.GenerateSecretString).toEqual(expect.objectContaining({ PasswordLength: 32 }));
  });

  it('imports an existing secret by name from context instead of creating one', () => {
    const imported = synthTemplate({ sourceTokenSecretName: 'order-sync/source-token' });
    expect(Object.keys(resourcesOfType(imported, 'AWS::SecretsManager::Secret'))).toEqual([]);
    const envs = Object.values(resourcesOfType(imported, 'AWS::Lambda::Function')).map(
      (fn) => fn.Properties.Environment.Variables.ORDERS_API_TOKEN_SECRET_ARN,
    );
    expect(JSON.stringify(envs[0])).toContain(':secret:order-sync/source-token');
  });
});

describe('every function', () => {
  it('runs nodejs22.x on arm64 with active tracing, its own log group with retention, and source maps', () => {
    const functions = resourcesOfType(json, 'AWS::Lambda::Function');
    expect(Object.keys(functions).sort()).toEqual(Object.values(fnIds).sort());
    for (const fn of Object.values(functions)) {
      expect(fn.Properties).toEqual(
        expect.objectContaining({
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          TracingConfig: { Mode: 'Active' },
          Handler: 'index.handler',
        }),
      );
      const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref as string;
      expect(json.Resources[logGroupId].Properties.RetentionInDays).toBe(30);
      expect(fn.Properties.Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
    }
  });

  it('has the memory and time chosen for its work (the page step gets the most)', () => {
    const sized = (key: FunctionKey) => {
      const { MemorySize, Timeout } = json.Resources[fnIds[key]].Properties;
      return { MemorySize, Timeout };
    };
    expect(sized('syncPage')).toEqual({ MemorySize: 1024, Timeout: 60 });
    expect(sized('begin')).toEqual({ MemorySize: 256, Timeout: 30 });
    expect(sized('api').Timeout).toBeLessThan(29); // API Gateway gives up at 29 s
  });

  it('holds only what its handler reads: its settings, tables, source and machine, and the runtime settings', () => {
    const runtime = ['POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE', 'LOG_LEVEL', 'NODE_OPTIONS'];
    const lease = ['STREAMS', 'LEASE_SECONDS', 'OVERLAP_SECONDS', 'FULL_RESYNC_AUTO_RESUMES'];
    const source = ['SOURCE_KIND', 'ORDERS_API_URL', 'ORDERS_API_TOKEN_SECRET_ARN'];
    const copyTables = ['ORDERS_TABLE', 'PRODUCTS_TABLE', 'CUSTOMERS_TABLE'];
    const expected: Record<FunctionKey, string[]> = {
      begin: [
        ...runtime,
        ...lease,
        'MAX_PAGES_PER_EXECUTION',
        'LOOKBACK_SECONDS',
        'LOOKBACK_EVERY_SECONDS',
        ...copyTables,
        'SYNC_STATE_TABLE',
        ...source,
      ],
      syncPage: [
        ...runtime,
        'PAGE_SIZE',
        'LEASE_SECONDS',
        'OVERLAP_SECONDS',
        'RECONCILE_AFTER_FULL_RESYNC',
        'SHOP_TIME_ZONE',
        'DAILY_SALES',
        ...copyTables,
        'SYNC_STATE_TABLE',
        'QUARANTINE_TABLE',
        'DAILY_SALES_TABLE',
        ...source,
      ],
      commit: [...runtime, 'DAILY_SALES', 'SYNC_STATE_TABLE', 'QUARANTINE_TABLE'],
      recordFailure: [...runtime, 'SYNC_STATE_TABLE'],
      api: [
        ...runtime,
        ...lease,
        'SHOP_TIME_ZONE',
        'SYNC_STATE_TABLE',
        'QUARANTINE_TABLE',
        'DAILY_SALES_TABLE',
        'STATE_MACHINE_ARN',
        'EXPRESS_STATE_MACHINE_ARN',
      ],
      scheduledTrigger: [...runtime, ...lease, 'SYNC_STATE_TABLE', 'STATE_MACHINE_ARN', 'EXPRESS_STATE_MACHINE_ARN'],
    };
    const values = {
      STREAM: 'orders',
      PAGE_SIZE: '250',
      OVERLAP_SECONDS: '300',
      LOOKBACK_SECONDS: '86400',
      LOOKBACK_EVERY_SECONDS: '3600',
      LEASE_SECONDS: '900',
      MAX_PAGES_PER_EXECUTION: '500',
      SHOP_TIME_ZONE: 'UTC',
    };
    for (const [key, id] of Object.entries(fnIds) as Array<[FunctionKey, string]>) {
      const variables = json.Resources[id].Properties.Environment.Variables;
      expect([key, Object.keys(variables).sort()]).toEqual([key, expected[key].sort()]);
      expect(variables).toEqual(
        expect.objectContaining({ SYNC_STATE_TABLE: { Ref: ids.syncStateTable }, POWERTOOLS_METRICS_NAMESPACE: 'OrderSync' }),
      );
      for (const [name, value] of Object.entries(values)) if (name in variables) expect(variables[name]).toBe(value);
      if ('ORDERS_TABLE' in variables) expect(variables.ORDERS_TABLE).toEqual({ Ref: ids.ordersTable });
      if ('PRODUCTS_TABLE' in variables) expect(variables.PRODUCTS_TABLE).toEqual({ Ref: ids.productsTable });
      if ('CUSTOMERS_TABLE' in variables) expect(variables.CUSTOMERS_TABLE).toEqual({ Ref: ids.customersTable });
      if ('SOURCE_KIND' in variables)
        expect(variables).toMatchObject({ SOURCE_KIND: 'http', ORDERS_API_TOKEN_SECRET_ARN: { Ref: ids.secret } });
      if ('STATE_MACHINE_ARN' in variables) expect(variables.STATE_MACHINE_ARN).toEqual({ Ref: ids.stateMachine });
      if ('EXPRESS_STATE_MACHINE_ARN' in variables) expect(variables.EXPRESS_STATE_MACHINE_ARN).toEqual({ Ref: ids.expressStateMachine });
    }
  });

  it('never holds a secret value: no variable names a token, and no value is a Secrets Manager resolve', () => {
    const everyVariable = Object.values(resourcesOfType(json, 'AWS::Lambda::Function')).flatMap((fn) =>
      Object.entries(fn.Properties.Environment.Variables as Record<string, unknown>),
    );
    for (const [name, value] of everyVariable) {
      expect(name).not.toMatch(/TOKEN$|PASSWORD|SECRET$|API_KEY/);
      expect(JSON.stringify(value)).not.toContain('{{resolve:secretsmanager');
      expect(JSON.stringify(value)).not.toContain('SecretString');
    }
  });

  it('passes the shop domain and API version only when the source is Shopify', () => {
    const shopify = synthTemplate({ sourceKind: 'shopify', shopifyShopDomain: 'my-shop.myshopify.com' });
    const variables = Object.values(resourcesOfType(shopify, 'AWS::Lambda::Function'))[0]!.Properties.Environment.Variables;
    expect(variables).toEqual(
      expect.objectContaining({ SOURCE_KIND: 'shopify', SHOPIFY_SHOP_DOMAIN: 'my-shop.myshopify.com', SHOPIFY_API_VERSION: '2025-10' }),
    );
    expect(variables.ORDERS_API_URL).toBeUndefined();
    const defaults = Object.values(resourcesOfType(json, 'AWS::Lambda::Function'))[0]!.Properties.Environment.Variables;
    expect(defaults.SHOPIFY_SHOP_DOMAIN).toBeUndefined();
  });
});

describe('least privilege, function by function', () => {
  const grants = (key: FunctionKey) => grantsOfRole(json, roleIdOfFunction(json, fnIds[key]));
  const syncStateRW = ['dynamodb:GetItem', 'dynamodb:UpdateItem'];
  const secretRead = ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'];

  it("sync page: batch read/write of every stream's copy and of the quarantine, the sync-state item, the daily sales, the token; nothing else", () => {
    const page = grants('syncPage');
    expect([...page.keys()].sort()).toEqual(
      [
        ...X_RAY,
        'dynamodb:BatchGetItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:Scan',
        ...syncStateRW,
        ...secretRead,
      ].sort(),
    );
    expect(page.get('dynamodb:BatchWriteItem')?.sort()).toEqual([arnOf(ids.quarantineTable), arnOf(ids.dailySalesTable)].sort());
    // Reconciliation's scan of the copy: the copy tables only.
    expect(page.get('dynamodb:Scan')?.sort()).toEqual(copyTableArns);
    expect(page.get('dynamodb:BatchGetItem')?.sort()).toEqual([...copyTableArns, arnOf(ids.quarantineTable)].sort());
    expect(page.get('dynamodb:PutItem')?.sort()).toEqual([...copyTableArns, arnOf(ids.dailySalesTable)].sort());
    // The daily sales: a day's entries and totals read (on that table only); nothing deleted item by item.
    expect(page.get('dynamodb:Query')).toEqual([arnOf(ids.dailySalesTable)]);
    expect(page.has('dynamodb:DeleteItem')).toBe(false);
    expect(page.get('dynamodb:UpdateItem')).toEqual([arnOf(ids.syncStateTable)]);
    expect(page.get('secretsmanager:GetSecretValue')).toEqual([ref(ids.secret)]);
    expect(page.get('xray:PutTraceSegments')).toEqual([JSON.stringify('*')]);
  });

  it('begin: the sync-state item, the token (for the count call), and only reads of stored versions on the copy tables', () => {
    const begin = grants('begin');
    expect([...begin.keys()].sort()).toEqual([...X_RAY, ...syncStateRW, 'dynamodb:BatchGetItem', ...secretRead].sort());
    expect(begin.get('dynamodb:UpdateItem')).toEqual([arnOf(ids.syncStateTable)]);
    // Begin reads the versions of a replaced or parked run's claimed ids (begin-run.ts insertsOf...): without this
    // grant, that Begin is refused in AWS on every trigger that replaces or parks an unfinished run.
    expect(begin.get('dynamodb:BatchGetItem')?.sort()).toEqual(copyTableArns);
  });

  it('commit and record-failure: the sync-state item, no token; commit also queries the quarantine table (not its index)', () => {
    for (const key of ['commit', 'recordFailure'] as const) {
      const step = grants(key);
      expect([...step.keys()].sort()).toEqual([...X_RAY, ...syncStateRW, ...(key === 'commit' ? ['dynamodb:Query'] : [])].sort());
      expect(step.get('dynamodb:UpdateItem')).toEqual([arnOf(ids.syncStateTable)]);
    }
    // The orders quarantined since the previous commit, read consistently: the table itself (an index cannot be).
    expect(grants('commit').get('dynamodb:Query')).toEqual([arnOf(ids.quarantineTable)]);
  });

  it("api: starts executions of both machines, lists and describes the Standard one's only (AWS does neither for Express), the sync-state item", () => {
    const api = grants('api');
    expect([...api.keys()].sort()).toEqual(
      [...X_RAY, ...syncStateRW, 'dynamodb:Query', 'states:StartExecution', 'states:ListExecutions', 'states:DescribeExecution'].sort(),
    );
    // The status counts the quarantine through its index: Query on that index only, never the payloads; the daily
    // sales route reads its totals with one Query of the table.
    expect(api.get('dynamodb:Query')?.sort()).toEqual(
      [
        JSON.stringify({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [ids.quarantineTable, 'Arn'] }, '/index/newest']] }),
        arnOf(ids.dailySalesTable),
      ].sort(),
    );
    expect(api.get('states:StartExecution')!.sort()).toEqual([ref(ids.stateMachine), ref(ids.expressStateMachine)].sort());
    expect(api.get('states:ListExecutions')).toEqual([ref(ids.stateMachine)]);
    expect(api.get('states:DescribeExecution')).toEqual([THIS_MACHINES_EXECUTIONS]);
    expect(api.get('dynamodb:GetItem')).toEqual([arnOf(ids.syncStateTable)]);
  });

  it("scheduled trigger: takes the lease on the sync-state item, starts either machine, describes only the Standard one's executions (is the lease holder still running?); nothing else", () => {
    const trigger = grants('scheduledTrigger');
    expect([...trigger.keys()].sort()).toEqual([...X_RAY, ...syncStateRW, 'states:StartExecution', 'states:DescribeExecution'].sort());
    expect(trigger.get('states:StartExecution')!.sort()).toEqual([ref(ids.stateMachine), ref(ids.expressStateMachine)].sort());
    expect(trigger.get('states:DescribeExecution')).toEqual([THIS_MACHINES_EXECUTIONS]);
  });

  it('no function role carries a managed policy beyond basic Lambda execution', () => {
    for (const id of Object.values(fnIds)) {
      const role = json.Resources[roleIdOfFunction(json, id)].Properties;
      expect(JSON.stringify(role.ManagedPolicyArns)).toMatch(/AWSLambdaBasicExecutionRole"\]\]\}\]$/);
      expect(role.ManagedPolicyArns).toHaveLength(1);
    }
  });
});

describe('HTTP API', () => {
  it('serves the three routes of the system it replaces and the daily sales, each IAM-authorised, through the api function', () => {
    const methods = Object.values(resourcesOfType(json, 'AWS::ApiGateway::Method'));
    expect(methods).toHaveLength(4);
    for (const method of methods) {
      expect(method.Properties.AuthorizationType).toBe('AWS_IAM');
      expect(method.Properties.Integration.Type).toBe('AWS_PROXY');
      expect(JSON.stringify(method.Properties.Integration.Uri)).toContain(fnIds.api);
    }
    const pathParts = Object.values(resourcesOfType(json, 'AWS::ApiGateway::Resource')).map((resource) => resource.Properties.PathPart);
    expect(pathParts.sort()).toEqual(['analytics', 'api', 'daily-sales', 'full', 'status', 'sync', '{stream}']);
    expect(methods.map((method) => method.Properties.HttpMethod).sort()).toEqual(['GET', 'GET', 'POST', 'POST']);
  });

  it('lets API Gateway invoke the api function from the deployed stage only (no console test invoke)', () => {
    const permissions = Object.values(resourcesOfType(json, 'AWS::Lambda::Permission'));
    expect(permissions).toHaveLength(4);
    for (const permission of permissions) {
      expect(permission.Properties.Principal).toBe('apigateway.amazonaws.com');
      expect(JSON.stringify(permission.Properties.SourceArn)).not.toContain('test-invoke-stage');
    }
  });

  it('has a stage with access logs, throttling, tracing, and no request data in logs', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
      TracingEnabled: true,
      MethodSettings: [
        Match.objectLike({ DataTraceEnabled: false, ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20, LoggingLevel: 'ERROR' }),
      ],
    });
  });
});

describe('schedule', () => {
  it('invokes the scheduled trigger every 5 minutes by default with an incremental, schedule-triggered input', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [fnIds.scheduledTrigger, 'Arn'] },
        Input: Match.serializedJson({ mode: 'incremental', trigger: 'schedule' }),
      }),
    });
  });

  it('takes its expression and on/off switch from context', () => {
    const hourly = Template.fromJSON(synthTemplate({ scheduleRate: 'rate(1 hour)', scheduleEnabled: 'false' }));
    hourly.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(1 hour)', State: 'DISABLED' });
    const cron = Template.fromJSON(synthTemplate({ scheduleRate: 'cron(0/10 * * * ? *)' }));
    cron.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(0/10 * * * ? *)', State: 'ENABLED' });
  });

  it("gives the schedule's role nothing but invoking the trigger function", () => {
    const scheduleRoleArn = Object.values(resourcesOfType(json, 'AWS::Scheduler::Schedule'))[0]!.Properties.Target.RoleArn;
    const scheduleGrants = grantsOfRole(json, scheduleRoleArn['Fn::GetAtt'][0]);
    expect([...scheduleGrants.keys()]).toEqual(['lambda:InvokeFunction']);
    expect(scheduleGrants.get('lambda:InvokeFunction')![0]).toBe(arnOf(fnIds.scheduledTrigger));
  });
});

describe('outputs', () => {
  it('tells the operator the API URL, the state machine, the tables, the secret name and the console link', () => {
    const outputs = Object.keys(json.Outputs);
    expect(outputs).toEqual(
      expect.arrayContaining([
        'ApiUrl',
        'StateMachineArn',
        'ExpressStateMachineArn',
        'ExpressExecutionsLogGroup',
        'OrdersTableName',
        'ProductsTableName',
        'CustomersTableName',
        'SyncStateTableName',
        'SourceTokenSecretName',
        'ExecutionsConsoleUrl',
      ]),
    );
    expect(JSON.stringify(json.Outputs.ExecutionsConsoleUrl.Value)).toContain('console.aws.amazon.com/states');
  });
});
