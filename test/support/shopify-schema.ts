// The real Shopify Admin API schema of each supported version (vendored introspection, see
// test/fixtures/shopify-admin-schema/README.md), and checks of documents and answers against it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  buildClientSchema,
  execute,
  NoDeprecatedCustomRule,
  parse,
  specifiedRules,
  validate,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';

/** The Admin API versions the connector supports: the default first. */
export const SUPPORTED_API_VERSIONS = ['2025-10', '2026-10'] as const;
export type SupportedApiVersion = (typeof SUPPORTED_API_VERSIONS)[number];

const schemas = new Map<string, GraphQLSchema>();

export function adminSchema(version: string): GraphQLSchema {
  let schema = schemas.get(version);
  if (schema === undefined) {
    const file = join(__dirname, '..', 'fixtures', 'shopify-admin-schema', `admin_${version}.json.gz`);
    const introspection = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as { data: IntrospectionQuery };
    schema = buildClientSchema(introspection.data);
    schemas.set(version, schema);
  }
  return schema;
}

/** Every problem of the document against that version: GraphQL's rules plus "no deprecated field, argument or enum value". */
export function documentProblems(document: string, version: string, options: { allowDeprecated?: readonly string[] } = {}): string[] {
  let parsed;
  try {
    parsed = parse(document);
  } catch (error) {
    return [`syntax: ${(error as Error).message}`];
  }
  const allowed = options.allowDeprecated ?? [];
  return validate(adminSchema(version), parsed, [...specifiedRules, NoDeprecatedCustomRule])
    .map((error) => error.message)
    .filter((message) => !allowed.some((name) => message.includes(`${name} is deprecated`)));
}

/**
 * What is wrong with an answer's `data` for that document: the document is executed against the schema with the
 * answer as the root value, so every field must exist, every non-null field be present, every enum value be one the
 * schema has and every scalar be of its type; then the executed result must equal the answer (nothing coerced,
 * nothing extra). Abstract types are resolved by `__typename`, so documents select it where they need it.
 */
export function answerProblems(document: string, version: string, data: unknown, variables: Record<string, unknown> = {}): string[] {
  const result = execute({ schema: adminSchema(version), document: parse(document), rootValue: data, variableValues: variables });
  if (result instanceof Promise) throw new Error('the answer check resolves synchronously');
  const problems = (result.errors ?? []).map((error) => `${error.path?.join('.') ?? '(root)'}: ${error.message}`);
  if (problems.length === 0) {
    const difference = firstDifference(
      JSON.parse(JSON.stringify(data)) as unknown,
      JSON.parse(JSON.stringify(result.data)) as unknown,
      'data',
    );
    if (difference !== null)
      problems.push(`the answer holds fields the document did not select, or values the schema coerced: ${difference}`);
  }
  return problems;
}

/** The first path where the answer and the executed result differ (key order aside), or null. */
function firstDifference(answered: unknown, executed: unknown, path: string): string | null {
  if (typeof answered !== 'object' || answered === null || typeof executed !== 'object' || executed === null) {
    return answered === executed ? null : `${path}: answered ${JSON.stringify(answered)}, the schema gives ${JSON.stringify(executed)}`;
  }
  if (Array.isArray(answered) !== Array.isArray(executed)) return `${path}: one is a list, the other not`;
  const a = answered as Record<string, unknown>;
  const e = executed as Record<string, unknown>;
  for (const key of new Set([...Object.keys(a), ...Object.keys(e)])) {
    if (!(key in e)) return `${path}.${key}: answered but not selected`;
    if (!(key in a)) return `${path}.${key}: selected but missing from the answer`;
    const inner = firstDifference(a[key], e[key], `${path}.${key}`);
    if (inner !== null) return inner;
  }
  return null;
}
