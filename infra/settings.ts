// Every deploy-time setting of the stack: read from CDK context once, with defaults, and checked at synth so a
// wrong value stops `cdk synth` with a message naming the context key, what it accepts and what it got.
import type { StreamName } from '../functions/core/stream';
import { readSetting, SETTINGS, type SettingName, type SettingValue } from '../functions/settings';

/** What the stack is built from. Defaults hold for every key but the shop's own (URL, domain, email). */
export interface InfraSettings {
  /** The streams synced (STREAMS in every function): each its own copy table, lease, checkpoint and alarms. */
  streams: StreamName[];
  sourceKind: 'http' | 'shopify';
  /** Base URL of the reference orders API (docs/source-contract.md); unused when sourceKind is shopify. */
  ordersApiUrl: string;
  shopifyShopDomain: string | undefined;
  shopifyApiVersion: string;
  pageSize: number;
  overlapSeconds: number;
  /** The periodic deep lookback: an incremental window reaches back this far (0: never) ... */
  lookbackSeconds: number;
  /** ... once every this many seconds. */
  lookbackEverySeconds: number;
  leaseSeconds: number;
  maxPagesPerExecution: number;
  /** EventBridge Scheduler expression: `rate(5 minutes)`, `cron(...)`. */
  scheduleRate: string;
  scheduleEnabled: boolean;
  /** A full resync checks the live orders it did not write against the source before it commits (deletions the feed lost). */
  reconcileAfterFullResync: boolean;
  /** How many times in a row the schedule resumes a full resync that failed on a transient error; then it stays parked. */
  fullResyncAutoResumes: number;
  /** The shop's IANA time zone (SHOP_TIME_ZONE): the days its daily sales are counted in; unset: the source's (Shopify's shop zone, else UTC). */
  shopTimeZone: string | undefined;
  /** Every orders run keeps the daily sales (DAILY_SALES). */
  dailySales: boolean;
  notificationEmail: string | undefined;
  /** Use an existing secret instead of creating one (name or full ARN; at most one of the two). */
  sourceTokenSecretName: string | undefined;
  sourceTokenSecretArn: string | undefined;
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  logRetentionDays: number;
  /** Watermark lag (seconds) above which the lag alarm fires; default three missed schedule periods. */
  watermarkLagAlarmSeconds: number;
}

export { MAX_PAGES_PER_EXECUTION_LIMIT } from '../functions/core/limits';

/** A page step's Lambda timeout (seconds); the lease must outlive a page step with all its retries. */
export { PAGE_STEP_TIMEOUT_SECONDS } from '../functions/core/limits';

export class ContextError extends Error {
  override readonly name = 'ContextError';
}

type ContextReader = (key: string) => unknown;

/** Read and check every setting; throws ContextError naming every wrong key at once. */
export function readSettings(context: ContextReader, pageStepWorstCaseSeconds: number): InfraSettings {
  const problems: string[] = [];
  const read = new Reader(context, problems);

  const sourceKind = read.setting('sourceKind');
  const scheduleRate = read.text('scheduleRate', 'rate(5 minutes)');
  const scheduleProblem = scheduleExpressionProblem(scheduleRate);
  if (scheduleProblem) problems.push(`context scheduleRate ${scheduleProblem}, got "${scheduleRate}"`);

  const settings: InfraSettings = {
    streams: read.setting('streams'),
    sourceKind,
    ordersApiUrl: read.text('ordersApiUrl', 'https://orders-api.example.com'),
    shopifyShopDomain: read.optionalText(
      'shopifyShopDomain',
      /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/,
      'a shop domain like "my-shop.myshopify.com"',
    ),
    shopifyApiVersion: read.setting('shopifyApiVersion'),
    pageSize: read.setting('pageSize'),
    overlapSeconds: read.setting('overlapSeconds'),
    lookbackSeconds: read.setting('lookbackSeconds'),
    lookbackEverySeconds: read.setting('lookbackEverySeconds'),
    leaseSeconds: read.setting('leaseSeconds'),
    maxPagesPerExecution: read.setting('maxPagesPerExecution'),
    scheduleRate,
    scheduleEnabled: read.setting('scheduleEnabled'),
    reconcileAfterFullResync: read.setting('reconcileAfterFullResync'),
    fullResyncAutoResumes: read.setting('fullResyncAutoResumes'),
    shopTimeZone: read.setting('shopTimeZone'),
    dailySales: read.setting('dailySales'),
    notificationEmail: read.optionalText('notificationEmail', /^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'an email address'),
    sourceTokenSecretName: read.optionalText('sourceTokenSecretName', /^[A-Za-z0-9/_+=.@-]{1,512}$/, 'a Secrets Manager secret name'),
    sourceTokenSecretArn: read.optionalText(
      'sourceTokenSecretArn',
      /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+-[A-Za-z0-9]{6}$/,
      'a complete secret ARN (ending in the 6-character suffix)',
    ),
    logLevel: read.setting('logLevel'),
    logRetentionDays: read.setting('logRetentionDays'),
    watermarkLagAlarmSeconds: 0,
  };
  // A function takes any lease; the stack's must outlive a page step with all its retries.
  if (settings.leaseSeconds < pageStepWorstCaseSeconds) {
    problems.push(
      `context leaseSeconds must be at least ${pageStepWorstCaseSeconds} (a page step with every retry), got ${settings.leaseSeconds}`,
    );
  }
  const defaultLag = 3 * (scheduleProblem ? 300 : (schedulePeriodSeconds(scheduleRate) ?? 300)) + settings.overlapSeconds;
  settings.watermarkLagAlarmSeconds = read.integer('watermarkLagAlarmSeconds', defaultLag, 60, 7 * 86_400);

  const apiUrlProblem = ordersApiUrlProblem(settings.ordersApiUrl);
  if (sourceKind === 'http' && apiUrlProblem) problems.push(`context ordersApiUrl ${apiUrlProblem}, got "${settings.ordersApiUrl}"`);
  if (sourceKind === 'shopify' && !settings.shopifyShopDomain) {
    problems.push('context shopifyShopDomain is required when sourceKind is "shopify"');
  }
  if (settings.sourceTokenSecretName && settings.sourceTokenSecretArn) {
    problems.push('context sourceTokenSecretName and sourceTokenSecretArn: set one of them, not both');
  }
  if (problems.length > 0) throw new ContextError(problems.join('; '));
  return settings;
}

