// `npm start`: the whole product on this machine with no configuration: dynalite on disk, the fake shop changing
// live (or a real source), the synthesized state machine behind a local Step Functions API, the HTTP API, the schedule.
// The command line only: its parts live in local/start/ (flags, fake shop, banner, printed lines, start and stop).
import { mkdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { startHttpApiServer, type HttpApiServer } from './aws/http-api-server';
import { scheduleFromTemplate, startSchedule, type LocalSchedule } from './aws/schedule';
import { startSfnEndpoint } from './aws/sfn-endpoint';
import { startLocalStack, type LocalStack } from './aws/stack';
import { synthesizeAssembly } from './aws/assembly';
import { LOCAL_HOST, runCli } from './cli/common';
import { installReadableLogs } from './cli/console-log';
import { banner, realSourceLine } from './start/banner';
import { startFakeShop } from './start/fake-shop';
import { forceOnSecondSignal, listening, Started, stopSignal } from './start/lifecycle';
import { startOptions, USAGE } from './start/options';
import { executionLine, operationsSink, sayer, settledLine } from './start/printed';
import { settleStackRun, streamsOf } from './start/settle';

async function main(args: string[]): Promise<number> {
  const options = startOptions(args, process.env);
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const say = sayer(options.jsonLogs);

  if (options.reset) rmSync(options.dataDir, { recursive: true, force: true });
  mkdirSync(options.dataDir, { recursive: true });
  const uninstallLogs = options.jsonLogs ? () => undefined : installReadableLogs();

  if (options.assembly?.synthesize) {
    say(`synthesizing the cloud assembly with its bundles (npx cdk synth -o ${relative(process.cwd(), options.assembly.dir) || '.'}) …`);
    rmSync(options.assembly.dir, { recursive: true, force: true });
    synthesizeAssembly(options.assembly.dir);
  }

  const started = new Started();
  let stack: LocalStack | undefined;
  let api: HttpApiServer | undefined;
  let schedule: LocalSchedule | undefined;
  try {
    // The endpoint listens first so its URL is in the functions' env (SFN_ENDPOINT) before their clients exist.
    const sfn = await listening('Step Functions API', '--sfn-port', options.ports.sfn, () =>
      startSfnEndpoint({
        machine: () => stack!.machine,
        iam: () => stack!.iam,
        port: options.ports.sfn,
        host: LOCAL_HOST,
      }),
    );
    started.add(() => sfn.stop());

    const fake = options.source
      ? undefined
      : await listening('fake orders API', '--fake-port', options.fake.port, () => startFakeShop(options.fake, options.dataDir, say));
    if (fake) started.add(() => fake.stop());
    const source = options.source ?? fake!.source;

    stack = await listening('DynamoDB API', '--dynamodb-port', options.ports.dynamodb, () =>
      startLocalStack({
        dataDir: join(options.dataDir, 'dynalite'),
        dynamodbPort: options.ports.dynamodb,
        ...(options.assembly ? { code: { kind: 'assembly', dir: options.assembly.dir } } : {}),
        warm: true,
        source,
        env: { SFN_ENDPOINT: sfn.url, ...options.settings },
        onExecutionEnd: (record) => say(executionLine(record)),
        operations: operationsSink(options.jsonLogs, say),
      }),
    );
    const running = stack;
    started.add(() => running.stop());

    // Nothing runs yet, and dynalite's lock keeps any other stack off this data: a lease now is a dead run's.
    const found = await settleStackRun(running, 'the local stack stopped while the run was in flight');
    if (found) say(settledLine(found, 'found from the last session'));

    api = await listening('HTTP API', '--http-port', options.ports.httpApi, () =>
      startHttpApiServer({
        handler: (event) => running.functions.invoke('api', event) as Promise<APIGatewayProxyResult>,
        port: options.ports.httpApi,
        host: LOCAL_HOST,
        onResponse: (event, result, ms) => {
          // The CLI polls the status route every second: only triggers and errors make a line.
          if (event.httpMethod !== 'GET' || result.statusCode >= 400) {
            const query = event.queryStringParameters
              ? `?${new URLSearchParams(event.queryStringParameters as Record<string, string>)}`
              : '';
            say(`HTTP ${event.httpMethod} ${event.path}${query} → ${result.statusCode} (${ms} ms)`);
          }
        },
      }),
    );
    const httpApi = api;
    started.add(() => httpApi.stop());

    const spec = scheduleFromTemplate(running.template);
    const periodSeconds = options.scheduleSeconds ?? spec.periodSeconds;
    if (options.schedule && spec.enabled && periodSeconds !== undefined) {
      schedule = startSchedule({
        periodMs: periodSeconds * 1000,
        input: spec.input,
        target: (event) => running.functions.invoke('scheduled-trigger', event),
        onTick: ({ error }) => {
          if (error) say(`⏱ schedule tick failed: ${(error as Error).message ?? String(error)}`);
        },
      });
    }

    const sourceLine = fake ? fake.describe() : realSourceLine(options.source!);
    console.log(
      banner(options, {
        sfn,
        stack,
        api,
        source: sourceLine,
        schedule,
        scheduleExpression: spec.expression,
        periodSeconds,
        interrupted: found,
        streams: streamsOf(running.template),
      }),
    );
    await stopSignal();
  } catch (error) {
    await started.stopAll();
    uninstallLogs();
    throw error;
  }

  // ---- stop: no new trigger, running executions aborted after their current step, the run left resumable.
  say('stopping: no new triggers; a run in flight stops after its current page (Ctrl-C again to force)…');
  forceOnSecondSignal();
  await schedule?.stop();
  await api?.stop();
  await stack!.stopExecutions();
  const interrupted = await settleStackRun(stack!, 'stopped with the local stack (Ctrl-C)');
  if (interrupted) say(settledLine(interrupted, 'stopped'));
  await started.stopAll();
  say('stopped: servers closed, dynalite data saved');
  uninstallLogs();
  return 0;
}

runCli(main);
