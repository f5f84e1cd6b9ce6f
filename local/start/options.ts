// `npm start`'s command line: its flags and the environment it reads (a real source), checked into StartOptions. The
// run settings among the flags (--page-size, ...) are read by their schema in functions/settings.ts.
import { join, resolve } from 'node:path';
import { readSetting, settingsWith } from '../../functions/settings';
import { LOCAL_PORTS, parseFlags, positiveNumber, UsageError } from '../cli/common';
import { DEFAULT_BULK_RATE } from '../fakes/shopify/bulk';
import { runSettingsFrom } from '../run-settings';

const SETTING_FLAGS = settingsWith('flag');

export const USAGE = `usage: npm start [-- options]
  --orders N                 orders in the fake shop (default 50000)
  --live-rate N              changes per second in the fake shop (default 2; 0: none)
  --seed N                   the fake shop's seed (default 1)
  --history-days N           the days the fake shop's orders were created over, up to now (default 730)
  --latency MS               the fake shop answers each request MS milliseconds late (default 0), as a remote API would
${SETTING_FLAGS.map((setting) => `  ${`--${setting.flag} N`.padEnd(27)}${setting.doc}: ${setting.accepts} (default ${String(setting.default)}; ${setting.env})`).join('\n')}
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

/** The source the functions read: a fake this process serves, or a real one from the environment. */
export interface RealSource {
  url: string;
  token: string;
  kind: 'http' | 'shopify';
  apiVersion?: string;
}

export interface FakeShopOptions {
  orders: number;
  liveRate: number;
  seed: number;
  /** The days the fake shop's orders were created over (--history-days). */
  historyDays: number;
  latencyMs: number;
  /** What the fake shop speaks (--source). */
  kind: 'http' | 'shopify';
  port: number;
  shopify: { bulkRate: number; bucket: { maximumAvailable?: number; restoreRate?: number } };
}

export interface StartOptions {
  /**
   * The run settings given as flags or in our environment (run-settings.ts), by their function variable (PAGE_SIZE=...):
   * the functions' environment on top of the template's. A flag wins over the environment.
   */
  settings: Record<string, string>;
  scheduleSeconds?: number;
  schedule: boolean;
  dataDir: string;
  reset: boolean;
  jsonLogs: boolean;
  /** Run the bundles of a cloud assembly: a fresh synth (--bundled) or an existing one (--cdk-out DIR). */
  assembly?: { dir: string; synthesize: boolean };
  ports: { httpApi: number; sfn: number; dynamodb: number };
  fake: FakeShopOptions;
  /** A real source: ORDERS_API_URL, or a Shopify shop (SOURCE_KIND=shopify); the fake shop when absent. */
  source?: RealSource;
}

export function startOptions(args: string[], env: NodeJS.ProcessEnv): StartOptions | 'help' {
  const text = { type: 'string' } as const;
  const flag = { type: 'boolean' } as const;
  const flags = parseFlags(
    args,
    {
      orders: text,
      'live-rate': text,
      seed: text,
      'history-days': text,
      latency: text,
      ...Object.fromEntries(SETTING_FLAGS.map((setting) => [setting.flag!, text])),
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
  ) as Record<string, string | boolean | undefined>;
  if (flags.help) return 'help';
  const textOf = (name: string) => flags[name] as string | undefined;
  const whole = (value: string | undefined, name: string, min: number, max: number): number | undefined => {
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isInteger(parsed) || parsed < min || parsed > max) {
      throw new UsageError(`${name} must be a whole number from ${min} to ${max}, got "${value}"\n\n${USAGE}`);
    }
    return parsed;
  };
  const port = (value: string | undefined, name: string, fallback: number) => whole(value, name, 0, 65_535) ?? fallback;
  let settings: Record<string, string>;
  try {
    settings = runSettingsFrom(env);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  for (const setting of SETTING_FLAGS) {
    const raw = textOf(setting.flag!);
    if (raw === undefined) continue;
    const read = readSetting(setting, raw, `--${setting.flag}`);
    if (!read.ok) throw new UsageError(`${read.problem}\n\n${USAGE}`);
    settings[setting.env!] = String(read.value);
  }
  const liveRate = textOf('live-rate') === undefined ? 2 : Number(textOf('live-rate'));
  if (!(liveRate >= 0)) throw new UsageError(`--live-rate must be a number >= 0\n\n${USAGE}`);
  const fakeKind = textOf('source') ?? 'http';
  if (fakeKind !== 'http' && fakeKind !== 'shopify')
    throw new UsageError(`--source must be http or shopify, got "${fakeKind}"\n\n${USAGE}`);
  const bucketSize = whole(textOf('bucket-size'), '--bucket-size', 1, 1e9);
  const restoreRate = whole(textOf('restore-rate'), '--restore-rate', 1, 1e9);
  const scheduleSeconds =
    textOf('schedule-seconds') === undefined ? undefined : positiveNumber(textOf('schedule-seconds'), '--schedule-seconds', 300);
  const dataDir = resolve(textOf('data-dir') ?? '.local');
  const assembly =
    textOf('cdk-out') !== undefined
      ? { dir: resolve(textOf('cdk-out')!), synthesize: false }
      : flags.bundled
        ? { dir: join(dataDir, 'cdk.out'), synthesize: true }
        : undefined;
  const source = realSource(env);
  return {
    settings,
    ...(scheduleSeconds !== undefined ? { scheduleSeconds } : {}),
    schedule: !flags['no-schedule'],
    dataDir,
    reset: flags.reset === true,
    jsonLogs: flags['json-logs'] === true,
    ...(assembly ? { assembly } : {}),
    ports: {
      httpApi: port(textOf('http-port') ?? env.HTTP_API_PORT, '--http-port', LOCAL_PORTS.httpApi),
      sfn: port(textOf('sfn-port') ?? env.SFN_PORT, '--sfn-port', LOCAL_PORTS.sfn),
      dynamodb: port(textOf('dynamodb-port') ?? env.DYNAMODB_PORT, '--dynamodb-port', LOCAL_PORTS.dynamodb),
    },
    fake: {
      orders: whole(textOf('orders'), '--orders', 1, 5_000_000) ?? 50_000,
      liveRate,
      seed: whole(textOf('seed'), '--seed', 0, 2 ** 31) ?? 1,
      historyDays: whole(textOf('history-days'), '--history-days', 1, 36_500) ?? 730,
      latencyMs: whole(textOf('latency'), '--latency', 0, 60_000) ?? 0,
      kind: fakeKind,
      port: port(textOf('fake-port') ?? env.FAKE_ORDERS_API_PORT, '--fake-port', LOCAL_PORTS.fakeOrdersApi),
      shopify: {
        bulkRate: positiveNumber(textOf('bulk-rate'), '--bulk-rate', DEFAULT_BULK_RATE),
        bucket: {
          ...(bucketSize !== undefined ? { maximumAvailable: bucketSize } : {}),
          ...(restoreRate !== undefined ? { restoreRate } : {}),
        },
      },
    },
    ...(source ? { source } : {}),
  };
}

/** A real source from the environment, both its address and its token, or none (the fake shop). */
function realSource(env: NodeJS.ProcessEnv): RealSource | undefined {
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
  if (shopify && env.SHOPIFY_SHOP_DOMAIN && env.ORDERS_API_TOKEN) {
    return {
      url: env.SHOPIFY_SHOP_DOMAIN,
      token: env.ORDERS_API_TOKEN,
      kind: 'shopify',
      ...(env.SHOPIFY_API_VERSION ? { apiVersion: env.SHOPIFY_API_VERSION } : {}),
    };
  }
  if (!shopify && env.ORDERS_API_URL && env.ORDERS_API_TOKEN) return { url: env.ORDERS_API_URL, token: env.ORDERS_API_TOKEN, kind: 'http' };
  return undefined;
}
