// `npm run executions`: the latest executions of the Standard sync state machine, as the console lists them (name,
// status, duration) plus what each did (pages, orders, counts from its output), and where the Express machine's
// incremental runs are seen instead (Step Functions lists none of them). Local endpoint by default; `--aws` for AWS.
import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
  type ExecutionStatus,
  type StateMachineListItem,
} from '@aws-sdk/client-sfn';
import { isStreamName, STREAM_NAMES } from '../../functions/core/stream';
import { CliError, DEFAULT_SFN_ENDPOINT, LOCAL_REGION, parseFlags, positiveNumber, runCli, UsageError } from './common';
import { formatExecutions, type ExecutionView } from './views';

const STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];

const USAGE = `usage: npm run executions [-- options]
  --max N                  how many, newest first (default 20)
  --status STATUS          only ${STATUSES.join(', ')}
  --stream NAME            only this stream's among them (${STREAM_NAMES.join(', ')})
  --json                   the executions as JSON
  --sfn-endpoint URL       the local Step Functions endpoint (default ${DEFAULT_SFN_ENDPOINT}, or ORDER_SYNC_SFN_ENDPOINT)
  --aws                    AWS Step Functions itself, with the SDK's default credential chain
  --profile NAME           (with --aws) the AWS profile to use
  --region REGION          (with --aws) the stack's region
  --state-machine-arn ARN  when there is more than one stack's state machine (the stack's StateMachineArn output)

Incremental runs start on the Express machine (<name>-express): Step Functions neither lists nor describes its
executions. A run that outgrew it is listed here from its second part (-p2) on; the others are in the Express
machine's log group (stack output ExpressExecutionsLogGroup) and, the last one, in npm run status.`;

async function main(args: string[]): Promise<number> {
  const flags = parseFlags(
    args,
    {
      max: { type: 'string' },
      status: { type: 'string' },
      stream: { type: 'string' },
      json: { type: 'boolean' },
      'sfn-endpoint': { type: 'string' },
      aws: { type: 'boolean' },
      profile: { type: 'string' },
      region: { type: 'string' },
      'state-machine-arn': { type: 'string' },
      help: { type: 'boolean' },
    },
    USAGE,
  );
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  const max = Math.min(1000, Math.floor(positiveNumber(flags.max, '--max', 20)));
  if (flags.status !== undefined && !STATUSES.includes(flags.status))
    throw new UsageError(`--status must be one of ${STATUSES.join(', ')}`);
  if (flags.stream !== undefined && !isStreamName(flags.stream))
    throw new UsageError(`--stream must be one of ${STREAM_NAMES.join(', ')}, got "${flags.stream}"`);
  if (flags.aws && flags['sfn-endpoint']) throw new UsageError('--aws and --sfn-endpoint: pick one');
  const endpoint = flags['sfn-endpoint'] ?? process.env.ORDER_SYNC_SFN_ENDPOINT ?? DEFAULT_SFN_ENDPOINT;

  const sfn = flags.aws
    ? new SFNClient({ ...(flags.region ? { region: flags.region } : {}), ...(flags.profile ? { profile: flags.profile } : {}) })
    : new SFNClient({ region: LOCAL_REGION, endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    const machines = (await sfn.send(new ListStateMachinesCommand({}))).stateMachines ?? [];
    const stateMachineArn = flags['state-machine-arn'] ?? theStateMachine(machines);
    const express = machines.find((machine) => machine.type === 'EXPRESS' && machine.name?.startsWith(`${nameOf(stateMachineArn)}-`));
    const listed = await sfn.send(
      new ListExecutionsCommand({
        stateMachineArn,
        maxResults: max,
        ...(flags.status ? { statusFilter: flags.status as ExecutionStatus } : {}),
      }),
    );
    // Execution names start with their stream. Describe each for its output (the counts): one page of the list.
    const ofStream = (listed.executions ?? []).filter((item) => !flags.stream || item.name?.startsWith(`${flags.stream}-`));
    const executions: ExecutionView[] = await Promise.all(
      ofStream.map(async (item) => {
        const described = await sfn.send(new DescribeExecutionCommand({ executionArn: item.executionArn }));
        return {
          name: item.name ?? '',
          status: item.status ?? '',
          ...(item.startDate ? { startDate: item.startDate } : {}),
          ...(item.stopDate ? { stopDate: item.stopDate } : {}),
          ...(described.output ? { output: described.output } : {}),
          ...(described.error ? { error: described.error } : {}),
          ...(described.cause ? { cause: described.cause } : {}),
        };
      }),
    );
    if (flags.json) {
      console.log(
        JSON.stringify(
          executions.map((execution) => ({ ...execution, output: execution.output ? JSON.parse(execution.output) : null })),
          null,
          2,
        ),
      );
    } else {
      console.log(formatExecutions(executions, Date.now()));
      if (express) console.log(`\n${expressNote(express.name!, flags.aws === true)}`);
    }
    return 0;
  } catch (error) {
    if (error instanceof CliError || error instanceof UsageError) throw error;
    const code = (error as { cause?: { code?: string }; code?: string }).code ?? (error as Error).name;
    const where = flags.aws ? 'AWS Step Functions' : `the Step Functions endpoint ${endpoint} (is \`npm start\` running?)`;
    throw new CliError(`${where} answered ${code}: ${(error as Error).message}`);
  } finally {
    sfn.destroy();
  }
}

/** The stack's Standard machine: the one whose executions can be listed (locally there is exactly one). */
function theStateMachine(machines: StateMachineListItem[]): string {
  const standard = machines.filter((machine) => machine.type !== 'EXPRESS');
  const sync = standard.filter((machine) => standard.length === 1 || /OrderSync/i.test(machine.name ?? ''));
  if (sync.length === 1 && sync[0]!.stateMachineArn) return sync[0]!.stateMachineArn;
  throw new CliError(
    `found ${sync.length} candidate state machines (${standard.map((machine) => machine.name).join(', ') || 'none'}): name one with --state-machine-arn`,
  );
}

function nameOf(stateMachineArn: string): string {
  return stateMachineArn.split(':').pop() ?? stateMachineArn;
}

/** Where an operator reads the Express machine's runs, since Step Functions lists none of them. */
function expressNote(expressName: string, aws: boolean): string {
  return [
    `Incremental runs start on ${expressName} (EXPRESS): Step Functions lists and describes none of its executions.`,
    'A run that outgrew it continues on this machine and is listed above from its -p2 part on. For the others:',
    '  npm run status                          the last run, its counts or its error',
    aws
      ? '  aws logs tail <ExpressExecutionsLogGroup> --since 1h   every event of each execution (stack output ExpressExecutionsLogGroup)'
      : "  npm start's output                     one line as each execution ends (in AWS: the ExpressExecutionsLogGroup log group)",
  ].join('\n');
}

runCli(main);
