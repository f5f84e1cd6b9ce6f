// Credentials for a local endpoint (the local stack's DynamoDB and Step Functions APIs): the environment's, as
// Lambda sets them (the local stack gives each function its role's, so its calls are checked as that role), else
// the local operator's placeholder key. Never real ones: nothing local needs them.
const OPERATOR = { accessKeyId: 'local', secretAccessKey: 'local' };

export function localEndpointCredentials(env: NodeJS.ProcessEnv = process.env): {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
} {
  if (!env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) return OPERATOR;
  return {
    accessKeyId: env.AWS_ACCESS_KEY_ID,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
    ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
  };
}
