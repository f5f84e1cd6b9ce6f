// The bench's arithmetic: billed state transitions from an execution's history, the source calls a run needs,
// and the projected cost from counted usage at the printed prices.
import { projectCost, scaleCost, type Prices } from '../../bench/cost';
import { stateTransitions } from '../../bench/phases';
import { expectedSourceCalls } from '../../bench/report';

const at = new Date(0);
const event = (type: string) => ({ id: 0, previousEventId: 0, type, timestamp: at });

describe('state transitions as Step Functions bills them', () => {
  it('counts every state entered, and each retry of a Task once more', () => {
    const history = [
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited', // Begin
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited', // a retried page
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ].map(event);

    expect(stateTransitions({ events: history })).toBe(4 + 1);
  });
});

describe('source calls a run needs', () => {
  it('is one per page, and one for a window with nothing in it (the empty last page ends the walk)', () => {
    expect(expectedSourceCalls(0, 250)).toBe(1);
    expect(expectedSourceCalls(100, 250)).toBe(1);
    expect(expectedSourceCalls(250, 250)).toBe(1);
    expect(expectedSourceCalls(251, 250)).toBe(2);
  });
});

describe('projected cost', () => {
  const prices: Prices = {
    source: 'test prices',
    stepFunctionsPerTransition: 0.001,
    lambdaPerRequest: 0.01,
    lambdaPerGbSecond: { arm64: 1, x86_64: 2 },
    dynamoPerWriteUnit: 0.1,
    dynamoPerReadUnit: 0.05,
    schedulerPerInvocation: 0.5,
  };
  const sizing = {
    'sync-page': { logicalId: 'SyncPage', memoryMb: 1024, architecture: 'arm64' as const },
    begin: { logicalId: 'Begin', memoryMb: 256, architecture: 'x86_64' as const },
  };

  it('adds transitions, requests, GB-seconds at each function size and architecture, read and write units', () => {
    const cost = projectCost(
      {
        transitions: 10,
        invocations: { 'sync-page': 4, begin: 1 },
        billedMs: { 'sync-page': 2000, begin: 1000 },
        readUnits: 20,
        writeUnits: 30,
        schedulerInvocations: 2,
      },
      sizing,
      prices,
    );

    expect(cost.stepFunctions).toBeCloseTo(0.01);
    expect(cost.lambdaRequests).toBeCloseTo(0.05);
    expect(cost.gbSeconds).toBeCloseTo(2 + 0.25);
    expect(cost.lambdaCompute).toBeCloseTo(2 * 1 + 0.25 * 2);
    expect(cost.dynamoReads).toBeCloseTo(1);
    expect(cost.dynamoWrites).toBeCloseTo(3);
    expect(cost.scheduler).toBeCloseTo(1);
    expect(cost.total).toBeCloseTo(0.01 + 0.05 + 2.5 + 1 + 3 + 1);
    expect(scaleCost(cost, 10).total).toBeCloseTo(cost.total * 10);
  });

  it('refuses a function whose memory size it does not know, rather than pricing it at zero', () => {
    expect(() =>
      projectCost(
        { transitions: 0, invocations: { commit: 1 }, billedMs: { commit: 5 }, readUnits: 0, writeUnits: 0, schedulerInvocations: 0 },
        sizing,
        prices,
      ),
    ).toThrow('no memory size known for function commit');
  });
});
