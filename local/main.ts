// `npm start`: the whole product on this machine with no configuration: dynalite on disk, the fake shop changing
// live (or a real source), the synthesized state machine behind a local Step Functions API, the HTTP API, the schedule.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { createDocumentClient } from '../functions/adapters/dynamodb/client';
import { DynamoSyncStateStore } from '../functions/adapters/dynamodb/sync-state-store';
import { config } from '../functions/config';
import { MAX_PAGES_PER_EXECUTION_LIMIT, PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX } from '../functions/core/limits';
import {
  DEFAULT_API_URL,
  DEFAULT_SFN_ENDPOINT,
  LOCAL_HOST,
  LOCAL_PORTS,
  LOCAL_REGION,
  parseFlags,
  positiveNumber,
  runCli,
  UsageError,
} from './cli/common';
import { clockTime, installReadableLogs } from './cli/console-log';
import { startHttpApiServer, type HttpApiServer } from './aws/http-api-server';
import { settleInterruptedRun, type SettledRun } from './aws/interrupted-run';
import { scheduleFromTemplate, startSchedule, type LocalSchedule } from './aws/schedule';
import { startSfnEndpoint, type SfnEndpoint } from './aws/sfn-endpoint';
import { printedOperations, type OperationsSink } from './aws/operations';
import { startLocalStack, type LocalStack } from './aws/stack';
import { synthesizeAssembly } from './aws/assembly';
import { DEFAULT_BULK_RATE } from './fakes/shopify/bulk';
import { runSettingsFrom } from './run-settings';
import type { ExecutionRecord } from './aws/state-machine/local-state-machine';
import type { APIGatewayProxyResult } from 'aws-lambda';

const USAGE = `usage: npm start [-- options]
  --orders N                 orders in the fake shop (default 50000)
  --live-rate N              changes per second in the fake shop (default 2; 0: none)
  --seed N                   the fake shop's seed (default 1)
  --latency MS               the fake shop answers each request MS milliseconds late (default 0), as a remote API would
  --page-size N              orders per page, 1..${PAGE_SIZE_MAX} (default: PAGE_SIZE's default, ${PAGE_SIZE_DEFAULT})
  --pages-per-execution N    pages before an execution continues as new (default: MAX_PAGES_PER_EXECUTION's, 500)
  --schedule-seconds N       run the schedule every N seconds (default: the CDK schedule's rate, 5 minutes)
  --no-schedule              no scheduled syncs
  --data-dir DIR             where dynalite keeps its data (default .local)
  --reset                    wipe the data dir first (orders, checkpoint, the fake shop)
  --json-logs                the handlers' JSON log lines as Lambda writes them, instead of readable lines
  --bundled                  run each function from the bundle CDK synthesizes (cdk synth -o DATA_DIR/cdk.out), not the TypeScript
  --cdk-out DIR              run from an existing cloud assembly (npx cdk synth -o DIR): its template's definition, roles and bundles
  --http-port P              HTTP API (default ${LOCAL_PORTS.httpApi}, or HTTP_API_PORT)
  --sfn-port P               Step Functions API (default ${LOCAL_PORTS.sfn}, or SFN_PORT)
  --dynamodb-port P          DynamoDB API (default ${LOCAL_PORTS.dynamodb}, or DYNAMODB_PORT)
  --fake-port P              fake orders API or fake Shopify (default ${LOCAL_PORTS.fakeOrdersApi}, or FAKE_ORDERS_API_PORT)
  --source http|shopify      the fake shop speaks the reference contract (docs/source-contract.md) (http, the default) or Shopify's GraphQL Admin API
  --bulk-rate N              fake Shopify: orders a bulk export covers per second (default ${DEFAULT_BULK_RATE})
  --bucket-size N            fake Shopify: cost bucket points (default 10000, Shopify Plus; Standard: 2000)
  --restore-rate N           fake Shopify: points restored per second (default 1000, Shopify Plus; Standard: 100)
  Ports may be 0 (any free port). A real source instead of the fake: ORDERS_API_URL=... ORDERS_API_TOKEN=... npm start,
  or a Shopify shop: SOURCE_KIND=shopify SHOPIFY_SHOP_DOMAIN=... SHOPIFY_API_VERSION=... ORDERS_API_TOKEN=... npm start.
  OVERLAP_SECONDS, LOOKBACK_SECONDS, LOOKBACK_EVERY_SECONDS, LEASE_SECONDS and RECONCILE_AFTER_FULL_RESYNC in the
  environment reach the functions (docs/configuration.md)`;

