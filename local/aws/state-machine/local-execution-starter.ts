// The ExecutionStarter port over the in-process local state machines (no HTTP hop): for tests and the bench. Routes
// as the SFN adapter does: an incremental run on the Express machine, anything else on the Standard one.
import { machineFor } from '../../../functions/adapters/aws/sfn-execution-starter';
import type { ExecutionStarter, ExecutionState, StartedExecution } from '../../../functions/core/ports';
import { StepFunctionsApiError, type LocalStateMachine } from './local-state-machine';

export class LocalExecutionStarter implements ExecutionStarter {
  constructor(private readonly machine: LocalStateMachine) {}

  async start(name: string, input: unknown): Promise<StartedExecution> {
    const stateMachineArn = machineFor(input, {
      standard: this.machine.arn,
      ...(this.machine.expressArn ? { express: this.machine.expressArn } : {}),
    });
    const record = this.machine.start(name, input, undefined, stateMachineArn);
    return { executionArn: record.executionArn, executionName: record.name, startDate: record.startDate.toISOString() };
  }

  /** The Standard machine's execution of that name, as DescribeExecution answers (Express ones are not described). */
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
