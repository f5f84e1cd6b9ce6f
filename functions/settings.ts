// Every setting of a run, defined once: its names (CDK context key, function variable, `npm start` flag), its type and
// range as a zod schema, its default and its doc. The stack's context (infra/settings.ts), the functions' environment
// (functions/config.ts), `npm start`'s flags and a docs test all read this list. Plain TypeScript and zod: no AWS.
import { z } from 'zod';
import { STREAM_NAMES, type StreamName } from './core/stream';
import { parseTimeZone } from './core/analytics/time-zone';
import {
  FULL_RESYNC_AUTO_RESUMES_DEFAULT,
  FULL_RESYNC_AUTO_RESUMES_MAX,
  LEASE_SECONDS_DEFAULT,
  LOOKBACK_EVERY_SECONDS_DEFAULT,
  LOOKBACK_SECONDS_DEFAULT,
  LOOKBACK_SECONDS_MAX,
  MAX_PAGES_PER_EXECUTION_DEFAULT,
  MAX_PAGES_PER_EXECUTION_LIMIT,
  OVERLAP_SECONDS_DEFAULT,
  PAGE_SIZE_DEFAULT,
  PAGE_SIZE_MAX,
} from './core/limits';

export interface Setting<T> {
  /** The CDK context key (`-c key=value`, cdk.json); absent: not a deploy-time setting. */
  context?: string;
  /** The functions' environment variable; absent: the stack only. */
  env?: string;
  /** `npm start -- --flag N`; absent: no flag. */
  flag?: string;
  /** Type and range, of the value once read (numbers and booleans arrive as text from `-c`, flags and the environment). */
  schema: z.ZodType<T>;
  /** What it accepts, in the words an error message and the docs use. */
  accepts: string;
  default: T;
  doc: string;
}

/** Text to a value of the setting's type: numbers and booleans come as strings from `-c`, a flag or a variable. */
type Kind = 'integer' | 'boolean' | 'text';

interface Spec<T> extends Setting<T> {
  kind: Kind;
}

/** Where a setting is set and what it means; kept literal, so the variables' names are types. */
interface Names {
  context?: string;
  env?: string;
  flag?: string;
  doc: string;
}

function integer<const N extends Names>(min: number, max: number, fallback: number, names: N): Spec<number> & N {
  return {
    ...names,
    kind: 'integer',
    schema: z.number().int().min(min).max(max),
    accepts: `a whole number from ${min} to ${max}`,
    default: fallback,
  };
}

function boolean<const N extends Names>(fallback: boolean, names: N): Spec<boolean> & N {
  return { ...names, kind: 'boolean', schema: z.boolean(), accepts: 'true or false', default: fallback };
}

function oneOf<const T extends readonly [string, ...string[]], const N extends Names>(
  values: T,
  fallback: T[number],
  names: N,
): Spec<T[number]> & N {
  return { ...names, kind: 'text', schema: z.enum(values), accepts: `one of ${values.join(', ')}`, default: fallback };
}

function text<const N extends Names>(pattern: RegExp, accepts: string, fallback: string, names: N): Spec<string> & N {
  return { ...names, kind: 'text', schema: z.string().regex(pattern), accepts, default: fallback };
}

/** One of a few whole numbers. */
function choice<const T extends readonly [number, ...number[]], const N extends Names>(
  values: T,
  fallback: T[number],
  names: N,
): Spec<T[number]> & N {
  const schema = z.number().refine((value) => values.includes(value)) as unknown as z.ZodType<T[number]>;
  return { ...names, kind: 'integer', schema, accepts: `one of ${values.join(', ')}`, default: fallback };
}

