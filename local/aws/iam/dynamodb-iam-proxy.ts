// The local DynamoDB endpoint the functions talk to: each call is checked against the signer's role (the
// access key of its SigV4 signature names it) before it reaches dynalite; a call the role may not make is
// answered as DynamoDB answers it, HTTP 400 AccessDeniedException. Then a fault a test armed (dynamodb-faults.ts)
// may fail the call instead of forwarding it.
import { Agent, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../../loopback';
import type { DynamoFaults } from '../dynamodb-faults';
import { AccessDeniedError, type LocalIam } from './local-iam';
import { credentialOf } from './sigv4';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './template-resources';

const TARGET_PREFIX = 'DynamoDB_20120810.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';

export interface DynamoIamProxy {
  /** `http://127.0.0.1:<port>`: the functions' DYNAMODB_ENDPOINT. */
  endpoint: string;
  stop(): Promise<void>;
}

export interface DynamoIamProxyOptions {
  /** dynalite (or any DynamoDB API) behind the proxy. */
  upstream: string;
  iam: LocalIam;
  /** Faults to inject after the IAM check (tests). */
  faults?: DynamoFaults;
  port?: number;
  host?: string;
}

export async function startDynamoIamProxy(options: DynamoIamProxyOptions): Promise<DynamoIamProxy> {
  const upstream = new URL(options.upstream);
  const agent = new Agent({ keepAlive: true });
  const server = createServer((req, res) => {
    void serve(req, res, options, upstream, agent);
  });
  const listening = await listenOnLoopback(server, {
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.host ? { host: options.host } : {}),
  });
  return {
    endpoint: listening.url,
    stop: async () => {
      await listening.close();
      agent.destroy();
    },
  };
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  options: DynamoIamProxyOptions,
  upstream: URL,
  agent: Agent,
): Promise<void> {
  const body = await readBody(req);
  try {
    const target = String(req.headers['x-amz-target'] ?? '');
    if (target.startsWith(TARGET_PREFIX)) {
      const operation = target.slice(TARGET_PREFIX.length);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a DynamoDB request: untyped JSON, read by dynamoAccess
      const request = JSON.parse(body.toString('utf8') || '{}') as Record<string, any>;
      const { accessKeyId, sessionToken } = credentialOf(req);
      const principal = options.iam.identify(accessKeyId, sessionToken);
      if (principal) {
        for (const { action, resources } of dynamoAccess(operation, request)) {
          await options.iam.authorize(principal, action, resources);
        }
      }
      const fault = await options.faults?.take(operation, request);
      if (fault) return answerError(res, `com.amazonaws.dynamodb.v20120810#${fault.errorName}`, fault.message);
    }
  } catch (error) {
    if (error instanceof AccessDeniedError)
      return answerError(res, 'com.amazonaws.dynamodb.v20120810#AccessDeniedException', error.message);
    return answerError(res, 'com.amazon.coral.service#InternalFailure', (error as Error).message ?? String(error), 500);
  }
  forward(req, res, body, upstream, agent);
}

/** The actions and resources one DynamoDB call asks for, as IAM authorizes it (a batch: the action on each table). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a DynamoDB request: untyped JSON
export function dynamoAccess(operation: string, input: Record<string, any>): Array<{ action: string; resources: string[] }> {
  const tableArn = (name: string) => `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${name}`;
  switch (operation) {
    case 'BatchGetItem':
    case 'BatchWriteItem':
      return [{ action: `dynamodb:${operation}`, resources: Object.keys(input.RequestItems ?? {}).map(tableArn) }];
    case 'TransactWriteItems':
    case 'TransactGetItems':
      return (input.TransactItems ?? []).map((item: Record<string, { TableName: string }>) => {
        const [kind, request] = Object.entries(item)[0] ?? ['', { TableName: '' }];
        const action = kind === 'ConditionCheck' ? 'ConditionCheckItem' : `${kind}Item`;
        return { action: `dynamodb:${action}`, resources: [tableArn(request.TableName)] };
      });
    case 'ListTables':
    case 'DescribeLimits':
    case 'DescribeEndpoints':
      return [{ action: `dynamodb:${operation}`, resources: ['*'] }];
    default: {
      const table = String(input.TableName ?? '');
      const arn = input.IndexName ? `${tableArn(table)}/index/${input.IndexName}` : tableArn(table);
      return [{ action: `dynamodb:${operation}`, resources: [arn] }];
    }
  }
}

function forward(req: IncomingMessage, res: ServerResponse, body: Buffer, upstream: URL, agent: Agent): void {
  const outgoing = httpRequest(
    {
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: upstream.host },
      agent,
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 500, answer.headers);
      answer.pipe(res);
    },
  );
  outgoing.on('error', (error) =>
    answerError(res, 'com.amazon.coral.service#InternalFailure', `the local DynamoDB is unreachable: ${error.message}`, 500),
  );
  outgoing.end(body);
}

function answerError(res: ServerResponse, type: string, message: string, statusCode = 400): void {
  if (res.headersSent) return void res.destroy();
  const text = JSON.stringify({ __type: type, message });
  res.writeHead(statusCode, {
    'content-type': CONTENT_TYPE,
    'content-length': String(Buffer.byteLength(text)),
    'x-amzn-errortype': type.split('#').pop()!,
  });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