/** Why an EventBridge Scheduler expression is not one we accept, or undefined when it is. */
export function scheduleExpressionProblem(expression: string): string | undefined {
  if (/^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/.test(expression)) return undefined;
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (!rate) return 'must be "rate(N minutes|hours|days)" or "cron(6 fields)"';
  const value = Number(rate[1]);
  const plural = rate[2]!.endsWith('s');
  if (value < 1) return 'must have a rate of at least 1';
  // Scheduler rejects "rate(1 minutes)" and "rate(5 minute)" at deploy time: say so at synth.
  if (value === 1 && plural) return `must use the singular unit for 1 ("rate(1 ${rate[2]!.slice(0, -1)})")`;
  if (value > 1 && !plural) return `must use the plural unit for ${value} ("rate(${value} ${rate[2]}s)")`;
  return undefined;
}

/** The period of a rate expression in seconds; undefined for cron (no fixed period). */
export function schedulePeriodSeconds(expression: string): number | undefined {
  const rate = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression);
  if (!rate) return undefined;
  const unitSeconds = { minute: 60, hour: 3_600, day: 86_400 }[rate[2] as 'minute' | 'hour' | 'day'];
  return Number(rate[1]) * unitSeconds;
}

/** The token travels with every request: https only, except to this machine (the local stack). */
function ordersApiUrlProblem(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol === 'https:' || (url.protocol === 'http:' && loopback)) return undefined;
  return 'must be an https URL (plain http only for localhost)';
}

/** Context values arrive as strings from `-c key=value` and as JSON values from cdk.json: accept both. */
class Reader {
  constructor(
    private readonly context: ContextReader,
    private readonly problems: string[],
  ) {}

  private raw(key: string): unknown {
    const value = this.context(key);
    return value === '' ? undefined : value;
  }

  text(key: string, fallback: string, pattern?: RegExp, accepts?: string): string {
    return this.optionalText(key, pattern, accepts) ?? fallback;
  }

  optionalText(key: string, pattern?: RegExp, accepts?: string): string | undefined {
    const value = this.raw(key);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || (pattern && !pattern.test(value))) {
      this.problems.push(`context ${key} must be ${accepts ?? 'a string'}, got ${JSON.stringify(value)}`);
      return undefined;
    }
    return value;
  }

  integer(key: string, fallback: number, min: number, max: number): number {
    const value = this.raw(key);
    if (value === undefined || value === null) return fallback;
    const number = typeof value === 'string' ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
      this.problems.push(`context ${key} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
      return fallback;
    }
    return number;
  }

  /** A setting of functions/settings.ts, under its context key. */
  setting<N extends SettingName>(name: N): SettingValue<N> {
    const setting = SETTINGS[name];
    const read = readSetting<SettingValue<N>>(setting as never, this.raw(setting.context ?? name), `context ${setting.context ?? name}`);
    if (read.ok) return read.value;
    this.problems.push(read.problem);
    return setting.default as SettingValue<N>;
  }
}
