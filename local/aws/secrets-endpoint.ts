// The Secrets Manager API on loopback, just GetSecretValue and DescribeSecret over the template's secrets: the
// functions read the source token the way they do in AWS (their SDK finds it through AWS_ENDPOINT_URL_SECRETS_MANAGER),
// each call checked against the caller's role.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../loopback';
import { AccessDeniedError, type LocalIam } from './iam/local-iam';
import { credentialOf } from './iam/sigv4';

const TARGET_PREFIX = 'secretsmanager.';

export interface SecretsEndpoint {
  /** `http://127.0.0.1:<port>`: every function's AWS_ENDPOINT_URL_SECRETS_MANAGER. */
  url: string;
  /** PutSecretValue, as an operator would (rotation): functions see it once their cached copy expires or they start cold. */
  put(arn: string, value: string): void;
  /** The ARNs of the secrets it holds. */
  arns(): string[];
  stop(): Promise<void>;
}

export async function startSecretsEndpoint(options: {
  iam: LocalIam;
  secrets: Record<string, string>;
  port?: number;
}): Promise<SecretsEndpoint> {
  const secrets = new Map(Object.entries(options.secrets));
  const server = createServer((req, res) => {
    void serve(req, res, options.iam, secrets);
  });
  const listening = await listenOnLoopback(server, options.port !== undefined ? { port: options.port } : {});
  return {
    url: listening.url,
    put: (arn, value) => {
      if (!secrets.has(arn)) throw new Error(`no secret ${arn} in the local stack (it has ${[...secrets.keys()].join(', ')})`);
      secrets.set(arn, value);
    },
    arns: () => [...secrets.keys()],
    stop: listening.close,
  };
}

async function serve(req: IncomingMessage, res: ServerResponse, iam: LocalIam, secrets: Map<string, string>): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const send = (status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'content-length': String(Buffer.byteLength(text)) });
    res.end(text);
  };
  try {
    const operation = String(req.headers['x-amz-target'] ?? '').slice(TARGET_PREFIX.length);
    const request = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { SecretId?: string };
    const arn = [...secrets.keys()].find(
      (candidate) => candidate === request.SecretId || candidate.split(':secret:')[1]?.startsWith(`${request.SecretId}-`),
    );
    const { accessKeyId, sessionToken } = credentialOf(req);
    await iam.authorize(iam.identify(accessKeyId, sessionToken), `secretsmanager:${operation}`, [arn ?? String(request.SecretId)]);
    if (!arn) return send(400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
    const name = arn.split(':secret:')[1]!;
    if (operation === 'GetSecretValue') {
      return send(200, {
        ARN: arn,
        Name: name,
        SecretString: secrets.get(arn),
        VersionId: 'local',
        VersionStages: ['AWSCURRENT'],
        CreatedDate: Date.now() / 1000,
      });
    }
    if (operation === 'DescribeSecret') return send(200, { ARN: arn, Name: name });
    send(400, {
      __type: 'UnknownOperationException',
      message: `${operation} is not served by the local Secrets Manager (GetSecretValue, DescribeSecret)`,
    });
  } catch (error) {
    if (error instanceof AccessDeniedError) return send(400, { __type: error.code, message: error.message });
    send(500, { __type: 'InternalServiceError', message: (error as Error).message });
  }
}
