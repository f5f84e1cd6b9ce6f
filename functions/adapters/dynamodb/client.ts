// Builds the DynamoDB clients once per process (cold start); the local stack points them at dynalite by
// passing its endpoint, no other code changes.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DynamoClientOptions {
  region: string;
  /** A local DynamoDB API (dynalite). When set, dummy credentials are used: no AWS account is involved. */
  endpoint?: string;
}

/** Credentials dynalite accepts (it checks only that a request is signed). Never real ones. */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export function createDynamoClient(options: DynamoClientOptions): DynamoDBClient {
  return new DynamoDBClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint, credentials: LOCAL_CREDENTIALS } : {}),
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
