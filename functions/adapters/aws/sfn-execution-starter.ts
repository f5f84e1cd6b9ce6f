// Starts and describes executions of the sync state machine through the Step Functions API (AWS, or the local endpoint).
import { DescribeExecutionCommand, ExecutionDoesNotExist, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { ExecutionStarter, ExecutionState, StartedExecution } from '../../core/ports';

export class SfnExecutionStarter implements ExecutionStarter {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(name: string, input: unknown): Promise<StartedExecution> {
    const answer = await this.client.send(
      new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name, input: JSON.stringify(input) }),
    );
    return {
      executionArn: answer.executionArn ?? this.executionArnOf(name),
      executionName: name,
      startDate: (answer.startDate ?? new Date()).toISOString(),
    };
  }

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

  /** `arn:…:stateMachine:<machine>` → `arn:…:execution:<machine>:<name>`. */
  private executionArnOf(name: string): string {
    return `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  }
}
