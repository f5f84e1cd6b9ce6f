// The sync state machine as synthesized: the flow by state name, its Retry/Catch wiring, continue-as-new limited
// to this machine, the quarantine notification, logging without data, JSONPath only, and a definition asl-validator
// accepts; and its Express twin for incremental runs: the same definition, handing a longer run over to Standard.
import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import { RETRYABLE_ERROR_NAMES, SalesDaysLeftError } from '../../functions/core/errors';
import { definitionFromTemplate } from '../../local/aws/state-machine/definition';
import { LocalStateMachine, type HistoryEvent } from '../../local/aws/state-machine/local-state-machine';
import {
  EXPRESS_MARGIN_SECONDS,
  EXPRESS_MAX_SECONDS,
  expressPagesPerPart,
  LAMBDA_SERVICE_ERRORS,
  PAGE_STEP_RETRIES,
  TIMEOUT_ERRORS,
  worstCaseStepSeconds,
} from '../../infra/constructs/sync-state-machine';
import { PAGE_STEP_TIMEOUT_SECONDS } from '../../infra/settings';
import {
  EXPRESS_STATE_MACHINE_LOGICAL_ID,
  LOCAL_PLACEHOLDERS,
  STACK_NAME,
  STATE_MACHINE_LOGICAL_ID,
  resolvedDefinition,
  synthTemplate,
  type CloudFormationTemplate,
} from '../../infra/synth';
import { grantsOfRole, logicalId } from './template-helpers';

/** asl-validator ships no types; this is the part of its API used here. */
type AslValidator = (definition: unknown) => { isValid: boolean; errorsText: (separator: string) => string };
const aslValidator: AslValidator = require('asl-validator');

let json: CloudFormationTemplate;
let template: Template;
/** The definition with its tokens resolved to dummy ARNs, as Step Functions (and the local runner) sees it. */
let definition: Record<string, any>;
let states: Record<string, any>;

beforeAll(() => {
  json = synthTemplate();
  template = Template.fromJSON(json);
  definition = resolvedDefinition(json);
  states = definition.States;
});

const retriedErrors = (state: string): string[] => states[state].Retry.flatMap((retrier: any) => retrier.ErrorEquals);

