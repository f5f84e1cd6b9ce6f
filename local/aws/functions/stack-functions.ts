// The template's functions as the local stack runs them: each with the environment its template gives it (Refs
// resolved locally), the local endpoints in place of AWS's, its role's credentials, and its code: the TypeScript
// handler, or the bundle of a cloud assembly.
import { join } from 'node:path';
import type { HandlerName } from '../../../functions/handler-needs';
import { HANDLER_METADATA_KEY, handlerEntry } from '../../../infra/handler-entry';
import { compiledHandler } from './compiled-handlers';
import type { CloudFormationTemplate } from '../../../infra/synth';
import type { LocalIam } from '../iam/local-iam';
import { LOCAL_REGION, type TemplateResources } from '../iam/template-resources';
import { LocalFunction, type FunctionCode, type FunctionLogLine, type FunctionSpec } from './function-host';

/** Where the functions' code comes from: the TypeScript sources, or a cloud assembly's bundles. */
export type CodeSource = { kind: 'source' } | { kind: 'assembly'; dir: string };

/** The variables that choose and address the source: given to the functions that read the source (SOURCE_KIND). */
const SOURCE_VARIABLES = [
  'SOURCE_READ_AHEAD',
  'SOURCE_KIND',
  'ORDERS_API_URL',
  'SHOPIFY_SHOP_DOMAIN',
  'SHOPIFY_API_VERSION',
  'SHOPIFY_BULK_RESYNC',
  'SHOPIFY_BULK_RANGE_BYTES',
];

/** Settings of this machine, not of the function, that reach every environment (log level, SDK notices). */
const HOST_VARIABLES = ['POWERTOOLS_LOG_LEVEL', 'POWERTOOLS_DEV', 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'TZ'];

export interface StackFunctionsOptions {
  template: CloudFormationTemplate;
  resources: TemplateResources;
  iam: LocalIam;
  code: CodeSource;
  /** The IAM-checking DynamoDB endpoint (DYNAMODB_ENDPOINT of every function). */
  dynamodbEndpoint: string;
  /** The local Step Functions API, when one runs (SFN_ENDPOINT). */
  sfnEndpoint?: string;
  /** The local Secrets Manager API (the source token's secret). */
  secretsEndpoint: string;
  /** The source: its kind and address replace the template's (the token is in the local secret). */
  source: { url: string; kind?: 'http' | 'shopify'; apiVersion?: string };
  /**
   * Settings as CDK context would set them (PAGE_SIZE, LEASE_SECONDS, SOURCE_KIND, ...): each reaches only the
   * functions whose template has that variable (the source's, those that read the source).
   */
  overrides: Record<string, string>;
  onLog: (line: FunctionLogLine) => void;
  /** POWERTOOLS_LOG_LEVEL of every function (default: this process's). */
  logLevel?: string;
  /** A module each environment loads before the code (the bench's meters). */
  preload?: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a CloudFormation resource: untyped JSON
type LambdaResource = { Type: string; Properties: Record<string, any>; Metadata?: Record<string, unknown> };

/** Every AWS::Lambda::Function of the template that names its handler module, keyed by logical id. */
export function stackFunctions(options: StackFunctionsOptions): Map<string, LocalFunction> {
  const functions = new Map<string, LocalFunction>();
  for (const [logicalId, resource] of Object.entries((options.template.Resources ?? {}) as Record<string, LambdaResource>)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const handlerName = resource.Metadata?.[HANDLER_METADATA_KEY];
    if (typeof handlerName !== 'string') continue; // CDK's own helper functions (none here today)
    functions.set(logicalId, new LocalFunction(functionSpec(logicalId, handlerName as HandlerName, resource, options), options.onLog));
  }
  return functions;
}

function functionSpec(logicalId: string, handlerName: HandlerName, resource: LambdaResource, options: StackFunctionsOptions): FunctionSpec {
  const { resources, iam } = options;
  const roleId = resource.Properties.Role?.['Fn::GetAtt']?.[0];
  if (typeof roleId !== 'string') throw new Error(`${logicalId} has no role of this template`);
  const templateVariables = Object.fromEntries(
    Object.entries((resource.Properties.Environment?.Variables ?? {}) as Record<string, unknown>).map(([name, value]) => [
      name,
      resources.resolve(value),
    ]),
  );

  const readsSource = 'SOURCE_KIND' in templateVariables;
  const environment: Record<string, string> = { ...templateVariables, ...(readsSource ? sourceVariables(options.source) : {}) };
  for (const [name, value] of Object.entries(options.overrides)) {
    if (name in templateVariables || (readsSource && SOURCE_VARIABLES.includes(name))) environment[name] = value;
  }
  // NODE_OPTIONS is the process's (a worker shares it): --enable-source-maps is on in source mode anyway.
  delete environment.NODE_OPTIONS;
  for (const name of HOST_VARIABLES) if (process.env[name] !== undefined) environment[name] = process.env[name]!;
  if (options.logLevel) environment.POWERTOOLS_LOG_LEVEL = options.logLevel;

  const credentials = iam.credentialsOf({ roleId, session: logicalId });
  Object.assign(environment, {
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_SESSION_TOKEN: credentials.sessionToken,
    AWS_LAMBDA_FUNCTION_NAME: logicalId,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(resource.Properties.MemorySize ?? 128),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    DYNAMODB_ENDPOINT: options.dynamodbEndpoint,
    // The SDK's own setting for a service's endpoint: the secret is read by the same code as in AWS.
    AWS_ENDPOINT_URL_SECRETS_MANAGER: options.secretsEndpoint,
    ...(options.sfnEndpoint ? { SFN_ENDPOINT: options.sfnEndpoint } : {}),
  });

  return {
    logicalId,
    handlerName,
    roleId,
    environment,
    timeoutMs: Number(resource.Properties.Timeout ?? 3) * 1000,
    memoryMb: Number(resource.Properties.MemorySize ?? 128),
    arn: resources.arnOf(logicalId),
    code: codeOf(logicalId, handlerName, resource, options.code, options.preload),
    ...(options.preload ? { preload: options.preload } : {}),
  };
}

/** The variables that choose and address the local source, for the functions that read the source. */
function sourceVariables(source: StackFunctionsOptions['source']): Record<string, string> {
  if (source.kind === 'shopify') {
    return { SOURCE_KIND: 'shopify', SHOPIFY_SHOP_DOMAIN: source.url, SHOPIFY_API_VERSION: source.apiVersion ?? '2025-10' };
  }
  return { SOURCE_KIND: 'http', ORDERS_API_URL: source.url };
}

/**
 * Source mode runs the handler compiled from the sources (compiled-handlers.ts); with a preload (the bench's meters,
 * which patch the modules' classes) the TypeScript modules themselves, through tsx, so both see the same classes.
 */
function codeOf(logicalId: string, handlerName: HandlerName, resource: LambdaResource, code: CodeSource, preload?: string): FunctionCode {
  const [file, exportName] = String(resource.Properties.Handler ?? 'index.handler').split('.') as [string, string];
  if (code.kind === 'source')
    return { kind: 'source', file: preload ? handlerEntry(handlerName) : compiledHandler(handlerName), exportName };
  const assetPath = resource.Metadata?.['aws:asset:path'];
  if (typeof assetPath !== 'string') throw new Error(`${logicalId} names no asset in the assembly (aws:asset:path)`);
  return { kind: 'bundle', file: join(code.dir, assetPath, `${file}.js`), exportName };
}

/** The stack's functions by handler name and by ARN, and what their invokers (Tasks, API, schedule) need. */
export class StackFunctions {
  private readonly byHandler = new Map<string, LocalFunction>();
  private readonly byArn = new Map<string, LocalFunction>();

