// Starts and describes executions of the sync state machines through the Step Functions API (AWS, or the local
// endpoint): an incremental run starts on the Express machine, anything else (a full resync, a resume) on the Standard one.
import { DescribeExecutionCommand, ExecutionDoesNotExist, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { ExecutionStarter, ExecutionState, StartedExecution } from '../../core/ports';

/** The two machines built from the one definition (infra/constructs/sync-state-machine.ts). */
export interface SyncStateMachineArns {
  standard: string;
  /** Absent: every run starts on the Standard machine. */
  express?: string;
}

/** Which machine a run's first execution belongs on: incremental runs are short, so Express. */
export function machineFor(input: unknown, machines: SyncStateMachineArns): string {
  const mode = typeof input === 'object' && input !== null && 'mode' in input ? (input as { mode: unknown }).mode : undefined;
  return mode === 'incremental' && machines.express ? machines.express : machines.standard;
}

export class SfnExecutionStarter implements ExecutionStarter {
  constructor(
    private readonly client: SFNClient,
    private readonly machines: SyncStateMachineArns,
  ) {}

  async start(name: string, input: unknown): Promise<StartedExecution> {
    const stateMachineArn = machineFor(input, this.machines);
    const answer = await this.client.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
    return {
      executionArn: answer.executionArn ?? this.executionArnOf(name),
      executionName: name,
      startDate: (answer.startDate ?? new Date()).toISOString(),
    };
  }

  /**
   * Asks the Standard machine only: Step Functions describes no Express execution (core/lease.ts bounds those by
   * their 5 minutes instead), so an Express one's name answers null here.
   */
  async status(name: string): Promise<ExecutionState | null> {
    try {
      const answer = await this.client.send(new DescribeExecutionCommand({ executionArn: this.executionArnOf(name) }));
      if (!answer.status) throw new Error(`DescribeExecution answered no status for execution ${name}`);
      return { status: answer.status, stoppedAtMs: answer.stopDate ? answer.stopDate.getTime() : null };
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist || (error as Error).name === 'ExecutionDoesNotExist') return null;
      throw error;
    }
  }

  /** `arn:…:stateMachine:<machine>` → `arn:…:execution:<machine>:<name>`, on the Standard machine. */
  private executionArnOf(name: string): string {
    return `${this.machines.standard.replace(':stateMachine:', ':execution:')}:${name}`;
  }
}
