// The failure notification's text, as the deployed rule would word it: the synthesized template's pattern and
// InputTransformer applied to the status-change event of an ended execution.
import { NOTIFIED_STATUSES } from '../../infra/constructs/sync-operations';
import { synthTemplate } from '../../infra/synth';
import { failureRuleOf, notificationFor, statusChangeOf, transformInput, type FailureRule } from '../../local/aws/notifications';
import type { ExecutionRecord } from '../../local/aws/state-machine/local-state-machine';

const NAME = 'full-http-20261125T150102Z-7f3a-p2';
const ARN = `arn:aws:states:us-east-1:123456789012:execution:OrderSync-sync:${NAME}`;

function ended(overrides: Partial<ExecutionRecord> = {}): ExecutionRecord {
  return {
    executionArn: ARN,
    stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:OrderSync-sync',
    type: 'STANDARD',
    name: NAME,
    status: 'FAILED',
    input: { continueRun: { runId: 'full-http-20261125T150102Z-7f3a', cursor: 'c_123' } },
    error: 'SyncFailed',
    cause: 'order ord_0000042: field "total_price" must be a decimal string',
    startDate: new Date('2026-11-25T15:01:02.345Z'),
    stopDate: new Date('2026-11-25T15:03:04.567Z'),
    events: [],
    ...overrides,
  };
}

describe('the failure notification', () => {
  let rule: FailureRule;

  beforeAll(() => {
    rule = failureRuleOf(synthTemplate());
  });

  it('takes the deployed rule: the statuses that notify and a template with the region filled in', () => {
    expect(rule.statuses).toEqual([...NOTIFIED_STATUSES]);
    expect(rule.inputTemplate).toContain('https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1');
    expect(Object.values(rule.inputPaths).sort()).toEqual([
      '$.detail.cause',
      '$.detail.error',
      '$.detail.executionArn',
      '$.detail.name',
      '$.detail.status',
    ]);
  });

  it('names the execution (so its mode), how it ended, the error, the cause and the console link', () => {
    const text = notificationFor(rule, ended())!;

    const lines = text.split('\n');
    // The CDK's multi-line text: each line a JSON string, as the SNS message shows it.
    for (const line of lines) expect(line).toMatch(/^".*"$/);
    expect(lines[0]).toBe(`"order-sync: execution ${NAME} ended FAILED."`);
    expect(text).toContain('"Error: SyncFailed"');
    expect(text).toContain('Cause: order ord_0000042: field "total_price" must be a decimal string');
    expect(text).toContain(
      `"Execution: https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/${ARN}"`,
    );
    expect(text).not.toMatch(/<detail-[A-Za-z]+>/);
    // Never the raw event: the input (with the run's cursor) stays out.
    expect(text).not.toContain('c_123');
  });

  it('notifies for a timed-out or aborted execution too; an aborted one has no error or cause to quote', () => {
    expect(notificationFor(rule, ended({ status: 'TIMED_OUT', error: 'States.Timeout', cause: undefined }))).toContain('ended TIMED_OUT');
    const aborted = notificationFor(rule, ended({ status: 'ABORTED', error: undefined, cause: undefined }))!;
    expect(aborted).toContain('ended ABORTED');
    expect(aborted).toContain('"Error: "');
  });

  it('says nothing for an execution that succeeded or still runs', () => {
    expect(notificationFor(rule, ended({ status: 'SUCCEEDED', error: undefined, cause: undefined }))).toBeUndefined();
    expect(notificationFor(rule, ended({ status: 'RUNNING', stopDate: undefined }))).toBeUndefined();
  });
});

describe('the status-change event and the input transformer', () => {
  it('builds the event as Step Functions sends it: input and output as JSON strings, dates in epoch ms', () => {
    const event = statusChangeOf(ended({ output: { status: 'failed' } }));

    expect(event).toMatchObject({ source: 'aws.states', 'detail-type': 'Step Functions Execution Status Change', resources: [ARN] });
    expect(event.detail).toMatchObject({
      name: NAME,
      status: 'FAILED',
      startDate: Date.parse('2026-11-25T15:01:02.345Z'),
      error: 'SyncFailed',
    });
    expect(JSON.parse(event.detail.input)).toEqual(ended().input);
    expect(event.detail.output).toBe('{"status":"failed"}');
    expect(event.time).toBe('2026-11-25T15:03:04Z');
  });

  it('fills strings as they are, other values as JSON, missing ones as nothing, and leaves unknown placeholders', () => {
    const text = transformInput(
      { inputPaths: { n: '$.detail.name', d: '$.detail.startDate', x: '$.detail.missing' }, inputTemplate: '<n> at <d> (<x>) <other>' },
      statusChangeOf(ended()),
    );
    expect(text).toBe(`${NAME} at ${Date.parse('2026-11-25T15:01:02.345Z')} () <other>`);
  });

  it('refuses a path it cannot follow, instead of sending a wrong message', () => {
    expect(() => transformInput({ inputPaths: { a: '$.detail[0]' }, inputTemplate: '<a>' }, {})).toThrow('only dot paths');
  });
});
