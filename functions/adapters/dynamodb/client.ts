// Builds the DynamoDB clients once per process (cold start); the local stack points them at dynalite by
// passing its endpoint, no other code changes.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { localEndpointCredentials } from '../aws/local-credentials';

export interface DynamoClientOptions {
  region: string;
  /** A local DynamoDB API (the local stack's). When set, local credentials are used: no AWS account is involved. */
  endpoint?: string;
}

export function createDynamoClient(options: DynamoClientOptions): DynamoDBClient {
  return new DynamoDBClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint, credentials: localEndpointCredentials() } : {}),
  });
}

/**
 * The document client the stores use. `removeUndefinedValues`: optional fields (a run's `error`) are simply
 * left out of the item instead of failing the marshaller.
 */
export function createDocumentClient(options: DynamoClientOptions | DynamoDBClient): DynamoDBDocumentClient {
  const client = options instanceof DynamoDBClient ? options : createDynamoClient(options);
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
