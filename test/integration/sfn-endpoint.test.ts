// The local Step Functions endpoint, driven by the real SFNClient over loopback: every operation the project and the
// AWS CLI use, the errors as AWS shapes them, and a stop that leaves the run resumable; the Express machine as AWS
// runs it (started, never described or listed; names not unique; ended at its time limit; handing long runs over to
// the Standard machine). Synthesized machines, dynalite.
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  type DescribeExecutionCommandOutput,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { DynamoSyncStateStore } from '../../functions/adapters/dynamodb/sync-state-store';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client';
import { settleInterruptedRun } from '../../local/aws/interrupted-run';
import { startSfnEndpoint, type SfnEndpoint } from '../../local/aws/sfn-endpoint';
import { copyDifferences, syncState } from '../support/e2e';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';

// Twelve small pages: a chain of three executions, each page cheap to write (the daily sales off: their phase's
// steps would make the chain longer, and this file is about the endpoint).
const ORDERS = 120;
const PAGE_SIZE = 10;
const PAGES_PER_EXECUTION = 5;

describe('the local Step Functions endpoint, through the real SFNClient', () => {
  let stack: E2eStack;
  let endpoint: SfnEndpoint;
  let sfn: SFNClient;
  let chainArns: string[] = [];

  beforeAll(async () => {
    stack = await startE2eStack({
      fake: { orders: ORDERS, seed: 11 },
      env: { PAGE_SIZE: String(PAGE_SIZE), MAX_PAGES_PER_EXECUTION: String(PAGES_PER_EXECUTION), DAILY_SALES: 'false' },
    });
    endpoint = await startSfnEndpoint({ machine: () => stack.machine, iam: () => stack.iam });
    sfn = new SFNClient({ region: 'us-east-1', endpoint: endpoint.url, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  });
  afterAll(async () => {
    sfn?.destroy();
    await endpoint?.stop();
    await stack?.stop();
  });

  it('starts an execution of the synthesized machine and describes it until it ends, with its input and output', async () => {
    const input = { mode: 'full', trigger: 'test' };

    const started = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: stack.machine.arn, name: 'first-full', input: JSON.stringify(input) }),
    );
    const ended = await describeUntilEnded(sfn, started.executionArn!);

    expect(started.executionArn).toBe(`${stack.machine.arn.replace(':stateMachine:', ':execution:')}:first-full`);
    expect(started.startDate).toBeInstanceOf(Date);
    expect(ended).toMatchObject({ name: 'first-full', status: 'SUCCEEDED', stateMachineArn: stack.machine.arn });
    expect(ended.stopDate!.getTime()).toBeGreaterThanOrEqual(ended.startDate!.getTime());
    expect(JSON.parse(ended.input!)).toEqual(input);
    // Part 1 hands the run over after its pages: its output is the run as it stood.
    expect(JSON.parse(ended.output!)).toMatchObject({ run: { pages: PAGES_PER_EXECUTION }, pagesInPart: PAGES_PER_EXECUTION, done: false });

    const chain = await stack.machine.waitForChain(started.executionArn!);
    chainArns = chain.map((execution) => execution.executionArn);
    expect(chain.map((execution) => execution.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(await copyDifferences(stack)).toMatchObject({ missing: [], stale: [], extra: [] });
  });

  it('lists executions newest first, filtered by status, a page at a time', async () => {
    const pages: string[][] = [];
    let nextToken: string | undefined;
    do {
      const answer = await sfn.send(new ListExecutionsCommand({ stateMachineArn: stack.machine.arn, maxResults: 2, nextToken }));
      pages.push(answer.executions!.map((execution) => execution.executionArn!));
      for (const execution of answer.executions!) expect(execution.startDate).toBeInstanceOf(Date);
      nextToken = answer.nextToken;
    } while (nextToken);
    const failed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: stack.machine.arn, statusFilter: 'FAILED' }));
    const succeeded = await sfn.send(new ListExecutionsCommand({ stateMachineArn: stack.machine.arn, statusFilter: 'SUCCEEDED' }));

    expect(pages).toEqual([[chainArns[2], chainArns[1]], [chainArns[0]]]);
    expect(failed.executions).toEqual([]);
    expect(failed.nextToken).toBeUndefined();
    expect(succeeded.executions!.map((execution) => execution.name)).toEqual([
      expect.stringMatching(/^orders-full-test-.*-p3$/),
      expect.stringMatching(/^orders-full-test-.*-p2$/),
      'first-full',
    ]);
  });

  it('returns an execution history from ExecutionStarted to ExecutionSucceeded, in either order, a page at a time', async () => {
    const arn = chainArns[2]!;
    const whole = await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn, maxResults: 1000 }));
    const reversed = await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn, maxResults: 3, reverseOrder: true }));
    const paged: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const answer = await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn, maxResults: 7, nextToken }));
      paged.push(...answer.events!);
      nextToken = answer.nextToken;
    } while (nextToken);

    const events = whole.events!;
    expect(whole.nextToken).toBeUndefined();
    expect(events[0]).toMatchObject({ id: 1, previousEventId: 0, type: 'ExecutionStarted' });
    expect(JSON.parse(events[0]!.executionStartedEventDetails!.input!)).toHaveProperty('continueRun');
    expect(events.at(-1)).toMatchObject({ type: 'ExecutionSucceeded' });
    expect(JSON.parse(events.at(-1)!.executionSucceededEventDetails!.output!)).toMatchObject({
      status: 'succeeded',
      pages: ORDERS / PAGE_SIZE,
    });
    expect(events.map((event) => event.id)).toEqual(events.map((_, index) => index + 1));
    expect(events.every((event) => event.timestamp instanceof Date)).toBe(true);
    expect(events.filter((event) => event.type === 'TaskStateEntered').map((event) => event.stateEnteredEventDetails!.name)).toContain(
      'Commit',
    );
    expect(paged.map((event) => event.id)).toEqual(events.map((event) => event.id));
    expect(reversed.events!.map((event) => event.type)).toEqual(
      events
        .slice(-3)
        .reverse()
        .map((event) => event.type),
    );
    expect(reversed.nextToken).toBeDefined();
  });

  it('describes and lists the state machine with its synthesized definition', async () => {
    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: stack.machine.arn }));
    const listed = await sfn.send(new ListStateMachinesCommand({}));

    expect(described).toMatchObject({
      stateMachineArn: stack.machine.arn,
      name: stack.definition.name,
      type: 'STANDARD',
      status: 'ACTIVE',
    });
    expect(JSON.parse(described.definition!)).toEqual(stack.definition.definition);
    expect(listed.stateMachines).toEqual([
      { stateMachineArn: stack.machine.arn, name: stack.definition.name, type: 'STANDARD', creationDate: described.creationDate },
      {
        stateMachineArn: stack.machine.expressArn,
        name: stack.expressDefinition.name,
        type: 'EXPRESS',
        creationDate: described.creationDate,
      },
    ]);
    const express = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: stack.machine.expressArn }));
    expect(express).toMatchObject({ name: `${stack.definition.name}-express`, type: 'EXPRESS' });
    expect(JSON.parse(express.definition!)).toEqual(stack.expressDefinition.definition);
  });

  it('answers mistakes with the errors AWS names, as 400s the SDK turns into named exceptions', async () => {
    const executionArn = (name: string) => `${stack.machine.arn.replace(':stateMachine:', ':execution:')}:${name}`;
    const start = (name: string, input: string, stateMachineArn = stack.machine.arn) =>
      sfn.send(new StartExecutionCommand({ stateMachineArn, name, input }));

    await expect(sfn.send(new DescribeExecutionCommand({ executionArn: executionArn('nobody') }))).rejects.toMatchObject({
      name: 'ExecutionDoesNotExist',
      message: expect.stringContaining('nobody'),
      $metadata: { httpStatusCode: 400 },
    });
    await expect(sfn.send(new DescribeExecutionCommand({ executionArn: 'not-an-arn' }))).rejects.toMatchObject({ name: 'InvalidArn' });
    await expect(start('elsewhere', '{}', stack.machine.arn.replace(/:[^:]+$/, ':Other'))).rejects.toMatchObject({
      name: 'StateMachineDoesNotExist',
    });
    await expect(start('bad name!', '{}')).rejects.toMatchObject({ name: 'InvalidName' });
    await expect(start('bad-input', '{not json')).rejects.toMatchObject({ name: 'InvalidExecutionInput' });
    await expect(start('first-full', JSON.stringify({ mode: 'incremental', trigger: 'test' }))).rejects.toMatchObject({
      name: 'ExecutionAlreadyExists',
    });
    // The same name with the same input is the same execution (StartExecution is idempotent).
    await expect(start('first-full', JSON.stringify({ mode: 'full', trigger: 'test' }))).resolves.toMatchObject({
      executionArn: executionArn('first-full'),
    });
    await expect(sfn.send(new ListExecutionsCommand({ stateMachineArn: stack.machine.arn, nextToken: 'garbage' }))).rejects.toMatchObject({
      name: 'InvalidToken',
    });

    const unknown = await fetch(endpoint.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.DeleteStateMachine' },
      body: '{}',
    });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({ __type: 'UnknownOperationException', message: expect.stringContaining('DeleteStateMachine') });
  });

  it('stops a running execution after its current page; settled as interrupted, the run resumes to the end', async () => {
    stack.fake!.setFaults({ latencyMs: 150 });
    const started = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: stack.machine.arn,
        name: 'slow-full',
        input: JSON.stringify({ mode: 'full', trigger: 'test' }),
      }),
    );
    await until(async () => ((await syncState(stack)).run?.pages ?? 0) >= 2, 'two pages saved');

    const stopped = await sfn.send(
      new StopExecutionCommand({ executionArn: started.executionArn!, error: 'Demo', cause: 'stopped by the test' }),
    );
    await stack.stopExecutions();
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn! }));
    const afterStop = await syncState(stack);
    const store = stateStore(stack);
    const settled = await settleInterruptedRun(store.state, 'orders', Date.now(), 'stopped by the test');
    const afterSettle = await syncState(stack);
    store.close();

    expect(stopped.stopDate).toBeInstanceOf(Date);
    expect(described).toMatchObject({ status: 'ABORTED', error: 'Demo', cause: 'stopped by the test' });
    // The page in flight when the stop came finished and was saved: the lease is still the dead run's.
    expect(afterStop.lease).not.toBeNull();
    expect(afterStop.run).toMatchObject({ status: 'running', mode: 'full' });
    expect(settled).toEqual({ runId: afterStop.run!.runId, mode: 'full', pages: afterStop.run!.pages, resumable: true });
    expect(afterSettle.lease).toBeNull();
    expect(afterSettle.run).toMatchObject({ status: 'failed', pages: afterStop.run!.pages, error: { name: 'Interrupted' } });

    stack.fake!.resetFaults();
    const resumed = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: stack.machine.arn,
        name: 'resume',
        input: JSON.stringify({ mode: 'full', trigger: 'test', resume: true }),
      }),
    );
    const chain = await stack.machine.waitForChain(resumed.executionArn!);
    const summary = chain.at(-1)!.output as Record<string, any>;
    expect(summary).toMatchObject({
      status: 'succeeded',
      runId: afterStop.run!.runId,
      pages: ORDERS / PAGE_SIZE,
      counts: { fetched: ORDERS },
    });
    expect(await copyDifferences(stack)).toMatchObject({ missing: [], stale: [], extra: [] });
  });
});