describe('the flow, by the state names the local runner binds', () => {
  it('has exactly the states of the run, starting at Begin', () => {
    expect(definition.StartAt).toBe('Begin');
    expect(Object.keys(states).sort()).toEqual(
      [
        'AnyNewlyQuarantined?',
        'Begin',
        'BeginFailed',
        'Commit',
        'ContinueAsNew',
        'Done',
        'Failed',
        'HandedOver',
        'MorePages?',
        'NotifyQuarantined',
        'RecordFailure',
        'Skipped',
        'Skipped?',
        'SyncPage',
        'WaitForSource',
      ].sort(),
    );
  });

  it('sends Begin the execution input with the execution name and ARN, and keeps the handler result as the state', () => {
    expect(states.Begin).toEqual(
      expect.objectContaining({
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        OutputPath: '$.Payload',
        Next: 'Skipped?',
      }),
    );
    expect(states.Begin.Parameters.Payload).toEqual({
      'input.$': '$',
      'executionName.$': '$$.Execution.Name',
      'executionArn.$': '$$.Execution.Id',
    });
    expect(states.Begin.Parameters.FunctionName).toContain(':function:BeginFunction');
  });

  it('ends a run that found the lease held as a success, and otherwise goes to the page loop', () => {
    expect(states['Skipped?'].Choices).toEqual([
      {
        And: [
          { Variable: '$.skipped', IsPresent: true },
          { Variable: '$.skipped', BooleanEquals: true },
        ],
        Next: 'Skipped',
      },
    ]);
    expect(states['Skipped?'].Default).toBe('SyncPage');
    expect(states.Skipped.Type).toBe('Succeed');
  });

  it('loops SyncPage until done, continuing as new when the part reaches its page budget', () => {
    expect(states.SyncPage).toEqual(expect.objectContaining({ Next: 'MorePages?', OutputPath: '$.Payload' }));
    expect(states.SyncPage.Parameters['Payload.$']).toBe('$');
    expect(states['MorePages?'].Choices).toEqual([
      { Variable: '$.done', BooleanEquals: true, Next: 'Commit' },
      { Variable: '$.pagesInPart', NumericGreaterThanEqualsPath: '$.maxPagesPerPart', Next: 'ContinueAsNew' },
      {
        And: [
          { Variable: '$.waitSeconds', IsPresent: true },
          { Variable: '$.waitSeconds', NumericGreaterThan: 0 },
        ],
        Next: 'WaitForSource',
      },
    ]);
    expect(states['MorePages?'].Default).toBe('SyncPage');
    expect(states.Commit).toEqual(expect.objectContaining({ Next: 'AnyNewlyQuarantined?', OutputPath: '$.Payload' }));
    expect(states.Done.Type).toBe('Succeed');
  });

  it('after Commit, announces the orders newly quarantined (when its outcome names any) on the topic, then ends Done', () => {
    expect(states['AnyNewlyQuarantined?']).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.newlyQuarantined', IsPresent: true, Next: 'NotifyQuarantined' }],
      Default: 'Done',
    });
    const notify = states.NotifyQuarantined;
    expect(notify).toEqual(
      expect.objectContaining({
        Type: 'Task',
        Resource: 'arn:aws:states:::sns:publish',
        // The execution's output stays the run's outcome.
        ResultPath: null,
        Next: 'Done',
      }),
    );
    const topicId = logicalId(json, 'AWS::SNS::Topic');
    expect(notify.Parameters.TopicArn).toBe(`arn:aws:sns:us-east-1:123456789012:${topicId}`);
    expect(notify.Parameters['Subject.$']).toBe(
      "States.Format('order-sync {}: orders newly quarantined: {}', $.stream, $.newlyQuarantined.count)",
    );
    const message: string = notify.Parameters['Message.$'];
    expect(message).toMatch(/^States\.Format\('order-sync \{\}: orders newly quarantined since the previous commit: \{\}\.\n/);
    expect(message).toMatch(/, \$\.stream, \$\.newlyQuarantined\.count, \$\.runId, \$\.executionName, \$\.newlyQuarantined\.listing\)$/);
    expect(message).toContain('GET /api/sync/status');
    expect(message).toContain('What to do: fix each order at the source.');
    // Intrinsic string syntax: no apostrophe or brace in the text but the quotes and the placeholders.
    const text = message.slice("States.Format('".length, message.indexOf("', $."));
    expect(text).not.toMatch(/['\\]/);
    expect(text.replaceAll('{}', '')).not.toMatch(/[{}]/);
    expect((text.match(/\(/g) ?? []).length).toBe((text.match(/\)/g) ?? []).length);
  });

  it('never fails a committed run over its notification: retried a few times, then kept in the output and Done', () => {
    expect(states.NotifyQuarantined.Retry).toEqual([
      { ErrorEquals: ['States.ALL'], IntervalSeconds: 2, BackoffRate: 2, MaxDelaySeconds: 20, JitterStrategy: 'FULL', MaxAttempts: 3 },
    ]);
    expect(states.NotifyQuarantined.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.notificationError', Next: 'Done' }]);
  });

  it('waits in the execution, never in a Lambda, for as long as the page asked (a bulk export still running), then syncs on', () => {
    expect(states.WaitForSource).toEqual({ Type: 'Wait', SecondsPath: '$.waitSeconds', Next: 'SyncPage' });
  });

  it('starts the next part of the run on this very state machine, named by the run, linked to its parent', () => {
    const continueAsNew = states.ContinueAsNew;
    expect(continueAsNew.Resource).toBe('arn:aws:states:::states:startExecution'); // request-response: no waiting
    expect(continueAsNew.Parameters).toEqual({
      StateMachineArn: `arn:aws:states:us-east-1:123456789012:stateMachine:${STACK_NAME}-sync`,
      'Name.$': '$.nextExecutionName',
      Input: { 'continueRun.$': '$', 'AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$': '$$.Execution.Id' },
    });
    expect(continueAsNew.ResultPath).toBeNull();
    expect(continueAsNew.Next).toBe('HandedOver');
    expect(states.HandedOver.Type).toBe('Succeed');
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineName: `${STACK_NAME}-sync` });
  });

  it('records a failure, then fails the execution with the caught cause', () => {
    expect(states.RecordFailure).toEqual(expect.objectContaining({ Next: 'Failed', ResultPath: null }));
    expect(states.RecordFailure.Parameters['Payload.$']).toBe('$');
    expect(states.RecordFailure.Catch).toBeUndefined(); // nothing left to record a failure of recording
    expect(states.Failed).toEqual({ Type: 'Fail', Error: 'SyncFailed', CausePath: '$.error.Cause' });
  });
});

