// Integration tests' DynamoDB: dynalite in this process, in memory, on a free loopback port, and fresh
// uniquely named tables per test file (or per test) so nothing leaks between them.
import { randomUUID } from 'node:crypto';
import { createDynamoClient } from '../../functions/adapters/dynamodb/client';
import { startDynaliteServer, type DynaliteServer } from '../../local/dynalite-server';
import { ensureTables, type TableNames } from '../../functions/adapters/dynamodb/tables';

/** Region the test clients claim; dynalite accepts any. */
export const TEST_REGION = 'us-east-1';

/** In memory: gone when stopped. Call `stop()` in afterAll, after destroying the clients you built. */
export function startDynalite(): Promise<DynaliteServer> {
  return startDynaliteServer();
}

/** Both tables under names no other test uses, created and ACTIVE. */
export async function createTestTables(endpoint: string): Promise<TableNames> {
  const suffix = randomUUID().slice(0, 8);
  const names: TableNames = { ordersTable: `orders-${suffix}`, syncStateTable: `sync-state-${suffix}` };
  const client = createDynamoClient({ region: TEST_REGION, endpoint });
  try {
    await ensureTables(client, names);
  } finally {
    client.destroy();
  }
  return names;
}