describe('the Express machine through the endpoint, as AWS runs it', () => {
  let stack: E2eStack;
  let endpoint: SfnEndpoint;
  let sfn: SFNClient;
  const incremental = JSON.stringify({ mode: 'incremental', trigger: 'test' });

  beforeAll(async () => {
    stack = await startE2eStack({
      fake: { orders: ORDERS, seed: 12 },
      env: { PAGE_SIZE: String(PAGE_SIZE), MAX_PAGES_PER_EXECUTION: String(PAGES_PER_EXECUTION), DAILY_SALES: 'false' },
    });
    endpoint = await startSfnEndpoint({ machine: () => stack.machine, iam: () => stack.iam });
    sfn = new SFNClient({ region: 'us-east-1', endpoint: endpoint.url, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    // The copy's first full resync, on the Standard machine.
    const full = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: stack.machine.arn,
        name: 'seed',
        input: JSON.stringify({ mode: 'full', trigger: 'test' }),
      }),
    );
    expect((await stack.machine.waitForChain(full.executionArn!)).at(-1)!.status).toBe('SUCCEEDED');
  });
  afterAll(async () => {
    sfn?.destroy();
    await endpoint?.stop();
    await stack?.stop();
  });

  it('runs a short incremental run to its commit, then answers for it nothing but its start: no describe, history, stop or list', async () => {
    const started = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: stack.machine.expressArn, name: 'tick', input: incremental }),
    );
    const chain = await stack.machine.waitForChain(started.executionArn!);

    expect(started.executionArn).toMatch(/^arn:aws:states:us-east-1:123456789012:express:OrderSync-sync-express:tick:[0-9a-f-]{36}$/);
    expect(chain.map((execution) => [execution.type, execution.status])).toEqual([['EXPRESS', 'SUCCEEDED']]);
    expect(chain[0]!.output).toMatchObject({ status: 'succeeded', mode: 'incremental' });
    const arn = started.executionArn!;
    for (const refused of [
      sfn.send(new DescribeExecutionCommand({ executionArn: arn })),
      sfn.send(new GetExecutionHistoryCommand({ executionArn: arn })),
      sfn.send(new StopExecutionCommand({ executionArn: arn })),
    ]) {
      await expect(refused).rejects.toMatchObject({
        name: 'InvalidArn',
        message: expect.stringContaining('EXPRESS'),
        $metadata: { httpStatusCode: 400 },
      });
    }
    await expect(sfn.send(new ListExecutionsCommand({ stateMachineArn: stack.machine.expressArn }))).rejects.toMatchObject({
      name: 'StateMachineTypeNotSupported',
    });
    // What the triggers' DescribeExecution asks (the name on the Standard machine) finds nothing.
    await expect(
      sfn.send(new DescribeExecutionCommand({ executionArn: `${stack.machine.arn.replace(':stateMachine:', ':execution:')}:tick` })),
    ).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
  });

  it('starts a second execution under a name already used: Express names are not unique, nor its starts idempotent', async () => {
    const first = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: stack.machine.expressArn, name: 'again', input: incremental }),
    );
    const second = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: stack.machine.expressArn, name: 'again', input: incremental }),
    );

    expect(second.executionArn).not.toBe(first.executionArn);
    const ended = await Promise.all([stack.machine.waitFor(first.executionArn!), stack.machine.waitFor(second.executionArn!)]);
    // One of the twins ran the run; the other found the lease held (a skipped tick) or the run already committed.
    expect(ended.map((execution) => execution.name)).toEqual(['again', 'again']);
    expect(await copyDifferences(stack)).toMatchObject({ missing: [], stale: [], extra: [] });
  });

  it('hands an incremental run that outgrows its page steps over to the Standard machine, which takes it to the end', async () => {
    stack.fake.mutate({
      updates: stack.fake
        .truth()
        .slice(0, 45)
        .map((order) => order.id),
    });

    const started = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: stack.machine.expressArn, name: 'busy-tick', input: incremental }),
    );
    const chain = await stack.machine.waitForChain(started.executionArn!);

    // 45 changes at 10 a page, then the deletion feed: 6 steps; Express takes 3, the Standard parts the rest.
    expect(chain.map((execution) => [execution.type, execution.status])).toEqual([
      ['EXPRESS', 'SUCCEEDED'],
      ['STANDARD', 'SUCCEEDED'],
    ]);
    expect(chain[0]!.output).toMatchObject({ pagesInPart: 3, done: false });
    expect(chain[1]!.name).toMatch(/-p2$/);
    expect(chain[1]!.output).toMatchObject({ status: 'succeeded', mode: 'incremental', counts: { updated: 45 } });
    // The Standard part is an ordinary execution: described, with its parent's hand-over as input.
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: chain[1]!.executionArn }));
    expect(JSON.parse(described.input!)).toMatchObject({ AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: started.executionArn });
    expect(await copyDifferences(stack)).toMatchObject({ missing: [], stale: [], extra: [] });
  });
});

