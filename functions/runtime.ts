// The composition root: builds the clients, stores and source once per process (cold start) from the config,
// and hands the core its ports. The local stack points the same clients at local endpoints by configuration.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { createDocumentClient, createDynamoClient } from './adapters/dynamodb/client';
import { DynamoOrderStore } from './adapters/dynamodb/order-store';
import { DynamoSyncStateStore } from './adapters/dynamodb/sync-state-store';
import { cachedSecret } from './adapters/aws/secret';
import { SfnExecutionStarter } from './adapters/aws/sfn-execution-starter';
import { HttpOrdersSource } from './adapters/source/http-orders-source';
import { ShopifyOrdersSource } from './adapters/source/shopify/shopify-orders-source';
import { config, reloadConfig, required, type Config } from './config';
import { ConfigError } from './core/errors';
import type { OrderSource } from './core/ports';
import type { StartDeps, SyncDeps, SyncSettings } from './core/sync-run';
import { log } from './logger';
import { PowertoolsRunMetrics } from './metrics';
import { traced } from './tracer';

/** Dummy credentials for local endpoints (dynalite, the local Step Functions API): never real ones. */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

let syncDepsOnce: SyncDeps | undefined;
let startDepsOnce: StartDeps | undefined;

function settingsOf(cfg: Config): SyncSettings {
  return {
    stream: cfg.STREAM,
    pageSize: cfg.PAGE_SIZE,
    overlapMs: cfg.OVERLAP_SECONDS * 1000,
    leaseMs: cfg.LEASE_SECONDS * 1000,
    maxPagesPerPart: cfg.MAX_PAGES_PER_EXECUTION,
  };
}

function documentClient(cfg: Config) {
  return createDocumentClient(
    traced(createDynamoClient({ region: cfg.AWS_REGION, ...(cfg.DYNAMODB_ENDPOINT ? { endpoint: cfg.DYNAMODB_ENDPOINT } : {}) })),
  );
}

/** The token getter: the environment locally, Secrets Manager (cached, re-read after rotation) in AWS. */
function sourceToken(cfg: Config): () => Promise<string> {
  if (cfg.ORDERS_API_TOKEN) {
    const token = cfg.ORDERS_API_TOKEN;
    return async () => token;
  }
  if (cfg.ORDERS_API_TOKEN_SECRET_ARN) {
    return cachedSecret(traced(new SecretsManagerClient({ region: cfg.AWS_REGION })), cfg.ORDERS_API_TOKEN_SECRET_ARN);
  }
  throw new ConfigError('missing configuration: ORDERS_API_TOKEN_SECRET_ARN (AWS) or ORDERS_API_TOKEN (local) must be set');
}

function orderSource(cfg: Config): OrderSource {
  if (cfg.SOURCE_KIND === 'shopify') {
    const { SHOPIFY_SHOP_DOMAIN } = required(cfg, 'SHOPIFY_SHOP_DOMAIN');
    return new ShopifyOrdersSource({ shopDomain: SHOPIFY_SHOP_DOMAIN, apiVersion: cfg.SHOPIFY_API_VERSION, token: sourceToken(cfg), logger: log });
  }
  const { ORDERS_API_URL } = required(cfg, 'ORDERS_API_URL');
  return new HttpOrdersSource({ baseUrl: ORDERS_API_URL, token: sourceToken(cfg), logger: log });
}

/** What the state machine steps need. */
export function syncDeps(): SyncDeps {
  if (syncDepsOnce) return syncDepsOnce;
  const cfg = config();
  const tables = required(cfg, 'ORDERS_TABLE', 'SYNC_STATE_TABLE');
  const client = documentClient(cfg);
  const deps: SyncDeps = {
    settings: settingsOf(cfg),
    state: new DynamoSyncStateStore({ client, tableName: tables.SYNC_STATE_TABLE }),
    orders: new DynamoOrderStore({ client, tableName: tables.ORDERS_TABLE }),
    source: orderSource(cfg),
    clock: Date.now,
    log,
    metrics: new PowertoolsRunMetrics(),
  };
  syncDepsOnce = deps;
  return deps;
}

/** What the triggers (HTTP API, schedule) need to start a run. */
export function startDeps(): StartDeps {
  if (startDepsOnce) return startDepsOnce;
  const cfg = config();
  const { SYNC_STATE_TABLE, STATE_MACHINE_ARN } = required(cfg, 'SYNC_STATE_TABLE', 'STATE_MACHINE_ARN');
  const sfn = traced(new SFNClient({
    region: cfg.AWS_REGION,
    ...(cfg.SFN_ENDPOINT ? { endpoint: cfg.SFN_ENDPOINT, credentials: LOCAL_CREDENTIALS } : {}),
  }));
  const deps: StartDeps = {
    settings: settingsOf(cfg),
    state: new DynamoSyncStateStore({ client: documentClient(cfg), tableName: SYNC_STATE_TABLE }),
    starter: new SfnExecutionStarter(sfn, STATE_MACHINE_ARN),
    clock: Date.now,
    log,
  };
  startDepsOnce = deps;
  return deps;
}

/** Re-read the environment and rebuild everything on next use (the local stack and tests, after setting env). */
export function resetRuntime(): void {
  reloadConfig();
  syncDepsOnce = undefined;
  startDepsOnce = undefined;
}
