// IAM in the local stack: the synthesized template's roles evaluated by a real policy evaluator, and enforced where
// the functions' calls arrive (the DynamoDB proxy in front of dynalite, the local Step Functions API), answered with
// AWS's AccessDeniedException and its wording. A key that names no role is the local operator's.
import { DynamoDBClient, GetItemCommand, ListTablesCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ListExecutionsCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { ensureTables } from '../../functions/adapters/dynamodb/tables';
import { synthTemplate, type CloudFormationTemplate } from '../../infra/synth';
import { startDynaliteServer, type DynaliteServer } from '../../local/aws/dynalite-server';
import { startDynamoIamProxy, type DynamoIamProxy } from '../../local/aws/iam/dynamodb-iam-proxy';
import { LocalIam, type Principal } from '../../local/aws/iam/local-iam';
import { templateResources, type TemplateResources } from '../../local/aws/iam/template-resources';
import { startSfnEndpoint, type SfnEndpoint } from '../../local/aws/sfn-endpoint';
import { definitionFromTemplate } from '../../local/aws/state-machine/definition';
import { LocalStateMachine } from '../../local/aws/state-machine/local-state-machine';
import { functionIdByDescription, roleIdOfFunction } from '../infra/template-helpers';

const TABLES = { ordersTable: 'orders', syncStateTable: 'sync-state', quarantineTable: 'quarantine' };
const ORDERS_ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders';
const SYNC_STATE_ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/sync-state';

let template: CloudFormationTemplate;
let resources: TemplateResources;
let iam: LocalIam;
/** The session of each function's role, as the local stack signs its calls. */
let sessions: Record<'begin' | 'syncPage' | 'commit' | 'api', Principal>;

beforeAll(() => {
  template = synthTemplate();
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
    const machine = new LocalStateMachine({ definition: definition.definition, stateMachineArn: definition.stateMachineArn, tasks: {} });
    sfnEndpoint = await startSfnEndpoint({ machine: () => machine, definition: () => definition, iam: () => iam });
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await sfnEndpoint?.stop();
    await proxy?.stop();
    await dynalite?.stop();
  });

  const put = (id: string) => new PutItemCommand({ TableName: 'orders', Item: { id: { S: id } } });

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
    expect((await dynamoAs('operator').send(new ListTablesCommand({}))).TableNames).toEqual(['orders', 'quarantine', 'sync-state']);
    await expect(dynamoAs(sessions.syncPage).send(new ListTablesCommand({}))).rejects.toThrow(/dynamodb:ListTables on resource: \*/);
  });

  it('Step Functions: StartExecution is denied to a role without it, allowed to the api role', async () => {
    const arn = definitionFromTemplate(template).stateMachineArn;
    await expect(sfnAs(sessions.commit).send(new StartExecutionCommand({ stateMachineArn: arn, input: '{}' }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining(`is not authorized to perform: states:StartExecution on resource: ${arn}`),
    });
    expect((await sfnAs(sessions.api).send(new ListExecutionsCommand({ stateMachineArn: arn }))).executions).toEqual([]);
  });
});