/** Signals this soon after the first are echoes of the same Ctrl-C (npm and tsx relay it, late on a loaded machine), not a second one. */
const SIGNAL_ECHO_MS = 5_000;

/** How long a clean stop may take before it is forced (a page step against a dead source, say). */
const SHUTDOWN_DEADLINE_MS = 60_000;

interface StartOptions {
  orders: number;
  liveRate: number;
  seed: number;
  latencyMs: number;
  pageSize?: number;
  pagesPerExecution?: number;
  scheduleSeconds?: number;
  schedule: boolean;
  dataDir: string;
  reset: boolean;
  jsonLogs: boolean;
  /** Run the bundles of a cloud assembly: a fresh synth (--bundled) or an existing one (--cdk-out DIR). */
  assembly?: { dir: string; synthesize: boolean };
  ports: { httpApi: number; sfn: number; dynamodb: number; fakeOrdersApi: number };
  /** What the fake shop speaks (--source). */
  fakeKind: 'http' | 'shopify';
  fakeShopify: { bulkRate: number; bucket: { maximumAvailable?: number; restoreRate?: number } };
  /** A real source: ORDERS_API_URL, or a Shopify shop (SOURCE_KIND=shopify). */
  source?: { url: string; token: string; kind: 'http' | 'shopify'; apiVersion?: string };
  /** OVERLAP_SECONDS, LOOKBACK_SECONDS, ... from our environment, for the functions (run-settings.ts). */
  runSettings: Record<string, string>;
}

