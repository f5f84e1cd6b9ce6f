// The one place that reads process.env: every setting the functions and the local stack use, validated once,
// with errors that name the variable and what it accepts.
import { z } from 'zod';
import { ConfigError } from './core/errors';
import { readSetting, SETTINGS, type Setting } from './settings';

/** A variable of functions/settings.ts: the same type, range and default as its CDK context key and its flag. */
const setting = <T>(spec: Setting<T>) =>
  z
    .string()
    .optional()
    .transform((raw, ctx): T => {
      const read = readSetting(spec, raw, spec.env!);
      if (read.ok) return read.value;
      ctx.addIssue({ code: 'custom', message: read.problem });
      return z.NEVER;
    });

const url = (name: string) =>
  z
    .string()
    .optional()
    .refine((raw) => raw === undefined || raw === '' || URL.canParse(raw), { message: `${name} must be an http(s) URL` })
    .transform((raw) => (raw ? raw : undefined));

const optionalText = z
  .string()
  .optional()
  .transform((raw) => (raw ? raw : undefined));

const envSchema = z
  .object({
    AWS_REGION: z.string().default('us-east-1'),
    STREAMS: setting(SETTINGS.streams),
    /** The copy tables, one per stream (functions/streams.ts names each stream's). */
    ORDERS_TABLE: optionalText,
    PRODUCTS_TABLE: optionalText,
    CUSTOMERS_TABLE: optionalText,
    SYNC_STATE_TABLE: optionalText,
    QUARANTINE_TABLE: optionalText,
    SOURCE_KIND: setting(SETTINGS.sourceKind),
    ORDERS_API_URL: url('ORDERS_API_URL'),
    /** Local development only. In AWS the token lives in Secrets Manager (ORDERS_API_TOKEN_SECRET_ARN). */
    ORDERS_API_TOKEN: optionalText,
    ORDERS_API_TOKEN_SECRET_ARN: optionalText,
    SHOPIFY_SHOP_DOMAIN: optionalText,
    SHOPIFY_API_VERSION: setting(SETTINGS.shopifyApiVersion),
    /** Full resyncs on Shopify through a bulk operation (true), or through the paged orders query like incremental runs. */
    SHOPIFY_BULK_RESYNC: setting(SETTINGS.shopifyBulkResync),
    /** Bytes of the bulk result one page step reads (about 1 MiB: some hundreds of orders). */
    SHOPIFY_BULK_RANGE_BYTES: setting(SETTINGS.shopifyBulkRangeBytes),
    /**
     * The SyncPage function fetches the next page while it stores this one (HTTP source only), and its next
     * invocation takes it from memory: "false" fetches each page in its own step, after the previous page is stored.
     */
    SOURCE_READ_AHEAD: setting(SETTINGS.sourceReadAhead),
    PAGE_SIZE: setting(SETTINGS.pageSize),
    /** A full resync checks the live orders it did not write against the source before it commits (docs/design.md "Deletions"). */
    RECONCILE_AFTER_FULL_RESYNC: setting(SETTINGS.reconcileAfterFullResync),
    OVERLAP_SECONDS: setting(SETTINGS.overlapSeconds),
    /** The periodic deep lookback: how far it reaches back before the watermark (0: never), and how often. */
    LOOKBACK_SECONDS: setting(SETTINGS.lookbackSeconds),
    LOOKBACK_EVERY_SECONDS: setting(SETTINGS.lookbackEverySeconds),
    LEASE_SECONDS: setting(SETTINGS.leaseSeconds),
    /** How many times in a row the schedule resumes a full resync that failed on a transient error; then it stays parked. */
    FULL_RESYNC_AUTO_RESUMES: setting(SETTINGS.fullResyncAutoResumes),
    MAX_PAGES_PER_EXECUTION: setting(SETTINGS.maxPagesPerExecution),
    /** The daily sales table (docs/design.md "Daily sales"), and the zone its days are counted in. */
    DAILY_SALES_TABLE: optionalText,
    SHOP_TIME_ZONE: setting(SETTINGS.shopTimeZone),
    DAILY_SALES: setting(SETTINGS.dailySales),
    STATE_MACHINE_ARN: optionalText,
    /** The Express machine incremental runs start on (the triggers); full resyncs start on STATE_MACHINE_ARN. */
    EXPRESS_STATE_MACHINE_ARN: optionalText,
    /** Local stack only: DynamoDB's API (dynalite) and the local Step Functions endpoint. */
    DYNAMODB_ENDPOINT: url('DYNAMODB_ENDPOINT'),
    SFN_ENDPOINT: url('SFN_ENDPOINT'),
  })
  .superRefine((env, ctx) => {
    if (env.ORDERS_API_TOKEN && env.ORDERS_API_TOKEN_SECRET_ARN) {
      ctx.addIssue({
        code: 'custom',
        path: ['ORDERS_API_TOKEN'],
        message: 'set ORDERS_API_TOKEN (local) or ORDERS_API_TOKEN_SECRET_ARN (AWS), not both',
      });
    }
    if (env.SOURCE_KIND === 'shopify' && !env.SHOPIFY_SHOP_DOMAIN) {
      ctx.addIssue({ code: 'custom', path: ['SHOPIFY_SHOP_DOMAIN'], message: 'SHOPIFY_SHOP_DOMAIN is required when SOURCE_KIND=shopify' });
    }
  });

export type Config = z.infer<typeof envSchema>;

export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const variable = issue.path.join('.');
      return issue.message.includes(variable) || !variable ? issue.message : `${variable}: ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** Pick settings that must be present for a given function, naming every missing one at once. */
export function required<K extends keyof Config>(config: Config, ...names: K[]): { [P in K]-?: NonNullable<Config[P]> } {
  const missing = names.filter((name) => config[name] === undefined || config[name] === '');
  if (missing.length > 0) throw new ConfigError(`missing configuration: ${missing.join(', ')} must be set`);
  return Object.fromEntries(names.map((name) => [name, config[name]])) as { [P in K]-?: NonNullable<Config[P]> };
}

let current: Config | undefined;

/** The configuration, read from the environment on first use (cold start). */
export function config(): Config {
  current ??= parseConfig(process.env);
  return current;
}

/** Forget the configuration read so far: the local stack and tests call it after changing the environment. */
export function reloadConfig(): Config {
  current = undefined;
  return config();
}
