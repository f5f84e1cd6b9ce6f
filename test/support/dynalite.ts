// Integration tests' DynamoDB: dynalite in this process, in memory, on a free loopback port, and fresh
// uniquely named tables per test file (or per test) so nothing leaks between them.
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, createDynamoClient } from '../../functions/adapters/dynamodb/client';
import { startDynaliteServer, type DynaliteServer } from '../../local/aws/dynalite-server';
import { ensureTables, type TableNames } from '../../functions/adapters/dynamodb/tables';

/** Region the test clients claim; dynalite accepts any. */
export const TEST_REGION = 'us-east-1';

/** In memory: gone when stopped. Call `stop()` in afterAll, after destroying the clients you built. */
export function startDynalite(): Promise<DynaliteServer> {
  return startDynaliteServer();
}

/** A test file's (or describe's) dynalite and document client: set in its beforeAll, stopped in its afterAll. */
export interface TestDynamo {
  endpoint: string;
  client: DynamoDBDocumentClient;
}

/** Starts dynalite and a document client for the enclosing file or describe; read the fields inside the tests. */
export function useDynalite(): TestDynamo {
  const dynamo = {} as TestDynamo;
  let server: DynaliteServer | undefined;
  beforeAll(async () => {
    server = await startDynalite();
    dynamo.endpoint = server.endpoint;
    dynamo.client = createDocumentClient({ region: TEST_REGION, endpoint: server.endpoint });
  });
  afterAll(async () => {
    dynamo.client?.destroy();
    await server?.stop();
  });
  return dynamo;
}

/** Every table under names no other test uses, created and ACTIVE. */
export async function createTestTables(endpoint: string): Promise<Required<TableNames>> {
  const suffix = randomUUID().slice(0, 8);
  const names: Required<TableNames> = {
    ordersTable: `orders-${suffix}`,
    productsTable: `products-${suffix}`,
    customersTable: `customers-${suffix}`,
    syncStateTable: `sync-state-${suffix}`,
    quarantineTable: `quarantine-${suffix}`,
    dailySalesTable: `daily-sales-${suffix}`,
  };
  const client = createDynamoClient({ region: TEST_REGION, endpoint });
  try {
    await ensureTables(client, names);
  } finally {
    client.destroy();
  }
  return names;
}
