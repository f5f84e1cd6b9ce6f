// A stream's source, as a function reads it (Begin and SyncPage): the reference contract's HTTP API or a Shopify shop, with
// the token from the environment (local) or Secrets Manager (AWS, cached, re-read after rotation).
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { cachedSecret } from '../adapters/aws/secret';
import { DynamoSendSlots } from '../adapters/dynamodb/send-slots-store';
import { HttpSource } from '../adapters/source/http-source';
import { ReadAheadSource } from '../adapters/source/read-ahead-source';
import { SHOPIFY_STREAMS, shopifyStreamSource } from '../adapters/source/shopify/streams';
import { required, type Config } from '../config';
import { ConfigError } from '../core/errors';
import type { RecordSource } from '../core/ports';
import type { SyncRecord } from '../core/record';
import { log } from '../logger';
import type { StreamName } from '../core/stream';
import { bindingOf } from '../streams';
import { traced } from '../tracer';

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

/** The stream's source: the reference contract's endpoints for it (its send slots through the function's DynamoDB client), or Shopify's operations for it. */
export function recordSource(cfg: Config, stream: StreamName, client: DynamoDBDocumentClient): RecordSource {
  if (cfg.SOURCE_KIND === 'shopify') {
    const { SHOPIFY_SHOP_DOMAIN } = required(cfg, 'SHOPIFY_SHOP_DOMAIN');
    // Full resyncs as a bulk operation (not charged against the cost budget; the streams take turns for the shop's
    // one bulk slot), incremental windows page; deletions from the stream's destroy events where Shopify has them.
    const { source } = shopifyStreamSource<SyncRecord>(SHOPIFY_STREAMS[stream](), {
      shopDomain: SHOPIFY_SHOP_DOMAIN,
      apiVersion: cfg.SHOPIFY_API_VERSION,
      token: sourceToken(cfg),
      bulkResync: cfg.SHOPIFY_BULK_RESYNC,
      rangeBytes: cfg.SHOPIFY_BULK_RANGE_BYTES,
      logger: log,
    });
    return source;
  }
  const { ORDERS_API_URL } = required(cfg, 'ORDERS_API_URL');
  // Every stream's steps reserve their send times from one item: the token's budget is one, whatever the streams.
  const sendSlots = new DynamoSendSlots({ client, tableName: required(cfg, 'SYNC_STATE_TABLE').SYNC_STATE_TABLE });
  return new HttpSource({ baseUrl: ORDERS_API_URL, token: sourceToken(cfg), logger: log, stream: bindingOf(stream).model, sendSlots });
}

/**
 * The SyncPage function's source: on the HTTP source, each page step reads the next page ahead while it stores its
 * own, and the function's next invocation (a warm one) takes it from memory. Shopify is left as it is: its bulk
 * pages can start or restart an export, and its paged queries spend a points budget that a page read ahead and
 * then dropped would waste.
 */
export function pageStepSource(cfg: Config, stream: StreamName, client: DynamoDBDocumentClient): RecordSource {
  const source = recordSource(cfg, stream, client);
  if (cfg.SOURCE_KIND !== 'http' || !cfg.SOURCE_READ_AHEAD) return source;
  return new ReadAheadSource(source, { clock: Date.now, log });
}
