// Each function's role, evaluated by a real policy evaluator over the synthesized template, against what its handler
// uses (functions/handler-needs.ts): every action a need asks is allowed on the very resource its variable names,
// every other table, secret and machine action denied. A role one grant short of its handler fails here, not in AWS.
import { QUARANTINE_TABLE_KEY } from '../../functions/adapters/dynamodb/tables';
import { HANDLER_NEEDS, TABLE_ACCESS, type HandlerName, type SettingVariable, type TableVariable } from '../../functions/handler-needs';
import { HANDLER_METADATA_KEY } from '../../infra/handler-entry';
import { synthTemplate, type CloudFormationTemplate } from '../../infra/synth';
import { LocalIam } from '../../local/aws/iam/local-iam';
import { templateResources } from '../../local/aws/iam/template-resources';
import { resourcesOfType, roleIdOfFunction, type Resources } from './template-helpers';

const DYNAMODB_ACTIONS = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchGetItem', 'BatchWriteItem', 'Query', 'Scan'].map(
  (name) => `dynamodb:${name}`,
);
const SETTINGS: SettingVariable[] = [
  'STREAMS',
  'PAGE_SIZE',
  'OVERLAP_SECONDS',
  'LOOKBACK_SECONDS',
  'LOOKBACK_EVERY_SECONDS',
  'LEASE_SECONDS',
  'MAX_PAGES_PER_EXECUTION',
  'SHOP_TIME_ZONE',
];
const STATES_ACTIONS = ['states:StartExecution', 'states:ListExecutions', 'states:DescribeExecution', 'states:StopExecution'];
const TABLES = {
  ORDERS_TABLE: 'orders',
  SYNC_STATE_TABLE: 'sync-state',
  QUARANTINE_TABLE: 'quarantine',
  DAILY_SALES_TABLE: 'daily-sales',
} as const;
/** Where a call can go on each table: the table itself, and its indexes (none for orders and sync state). */
const INDEXES: Record<TableVariable, string[]> = {
  ORDERS_TABLE: [],
  SYNC_STATE_TABLE: [],
  QUARANTINE_TABLE: [QUARANTINE_TABLE_KEY.newestIndex.name],
  DAILY_SALES_TABLE: [],
};

/** Where each function's role and its handler's needs disagree, one line each (empty: they agree). */
async function gapsOf(template: CloudFormationTemplate): Promise<string[]> {
  const resources = templateResources(template, {
    ordersTable: TABLES.ORDERS_TABLE,
    syncStateTable: TABLES.SYNC_STATE_TABLE,
    quarantineTable: TABLES.QUARANTINE_TABLE,
    dailySalesTable: TABLES.DAILY_SALES_TABLE,
  });
  const iam = new LocalIam(template, resources);
  const gaps: string[] = [];
  const decide = async (
    handler: string,
    principal: { roleId: string; session: string },
    action: string,
    resource: string,
    allowed: boolean,
  ) => {
    const denied = await iam.authorize(principal, action, [resource]).then(
      () => false,
      () => true,
    );
    if (denied === allowed)
      gaps.push(
        `${handler}: ${action} on ${resource} is ${denied ? 'denied, its handler needs it' : 'allowed, its handler does not need it'}`,
      );
  };
  for (const [functionId, fn] of Object.entries(resourcesOfType(template, 'AWS::Lambda::Function') as Resources)) {
    const handler = (template.Resources[functionId].Metadata?.[HANDLER_METADATA_KEY] ?? '') as HandlerName;
    const needs = HANDLER_NEEDS[handler];
    if (!needs) {
      gaps.push(`${functionId}: names no handler of functions/handler-needs.ts`);
      continue;
    }
    const principal = { roleId: roleIdOfFunction(template, functionId), session: functionId };
    const variables = fn.Properties.Environment.Variables as Record<string, unknown>;
    for (const variable of Object.keys(TABLES) as TableVariable[]) {
      const access = needs.tables[variable];
      if (access === undefined && variable in variables) gaps.push(`${handler}: has ${variable} but does not use that table`);
      if (access !== undefined && !(variable in variables)) gaps.push(`${handler}: uses ${variable} but the function has no such variable`);
      const tableArn = `arn:aws:dynamodb:us-east-1:123456789012:table/${variable in variables ? resources.resolve(variables[variable]) : TABLES[variable]}`;
      const granted = access ? TABLE_ACCESS[access] : undefined;
      for (const target of [undefined, ...INDEXES[variable]]) {
        const arn = target ? `${tableArn}/index/${target}` : tableArn;
        const needed = granted && granted.index === target ? granted.actions : [];
        for (const action of DYNAMODB_ACTIONS) await decide(handler, principal, action, arn, needed.includes(action));
      }
    }
    for (const setting of SETTINGS) {
      if (needs.settings.includes(setting) !== setting in variables)
        gaps.push(`${handler}: ${setting} is ${setting in variables ? 'set but not read' : 'read but not set'}`);
    }
    const secretArn = resources.resolve({ Ref: Object.keys(resourcesOfType(template, 'AWS::SecretsManager::Secret'))[0] });
    await decide(handler, principal, 'secretsmanager:GetSecretValue', secretArn, needs.source === true);
    if ((needs.source !== undefined) !== 'ORDERS_API_TOKEN_SECRET_ARN' in variables)
      gaps.push(`${handler}: the secret's variable and the source need disagree`);
    const machineArn = resources.resolve({ Ref: 'SyncStateMachine' });
    for (const action of STATES_ACTIONS) {
      const resource =
        action === 'states:DescribeExecution' || action === 'states:StopExecution'
          ? `${machineArn.replace(':stateMachine:', ':execution:')}:some-run`
          : machineArn;
      await decide(handler, principal, action, resource, (needs.stateMachine ?? []).includes(action as never));
    }
    if ((needs.stateMachine !== undefined) !== 'STATE_MACHINE_ARN' in variables)
      gaps.push(`${handler}: STATE_MACHINE_ARN and the state machine need disagree`);
  }
  return gaps;
}

let template: CloudFormationTemplate;
beforeAll(() => {
  template = synthTemplate();
});

describe("each function's role against what its handler uses", () => {
  it('allows exactly what each handler needs, on the resources its variables name', async () => {
    expect(Object.keys(resourcesOfType(template, 'AWS::Lambda::Function'))).toHaveLength(Object.keys(HANDLER_NEEDS).length);
    expect(await gapsOf(template)).toEqual([]);
  });

  it('finds a Begin-like gap: a role one grant short of its handler', async () => {
    const short = structuredClone(template);
    const beginRole = roleIdOfFunction(
      short,
      Object.keys(short.Resources).find((id) => short.Resources[id].Metadata?.[HANDLER_METADATA_KEY] === 'begin')!,
    );
    for (const policy of Object.values(resourcesOfType(short, 'AWS::IAM::Policy'))) {
      if (!JSON.stringify(policy.Properties.Roles).includes(beginRole)) continue;
      const document = policy.Properties.PolicyDocument;
      document.Statement = document.Statement.map((statement: { Action: string | string[] }) => ({
        ...statement,
        Action: [statement.Action].flat().filter((action) => action !== 'dynamodb:BatchGetItem'),
      })).filter((statement: { Action: string[] }) => statement.Action.length > 0);
    }
    expect(await gapsOf(short)).toEqual([
      'begin: dynamodb:BatchGetItem on arn:aws:dynamodb:us-east-1:123456789012:table/orders is denied, its handler needs it',
    ]);
  });
});