describe('retry and catch wiring', () => {
  it('retries the page step on transient errors with capped, jittered exponential backoff', () => {
    expect(states.SyncPage.Retry[0]).toEqual({
      ErrorEquals: [...RETRYABLE_ERROR_NAMES],
      IntervalSeconds: 2,
      BackoffRate: 2,
      MaxDelaySeconds: 60,
      JitterStrategy: 'FULL',
      MaxAttempts: 6,
    });
  });

  it('retries the page step on Lambda service errors and timeouts (a page step is idempotent)', () => {
    expect(retriedErrors('SyncPage')).toEqual(expect.arrayContaining([...LAMBDA_SERVICE_ERRORS, ...TIMEOUT_ERRORS]));
  });

  it('retries no permanent error anywhere: no States.ALL or States.TaskFailed retrier on a Lambda step', () => {
    for (const name of ['Begin', 'SyncPage', 'Commit', 'RecordFailure']) {
      const errors = retriedErrors(name);
      expect(errors).not.toContain('States.ALL');
      expect(errors).not.toContain('States.TaskFailed');
      for (const permanent of ['SourceAuthError', 'SourceRequestError', 'InvalidPageError', 'InvalidOrderError', 'LeaseLostError']) {
        expect(errors).not.toContain(permanent);
      }
    }
    // Only the Lambda steps whose retry is safe retry timeouts: begin and commit could have half-written.
    expect(retriedErrors('Begin')).not.toContain('Sandbox.Timedout');
    expect(retriedErrors('Commit')).not.toContain('Sandbox.Timedout');
  });

  it('catches everything else from begin into BeginFailed, failing with its error (no lease taken, nothing to record)', () => {
    expect(states.Begin.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'BeginFailed' }]);
    // The execution fails with begin's own error name and cause (e.g. NothingToResumeError), not a generic one.
    expect(states.BeginFailed).toEqual({ Type: 'Fail', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' });
    expect(retriedErrors('Begin')).toEqual(expect.arrayContaining([...RETRYABLE_ERROR_NAMES, ...LAMBDA_SERVICE_ERRORS]));
  });

  it('catches everything after the lease was taken into RecordFailure, keeping the run state beside the error', () => {
    expect(states.SyncPage.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordFailure' }]);
    expect(states.Commit.Catch.at(-1)).toEqual({ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordFailure' });
    expect(states.ContinueAsNew.Catch.at(-1)).toEqual({ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordFailure' });
  });

  it('catches a commit that found daily sales days left back into the page loop, before any other catcher', () => {
    expect(states.Commit.Catch[0]).toEqual({ ErrorEquals: ['SalesDaysLeftError'], ResultPath: '$.error', Next: 'SyncPage' });
    expect(retriedErrors('Commit')).not.toContain('SalesDaysLeftError');
  });

  it('runs a commit that found days left back into SyncPage, then commits (on the local interpreter)', async () => {
    const { definition: local, stateMachineArn } = definitionFromTemplate(json);
    const pageInputs: Array<Record<string, unknown>> = [];
    let commits = 0;
    const machine = new LocalStateMachine({
      definition: local,
      stateMachineArn,
      tasks: {
        Begin: async () => ({ Payload: { stream: 'orders', pagesInPart: 0, maxPagesPerPart: 100, done: false } }),
        SyncPage: async ({ Payload }) => {
          pageInputs.push(Payload as Record<string, unknown>);
          const { error: _caught, ...state } = Payload as Record<string, unknown>;
          return { Payload: { ...state, done: true } };
        },
        Commit: async () => {
          if (++commits === 1) throw new SalesDaysLeftError('2 daily sales day(s) touched after its sales phase');
          return { Payload: { status: 'succeeded' } };
        },
        RecordFailure: async ({ Payload }) => ({ Payload }),
      },
    });

    const ended = await machine.waitFor(machine.start('full-test-r1-p1', { mode: 'full', trigger: 'test' }).executionArn);

    expect(ended).toMatchObject({ status: 'SUCCEEDED', output: { status: 'succeeded' } });
    expect(commits).toBe(2);
    expect(pageInputs.map((input) => input.done)).toEqual([false, true]);
    expect(pageInputs[1]!.error).toMatchObject({ Error: 'SalesDaysLeftError' });
    const entered = ended.events.filter((event: HistoryEvent) => event.type.endsWith('StateEntered')).map((event) => event.stateName);
    expect(entered).toEqual([
      'Begin',
      'Skipped?',
      'SyncPage',
      'MorePages?',
      'Commit',
      'SyncPage',
      'MorePages?',
      'Commit',
      'AnyNewlyQuarantined?',
      'Done',
    ]);
  });

  it('treats an already started next part as handed over, and retries other start failures a few times', () => {
    expect(states.ContinueAsNew.Retry[0]).toEqual({ ErrorEquals: ['StepFunctions.ExecutionAlreadyExistsException'], MaxAttempts: 0 });
    expect(states.ContinueAsNew.Retry[1]).toEqual(
      expect.objectContaining({ ErrorEquals: ['StepFunctions.SdkClientException', 'States.TaskFailed'], MaxAttempts: 4 }),
    );
    expect(states.ContinueAsNew.Catch[0]).toEqual({ ErrorEquals: ['StepFunctions.ExecutionAlreadyExistsException'], Next: 'HandedOver' });
  });

  it('holds the same wiring when matched as serialized JSON, as CloudFormation receives it', () => {
    // The same template with the definition's tokens resolved, so its DefinitionString is one JSON string.
    const resolved = structuredClone(json);
    resolved.Resources[STATE_MACHINE_LOGICAL_ID].Properties.DefinitionString = JSON.stringify(definition);
    const pageRetriers = new Capture();
    const commitCatch = new Capture();
    Template.fromJSON(resolved).hasResourceProperties('AWS::StepFunctions::StateMachine', {
      DefinitionString: Match.serializedJson(
        Match.objectLike({
          States: Match.objectLike({
            SyncPage: Match.objectLike({ Retry: pageRetriers, Catch: [Match.objectLike({ Next: 'RecordFailure' })] }),
            Commit: Match.objectLike({ Catch: commitCatch }),
            RecordFailure: Match.objectLike({ Next: 'Failed' }),
          }),
        }),
      ),
    });
    expect(pageRetriers.asArray()).toHaveLength(PAGE_STEP_RETRIES.length);
    expect(commitCatch.asArray()).toEqual([
      { ErrorEquals: ['SalesDaysLeftError'], ResultPath: '$.error', Next: 'SyncPage' },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordFailure' },
    ]);
  });
});

describe('the state machine resource', () => {
  it('logs every event to its own log group without execution data, traces, and bounds an execution to 12 h', () => {
    const logGroup = new Capture();
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: false,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [logGroup, 'Arn'] } } }],
      },
    });
    expect(json.Resources[logGroup.asString()].Type).toBe('AWS::Logs::LogGroup');
    expect(definition.TimeoutSeconds).toBe(12 * 3600);
  });

  it('uses JSONPath only: no JSONata anywhere (the local interpreter would silently ignore it)', () => {
    expect(definition.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    const serialized = JSON.stringify(definition);
    expect(serialized).not.toContain('JSONata');
    expect(serialized).not.toContain('{%');
    for (const state of Object.values(states)) expect(state.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
  });

  it('is a valid Amazon States Language definition (asl-validator, ARNs checked)', () => {
    const { isValid, errorsText } = aslValidator(structuredClone(definition));
    expect(errorsText('\n')).toBe('');
    expect(isValid).toBe(true);
  });

  it('may invoke exactly its four step functions, start executions of itself only, and publish to the topic with its key', () => {
    const roleId = json.Resources[STATE_MACHINE_LOGICAL_ID].Properties.RoleArn['Fn::GetAtt'][0];
    const grants = grantsOfRole(json, roleId);
    const invokable = grants.get('lambda:InvokeFunction')!.filter((resource) => !resource.includes(':*'));
    const stepIds = ['BeginFunction', 'SyncPageFunction', 'CommitFunction', 'RecordFailureFunction'].map((id) =>
      logicalId(json, 'AWS::Lambda::Function', id),
    );
    expect(invokable.sort()).toEqual(stepIds.map((id) => JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] })).sort());
    expect(grants.get('states:StartExecution')).toEqual([
      JSON.stringify({
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':states:',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: 'AWS::AccountId' },
            `:stateMachine:${STACK_NAME}-sync`,
          ],
        ],
      }),
    ]);
    const topicId = logicalId(json, 'AWS::SNS::Topic');
    expect(grants.get('sns:Publish')).toEqual([JSON.stringify({ Ref: topicId })]);
    const keyId = json.Resources[topicId].Properties.KmsMasterKeyId['Fn::GetAtt'][0];
    expect(json.Resources[keyId].Type).toBe('AWS::KMS::Key');
    for (const action of ['kms:Decrypt', 'kms:GenerateDataKey']) {
      expect(grants.get(action)).toEqual([JSON.stringify({ 'Fn::GetAtt': [keyId, 'Arn'] })]);
    }
    const actions = [...grants.keys()].filter((action) => !action.startsWith('logs:') && !action.startsWith('xray:'));
    expect(actions.sort()).toEqual(
      ['kms:Decrypt', 'kms:GenerateDataKey', 'lambda:InvokeFunction', 'sns:Publish', 'states:StartExecution'].sort(),
    );
  });
});

