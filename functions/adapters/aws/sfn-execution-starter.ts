// Starts executions of the sync state machine through the Step Functions API (AWS, or the local endpoint).
import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { ExecutionStarter, StartedExecution } from '../../core/ports';

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
      executionArn: answer.executionArn ?? `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`,
      executionName: name,
      startDate: (answer.startDate ?? new Date()).toISOString(),
    };
  }
}
