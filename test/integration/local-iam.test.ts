// IAM in the local stack: the synthesized template's roles evaluated by our policy evaluator, and enforced where
// the functions' calls arrive (the DynamoDB proxy in front of dynalite, the local Step Functions API), answered with
// AWS's AccessDeniedException and its wording. A key that names no role is the local operator's. Mutations of the
// template (a grant removed or narrowed, a Deny added, Not- forms, a Condition) are each decided as AWS would.
import { DynamoDBClient, GetItemCommand, ListTablesCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ListExecutionsCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { ensureTables, LOCAL_TABLE_NAMES } from '../../functions/adapters/dynamodb/tables';
import type { CloudFormationTemplate } from '../../infra/synth';
import { startDynaliteServer, type DynaliteServer } from '../../local/aws/dynalite-server';
import { startDynamoIamProxy, type DynamoIamProxy } from '../../local/aws/iam/dynamodb-iam-proxy';
import { LocalIam, type Principal } from '../../local/aws/iam/local-iam';
import { UnsupportedPolicyError } from '../../local/aws/iam/policy-evaluator';
import { templateResources, type TemplateResources } from '../../local/aws/iam/template-resources';
import { startSfnEndpoint, type SfnEndpoint } from '../../local/aws/sfn-endpoint';
import { localTemplate } from '../../local/aws/stack';
import { EXPRESS_STATE_MACHINE_LOGICAL_ID } from '../../infra/synth';
import { definitionFromTemplate } from '../../local/aws/state-machine/definition';
import { LocalStateMachine } from '../../local/aws/state-machine/local-state-machine';
import { functionIdByDescription, resourcesOfType, roleIdOfFunction } from '../infra/template-helpers';

const TABLES = LOCAL_TABLE_NAMES;
const ORDERS_ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders';
const SYNC_STATE_ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/sync-state';

let template: CloudFormationTemplate;
let resources: TemplateResources;
let iam: LocalIam;
/** The session of each function's role, as the local stack signs its calls. */
let sessions: Record<'begin' | 'syncPage' | 'commit' | 'api', Principal>;

beforeAll(() => {
  template = localTemplate();
  resources = templateResources(template, TABLES);
  iam = new LocalIam(template, resources);
  const session = (description: string): Principal => {
    const functionId = functionIdByDescription(template, description);
    return { roleId: roleIdOfFunction(template, functionId), session: functionId };
  };
  sessions = {
    begin: session('Sync step: take the lease'),
    syncPage: session('Sync step: fetch one page'),
    commit: session('Sync step: write the checkpoint'),
    api: session('HTTP API:'),
  };
});

describe('the policy evaluator over the synthesized roles', () => {
  it('allows what a role grants, on the resources it names', async () => {
    await expect(iam.authorize(sessions.syncPage, 'dynamodb:PutItem', [ORDERS_ARN])).resolves.toBeUndefined();
    await expect(iam.authorize(sessions.commit, 'dynamodb:UpdateItem', [SYNC_STATE_ARN])).resolves.toBeUndefined();
    await expect(iam.authorize(sessions.begin, 'dynamodb:BatchGetItem', [ORDERS_ARN])).resolves.toBeUndefined();
  });

  it("denies the rest in AWS's words: the role session, the action, the resource, why", async () => {
    await expect(iam.authorize(sessions.commit, 'dynamodb:PutItem', [ORDERS_ARN])).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message:
        `User: arn:aws:sts::123456789012:assumed-role/${sessions.commit.roleId}/${sessions.commit.session} is not authorized to perform: ` +
        `dynamodb:PutItem on resource: ${ORDERS_ARN} because no identity-based policy allows the dynamodb:PutItem action`,
    });
    // Same action, another table: the grant is per resource.
    await expect(iam.authorize(sessions.begin, 'dynamodb:PutItem', [ORDERS_ARN])).rejects.toThrow(/not authorized/);
    await expect(iam.authorize(sessions.syncPage, 'dynamodb:UpdateItem', [ORDERS_ARN])).rejects.toThrow(/not authorized/);
  });

  it("checks the state machine role's own calls: invoking each Task's function, starting itself (continue-as-new)", async () => {
    const machineRole = template.Resources.SyncStateMachine.Properties.RoleArn['Fn::GetAtt'][0] as string;
    const machine = { roleId: machineRole, session: 'an-execution' };
    const { definition, stateMachineArn } = definitionFromTemplate(template);
    const taskFunctions = Object.values(definition.States)
      .map((state) => (state as { Parameters?: { FunctionName?: string } }).Parameters?.FunctionName)
      .filter((name): name is string => name !== undefined);
    expect(taskFunctions).toHaveLength(4);
    for (const functionArn of taskFunctions)
      await expect(iam.authorize(machine, 'lambda:InvokeFunction', [functionArn])).resolves.toBeUndefined();
    await expect(iam.authorize(machine, 'states:StartExecution', [stateMachineArn])).resolves.toBeUndefined();
    const apiFunction = resources.arnOf(functionIdByDescription(template, 'HTTP API:'));
    await expect(iam.authorize(machine, 'lambda:InvokeFunction', [apiFunction])).rejects.toThrow(
      /lambda:InvokeFunction on resource: .*ApiFunction/,
    );
  });
});

