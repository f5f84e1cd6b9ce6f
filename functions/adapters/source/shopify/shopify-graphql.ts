// How the Shopify connector speaks GraphQL: the shop's endpoint, the opaque cursor of a walk, and a connection
// (`nodes` + `pageInfo`) as the connector's documents select it.
import { ConfigError, InvalidPageError, SourceRequestError } from '../../../core/errors';

export type Fields = Record<string, unknown>;

/** Where a walk stands: Shopify's cursor, and the last updatedAt returned (to check the sort as we go). */
export interface WalkCursor {
  c: string;
  u: string | null;
}

const VERSION = /^(\d{4}-(01|04|07|10)|unstable)$/;
const DOMAIN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
export function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The GraphQL endpoint of a shop domain (or a loopback origin for a local fake), or a ConfigError that says why not. */
export function graphqlEndpoint(shopDomain: string, apiVersion: string): URL {
  if (!VERSION.test(apiVersion)) {
    throw new ConfigError(
      `SHOPIFY_API_VERSION must be a Shopify API version like 2025-10 (January, April, July or October) or "unstable", got "${apiVersion}"`,
    );
  }
  let origin: URL;
  if (shopDomain.includes('://')) {
    try {
      origin = new URL(shopDomain);
    } catch {
      throw new ConfigError(`SHOPIFY_SHOP_DOMAIN is not a domain or URL: "${shopDomain}"`);
    }
    const local = LOOPBACK.has(origin.hostname);
    if (!(origin.protocol === 'https:' || (origin.protocol === 'http:' && local))) {
      throw new ConfigError(`SHOPIFY_SHOP_DOMAIN must use https (plain http only on loopback, for a local fake), got "${shopDomain}"`);
    }
  } else {
    if (!DOMAIN.test(shopDomain)) {
      throw new ConfigError(
        `SHOPIFY_SHOP_DOMAIN must be the shop's domain like my-shop.myshopify.com (no scheme, no path), got "${shopDomain}"`,
      );
    }
    origin = new URL(`https://${shopDomain}`);
  }
  return new URL(`/admin/api/${apiVersion}/graphql.json`, origin.origin);
}

export function encodeCursor(cursor: WalkCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(text: string): WalkCursor {
  try {
    const parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (isFields(parsed) && typeof parsed.c === 'string' && (parsed.u === null || typeof parsed.u === 'string')) {
      return { c: parsed.c, u: parsed.u };
    }
  } catch {
    // refused below
  }
  throw new SourceRequestError('the cursor is not one the Shopify connector issued (pass nextCursor back exactly as received)');
}

/** A connection as our documents select it: `nodes` and `pageInfo {hasNextPage endCursor}`. */
export function connection(value: unknown, what: string): { nodes: unknown[]; hasNextPage: boolean; endCursor: string | null } {
  if (!isFields(value) || !Array.isArray(value.nodes) || !isFields(value.pageInfo) || typeof value.pageInfo.hasNextPage !== 'boolean') {
    throw new InvalidPageError(`Shopify answered ${what} without nodes and pageInfo.hasNextPage`);
  }
  const endCursor = value.pageInfo.endCursor ?? null;
  if (endCursor !== null && typeof endCursor !== 'string')
    throw new InvalidPageError(`Shopify answered ${what} with a pageInfo.endCursor that is not a string`);
  if (value.pageInfo.hasNextPage && !endCursor) throw new InvalidPageError(`Shopify answered ${what} with hasNextPage but no endCursor`);
  return { nodes: value.nodes, hasNextPage: value.pageInfo.hasNextPage, endCursor };
}