function optionsFrom(args: string[], env: NodeJS.ProcessEnv): StartOptions | 'help' {
  const text = { type: 'string' } as const;
  const flag = { type: 'boolean' } as const;
  const flags = parseFlags(
    args,
    {
      orders: text,
      'live-rate': text,
      seed: text,
      latency: text,
      'page-size': text,
      'pages-per-execution': text,
      'schedule-seconds': text,
      'no-schedule': flag,
      'data-dir': text,
      reset: flag,
      'json-logs': flag,
      bundled: flag,
      'cdk-out': text,
      'http-port': text,
      'sfn-port': text,
      'dynamodb-port': text,
      'fake-port': text,
      source: text,
      'bulk-rate': text,
      'bucket-size': text,
      'restore-rate': text,
      help: flag,
    },
    USAGE,
  );
  if (flags.help) return 'help';
  const whole = (value: string | undefined, name: string, min: number, max: number): number | undefined => {
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isInteger(parsed) || parsed < min || parsed > max) {
      throw new UsageError(`${name} must be a whole number from ${min} to ${max}, got "${value}"\n\n${USAGE}`);
    }
    return parsed;
  };
  const port = (value: string | undefined, name: string, fallback: number) => whole(value, name, 0, 65_535) ?? fallback;
  const shopify = env.SOURCE_KIND === 'shopify';
  if (env.SOURCE_KIND !== undefined && env.SOURCE_KIND !== 'http' && !shopify)
    throw new UsageError(`SOURCE_KIND must be "http" or "shopify", got "${env.SOURCE_KIND}"`);
  if (shopify && Boolean(env.SHOPIFY_SHOP_DOMAIN) !== Boolean(env.ORDERS_API_TOKEN)) {
    throw new UsageError(
      'a Shopify shop needs both SHOPIFY_SHOP_DOMAIN and ORDERS_API_TOKEN (neither: npm start -- --source shopify runs the fake Shopify)',
    );
  }
  if (!shopify && Boolean(env.ORDERS_API_URL) !== Boolean(env.ORDERS_API_TOKEN)) {
    throw new UsageError('a real source needs both ORDERS_API_URL and ORDERS_API_TOKEN (neither: the fake shop)');
  }
  let runSettings: Record<string, string>;
  try {
    runSettings = runSettingsFrom(env);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const fakeKind = flags.source ?? 'http';
  if (fakeKind !== 'http' && fakeKind !== 'shopify')
    throw new UsageError(`--source must be http or shopify, got "${fakeKind}"\n\n${USAGE}`);
  const bucketSize = whole(flags['bucket-size'], '--bucket-size', 1, 1e9);
  const restoreRate = whole(flags['restore-rate'], '--restore-rate', 1, 1e9);
  const scheduleSeconds =
    flags['schedule-seconds'] === undefined ? undefined : positiveNumber(flags['schedule-seconds'], '--schedule-seconds', 300);
  const pageSize = whole(flags['page-size'], '--page-size', 1, PAGE_SIZE_MAX);
  const pagesPerExecution = whole(flags['pages-per-execution'], '--pages-per-execution', 1, MAX_PAGES_PER_EXECUTION_LIMIT);
  const dataDir = resolve(flags['data-dir'] ?? '.local');
  const assembly =
    flags['cdk-out'] !== undefined
      ? { dir: resolve(flags['cdk-out']), synthesize: false }
      : flags.bundled
        ? { dir: join(dataDir, 'cdk.out'), synthesize: true }
        : undefined;
  return {
    orders: whole(flags.orders, '--orders', 1, 5_000_000) ?? 50_000,
    liveRate: flags['live-rate'] === undefined ? 2 : Number(flags['live-rate']) >= 0 ? Number(flags['live-rate']) : NaN,
    seed: whole(flags.seed, '--seed', 0, 2 ** 31) ?? 1,
    latencyMs: whole(flags.latency, '--latency', 0, 60_000) ?? 0,
    ...(pageSize !== undefined ? { pageSize } : {}),
    ...(pagesPerExecution !== undefined ? { pagesPerExecution } : {}),
    ...(scheduleSeconds !== undefined ? { scheduleSeconds } : {}),
    schedule: !flags['no-schedule'],
    dataDir,
    reset: flags.reset === true,
    jsonLogs: flags['json-logs'] === true,
    ...(assembly ? { assembly } : {}),
    ports: {
      httpApi: port(flags['http-port'] ?? env.HTTP_API_PORT, '--http-port', LOCAL_PORTS.httpApi),
      sfn: port(flags['sfn-port'] ?? env.SFN_PORT, '--sfn-port', LOCAL_PORTS.sfn),
      dynamodb: port(flags['dynamodb-port'] ?? env.DYNAMODB_PORT, '--dynamodb-port', LOCAL_PORTS.dynamodb),
      fakeOrdersApi: port(flags['fake-port'] ?? env.FAKE_ORDERS_API_PORT, '--fake-port', LOCAL_PORTS.fakeOrdersApi),
    },
    fakeKind,
    runSettings,
    fakeShopify: {
      bulkRate: positiveNumber(flags['bulk-rate'], '--bulk-rate', DEFAULT_BULK_RATE),
      bucket: {
        ...(bucketSize !== undefined ? { maximumAvailable: bucketSize } : {}),
        ...(restoreRate !== undefined ? { restoreRate } : {}),
      },
    },
    ...(shopify && env.SHOPIFY_SHOP_DOMAIN && env.ORDERS_API_TOKEN
      ? {
          source: {
            url: env.SHOPIFY_SHOP_DOMAIN,
            token: env.ORDERS_API_TOKEN,
            kind: 'shopify' as const,
            ...(env.SHOPIFY_API_VERSION ? { apiVersion: env.SHOPIFY_API_VERSION } : {}),
          },
        }
      : !shopify && env.ORDERS_API_URL && env.ORDERS_API_TOKEN
        ? { source: { url: env.ORDERS_API_URL, token: env.ORDERS_API_TOKEN, kind: 'http' as const } }
        : {}),
  };
}

/**
 * The fake shop is generated from a seed and the moment its history ends; kept in the data dir, the same shop
 * comes back after a restart, so the stored copy, its checkpoint and a saved cursor still describe it.
 */
