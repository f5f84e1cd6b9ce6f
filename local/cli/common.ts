// What the CLI commands share: the local stack's default addresses, flag parsing with usage errors, the HTTP API
// client (plain on loopback, SigV4-signed for a deployed, IAM-authorised API), number and duration formatting.
import { createHash, createHmac } from 'node:crypto';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Where `npm start` listens unless told otherwise (flags or env, see local/main.ts). */
export const LOCAL_PORTS = { httpApi: 3000, sfn: 8083, dynamodb: 8000, fakeOrdersApi: 4010 } as const;
export const LOCAL_HOST = '127.0.0.1';
export const DEFAULT_API_URL = `http://${LOCAL_HOST}:${LOCAL_PORTS.httpApi}`;
export const DEFAULT_SFN_ENDPOINT = `http://${LOCAL_HOST}:${LOCAL_PORTS.sfn}`;
/** The region the local stack's ARNs name (infra/synth's placeholders). */
export const LOCAL_REGION = 'us-east-1';

/** A mistake on the command line: printed with the usage, exit code 2. */
export class UsageError extends Error {}

/** A failure to report in one line (no stack trace), exit code 1. */
export class CliError extends Error {}

export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, usage: string) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${usage}`);
  }
}

export function positiveNumber(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed <= 0) throw new UsageError(`${flag} must be a number > 0, got "${value}"`);
  return parsed;
}

/** Runs a command's main and exits with its code; usage errors exit 2, reported failures 1. */
export function runCli(main: (args: string[]) => Promise<number>): void {
  // The SDK's notice about Node 22 would be printed on every command: it says nothing about this command.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof UsageError) {
        console.error(error.message);
        process.exit(2);
      }
      console.error(error instanceof CliError ? `✖ ${error.message}` : error);
      process.exit(1);
    },
  );
}

// ---------------------------------------------------------------- the HTTP API

export interface ApiTarget {
  /** The API's base URL: the local server, or a deployed stage (`https://<id>.execute-api.<region>.amazonaws.com/prod`). */
  baseUrl: string;
  /** Sign requests with SigV4 (a deployed API requires IAM authorisation). */
  sign: boolean;
  profile?: string;
  region?: string;
}

export interface ApiAnswer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- an HTTP answer body: untyped JSON
  body: any;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The flags of every command that calls the HTTP API, and their usage lines. */
export const API_TARGET_FLAGS = { 'api-url': { type: 'string' }, profile: { type: 'string' }, region: { type: 'string' } } as const;
export const API_TARGET_USAGE = `  --api-url URL      the HTTP API (default ${DEFAULT_API_URL}, or ORDER_SYNC_API_URL)
  --profile NAME     a deployed stack: sign with this AWS profile (SigV4, IAM auth); any non-local URL is signed
                     with the SDK's default credential chain (AWS_PROFILE, env keys, SSO, instance role)
  --region REGION    when the URL does not say it (execute-api URLs do)`;

/** The API a command calls, from API_TARGET_FLAGS (then ORDER_SYNC_API_URL, then the local stack's). */
export function apiTargetFrom(flags: {
  'api-url'?: string | undefined;
  profile?: string | undefined;
  region?: string | undefined;
}): ApiTarget {
  return apiTarget(flags['api-url'] ?? process.env.ORDER_SYNC_API_URL ?? DEFAULT_API_URL, flags.profile, flags.region);
}

/** Loopback gets plain requests; anything else (or `--profile`) is a deployed API and is signed. */
export function apiTarget(url: string, profile: string | undefined, region: string | undefined): ApiTarget {
  if (!URL.canParse(url)) throw new UsageError(`--api-url must be a URL, got "${url}"`);
  const sign = profile !== undefined || !LOOPBACK.has(new URL(url).hostname);
  return { baseUrl: url.replace(/\/+$/, ''), sign, ...(profile ? { profile } : {}), ...(region ? { region } : {}) };
}

export async function callApi(target: ApiTarget, method: 'GET' | 'POST', pathAndQuery: string): Promise<ApiAnswer> {
  const url = new URL(`${target.baseUrl}${pathAndQuery}`);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (target.sign) Object.assign(headers, await sigV4Headers(target, method, url));
  let response: Response;
  try {
    response = await fetch(url, { method, headers, signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    const hint = target.sign ? '' : ' Is `npm start` running? (another address: --api-url)';
    throw new CliError(`no answer from ${target.baseUrl} (${cause}).${hint}`);
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON (a gateway's HTML error page): kept as text for the message
  }
  return { status: response.status, body };
}

/** The message of an API error answer (`{"error":{"message"}}`, or API Gateway's `{"message"}`). */
export function errorMessage(answer: ApiAnswer): string {
  const body = answer.body as { error?: { message?: string }; message?: string } | string | null;
  if (body && typeof body === 'object') return body.error?.message ?? body.message ?? JSON.stringify(body);
  return `HTTP ${answer.status}${body ? `: ${String(body).slice(0, 200)}` : ''}`;
}

/**
 * SigV4 for API Gateway (`execute-api`), with the SDK's default credential chain (env, `--profile` from
 * ~/.aws/config, SSO, instance role). Both packages come with the AWS SDK clients already installed.
 */
async function sigV4Headers(target: ApiTarget, method: string, url: URL): Promise<Record<string, string>> {
  const region = target.region ?? /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(url.hostname)?.[1];
  if (!region) throw new UsageError(`--region is needed to sign requests to ${url.host}`);
  const [{ SignatureV4 }, { defaultProvider }] = await Promise.all([
    import('@smithy/signature-v4'),
    import('@aws-sdk/credential-provider-node'),
  ]);
  const signer = new SignatureV4({
    service: 'execute-api',
    region,
    credentials: defaultProvider(target.profile ? { profile: target.profile } : {}),
    sha256: NodeSha256,
  });
  try {
    const signed = await signer.sign({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { host: url.host, accept: 'application/json' },
    });
    return signed.headers;
  } catch (error) {
    throw new CliError(
      `could not sign the request with AWS credentials${target.profile ? ` of profile ${target.profile}` : ''}: ${(error as Error).message}`,
    );
  }
}

/** The hash SignatureV4 wants (`new (secret?) => {update, digest}`), on node:crypto. */
class NodeSha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(toBuffer(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

function toBuffer(data: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

// ---------------------------------------------------------------- formatting

export const count = (value: number | null | undefined): string =>
  value === null || value === undefined ? '-' : value.toLocaleString('en-US');

/** 75 → "1m15s", 4 → "4s", 0.4 → "0.4s". */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '-';
  if (seconds < 10) return `${Math.round(seconds * 10) / 10}s`;
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole}s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes}m${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** "3 min ago", "just now": when a person reads the status. */
export function ago(instant: string | null | undefined, nowMs: number): string {
  if (!instant) return 'never';
  const seconds = Math.max(0, (nowMs - Date.parse(instant)) / 1000);
  return seconds < 5 ? 'just now' : `${duration(seconds)} ago`;
}

/** Fixed-width columns: each as wide as its widest cell. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