describe('mutations of the synthesized template, decided as AWS would', () => {
  type PolicyStatement = Record<string, unknown>;
  const ordersTableArn = () => ({ 'Fn::GetAtt': [template.Outputs.OrdersTableName.Value.Ref as string, 'Arn'] });
  /** The sync-page role's policy, its statements changed by `change`, read as the local stack reads the template. */
  const policyId = () =>
    Object.entries(resourcesOfType(template, 'AWS::IAM::Policy')).find(([, policy]) =>
      JSON.stringify(policy.Properties.Roles).includes(sessions.syncPage.roleId),
    )![0];
  const withSyncPagePolicy = (change: (statements: PolicyStatement[]) => PolicyStatement[]): LocalIam => {
    const mutated = structuredClone(template);
    const document = mutated.Resources[policyId()].Properties.PolicyDocument;
    document.Statement = change(document.Statement as PolicyStatement[]);
    return new LocalIam(mutated, templateResources(mutated, TABLES));
  };
  /** The statement granting dynamodb:PutItem on the orders table. */
  const isOrdersGrant = (statement: PolicyStatement) => JSON.stringify(statement).includes('dynamodb:PutItem');
  const denial = (action: string, resource: string, why: string) => ({
    name: 'AccessDeniedException',
    message:
      `User: arn:aws:sts::123456789012:assumed-role/${sessions.syncPage.roleId}/${sessions.syncPage.session} is not authorized to perform: ` +
      `${action} on resource: ${resource} ${why}`,
  });
  const QUARANTINE_ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/quarantine';

  it('an action removed: denied, as no policy allows it; the rest of the statement still allowed', async () => {
    await expect(iam.authorize(sessions.syncPage, 'dynamodb:PutItem', [ORDERS_ARN])).resolves.toBeUndefined();
    const short = withSyncPagePolicy((statements) =>
      statements.map((statement) => ({
        ...statement,
        Action: [statement.Action].flat().filter((action) => action !== 'dynamodb:PutItem'),
      })),
    );
    await expect(short.authorize(sessions.syncPage, 'dynamodb:PutItem', [ORDERS_ARN])).rejects.toMatchObject(
      denial('dynamodb:PutItem', ORDERS_ARN, 'because no identity-based policy allows the dynamodb:PutItem action'),
    );
    await expect(short.authorize(sessions.syncPage, 'dynamodb:Scan', [ORDERS_ARN])).resolves.toBeUndefined();
  });

  it('a Deny added: denied explicitly though an Allow grants it; what it does not name still allowed', async () => {
    const guarded = withSyncPagePolicy((statements) => [
      ...statements,
      { Effect: 'Deny', Action: 'dynamodb:Put*', Resource: ordersTableArn() },
    ]);
    await expect(guarded.authorize(sessions.syncPage, 'dynamodb:PutItem', [ORDERS_ARN])).rejects.toMatchObject(
      denial('dynamodb:PutItem', ORDERS_ARN, 'with an explicit deny in an identity-based policy'),
    );
    await expect(guarded.authorize(sessions.syncPage, 'dynamodb:BatchGetItem', [ORDERS_ARN])).resolves.toBeUndefined();
    // A batch is denied on the first resource denied.
    await expect(guarded.authorize(sessions.syncPage, 'dynamodb:PutItem', [ORDERS_ARN, QUARANTINE_ARN])).rejects.toThrow(
      `on resource: ${ORDERS_ARN} with an explicit deny`,
    );
  });

  it('a resource narrowed (a Fn::Join of the table ARN): the table denied, the index it names allowed', async () => {
    const narrowed = withSyncPagePolicy((statements) =>
      statements.map((statement) =>
        isOrdersGrant(statement) ? { ...statement, Resource: { 'Fn::Join': ['', [ordersTableArn(), '/index/byDate']] } } : statement,
      ),
    );
    await expect(narrowed.authorize(sessions.syncPage, 'dynamodb:PutItem', [ORDERS_ARN])).rejects.toMatchObject(
      denial('dynamodb:PutItem', ORDERS_ARN, 'because no identity-based policy allows the dynamodb:PutItem action'),
    );
    await expect(narrowed.authorize(sessions.syncPage, 'dynamodb:PutItem', [`${ORDERS_ARN}/index/byDate`])).resolves.toBeUndefined();
  });

  it('NotAction: a Deny of all but reads leaves the role read-only', async () => {
    const readOnly = withSyncPagePolicy((statements) => [
      ...statements,
      { Effect: 'Deny', NotAction: ['dynamodb:Get*', 'dynamodb:BatchGet*', 'dynamodb:Scan'], Resource: '*' },
    ]);
    await expect(readOnly.authorize(sessions.syncPage, 'dynamodb:BatchGetItem', [ORDERS_ARN])).resolves.toBeUndefined();
    await expect(readOnly.authorize(sessions.syncPage, 'dynamodb:GetItem', [SYNC_STATE_ARN])).resolves.toBeUndefined();
    await expect(readOnly.authorize(sessions.syncPage, 'dynamodb:UpdateItem', [SYNC_STATE_ARN])).rejects.toMatchObject(
      denial('dynamodb:UpdateItem', SYNC_STATE_ARN, 'with an explicit deny in an identity-based policy'),
    );
  });

  it('NotResource: an Allow on every table but orders moves the grant off orders', async () => {
    await expect(iam.authorize(sessions.syncPage, 'dynamodb:PutItem', [QUARANTINE_ARN])).rejects.toThrow(/not authorized/);
    const elsewhere = withSyncPagePolicy((statements) =>
      statements.map((statement) =>
        isOrdersGrant(statement) ? { Effect: 'Allow', Action: 'dynamodb:PutItem', NotResource: ordersTableArn() } : statement,
      ),
    );
    await expect(elsewhere.authorize(sessions.syncPage, 'dynamodb:PutItem', [QUARANTINE_ARN])).resolves.toBeUndefined();
    await expect(elsewhere.authorize(sessions.syncPage, 'dynamodb:PutItem', [ORDERS_ARN])).rejects.toMatchObject(
      denial('dynamodb:PutItem', ORDERS_ARN, 'because no identity-based policy allows the dynamodb:PutItem action'),
    );
  });

  it('a Condition (or a Principal) is refused when the template is read, naming the policy and the statement', () => {
    const statements = template.Resources[policyId()].Properties.PolicyDocument.Statement as PolicyStatement[];
    const index = statements.findIndex(isOrdersGrant);
    const conditioned = () =>
      withSyncPagePolicy((statements) =>
        statements.map((statement) =>
          isOrdersGrant(statement) ? { ...statement, Condition: { Bool: { 'aws:SecureTransport': 'true' } } } : statement,
        ),
      );
    expect(conditioned).toThrow(UnsupportedPolicyError);
    expect(conditioned).toThrow(`cannot evaluate policy ${policyId()}, Statement[${index}]: a Condition is not evaluated locally`);
    const withPrincipal = () => withSyncPagePolicy((original) => [...original, { ...original[0], Principal: '*' }]);
    expect(withPrincipal).toThrow(`Statement[${statements.length}]: an identity policy names no Principal`);
  });
});