function fakeShopHistoryEnd(dataDir: string, orders: number, seed: number, say: (line: string) => void): number {
  const file = join(dataDir, 'fake-shop.json');
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { orders: number; seed: number; historyEndsAtMs: number };
    if (saved.orders === orders && saved.seed === seed) return saved.historyEndsAtMs;
    say(
      `the fake shop changed (${saved.orders} orders, seed ${saved.seed} before): the stored copy describes the old one; --reset starts clean`,
    );
  }
  const historyEndsAtMs = Date.now();
  writeFileSync(file, JSON.stringify({ orders, seed, historyEndsAtMs }, null, 2));
  return historyEndsAtMs;
}

/** The seeded shop a fake serves (the fake orders API, or beneath the fake Shopify). */
function fakeShop(options: StartOptions, historyEndsAtMs: number | undefined) {
  return {
    orders: options.orders,
    seed: options.seed,
    liveRate: options.liveRate,
    historyEndsAtMs,
    faults: { latencyMs: options.latencyMs },
  };
}

async function main(args: string[]): Promise<number> {
  const options = optionsFrom(args, process.env);
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (!Number.isFinite(options.liveRate)) throw new UsageError(`--live-rate must be a number >= 0\n\n${USAGE}`);
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const say = (line: string) =>
    console.log(
      options.jsonLogs
        ? JSON.stringify({ level: 'INFO', message: line, timestamp: new Date().toISOString(), service: 'order-sync-local' })
        : `${clockTime(new Date())} ${line}`,
    );

  if (options.reset) rmSync(options.dataDir, { recursive: true, force: true });
  mkdirSync(options.dataDir, { recursive: true });
  const uninstallLogs = options.jsonLogs ? () => undefined : installReadableLogs();

  if (options.assembly?.synthesize) {
    say(`synthesizing the cloud assembly with its bundles (npx cdk synth -o ${relative(process.cwd(), options.assembly.dir) || '.'}) …`);
    rmSync(options.assembly.dir, { recursive: true, force: true });
    synthesizeAssembly(options.assembly.dir);
  }

  const started: Array<() => Promise<void>> = [];
  let stack: LocalStack | undefined;
  let api: HttpApiServer | undefined;
  let schedule: LocalSchedule | undefined;
  try {
    // The endpoint listens first so its URL is in the functions' env (SFN_ENDPOINT) before their clients exist.
    const sfn: SfnEndpoint = await listening('Step Functions API', '--sfn-port', options.ports.sfn, () =>
      startSfnEndpoint({
        machine: () => stack!.machine,
        definition: () => stack!.definition,
        iam: () => stack!.iam,
        port: options.ports.sfn,
        host: LOCAL_HOST,
      }),
    );
    started.push(() => sfn.stop());

    const historyEndsAtMs = options.source ? undefined : fakeShopHistoryEnd(options.dataDir, options.orders, options.seed, say);
    stack = await listening('DynamoDB API or fake orders API', '--dynamodb-port/--fake-port', options.ports.dynamodb, () =>
      startLocalStack({
        dataDir: join(options.dataDir, 'dynalite'),
        dynamodbPort: options.ports.dynamodb,
        ...(options.assembly ? { code: { kind: 'assembly', dir: options.assembly.dir } } : {}),
        warm: true,
        ...(options.source
          ? { source: options.source }
          : options.fakeKind === 'shopify'
            ? {
                fakeShopify: {
                  shop: fakeShop(options, historyEndsAtMs),
                  port: options.ports.fakeOrdersApi,
                  bulkRate: options.fakeShopify.bulkRate,
                  bucket: options.fakeShopify.bucket,
                },
              }
            : { fake: { ...fakeShop(options, historyEndsAtMs), port: options.ports.fakeOrdersApi } }),
        env: {
          SFN_ENDPOINT: sfn.url,
          ...options.runSettings,
          ...(options.pageSize ? { PAGE_SIZE: String(options.pageSize) } : {}),
          ...(options.pagesPerExecution ? { MAX_PAGES_PER_EXECUTION: String(options.pagesPerExecution) } : {}),
        },
        onExecutionEnd: (record) => say(executionLine(record)),
        operations: operationsSink(options.jsonLogs, say),
      }),
    );
    const running = stack;
    started.push(() => running.stop());

    const stream = config().STREAM;
    const client = createDocumentClient({ region: LOCAL_REGION, endpoint: stack.dynamodbEndpoint });
    started.push(async () => client.destroy());
    const stateStore = new DynamoSyncStateStore({ client, tableName: stack.tables.syncStateTable });
    // Nothing runs yet, and dynalite's lock keeps any other stack off this data: a lease now is a dead run's.
    const found = await settleInterruptedRun(stateStore, stream, Date.now(), 'the local stack stopped while the run was in flight');
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
    started.push(() => httpApi.stop());

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

    console.log(banner(options, { sfn, stack, api, schedule, scheduleExpression: spec.expression, periodSeconds, interrupted: found }));
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
  } catch (error) {
    await stopAll(started);
    uninstallLogs();
    throw error;
  }

  // ---- stop: no new trigger, running executions aborted after their current step, the run left resumable.
  say('stopping: no new triggers; a run in flight stops after its current page (Ctrl-C again to force)…');
  // One Ctrl-C reaches us several times (the terminal signals npm, sh, tsx and node; npm and tsx relay it): only a
  // signal well after the first one means "force".
  const stoppingSince = Date.now();
  const forceOnLateSignal = (signal: string) => {
    if (Date.now() - stoppingSince > SIGNAL_ECHO_MS) forceExit(`stopped by a second ${signal}`);
  };
  process.on('SIGINT', () => forceOnLateSignal('Ctrl-C'));
  process.on('SIGTERM', () => forceOnLateSignal('SIGTERM'));
  setTimeout(() => forceExit(`the clean stop took over ${SHUTDOWN_DEADLINE_MS / 1000} s`), SHUTDOWN_DEADLINE_MS).unref();
  await schedule?.stop();
  await api?.stop();
  await stack!.stopExecutions();
  const client = createDocumentClient({ region: LOCAL_REGION, endpoint: stack!.dynamodbEndpoint });
  const interrupted = await settleInterruptedRun(
    new DynamoSyncStateStore({ client, tableName: stack!.tables.syncStateTable }),
    config().STREAM,
    Date.now(),
    'stopped with the local stack (Ctrl-C)',
  );
  client.destroy();
  if (interrupted) say(settledLine(interrupted, 'stopped'));
  await stopAll(started);
  say('stopped: servers closed, dynalite data saved');
  uninstallLogs();
  return 0;
}