  constructor(functions: Map<string, LocalFunction>) {
    for (const fn of functions.values()) {
      this.byHandler.set(fn.name, fn);
      this.byArn.set(fn.definition.arn, fn);
    }
  }

  /** The function whose handler module is `handlerName` (begin, sync-page, commit, record-failure, api, scheduled-trigger). */
  get(handlerName: string): LocalFunction {
    const fn = this.byHandler.get(handlerName);
    if (!fn) throw new Error(`the stack has no function with handler ${handlerName} (it has ${[...this.byHandler.keys()].join(', ')})`);
    return fn;
  }

  /** The function an ARN (a Task's FunctionName) names, or undefined: Lambda answers ResourceNotFound. */
  find(arn: string): LocalFunction | undefined {
    return this.byArn.get(arn.replace(/:(\$LATEST|\d+)$/, ''));
  }

  all(): LocalFunction[] {
    return [...this.byHandler.values()];
  }

  /** Every function starts cold at its next invocation (after a secret's rotation, say), as after a deploy. */
  async restart(): Promise<void> {
    await Promise.all(this.all().map((fn) => fn.updateEnvironment({})));
  }

  /** The preloaded module's snapshot of every live environment of every function. */
  async snapshots(): Promise<unknown[]> {
    return (await Promise.all(this.all().map((fn) => fn.snapshots()))).flat();
  }

  invoke(handlerName: string, event: unknown): Promise<unknown> {
    return this.get(handlerName).invoke(event);
  }

  async stop(): Promise<void> {
    await Promise.all(this.all().map((fn) => fn.stop()));
  }
}

/** The secrets the functions' variables name (ORDERS_API_TOKEN_SECRET_ARN), each holding the source token. */
export function sourceTokenSecrets(template: CloudFormationTemplate, resources: TemplateResources, token: string): Record<string, string> {
  const secrets: Record<string, string> = {};
  for (const resource of Object.values((template.Resources ?? {}) as Record<string, LambdaResource>)) {
    const arn =
      resource.Type === 'AWS::Lambda::Function' ? resource.Properties.Environment?.Variables?.ORDERS_API_TOKEN_SECRET_ARN : undefined;
    if (arn !== undefined) secrets[resources.resolve(arn)] = token;
  }
  return secrets;
}