/** A comma-separated list of stream names (a JSON array in cdk.json): at least one, each once, each known. */
function streamList<const N extends Names>(names: N): Spec<StreamName[]> & N {
  const list = z
    .array(z.enum(STREAM_NAMES))
    .min(1)
    .refine((streams) => new Set(streams).size === streams.length, { message: 'a stream named twice' });
  const schema = z.union([
    list,
    z
      .string()
      .transform((raw) => raw.split(',').map((name) => name.trim()))
      .pipe(list),
  ]);
  return {
    ...names,
    kind: 'text',
    schema: schema as unknown as z.ZodType<StreamName[]>,
    accepts: `a comma-separated list of ${STREAM_NAMES.join(', ')} (at least one, each once)`,
    default: [...STREAM_NAMES],
  };
}

/**
 * An IANA time zone name, spelt canonically once read (`utc` reads as `UTC`); a UTC offset or unknown name refused.
 * Unset by default: the source says (Shopify's shop zone, UTC for the reference source).
 */
function timeZone<const N extends Names>(names: N): Spec<string | undefined> & N {
  const schema = z.string().transform((name, ctx) => {
    const parsed = parseTimeZone(name);
    if (parsed.ok) return parsed.zone;
    ctx.addIssue({ code: 'custom', message: parsed.problem });
    return z.NEVER;
  });
  return {
    ...names,
    kind: 'text',
    schema: schema as unknown as z.ZodType<string | undefined>,
    accepts: 'an IANA time zone name such as UTC or America/Los_Angeles',
    default: undefined,
  };
}

export const SETTINGS = {
  streams: streamList({
    context: 'streams',
    env: 'STREAMS',
    flag: 'streams',
    doc: 'the streams synced (each its own lease, checkpoint, copy table, quarantine and schedule); a stream not listed answers 404',
  }),
  sourceKind: oneOf(['http', 'shopify'], 'http', {
    context: 'sourceKind',
    env: 'SOURCE_KIND',
    doc: 'which connector the functions use',
  }),
  shopifyApiVersion: text(/^(\d{4}-(01|04|07|10)|unstable)$/, 'a Shopify API version like "2025-10"', '2025-10', {
    context: 'shopifyApiVersion',
    env: 'SHOPIFY_API_VERSION',
    doc: 'the Admin API version the Shopify connector calls',
  }),
  pageSize: integer(1, PAGE_SIZE_MAX, PAGE_SIZE_DEFAULT, {
    context: 'pageSize',
    env: 'PAGE_SIZE',
    flag: 'page-size',
    doc: 'orders per source page',
  }),
  overlapSeconds: integer(0, 86_400, OVERLAP_SECONDS_DEFAULT, {
    context: 'overlapSeconds',
    env: 'OVERLAP_SECONDS',
    doc: 'how far an incremental window reaches back before the watermark',
  }),
  lookbackSeconds: integer(0, LOOKBACK_SECONDS_MAX, LOOKBACK_SECONDS_DEFAULT, {
    context: 'lookbackSeconds',
    env: 'LOOKBACK_SECONDS',
    doc: 'how far the periodic deep lookback reaches back before the watermark (0: never)',
  }),
  lookbackEverySeconds: integer(1, LOOKBACK_SECONDS_MAX, LOOKBACK_EVERY_SECONDS_DEFAULT, {
    context: 'lookbackEverySeconds',
    env: 'LOOKBACK_EVERY_SECONDS',
    doc: 'how often an incremental run is a deep lookback',
  }),
  // The stack asks more of it (a page step's worst case with every retry, infra/settings.ts): a function takes any.
  leaseSeconds: integer(1, 86_400, LEASE_SECONDS_DEFAULT, {
    context: 'leaseSeconds',
    env: 'LEASE_SECONDS',
    doc: "how long a run's lease lives without renewal",
  }),
  maxPagesPerExecution: integer(1, MAX_PAGES_PER_EXECUTION_LIMIT, MAX_PAGES_PER_EXECUTION_DEFAULT, {
    context: 'maxPagesPerExecution',
    env: 'MAX_PAGES_PER_EXECUTION',
    flag: 'pages-per-execution',
    doc: 'pages before an execution continues as new',
  }),
  reconcileAfterFullResync: boolean(true, {
    context: 'reconcileAfterFullResync',
    env: 'RECONCILE_AFTER_FULL_RESYNC',
    doc: 'a full resync checks the live orders it did not write against the source before it commits',
  }),
  fullResyncAutoResumes: integer(0, FULL_RESYNC_AUTO_RESUMES_MAX, FULL_RESYNC_AUTO_RESUMES_DEFAULT, {
    context: 'fullResyncAutoResumes',
    env: 'FULL_RESYNC_AUTO_RESUMES',
    doc: 'how many times in a row the schedule resumes a full resync that failed on a transient error',
  }),
  shopifyBulkResync: boolean(true, {
    env: 'SHOPIFY_BULK_RESYNC',
    doc: 'full resyncs on Shopify through a bulk operation; false: paged like incremental runs',
  }),
  shopifyBulkRangeBytes: integer(1_024, 64 * 1024 * 1024, 1024 * 1024, {
    env: 'SHOPIFY_BULK_RANGE_BYTES',
    doc: 'bytes of the bulk result one page step reads',
  }),
  sourceReadAhead: boolean(true, {
    env: 'SOURCE_READ_AHEAD',
    doc: 'the page step fetches the next page while it stores this one (HTTP source only)',
  }),
  dailySales: boolean(true, {
    context: 'dailySales',
    env: 'DAILY_SALES',
    doc: 'every orders run keeps the daily sales (entries before each write, the touched days recomputed before commit)',
  }),
  shopTimeZone: timeZone({
    context: 'shopTimeZone',
    env: 'SHOP_TIME_ZONE',
    doc: "the shop's time zone, the days the daily sales are counted in; unset: Shopify's own zone for the shop, UTC for the reference source",
  }),
  scheduleEnabled: boolean(true, { context: 'scheduleEnabled', doc: 'the schedule on or off' }),
  logLevel: oneOf(['DEBUG', 'INFO', 'WARN', 'ERROR'], 'INFO', { context: 'logLevel', doc: "the functions' log level" }),
  logRetentionDays: choice([7, 14, 30, 60, 90, 180, 365], 30, {
    context: 'logRetentionDays',
    doc: 'retention of every log group the stack creates',
  }),
} as const;