describe('the lease outlives a page step with all its retries', () => {
  it('computes the worst case from the page retriers and refuses a shorter lease at synth', () => {
    const worstCase = worstCaseStepSeconds(PAGE_STEP_TIMEOUT_SECONDS, PAGE_STEP_RETRIES);
    // 12 attempts of 60 s plus the capped backoff waits.
    expect(worstCase).toBeGreaterThan(12 * PAGE_STEP_TIMEOUT_SECONDS);
    expect(worstCase).toBeLessThanOrEqual(900); // the default lease holds
    expect(() => synthTemplate({ leaseSeconds: worstCase - 1 })).toThrow(
      `context leaseSeconds must be at least ${worstCase} (a page step with every retry), got ${worstCase - 1}`,
    );
  });
});

describe('the Express machine of incremental runs', () => {
  let express: Record<string, any>;
  let expressStates: Record<string, any>;
  const properties = () => json.Resources[EXPRESS_STATE_MACHINE_LOGICAL_ID].Properties;
  const timeoutOf = (id: string) => json.Resources[logicalId(json, 'AWS::Lambda::Function', id)].Properties.Timeout as number;

  beforeAll(() => {
    express = resolvedDefinition(json, LOCAL_PLACEHOLDERS, EXPRESS_STATE_MACHINE_LOGICAL_ID);
    expressStates = express.States;
  });

  it("is the same definition: every state but the page loop's exit as in the Standard machine, which it hands over to", () => {
    expect(Object.keys(expressStates).sort()).toEqual(
      Object.keys(states)
        .filter((name) => name !== 'WaitForSource')
        .sort(),
    );
    for (const name of Object.keys(expressStates).filter((name) => name !== 'MorePages?')) {
      expect([name, expressStates[name]]).toEqual([name, states[name]]);
    }
    // The hand-over: continue-as-new starts the next part on the Standard machine, named by the run.
    expect(expressStates.ContinueAsNew.Parameters.StateMachineArn).toBe(
      `arn:aws:states:us-east-1:123456789012:stateMachine:${STACK_NAME}-sync`,
    );
  });

  it("hands the run over at the part's page budget, after its Express budget of page steps, or when the source asks for time", () => {
    const pages = expressPagesPerPart({
      begin: timeoutOf('BeginFunction'),
      page: timeoutOf('SyncPageFunction'),
      commit: timeoutOf('CommitFunction'),
    });
    expect(pages).toBe(3);
    expect(expressStates['MorePages?']).toEqual({
      Type: 'Choice',
      Choices: [
        { Variable: '$.done', BooleanEquals: true, Next: 'Commit' },
        {
          Or: [
            { Variable: '$.pagesInPart', NumericGreaterThanEqualsPath: '$.maxPagesPerPart' },
            { Variable: '$.pagesInPart', NumericGreaterThanEquals: pages },
            {
              And: [
                { Variable: '$.waitSeconds', IsPresent: true },
                { Variable: '$.waitSeconds', NumericGreaterThan: 0 },
              ],
            },
          ],
          Next: 'ContinueAsNew',
        },
      ],
      Default: 'SyncPage',
    });
  });

  it('fits Begin, its page steps and Commit, each at its Lambda timeout, and the margin in 5 minutes; refuses timeouts that cannot fit', () => {
    const timeouts = { begin: timeoutOf('BeginFunction'), page: timeoutOf('SyncPageFunction'), commit: timeoutOf('CommitFunction') };
    const pages = expressPagesPerPart(timeouts);
    const worstCase = timeouts.begin + pages * timeouts.page + timeouts.commit + EXPRESS_MARGIN_SECONDS;
    expect(worstCase).toBeLessThanOrEqual(EXPRESS_MAX_SECONDS);
    expect(worstCase + timeouts.page).toBeGreaterThan(EXPRESS_MAX_SECONDS); // one page more would not fit
    expect(() => expressPagesPerPart({ begin: 100, page: 120, commit: 30 })).toThrow(
      /cannot hold Begin \(100 s\), one page step \(120 s\)/,
    );
  });

  it('is an EXPRESS machine of 5 minutes, logging every event without data to a log group of its own, traced', () => {
    expect(properties()).toEqual(
      expect.objectContaining({
        StateMachineName: `${STACK_NAME}-sync-express`,
        StateMachineType: 'EXPRESS',
        TracingConfiguration: { Enabled: true },
        LoggingConfiguration: expect.objectContaining({ Level: 'ALL', IncludeExecutionData: false }),
      }),
    );
    expect(express.TimeoutSeconds).toBe(EXPRESS_MAX_SECONDS);
    const groupOf = (id: string) =>
      json.Resources[id].Properties.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'][0];
    expect(json.Resources[groupOf(EXPRESS_STATE_MACHINE_LOGICAL_ID)].Type).toBe('AWS::Logs::LogGroup');
    expect(groupOf(EXPRESS_STATE_MACHINE_LOGICAL_ID)).not.toBe(groupOf(STATE_MACHINE_LOGICAL_ID));
    expect(JSON.stringify(json.Outputs.ExpressExecutionsLogGroup.Value)).toContain(groupOf(EXPRESS_STATE_MACHINE_LOGICAL_ID));
  });

  it('may invoke the four step functions, start executions of the Standard machine only (never itself), publish to the topic', () => {
    const grants = grantsOfRole(json, properties().RoleArn['Fn::GetAtt'][0]);
    const started = grants.get('states:StartExecution')!;
    expect(started).toHaveLength(1);
    expect(started[0]).toContain(`:stateMachine:${STACK_NAME}-sync"`);
    expect(grants.get('lambda:InvokeFunction')!.filter((resource) => !resource.includes(':*'))).toHaveLength(4);
    expect(grants.get('sns:Publish')).toEqual([JSON.stringify({ Ref: logicalId(json, 'AWS::SNS::Topic') })]);
  });

  it('is a valid Amazon States Language definition', () => {
    const { isValid, errorsText } = aslValidator(structuredClone(express));
    expect(errorsText('\n')).toBe('');
    expect(isValid).toBe(true);
  });
});
