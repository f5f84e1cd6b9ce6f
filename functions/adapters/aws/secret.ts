// Reads the source token from Secrets Manager at run time and caches it, so it is never in an env var or the state.
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError } from '../../core/errors';

/** A getter for the secret's string, fetched on first use and again after `ttlMs` (token rotation). */
export function cachedSecret(client: SecretsManagerClient, secretId: string, ttlMs = 5 * 60_000): () => Promise<string> {
  let cached: { value: string; fetchedAt: number } | undefined;
  return async () => {
    if (cached && Date.now() - cached.fetchedAt < ttlMs) return cached.value;
    const answer = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    const value = answer.SecretString?.trim();
    if (!value) throw new ConfigError(`the secret ${secretId} holds no token: put the orders API token in it as plain text`);
    cached = { value, fetchedAt: Date.now() };
    return value;
  };
}
