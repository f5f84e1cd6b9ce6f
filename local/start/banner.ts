// The banner `npm start` prints once everything listens: what runs where, and what to try in another terminal.
import { relative } from 'node:path';
import { DEFAULT_API_URL, DEFAULT_SFN_ENDPOINT, LOCAL_REGION } from '../cli/common';
import { clockTime } from '../cli/console-log';
import type { HttpApiServer } from '../aws/http-api-server';
import type { SettledRun } from '../aws/interrupted-run';
import type { LocalSchedule } from '../aws/schedule';
import type { SfnEndpoint } from '../aws/sfn-endpoint';
import type { LocalStack } from '../aws/stack';
import type { StartOptions } from './options';

export interface BannerParts {
  sfn: SfnEndpoint;
  stack: LocalStack;
  api: HttpApiServer;
  /** The source's line: the fake shop's, or the real source's. */
  source: string;
  schedule: LocalSchedule | undefined;
  scheduleExpression: string;
  periodSeconds: number | undefined;
  interrupted: SettledRun | null;
  /** The streams the stack syncs. */
  streams: readonly string[];
}

/** The line of a real source (the environment's). */
export function realSourceLine(source: NonNullable<StartOptions['source']>): string {
  return source.kind === 'shopify'
    ? `${source.url}  (SOURCE_KIND=shopify, Admin API ${source.apiVersion ?? '2025-10'})`
    : `${source.url}  (ORDERS_API_URL)`;
}

export function banner(options: StartOptions, parts: BannerParts): string {
  const { sfn, stack, api, schedule } = parts;
  const inside = relative(process.cwd(), options.dataDir);
  const dataDir = inside && !inside.startsWith('..') ? inside : options.dataDir;
  const scheduleText = schedule
    ? `every ${schedule.periodMs / 1000} s${options.scheduleSeconds ? ` (--schedule-seconds; AWS: ${parts.scheduleExpression})` : ` (${parts.scheduleExpression}, as in AWS)`}: incremental sync, next at ${clockTime(schedule.nextTickAt()!)}`
    : parts.periodSeconds === undefined && options.schedule
      ? `off: ${parts.scheduleExpression} has no fixed period; use --schedule-seconds`
      : 'off';
  const apiFlag = api.url === DEFAULT_API_URL ? '' : ` --api-url ${api.url}`;
  const sfnFlag = sfn.url === DEFAULT_SFN_ENDPOINT ? '' : ` --sfn-endpoint ${sfn.url}`;
  const npmArgs = (flags: string) => (flags ? ` -- ${flags.trim()}` : '');
  const commands: Array<[string, string]> = [
    [`npm run sync${npmArgs(`--full${apiFlag}`)}`, 'full resync, followed with a progress bar'],
    [`npm run sync${npmArgs(apiFlag)}`, 'incremental sync'],
    [`npm run sync${npmArgs(`--stream products${apiFlag}`)}`, "the products stream's incremental sync (--stream: any stream)"],
    [`npm run sync${npmArgs(`--resume${apiFlag}`)}`, 'continue an interrupted full resync'],
    [`npm run status${npmArgs(apiFlag)}`, 'the status route, readable (--json for scripts)'],
    [`npm run executions${npmArgs(sfnFlag)}`, 'latest executions: name, status, duration, counts'],
  ];
  const width = Math.max(...commands.map(([command]) => command.length));
  return [
    '',
    'order-sync runs locally (no AWS account involved):',
    `  functions           ${functionsLine(options, stack)}`,
    `  IAM                 enforced: each function signs as its role; DynamoDB, Step Functions and Secrets Manager check every call`,
    `                      against the template's policies (the state machine's own invokes too), answering AccessDeniedException`,
    `  HTTP API            ${api.url}  same routes and handler as API Gateway (no IAM auth of callers locally)`,
    `  Step Functions API  ${sfn.url}  state machines ${stack.definition.name} (Standard) and ${stack.expressDefinition.name} (Express: incremental runs)`,
    `  DynamoDB API        ${stack.dynamodbEndpoint}  dynalite, data in ${dataDir}/dynalite (--reset wipes it)`,
    `  source              ${parts.source}`,
    `  streams             ${parts.streams.join(', ')} (--streams), each with its own lease, checkpoint, copy table and runs`,
    `  schedule            ${scheduleText}`,
    '',
    'Try, in another terminal:',
    ...commands.map(([command, what]) => `  ${command.padEnd(width)}  # ${what}`),
    `  curl -X POST ${api.url}/api/sync/orders`,
    `  curl -X POST '${api.url}/api/sync/orders?force_full=true'`,
    `  curl -X POST '${api.url}/api/sync/orders/full?resume=true'`,
    `  curl -X POST ${api.url}/api/sync/customers/full`,
    `  curl ${api.url}/api/sync/status`,
    `  AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local aws stepfunctions list-executions \\`,
    `    --endpoint-url ${sfn.url} --region ${LOCAL_REGION} --state-machine-arn ${stack.machine.arn}`,
    ...(parts.interrupted?.resumable ? ['', `An interrupted full resync is waiting: npm run sync${npmArgs(`--resume${apiFlag}`)}`] : []),
    '',
    'Ctrl-C stops everything; a run in flight stops after its current page and stays resumable.',
    '',
  ].join('\n');
}

function functionsLine(options: StartOptions, stack: LocalStack): string {
  const count = stack.functions.all().length;
  if (stack.code.kind === 'source')
    return `${count}, each in its own worker: the handlers compiled from the sources (--bundled: the bundles CDK synthesizes)`;
  const dir = relative(process.cwd(), stack.code.dir) || '.';
  return `${count}, each in its own worker: the bundles of ${dir} (${options.assembly?.synthesize ? '--bundled, synthesized now' : '--cdk-out'}; AWS SDK inside)`;
}