describe('an Express execution past its time limit (cut to 2 s here; 5 minutes in AWS)', () => {
  let stack: E2eStack;
  let cut: string | undefined;

  beforeAll(async () => {
    stack = await startE2eStack({
      fake: { orders: 20, seed: 13 },
      expressTimeoutSeconds: 2,
      // The page step outlasts the execution, as a slow source would make it: it goes on once the execution has
      // ended, however long the steps before it took on a loaded host.
      hooks: { before: async (name) => void (name === 'sync-page' && cut ? await stack.machine.waitFor(cut) : undefined) },
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('ends TIMED_OUT where it was; the step in flight finishes and saves, the run keeps its lease, the checkpoint stays', async () => {
    const started = stack.machine.start('cut', { mode: 'incremental', trigger: 'test' }, undefined, stack.machine.expressArn);
    cut = started.executionArn;
    const ended = await stack.machine.waitFor(started.executionArn);
    await stack.stopExecutions(); // waits for the step still running

    expect(ended).toMatchObject({ type: 'EXPRESS', status: 'TIMED_OUT', error: 'States.Timeout' });
    const state = await syncState(stack);
    expect(state.lease).toMatchObject({ executionName: 'cut' });
    expect(state.run).toMatchObject({ status: 'running', pages: 1 });
    expect(state.checkpoint).toBeNull();
  });
});

function stateStore(stack: E2eStack) {
  const client = createDocumentClient({ region: 'us-east-1', endpoint: stack.dynamodbEndpoint });
  return { state: new DynamoSyncStateStore({ client, tableName: stack.tables.syncStateTable }), close: () => client.destroy() };
}

async function describeUntilEnded(sfn: SFNClient, executionArn: string): Promise<DescribeExecutionCommandOutput> {
  let described: DescribeExecutionCommandOutput | undefined;
  await until(async () => {
    described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    return described.status !== 'RUNNING';
  }, `execution ${executionArn} to end`);
  return described!;
}

/** Polls until `done` holds; fails with what it waited for at the deadline. */
async function until(done: () => Promise<boolean>, what: string, deadlineMs = 30_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
