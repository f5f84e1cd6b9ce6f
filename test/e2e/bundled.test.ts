// What deploys is what runs: each function from the bundle `cdk synth` wrote (the AWS SDK inside it), a full resync
// and an incremental run exactly as in source mode. Then that assembly with SyncPage's role short of
// dynamodb:PutItem (its one order write: a conditional PutItem per order), run by `npm start -- --bundled --cdk-out DIR`: the full resync fails under the enforced
// IAM, and the status names the denial.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesizeAssembly } from '../../local/aws/assembly';
import { copyDifferences, lastOf, runChain } from '../support/e2e';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';
import { roleIdOfFunction, functionIdByDescription, type Resources } from '../infra/template-helpers';
import { localStackProcess, npmRun, syncStatus, type StackProcess } from './npm-start-support';

const ORDERS = 300;
const PAGE_SIZE = 50;

let workDir: string;
let assemblyDir: string;

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'order-sync-bundled-'));
  assemblyDir = synthesizeAssembly(join(workDir, 'cdk.out'));
}, 240_000);
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('the functions run from the bundles of a cloud assembly', () => {
  let stack: E2eStack;
  beforeAll(async () => {
    stack = await startE2eStack({
      code: { kind: 'assembly', dir: assemblyDir },
      fake: { orders: ORDERS, seed: 41 },
      env: { PAGE_SIZE: String(PAGE_SIZE), MAX_PAGES_PER_EXECUTION: '3' },
    });
  }, 120_000);
  afterAll(() => stack?.stop());

  it("runs each function from its asset's index.js, which needs nothing but Node's built-ins", () => {
    const functions = stack.functions.all();
    expect(functions.map((fn) => fn.name).sort()).toEqual(['api', 'begin', 'commit', 'record-failure', 'scheduled-trigger', 'sync-page']);
    for (const fn of functions) {
      const { code } = fn.definition;
      expect(code).toMatchObject({
        kind: 'bundle',
        file: expect.stringMatching(new RegExp(`^${assemblyDir}/asset\\.[0-9a-f]+/index\\.js$`)),
      });
      // (`[require("…")]` is the SDK's error text telling how to add the optional CRT signer, not a call.)
      const requires = [...readFileSync(code.file, 'utf8').matchAll(/(?<!\[)require\("([^"]+)"\)/g)].map((match) => match[1]!);
      expect(requires.filter((name) => !name.startsWith('node:') && !BUILTINS.has(name))).toEqual([]);
    }
  });

  it('syncs a full resync, then an incremental run, exactly as the sources do', async () => {
    const full = await runChain(stack, { mode: 'full', trigger: 'test' });
    // Three or more parts of three steps: the pages, the deletions and reconciliation, the daily sales' recompute.
    expect(full.length).toBeGreaterThanOrEqual(3);
    expect(full.map((execution) => execution.status)).toEqual(full.map(() => 'SUCCEEDED'));
    expect(lastOf(full).output).toMatchObject({
      status: 'succeeded',
      mode: 'full',
      counts: { fetched: ORDERS, inserted: ORDERS },
      orderCount: ORDERS,
    });

    stack.fake!.mutate({
      updates: stack
        .fake!.truth()
        .slice(0, 30)
        .map((order) => order.id),
      creates: 12,
    });
    const incremental = lastOf(await runChain(stack, { mode: 'incremental', trigger: 'test' }));
    expect(incremental.output).toMatchObject({
      status: 'succeeded',
      mode: 'incremental',
      counts: { inserted: 12, updated: 30 },
      orderCount: ORDERS + 12,
    });
    expect(await copyDifferences(stack)).toEqual({ missing: [], stale: [], extra: [], sourceCount: ORDERS + 12 });
  }, 120_000);
});

describe('npm start -- --bundled --cdk-out DIR, SyncPage role without dynamodb:PutItem', () => {
  let running: StackProcess;
  beforeAll(async () => {
    const broken = join(workDir, 'cdk.out-no-put-item');
    cpSync(assemblyDir, broken, { recursive: true });
    withoutAction(join(broken, 'OrderSync.template.json'), 'Sync step: fetch one page', 'dynamodb:PutItem', 'OrdersTable');
    running = await localStackProcess('tsx', [
      '--bundled',
      '--cdk-out',
      broken,
      '--orders',
      '100',
      '--history-days',
      '60',
      '--page-size',
      String(PAGE_SIZE),
      '--no-schedule',
      '--live-rate',
      '0',
    ]);
  }, 120_000);
  afterAll(() => running?.kill());

  it('says it runs the bundles of that assembly', () => {
    expect(running.output()).toMatch(
      /functions\s+6, each in its own worker: the bundles of .*cdk\.out-no-put-item \(--cdk-out; AWS SDK inside\)/,
    );
    expect(running.output()).toMatch(/IAM\s+enforced/);
  });

  it('fails the full resync; the status names AccessDenied and dynamodb:PutItem', async () => {
    const sync = await npmRun(['sync', '--', '--full', '--api-url', running.urls.httpApi, '--poll', '0.2']);
    expect(sync.code).not.toBe(0);
    const error = (await syncStatus(running.urls.httpApi)).orders.last_run.error as { name: string; message: string };
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toMatch(
      /assumed-role\/SyncPageFunctionServiceRole\w+\/SyncPageFunction\w+ is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:123456789012:table\/orders/,
    );
  }, 120_000);
});

/** Node's built-in modules a bundle may require without the `node:` prefix. */
const BUILTINS = new Set(builtinModules);

/**
 * Takes `action` out of the statements, on the role of the function described `description`, whose resources name the
 * table `tableId` (a logical id's prefix): the page step keeps its other tables' grants (the daily sales' entries).
 */
function withoutAction(templateFile: string, description: string, action: string, tableId: string): void {
  const template = JSON.parse(readFileSync(templateFile, 'utf8'));
  const roleId = roleIdOfFunction(template, functionIdByDescription(template, description));
  let removed = 0;
  for (const resource of Object.values(template.Resources as Resources)) {
    if (resource.Type !== 'AWS::IAM::Policy' || !JSON.stringify(resource.Properties.Roles).includes(roleId)) continue;
    const document = resource.Properties.PolicyDocument as { Statement: Array<{ Action: string | string[]; Resource: unknown }> };
    for (const statement of document.Statement) {
      if (!JSON.stringify(statement.Resource).includes(`"${tableId}`)) continue;
      const actions = [statement.Action].flat();
      removed += actions.filter((one) => one === action).length;
      statement.Action = actions.filter((one) => one !== action);
    }
    document.Statement = document.Statement.filter((statement) => statement.Action.length > 0);
  }
  expect(removed).toBe(1);
  writeFileSync(templateFile, JSON.stringify(template));
}