describe('enforced at the local endpoints', () => {
  let dynalite: DynaliteServer;
  let proxy: DynamoIamProxy;
  let sfnEndpoint: SfnEndpoint;
  const clients: Array<{ destroy(): void }> = [];
  const signedAs = (principal: Principal | 'operator') =>
    principal === 'operator' ? { accessKeyId: 'local', secretAccessKey: 'local' } : iam.credentialsOf(principal);
  const dynamoAs = (principal: Principal | 'operator') => {
    const client = new DynamoDBClient({ region: 'us-east-1', endpoint: proxy.endpoint, credentials: signedAs(principal) });
    clients.push(client);
    return client;
  };
  const sfnAs = (principal: Principal | 'operator') => {
    const client = new SFNClient({ region: 'us-east-1', endpoint: sfnEndpoint.url, credentials: signedAs(principal) });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    dynalite = await startDynaliteServer();
    proxy = await startDynamoIamProxy({ upstream: dynalite.endpoint, iam });
    await ensureTables(dynamoAs('operator'), TABLES);
    const definition = definitionFromTemplate(template);
    const express = definitionFromTemplate(template, EXPRESS_STATE_MACHINE_LOGICAL_ID);
    const machine = new LocalStateMachine({
      definition: definition.definition,
      stateMachineArn: definition.stateMachineArn,
      tasks: {},
      express: { definition: express.definition, stateMachineArn: express.stateMachineArn, tasks: {} },
    });
    sfnEndpoint = await startSfnEndpoint({ machine: () => machine, iam: () => iam });
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await sfnEndpoint?.stop();
    await proxy?.stop();
    await dynalite?.stop();
  });

  const put = (id: string, TableName = 'orders') => new PutItemCommand({ TableName, Item: { id: { S: id } } });

  it('DynamoDB: a call the role may not make is answered 400 AccessDeniedException and never reaches dynalite', async () => {
    const denied = dynamoAs(sessions.commit).send(put('o-1'));
    await expect(denied).rejects.toMatchObject({
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 },
      message: expect.stringMatching(
        new RegExp(
          `assumed-role/${sessions.commit.roleId}/.* is not authorized to perform: dynamodb:PutItem on resource: ${ORDERS_ARN} because`,
        ),
      ),
    });
    const stored = await dynamoAs('operator').send(new GetItemCommand({ TableName: 'orders', Key: { id: { S: 'o-1' } } }));
    expect(stored.Item).toBeUndefined();
  });

  it('DynamoDB: an allowed call goes through; the operator may do anything', async () => {
    await dynamoAs(sessions.syncPage).send(put('o-2'));
    const stored = await dynamoAs(sessions.commit).send(new GetItemCommand({ TableName: 'sync-state', Key: { stream: { S: 'none' } } }));
    expect(stored.Item).toBeUndefined();
    expect((await dynamoAs('operator').send(new ListTablesCommand({}))).TableNames).toEqual([
      'customers',
      'daily-sales',
      'orders',
      'products',
      'quarantine',
      'sync-state',
    ]);
    await expect(dynamoAs(sessions.syncPage).send(new ListTablesCommand({}))).rejects.toThrow(/dynamodb:ListTables on resource: \*/);
  });

  it("DynamoDB: every stream's copy table is the page step's to write, and no other step's", async () => {
    for (const table of [TABLES.productsTable, TABLES.customersTable]) {
      await dynamoAs(sessions.syncPage).send(put('p-1', table));
      await expect(dynamoAs(sessions.begin).send(put('p-2', table))).rejects.toThrow(
        new RegExp(`dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:123456789012:table/${table} because`),
      );
      const stored = await dynamoAs('operator').send(new GetItemCommand({ TableName: table, Key: { id: { S: 'p-1' } } }));
      expect(stored.Item).toEqual({ id: { S: 'p-1' } });
    }
  });

  it('Step Functions: StartExecution is denied to a role without it, allowed to the api role', async () => {
    const arn = definitionFromTemplate(template).stateMachineArn;
    await expect(sfnAs(sessions.commit).send(new StartExecutionCommand({ stateMachineArn: arn, input: '{}' }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining(`is not authorized to perform: states:StartExecution on resource: ${arn}`),
    });
    expect((await sfnAs(sessions.api).send(new ListExecutionsCommand({ stateMachineArn: arn }))).executions).toEqual([]);
  });

  it('Step Functions: the Express machine too: StartExecution denied to a step role, ListExecutions to the api role (it may only start it)', async () => {
    const arn = definitionFromTemplate(template, EXPRESS_STATE_MACHINE_LOGICAL_ID).stateMachineArn;
    const start = (principal: Principal) =>
      sfnAs(principal).send(new StartExecutionCommand({ stateMachineArn: arn, input: '{"mode":"full","trigger":"test"}' }));
    await expect(start(sessions.commit)).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining(`is not authorized to perform: states:StartExecution on resource: ${arn}`),
    });
    // The api role's grants reach the Express machine for StartExecution only: the denial comes before AWS's own refusal.
    await expect(sfnAs(sessions.api).send(new ListExecutionsCommand({ stateMachineArn: arn }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining(`states:ListExecutions on resource: ${arn}`),
    });
  });
});
