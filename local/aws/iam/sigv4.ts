// Who signed a request: the access key in its SigV4 Authorization header and its session token. The signature
// itself is not checked locally (the secret is a placeholder): the key names the role, as in AWS.
import type { IncomingMessage } from 'node:http';

export function credentialOf(req: IncomingMessage): { accessKeyId: string | undefined; sessionToken: string | undefined } {
  const authorization = String(req.headers.authorization ?? '');
  const accessKeyId = /Credential=([^/,\s]+)\//.exec(authorization)?.[1];
  const token = req.headers['x-amz-security-token'];
  return { accessKeyId, sessionToken: Array.isArray(token) ? token[0] : token };
}