/** Runs the stoppers newest first; one that fails does not keep the others from running. */
async function stopAll(stoppers: Array<() => Promise<void>>): Promise<void> {
  for (const stop of stoppers.reverse()) {
    try {
      await stop();
    } catch (error) {
      console.error(`while stopping: ${(error as Error).message}`);
    }
  }
  stoppers.length = 0;
}

function forceExit(why: string): never {
  console.error(`${why}: exiting now (a run in flight resumes from its last saved page)`);
  process.exit(130);
}

/** Turns "address in use" and dynalite's LevelDB lock into what to do about them. */
async function listening<T>(what: string, flag: string, port: number, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    if ((error as { code?: string }).code === 'EADDRINUSE') {
      throw new UsageError(`${what}: port ${port} is in use (another npm start?): pick another with ${flag}, or 0 for any free port`);
    }
    if (/LOCK|lock/.test(message)) {
      throw new UsageError(`the data dir is in use by another npm start (${message}); stop it first, or use --data-dir`);
    }
    throw error;
  }
}

/** Errors our own stop gives the executions it aborts (LocalStateMachine.stopAll). */
const SHUTDOWN_ABORT_ERROR = 'Shutdown';

/**
 * The operator's view (the topic's notifications, a metrics line per run) on the same console. A Ctrl-C aborts the run
 * in flight on purpose: no failure notification for that. With --json-logs, each metrics flush as EMF, as in Lambda.
 */
function operationsSink(jsonLogs: boolean, say: (line: string) => void): OperationsSink {
  const printed = printedOperations(jsonLogs ? undefined : say);
  return {
    ...printed,
    notification: (text, execution, subject) => {
      if (execution.error !== SHUTDOWN_ABORT_ERROR) printed.notification?.(text, execution, subject);
    },
    ...(jsonLogs ? { emf: (emf) => console.log(JSON.stringify(emf)) } : {}),
  };
}

