// Each function's role, evaluated by a real policy evaluator over the synthesized template, against what its handler
// uses (functions/handler-needs.ts): every action a need asks is allowed on the very resource its variable names,
// every other table, secret and machine action denied. A role one grant short of its handler fails here, not in AWS.
import { LOCAL_TABLE_NAMES, QUARANTINE_TABLE_KEY } from '../../functions/adapters/dynamodb/tables';
import {
  HANDLER_NEEDS,
  TABLE_ACCESS,
  type HandlerName,
  type HandlerNeeds,
  type SettingVariable,
  type TableAccess,
  type TableVariable,
} from '../../functions/handler-needs';
import type { CopyTableVariable } from '../../functions/streams';
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
  'DAILY_SALES',
];
const STATES_ACTIONS = ['states:StartExecution', 'states:ListExecutions', 'states:DescribeExecution', 'states:StopExecution'];
const TABLES: Record<TableVariable, string> = {
  ORDERS_TABLE: LOCAL_TABLE_NAMES.ordersTable,
  PRODUCTS_TABLE: LOCAL_TABLE_NAMES.productsTable,
  CUSTOMERS_TABLE: LOCAL_TABLE_NAMES.customersTable,
  SYNC_STATE_TABLE: LOCAL_TABLE_NAMES.syncStateTable,
  QUARANTINE_TABLE: LOCAL_TABLE_NAMES.quarantineTable,
  DAILY_SALES_TABLE: LOCAL_TABLE_NAMES.dailySalesTable!,
};
const COPY_TABLES: readonly TableVariable[] = ['ORDERS_TABLE', 'PRODUCTS_TABLE', 'CUSTOMERS_TABLE'] satisfies CopyTableVariable[];
/** Where a call can go on each table: the table itself, and its indexes (only the quarantine has one). */
const INDEXES: Record<TableVariable, string[]> = {
  ORDERS_TABLE: [],
  PRODUCTS_TABLE: [],
  CUSTOMERS_TABLE: [],
  SYNC_STATE_TABLE: [],
  QUARANTINE_TABLE: [QUARANTINE_TABLE_KEY.newestIndex.name],
  DAILY_SALES_TABLE: [],
};

/** What the handler does on the table `variable` names, when that table is in the stack (a copy table: its stream is enabled). */
function accessOf(needs: HandlerNeeds, variable: TableVariable, inStack: boolean): TableAccess | undefined {
  if (!inStack) return undefined;
  return COPY_TABLES.includes(variable) ? needs.copyTables : needs.tables[variable as keyof HandlerNeeds['tables']];
}

/** Where each function's role and its handler's needs disagree, one line each (empty: they agree). */
async function gapsOf(template: CloudFormationTemplate): Promise<string[]> {
  const resources = templateResources(template, LOCAL_TABLE_NAMES);
  const tablesInStack = new Set(
    Object.keys(resourcesOfType(template, 'AWS::DynamoDB::Table')).map((logicalId) => resources.resolve({ Ref: logicalId })),
  );
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
      // A stream not enabled has no table: every call on the name it would have is denied, and no function names it.
      const access = accessOf(needs, variable, tablesInStack.has(TABLES[variable]));
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
    expect(await gapsOf(short)).toEqual(
      ['orders', 'products', 'customers'].map(
        (table) => `begin: dynamodb:BatchGetItem on arn:aws:dynamodb:us-east-1:123456789012:table/${table} is denied, its handler needs it`,
      ),
    );
  });

  it("finds a page step that cannot write one stream's copy: sync-page's grant on the products table taken away", async () => {
    const short = structuredClone(template);
    const syncPageRole = roleIdOfFunction(
      short,
      Object.keys(short.Resources).find((id) => short.Resources[id].Metadata?.[HANDLER_METADATA_KEY] === 'sync-page')!,
    );
    const productsTableId = Object.keys(resourcesOfType(short, 'AWS::DynamoDB::Table')).find((id) => id.startsWith('ProductsTable'))!;
    for (const policy of Object.values(resourcesOfType(short, 'AWS::IAM::Policy'))) {
      if (!JSON.stringify(policy.Properties.Roles).includes(syncPageRole)) continue;
      const document = policy.Properties.PolicyDocument;
      // CDK folds the three copy tables into one statement: take only the products table out of its resources.
      document.Statement = document.Statement.map((statement: { Resource: unknown }) => ({
        ...statement,
        Resource: [statement.Resource].flat().filter((resource) => !JSON.stringify(resource).includes(productsTableId)),
      })).filter((statement: { Resource: unknown[] }) => statement.Resource.length > 0);
    }
    expect(await gapsOf(short)).toEqual(
      DYNAMODB_ACTIONS.filter((action) => TABLE_ACCESS.conditionalPut.actions.includes(action)).map(
        (action) => `sync-page: ${action} on arn:aws:dynamodb:us-east-1:123456789012:table/products is denied, its handler needs it`,
      ),
    );
  });
});

describe('the copy tables of the enabled streams only', () => {
  it('builds no table, variable or grant for a stream the context leaves out', async () => {
    const twoStreams = synthTemplate({ streams: 'orders,customers' });
    const tableIds = Object.keys(resourcesOfType(twoStreams, 'AWS::DynamoDB::Table'));
    expect(tableIds.filter((id) => /^(Orders|Products|Customers)Table/.test(id)).sort()).toEqual([
      expect.stringMatching(/^CustomersTable/),
      expect.stringMatching(/^OrdersTable/),
    ]);
    expect(Object.keys(twoStreams.Outputs ?? {}).filter((name) => name.endsWith('TableName'))).toEqual(
      expect.not.arrayContaining(['ProductsTableName']),
    );
    // Every role still matches its handler's needs, on the two tables there are (the products name: denied to all).
    expect(await gapsOf(twoStreams)).toEqual([]);
  });

  it('stops the synth on a stream name it does not know, naming the context key', () => {
    expect(() => synthTemplate({ streams: 'orders,refunds' })).toThrow(
      'context streams must be a comma-separated list of orders, products, customers (at least one, each once), got "orders,refunds"',
    );
  });
});
