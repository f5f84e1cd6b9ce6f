// The ExecutionStarter port over the in-process local state machine (no HTTP hop): for tests and the bench.
import type { ExecutionStarter, StartedExecution } from '../../functions/core/ports';
import type { LocalStateMachine } from './local-state-machine';

export class LocalExecutionStarter implements ExecutionStarter {
  constructor(private readonly machine: LocalStateMachine) {}

  async start(name: string, input: unknown): Promise<StartedExecution> {
    const record = this.machine.start(name, input);
    return { executionArn: record.executionArn, executionName: record.name, startDate: record.startDate.toISOString() };
  }
}