function settledLine(settled: SettledRun, how: string): string {
  const where = settled.pages === null ? 'before its first page' : `after ${settled.pages.toLocaleString('en-US')} pages (saved)`;
  const next = settled.resumable ? '; continue it with: npm run sync -- --resume' : '; the next sync redoes it';
  return `⏸ ${settled.mode} run ${settled.runId} ${how} ${where}${next}`;
}

function executionLine(record: ExecutionRecord): string {
  const seconds = ((record.stopDate ?? new Date()).getTime() - record.startDate.getTime()) / 1000;
  const output = (record.output ?? {}) as Record<string, unknown>;
  const how =
    record.status === 'SUCCEEDED'
      ? output.skipped
        ? ' (skipped: another run holds the lease)'
        : output.done === false
          ? ' (handed over to the next part)'
          : ''
      : record.error || record.cause
        ? `: ${record.error ?? ''}${record.cause ? ` ${record.cause}` : ''}`
        : '';
  return `  execution ${record.name} ${record.status} after ${seconds.toFixed(1)} s${how}`;
}

function functionsLine(options: StartOptions, stack: LocalStack): string {
  const count = stack.functions.all().length;
  if (stack.code.kind === 'source')
    return `${count}, each in its own worker: the handlers compiled from the sources (--bundled: the bundles CDK synthesizes)`;
  const dir = relative(process.cwd(), stack.code.dir) || '.';
  return `${count}, each in its own worker: the bundles of ${dir} (${options.assembly?.synthesize ? '--bundled, synthesized now' : '--cdk-out'}; AWS SDK inside)`;
}

function banner(
  options: StartOptions,
  parts: {
    sfn: SfnEndpoint;
    stack: LocalStack;
    api: HttpApiServer;
    schedule: LocalSchedule | undefined;
    scheduleExpression: string;
    periodSeconds: number | undefined;
    interrupted: SettledRun | null;
  },
): string {
  const { sfn, stack, api, schedule } = parts;
  const inside = relative(process.cwd(), options.dataDir);
  const dataDir = inside && !inside.startsWith('..') ? inside : options.dataDir;
  const source = stack.fakeShopify
    ? `${stack.fakeShopify.url}  fake Shopify: ${stack.fake!.stats().orders.toLocaleString('en-US')} orders, ${options.liveRate} changes/s (seed ${options.seed}), ` +
      `bucket ${options.fakeShopify.bucket.maximumAvailable ?? 10_000} points +${options.fakeShopify.bucket.restoreRate ?? 1_000}/s, bulk exports at ${options.fakeShopify.bulkRate} orders/s`
    : stack.fake
      ? `${stack.fake.url}  fake shop: ${stack.fake.stats().orders.toLocaleString('en-US')} orders, ${options.liveRate} changes/s (seed ${options.seed})`
      : options.source?.kind === 'shopify'
        ? `${stack.sourceUrl}  (SOURCE_KIND=shopify, Admin API ${options.source.apiVersion ?? '2025-10'})`
        : `${stack.sourceUrl}  (ORDERS_API_URL)`;
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
    `  Step Functions API  ${sfn.url}  state machine ${stack.definition.name} (the synthesized definition)`,
    `  DynamoDB API        ${stack.dynamodbEndpoint}  dynalite, data in ${dataDir}/dynalite (--reset wipes it)`,
    `  orders source       ${source}`,
    `  schedule            ${scheduleText}`,
    '',
    'Try, in another terminal:',
    ...commands.map(([command, what]) => `  ${command.padEnd(width)}  # ${what}`),
    `  curl -X POST ${api.url}/api/sync/orders`,
    `  curl -X POST '${api.url}/api/sync/orders?force_full=true'`,
    `  curl -X POST '${api.url}/api/sync/orders/full?resume=true'`,
    `  curl ${api.url}/api/sync/status`,
    `  AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local aws stepfunctions list-executions \\`,
    `    --endpoint-url ${sfn.url} --region ${LOCAL_REGION} --state-machine-arn ${stack.machine.arn}`,
    ...(parts.interrupted?.resumable ? ['', `An interrupted full resync is waiting: npm run sync${npmArgs(`--resume${apiFlag}`)}`] : []),
    '',
    'Ctrl-C stops everything; a run in flight stops after its current page and stays resumable.',
    '',
  ].join('\n');
}

runCli(main);
