// The HTTP API on loopback: each request becomes an API Gateway (REST, v1) proxy event for the same middy handler
// the Lambda runs, with a Lambda context; its result becomes the response. Every request goes to the handler, whose
// router serves API_ROUTES (functions/handlers/api-routes.ts), the list the stack deploys. IAM auth is AWS's job: none here.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { fakeLambdaContext } from './lambda-context';
import { listenOnLoopback } from '../loopback';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';

export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult | undefined | void>;

export interface HttpApiServerOptions {
  /** functions/handlers/api.ts's `handler` (the middy-wrapped one), or any handler of the same shape. */
  handler: ProxyHandler;
  /** Default 0: any free port. */
  port?: number;
  host?: string;
  /** Name of the function in the Lambda context (its logs carry it). */
  functionName?: string;
  /** Called after each request with what it answered (main prints it). */
  onResponse?: (event: APIGatewayProxyEvent, result: APIGatewayProxyResult, durationMs: number) => void;
}

export interface HttpApiServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Stops accepting requests and waits for those in flight. */
  stop(): Promise<void>;
}

/** API Gateway's own limit on a request payload. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export async function startHttpApiServer(options: HttpApiServerOptions): Promise<HttpApiServer> {
  const functionName = options.functionName ?? 'api';
  const server = createServer((req, res) => {
    void serve(req, res, options.handler, functionName, options.onResponse);
  });
  // Requests in flight still get their answers when it stops.
  const listening = await listenOnLoopback(server, { ...options, closeConnections: 'idle' });
  return { url: listening.url, stop: listening.close };
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  handler: ProxyHandler,
  functionName: string,
  onResponse: HttpApiServerOptions['onResponse'],
): Promise<void> {
  const startedAt = Date.now();
  let result: APIGatewayProxyResult;
  let event: APIGatewayProxyEvent | undefined;
  try {
    const body = await readBody(req);
    event = proxyEventFrom(req, body, startedAt);
    // API Gateway answers 502 when the integration returns nothing usable.
    result = (await handler(event, fakeLambdaContext(functionName))) ?? gatewayError(502, 'Internal server error');
  } catch (error) {
    result =
      error instanceof PayloadTooLarge
        ? gatewayError(413, 'Request Too Long')
        : gatewayError(502, `Internal server error (${(error as Error).message ?? String(error)})`);
  }
  writeResult(res, result);
  if (event) onResponse?.(event, result, Date.now() - startedAt);
}

class PayloadTooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new PayloadTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The REST API (v1) proxy event API Gateway builds for this request. */
export function proxyEventFrom(req: IncomingMessage, body: Buffer, receivedAtMs: number): APIGatewayProxyEvent {
  const url = new URL(req.url ?? '/', 'http://local');
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    const value = req.rawHeaders[i + 1]!;
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    query[name] = value;
    (multiQuery[name] ??= []).push(value);
  }
  const hasQuery = Object.keys(query).length > 0;
  const text = body.toString('utf8');
  const isText = Buffer.from(text, 'utf8').equals(body);
  const method = req.method ?? 'GET';
  const path = decodeURIComponent(url.pathname);
  return {
    resource: path,
    path,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters: null,
    stageVariables: null,
    body: body.length === 0 ? null : isText ? text : body.toString('base64'),
    isBase64Encoded: body.length > 0 && !isText,
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      authorizer: null,
      protocol: `HTTP/${req.httpVersion}`,
      httpMethod: method,
      identity: localIdentity(req.socket.remoteAddress ?? '127.0.0.1', headers['user-agent'] ?? headers['User-Agent'] ?? null),
      path,
      stage: 'local',
      requestId: randomUUID(),
      requestTimeEpoch: receivedAtMs,
      resourceId: 'local',
      resourcePath: path,
    },
  };
}

function localIdentity(sourceIp: string, userAgent: string | null): APIGatewayProxyEvent['requestContext']['identity'] {
  return {
    accessKey: null,
    accountId: null,
    apiKey: null,
    apiKeyId: null,
    caller: null,
    clientCert: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    sourceIp,
    user: null,
    userAgent,
    userArn: null,
  };
}

function writeResult(res: ServerResponse, result: APIGatewayProxyResult): void {
  const body = result.body ?? '';
  const payload = result.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
  for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, String(value));
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) res.setHeader(name, values.map(String));
  res.setHeader('content-length', String(payload.length));
  res.statusCode = result.statusCode;
  res.end(payload);
}

function gatewayError(statusCode: number, message: string): APIGatewayProxyResult {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message }) };
}
