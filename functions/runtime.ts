// The composition root: one composition per function, each building only the clients, stores and source its use
// case takes, once per process (cold start), from the config. The local stack points the same clients at local
// endpoints by configuration.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, createDynamoClient } from './adapters/dynamodb/client';
import { DynamoOrderStore } from './adapters/dynamodb/order-store';
import { DynamoQuarantineStore } from './adapters/dynamodb/quarantine-store';
import { DynamoSyncStateStore } from './adapters/dynamodb/sync-state-store';
import { cachedSecret } from './adapters/aws/secret';
import { SfnExecutionStarter } from './adapters/aws/sfn-execution-starter';
import { HttpOrdersSource } from './adapters/source/http-orders-source';
import { ReadAheadSource } from './adapters/source/read-ahead-source';
import { ShopifyBulkExport } from './adapters/source/shopify/bulk-export';
import { ShopifyOrdersSource } from './adapters/source/shopify/shopify-orders-source';
import { ShopifySource } from './adapters/source/shopify/shopify-source';
import { ShopifyDeletions } from './adapters/source/shopify/shopify-deletions';
import { config, reloadConfig, required, type Config } from './config';
import { ConfigError } from './core/errors';
import type { OrderSource } from './core/ports';
import type { BeginDeps } from './core/use-cases/begin-run';
import type { CommitDeps } from './core/use-cases/commit-run';
import type { RecordFailureDeps } from './core/use-cases/record-failure';
import type { StartDeps } from './core/use-cases/start-run';
import type { SyncPageDeps } from './core/use-cases/sync-page';
import type { StatusDeps } from './core/status';
import { log } from './logger';
import { PowertoolsRunMetrics } from './metrics';
import { traced } from './tracer';

/** Dummy credentials for local endpoints (the local Step Functions API): never real ones. */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** A composition built on first use and kept for the process (a Lambda's cold start). */
function once<T>(build: () => T): { get: () => T; reset: () => void } {
  let built: T | undefined;
  return { get: () => (built ??= build()), reset: () => (built = undefined) };
}

function documentClient(cfg: Config): DynamoDBDocumentClient {
  return createDocumentClient(
    traced(createDynamoClient({ region: cfg.AWS_REGION, ...(cfg.DYNAMODB_ENDPOINT ? { endpoint: cfg.DYNAMODB_ENDPOINT } : {}) })),
  );
}

function syncStateStore(cfg: Config, client: DynamoDBDocumentClient): DynamoSyncStateStore {
  return new DynamoSyncStateStore({ client, tableName: required(cfg, 'SYNC_STATE_TABLE').SYNC_STATE_TABLE });
}

function orderStore(cfg: Config, client: DynamoDBDocumentClient): DynamoOrderStore {
  return new DynamoOrderStore({ client, tableName: required(cfg, 'ORDERS_TABLE').ORDERS_TABLE });
}

function quarantineStore(cfg: Config, client: DynamoDBDocumentClient): DynamoQuarantineStore {
  return new DynamoQuarantineStore({ client, tableName: required(cfg, 'QUARANTINE_TABLE').QUARANTINE_TABLE });
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
    const apiVersion = cfg.SHOPIFY_API_VERSION;
    const paged = new ShopifyOrdersSource({ shopDomain: SHOPIFY_SHOP_DOMAIN, apiVersion, token: sourceToken(cfg), logger: log });
    // Full resyncs as a bulk operation (not charged against the cost budget); incremental windows page.
    const bulk = cfg.SHOPIFY_BULK_RESYNC ? new ShopifyBulkExport({ source: paged, apiVersion }) : undefined;
    const deletions = new ShopifyDeletions(paged);
    return new ShopifySource({ paged, ...(bulk ? { bulk } : {}), deletions, rangeBytes: cfg.SHOPIFY_BULK_RANGE_BYTES, logger: log });
  }
  const { ORDERS_API_URL } = required(cfg, 'ORDERS_API_URL');
  return new HttpOrdersSource({ baseUrl: ORDERS_API_URL, token: sourceToken(cfg), logger: log });
}

