// Which machine a trigger starts a run on: incremental runs on the Express one, anything else on the Standard one.
import { machineFor } from '../../functions/adapters/aws/sfn-execution-starter';

const machines = {
  standard: 'arn:aws:states:us-east-1:123456789012:stateMachine:OrderSync-sync',
  express: 'arn:aws:states:us-east-1:123456789012:stateMachine:OrderSync-sync-express',
};

describe('the machine a run starts on', () => {
  it('is Express for an incremental run, Standard for a full resync or a resume', () => {
    expect(machineFor({ mode: 'incremental', trigger: 'schedule', runId: 'r' }, machines)).toBe(machines.express);
    expect(machineFor({ mode: 'full', trigger: 'http', runId: 'r' }, machines)).toBe(machines.standard);
    expect(machineFor({ mode: 'full', trigger: 'schedule', resume: true, runId: 'r' }, machines)).toBe(machines.standard);
  });

  it('is Standard for a run handed over, or when no Express machine is configured', () => {
    expect(machineFor({ continueRun: { run: { mode: 'incremental' } } }, machines)).toBe(machines.standard);
    expect(machineFor({ mode: 'incremental', trigger: 'http' }, { standard: machines.standard })).toBe(machines.standard);
  });
});
