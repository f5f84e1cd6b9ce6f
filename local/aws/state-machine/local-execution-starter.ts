// The ExecutionStarter port over the in-process local state machine (no HTTP hop): for tests and the bench.
import type { ExecutionStarter, ExecutionState, StartedExecution } from '../../../functions/core/ports';
import { StepFunctionsApiError, type LocalStateMachine } from './local-state-machine';

export class LocalExecutionStarter implements ExecutionStarter {
  constructor(private readonly machine: LocalStateMachine) {}

  async start(name: string, input: unknown): Promise<StartedExecution> {
    const record = this.machine.start(name, input);
    return { executionArn: record.executionArn, executionName: record.name, startDate: record.startDate.toISOString() };
  }

  async status(name: string): Promise<ExecutionState | null> {
    try {
      const record = this.machine.describe(`${this.machine.arn.replace(':stateMachine:', ':execution:')}:${name}`);
      return { status: record.status, stoppedAtMs: record.stopDate ? record.stopDate.getTime() : null };
    } catch (error) {
      if (error instanceof StepFunctionsApiError && error.code === 'ExecutionDoesNotExist') return null;
      throw error;
    }
  }
}