/**
 * The SyncPage function's source: on the HTTP source, each page step reads the next page ahead while it stores its
 * own, and the function's next invocation (a warm one) takes it from memory. Shopify is left as it is: its bulk
 * pages can start or restart an export, and its paged queries spend a points budget that a page read ahead and
 * then dropped would waste.
 */
function pageStepSource(cfg: Config): OrderSource {
  const source = orderSource(cfg);
  if (cfg.SOURCE_KIND !== 'http' || !cfg.SOURCE_READ_AHEAD) return source;
  return new ReadAheadSource(source, { clock: Date.now, log });
}

const begin = once((): BeginDeps => {
  const cfg = config();
  const client = documentClient(cfg);
  return {
    settings: {
      stream: cfg.STREAM,
      leaseMs: cfg.LEASE_SECONDS * 1000,
      overlapMs: cfg.OVERLAP_SECONDS * 1000,
      maxPagesPerPart: cfg.MAX_PAGES_PER_EXECUTION,
    },
    state: syncStateStore(cfg, client),
    orders: orderStore(cfg, client),
    source: orderSource(cfg),
    clock: Date.now,
    log,
  };
});

const syncPage = once((): SyncPageDeps => {
  const cfg = config();
  const client = documentClient(cfg);
  return {
    settings: {
      pageSize: cfg.PAGE_SIZE,
      leaseMs: cfg.LEASE_SECONDS * 1000,
      overlapMs: cfg.OVERLAP_SECONDS * 1000,
      reconcile: cfg.RECONCILE_AFTER_FULL_RESYNC,
    },
    state: syncStateStore(cfg, client),
    orders: orderStore(cfg, client),
    quarantine: quarantineStore(cfg, client),
    source: pageStepSource(cfg),
    clock: Date.now,
    log,
    metrics: new PowertoolsRunMetrics(),
  };
});

/** Commit: the sync-state store and the quarantine (what was set aside since the last commit), a clock, the logger and the run metrics. */
const commit = once((): CommitDeps => {
  const cfg = config();
  const client = documentClient(cfg);
  return {
    state: syncStateStore(cfg, client),
    quarantine: quarantineStore(cfg, client),
    clock: Date.now,
    log,
    metrics: new PowertoolsRunMetrics(),
  };
});

/** Record-failure: the sync-state store, a clock, the logger and the run metrics. */
const recordFailure = once((): RecordFailureDeps => {
  const cfg = config();
  return { state: syncStateStore(cfg, documentClient(cfg)), clock: Date.now, log, metrics: new PowertoolsRunMetrics() };
});

/** The triggers (HTTP API, schedule): the lease, the state machine, and (the API) the status. */
const start = once((): StartDeps => {
  const cfg = config();
  const { STATE_MACHINE_ARN } = required(cfg, 'STATE_MACHINE_ARN');
  const sfn = traced(
    new SFNClient({
      region: cfg.AWS_REGION,
      ...(cfg.SFN_ENDPOINT ? { endpoint: cfg.SFN_ENDPOINT, credentials: LOCAL_CREDENTIALS } : {}),
    }),
  );
  return {
    settings: { stream: cfg.STREAM, leaseMs: cfg.LEASE_SECONDS * 1000, overlapMs: cfg.OVERLAP_SECONDS * 1000 },
    state: syncStateStore(cfg, documentClient(cfg)),
    starter: new SfnExecutionStarter(sfn, STATE_MACHINE_ARN),
    clock: Date.now,
    log,
  };
});

/** The status route: the stream's state and its quarantine, read only. */
const status = once((): StatusDeps => {
  const cfg = config();
  const client = documentClient(cfg);
  return {
    settings: { stream: cfg.STREAM },
    state: syncStateStore(cfg, client),
    quarantine: quarantineStore(cfg, client),
    clock: Date.now,
  };
});

export const beginDeps = begin.get;
export const syncPageDeps = syncPage.get;
export const commitDeps = commit.get;
export const recordFailureDeps = recordFailure.get;
export const startDeps = start.get;
export const statusDeps = status.get;

/** Re-read the environment and rebuild everything on next use (the local stack and tests, after setting env). */
export function resetRuntime(): void {
  reloadConfig();
  for (const composition of [begin, syncPage, commit, recordFailure, start, status]) composition.reset();
}