export type SettingName = keyof typeof SETTINGS;
export type SettingValue<N extends SettingName> = (typeof SETTINGS)[N]['default'];

/** The settings a function reads from its environment, by variable. */
export type SettingVariable = NonNullable<(typeof SETTINGS)[SettingName]['env']>;

/** What one read gave: the value (the default when unset), or what was wrong with it, in words. */
export type SettingRead<T> = { ok: true; value: T } | { ok: false; problem: string };

/**
 * Reads one setting from whatever carries it (a context value, a variable, a flag), named `label` in the problem. An
 * empty string counts as unset. Strings are converted to the setting's type first, since `-c`, flags and the
 * environment carry text; cdk.json carries JSON values, taken as they are.
 */
export function readSetting<T>(setting: Setting<T>, raw: unknown, label: string): SettingRead<T> {
  if (raw === undefined || raw === null || raw === '') return { ok: true, value: setting.default };
  const kind = (setting as Spec<T>).kind;
  const value = typeof raw === 'string' ? fromText(kind, raw) : raw;
  const parsed = setting.schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, problem: `${label} must be ${setting.accepts}, got ${JSON.stringify(raw)}` };
}

function fromText(kind: Kind, raw: string): unknown {
  if (kind === 'integer') return raw.trim() === '' ? Number.NaN : Number(raw);
  if (kind === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  return raw;
}

/** Every setting that has a CDK context key / an environment variable / a flag. */
export const settingsWith = (names: 'context' | 'env' | 'flag'): Array<Setting<unknown> & { name: SettingName }> =>
  Object.entries(SETTINGS)
    .filter(([, setting]) => (setting as Setting<unknown>)[names] !== undefined)
    .map(([name, setting]) => ({ ...(setting as Setting<unknown>), name: name as SettingName }));
