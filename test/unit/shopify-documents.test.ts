// Every GraphQL document the Shopify connector sends is valid, and uses nothing deprecated, against the real Admin API
// schema of each supported version; and the fake Shopify's answers to them conform to that schema.
import { request } from 'undici';
import * as customerQueries from '../../functions/adapters/source/shopify/customers/queries';
import { ALL_SHOPIFY_DOCUMENTS } from '../../functions/adapters/source/shopify/documents';
import * as productQueries from '../../functions/adapters/source/shopify/products/queries';
import * as queries from '../../functions/adapters/source/shopify/queries';
import { DOCUMENT_VERSIONS, hasConcurrentBulkQueries } from '../../functions/adapters/source/shopify/queries';
import { startFakeShopify, type FakeShopify } from '../../local/fakes/shopify';
import { answerProblems, documentProblems, SUPPORTED_API_VERSIONS } from '../support/shopify-schema';

const DOCUMENT = /^\s*(query|mutation)\b/;

describe("the connector's GraphQL documents", () => {
  it('are all in ALL_SHOPIFY_DOCUMENTS (every stream), under their operation name', () => {
    const exported = [queries, productQueries, customerQueries].flatMap((module) =>
      Object.entries(module).filter(([, value]) => typeof value === 'string' && DOCUMENT.test(value)),
    );
    expect(exported.length).toBeGreaterThan(16);
    for (const [name, document] of exported) {
      expect([name, Object.values(ALL_SHOPIFY_DOCUMENTS).includes(document as string)]).toEqual([name, true]);
    }
    for (const [operation, document] of Object.entries(ALL_SHOPIFY_DOCUMENTS)) {
      expect(document).toMatch(new RegExp(`^\\s*(query|mutation) ${operation}\\b`));
    }
  });

  describe.each(SUPPORTED_API_VERSIONS)('against the Admin API %s', (version) => {
    const sentTo = (operation: string): boolean => {
      const only = DOCUMENT_VERSIONS[operation]?.sentTo;
      return only === undefined || (only === 'from-2026-01') === hasConcurrentBulkQueries(version);
    };
    it.each(Object.keys(ALL_SHOPIFY_DOCUMENTS).filter(sentTo))('%s is valid and uses nothing deprecated', (operation) => {
      expect(
        documentProblems(ALL_SHOPIFY_DOCUMENTS[operation]!, version, { allowDeprecated: DOCUMENT_VERSIONS[operation]?.allowDeprecated }),
      ).toEqual([]);
    });

    it('the bulk export query of a window is valid too, and the deprecation allowed for currentBulkOperation is the only one', () => {
      const window = { from: '2025-01-01T00:00:00.000000Z', to: '2026-11-30T12:00:00.500000Z' };
      for (const bulkQuery of [queries.ordersBulkQuery, productQueries.productsBulkQuery, customerQueries.customersBulkQuery]) {
        expect(documentProblems(bulkQuery(window), version)).toEqual([]);
      }
      expect(documentProblems(queries.CURRENT_BULK_OPERATION_QUERY, version).join()).toMatch(
        /QueryRoot\.currentBulkOperation is deprecated/,
      );
    });

    it('the check fails on an unknown field, a wrong argument, a deprecated field and bad syntax', () => {
      const base = queries.ORDERS_COUNT_QUERY;
      expect(documentProblems(base.replace('precision', 'precision noSuchField'), version).join()).toMatch(
        /Cannot query field "noSuchField" on type "Count"/,
      );
      expect(documentProblems(base.replace('limit: null', 'limit: "ten"'), version).join()).toMatch(/Int/);
      expect(documentProblems('query Deprecated { orders(first: 1) { nodes { id customer { id email } } } }', version).join()).toMatch(
        /Customer\.email is deprecated/,
      );
      expect(documentProblems('query Broken { orders(first: 1) { nodes { id }', version).join()).toMatch(/syntax/);
    });
  });
});

describe("the fake Shopify's answers", () => {
  let fake: FakeShopify;
  beforeAll(async () => {
    fake = await startFakeShopify({ shop: { orders: 300, seed: 5 }, bucket: { maximumAvailable: 1e7, restoreRate: 1e7 } });
  });
  afterAll(() => fake.stop());

  async function post(version: string, operation: string, variables: Record<string, unknown>): Promise<unknown> {
    const answer = await request(`${fake.url}/admin/api/${version}/graphql.json`, {
      method: 'POST',
      headers: { 'x-shopify-access-token': fake.token, 'content-type': 'application/json' },
      body: JSON.stringify({ query: ALL_SHOPIFY_DOCUMENTS[operation], variables, operationName: operation }),
    });
    const body = (await answer.body.json()) as { data?: unknown; errors?: unknown };
    expect(body.errors).toBeUndefined();
    return body.data;
  }

  it.each(SUPPORTED_API_VERSIONS)('conform to the Admin API %s schema for every read document', async (version) => {
    const [kept, deleted] = fake.shop.truth().slice(-2);
    if (fake.shop.order(deleted!.id) !== undefined) fake.shop.deleteOrders([deleted!.id]);
    const window = { from: null, to: fake.shop.now() };
    const query = queries.windowFilter(window);
    const ordersVariables = { first: 5, after: null, query, lineItems: 2 };
    const gid = (id: string) => `gid://shopify/Order/${Number(id.slice(4))}`;
    const cases: Array<[string, Record<string, unknown>]> = [
      ['AccessScopes', {}],
      ['ShopTimeZone', {}],
      ['OrdersCount', { query }],
      ['OrdersPage', ordersVariables],
      ['OrderDeletions', { first: 5, after: null, query: queries.deletionsFilter(window) }],
      ['OrdersExist', { ids: [gid(kept!.id), gid(deleted!.id)] }],
    ];
    const page = (await post(version, 'OrdersPage', ordersVariables)) as {
      orders: { nodes: Array<{ id: string; lineItems: { pageInfo: { hasNextPage: boolean; endCursor: string } } }> };
    };
    const long = page.orders.nodes.find((node) => node.lineItems.pageInfo.hasNextPage)!;
    expect(long).toBeDefined();
    const connections = (slices: Record<string, { first: number; after: string | null }>) => {
      const variables: Record<string, unknown> = { id: long.id };
      for (const name of ['lineItems', 'discountApplications', 'shippingLines']) {
        variables[`with${name.charAt(0).toUpperCase()}${name.slice(1)}`] = slices[name] !== undefined;
        variables[`${name}First`] = slices[name]?.first ?? 1;
        variables[`${name}After`] = slices[name]?.after ?? null;
      }
      return variables;
    };
    // A follow-up from where the page stopped, and the order read again with every connection from its start.
    cases.push(['OrderConnections', connections({ lineItems: { first: 3, after: long.lineItems.pageInfo.endCursor } })]);
    cases.push([
      'OrderConnections',
      connections({
        lineItems: { first: 2, after: null },
        discountApplications: { first: 5, after: null },
        shippingLines: { first: 2, after: null },
      }),
    ]);
    for (const [operation, variables] of cases) {
      const data = await post(version, operation, variables);
      expect([operation, answerProblems(ALL_SHOPIFY_DOCUMENTS[operation]!, version, data, variables)]).toEqual([operation, []]);
    }
  });

  it.each(SUPPORTED_API_VERSIONS)('conform to the Admin API %s schema for the products and customers documents', async (version) => {
    const [, deletedProduct] = fake.products.truth().slice(-2);
    const [keptCustomer, deletedCustomer] = fake.customers.truth().slice(-2);
    if (fake.products.node(deletedProduct!.id) !== undefined) fake.products.delete([deletedProduct!.id]);
    if (fake.customers.node(deletedCustomer!.id) !== undefined) fake.customers.delete([deletedCustomer!.id]);
    const window = { from: null, to: fake.shop.now() };
    const query = queries.windowFilter(window);
    const productsVariables = { first: 50, after: null, query, variants: 2 };
    const page = (await post(version, 'ProductsPage', productsVariables)) as {
      products: { nodes: Array<{ id: string; variants: { pageInfo: { hasNextPage: boolean; endCursor: string } } }> };
    };
    const long = page.products.nodes.find((node) => node.variants.pageInfo.hasNextPage)!;
    expect(long).toBeDefined();
    const cases: Array<[string, Record<string, unknown>]> = [
      ['ProductsPage', productsVariables],
      ['ProductConnections', { id: long.id, withVariants: true, variantsFirst: 3, variantsAfter: long.variants.pageInfo.endCursor }],
      ['ProductConnections', { id: long.id, withVariants: false, variantsFirst: 1, variantsAfter: null }],
      ['ProductsCount', { query }],
      ['ProductDeletions', { first: 5, after: null, query: queries.deletionsFilter(window, 'PRODUCT') }],
      ['ProductsExist', { ids: [long.id, deletedProduct!.id] }],
      ['CustomersPage', { first: 50, after: null, query }],
      ['CustomersCount', { query }],
      ['CustomersExist', { ids: [keptCustomer!.id, deletedCustomer!.id] }],
    ];
    for (const [operation, variables] of cases) {
      const data = await post(version, operation, variables);
      expect([operation, answerProblems(ALL_SHOPIFY_DOCUMENTS[operation]!, version, data, variables)]).toEqual([operation, []]);
    }
    const deletions = (await post(version, 'ProductDeletions', cases[4]![1])) as { events: { nodes: Array<{ subjectId: string }> } };
    expect(deletions.events.nodes.map((node) => node.subjectId)).toContain(deletedProduct!.id);
    const exist = (await post(version, 'CustomersExist', cases[8]![1])) as { nodes: unknown[] };
    expect(exist.nodes).toEqual([{ __typename: 'Customer', id: keptCustomer!.id }, null]);
  });

  it.each(SUPPORTED_API_VERSIONS)(
    'conform to the Admin API %s schema for the bulk operation documents, running and completed',
    async (version) => {
      const window = { from: null, to: fake.shop.now() };
      const run = { query: queries.ordersBulkQuery(window) };
      const started = (await post(version, 'RunBulkExport', run)) as { bulkOperationRunQuery: { bulkOperation: { id: string } } };
      expect(answerProblems(ALL_SHOPIFY_DOCUMENTS.RunBulkExport!, version, started, run)).toEqual([]);
      const id = started.bulkOperationRunQuery.bulkOperation.id;
      const finder = hasConcurrentBulkQueries(version) ? 'RunningBulkOperations' : 'CurrentBulkOperation';
      for (let i = 0; i < 2; i++) {
        for (const [operation, variables] of [
          ['BulkOperation', { id }],
          [finder, {}],
        ] as const) {
          const data = await post(version, operation, variables);
          expect([operation, answerProblems(ALL_SHOPIFY_DOCUMENTS[operation]!, version, data, variables)]).toEqual([operation, []]);
        }
        await new Promise((resolve) => setTimeout(resolve, 1_600)); // 300 orders at the default rate: completed by now
      }
      const done = (await post(version, 'BulkOperation', { id })) as { node: { status: string; url: string } };
      expect(done.node.status).toBe('COMPLETED');
    },
  );

  it('the answer check fails on a null where the schema says non-null, an unknown enum value and an extra field', () => {
    const document = 'query Q { orders(first: 1) { nodes { id closed displayFulfillmentStatus } } }';
    const good = { orders: { nodes: [{ id: 'gid://shopify/Order/1', closed: false, displayFulfillmentStatus: 'FULFILLED' }] } };
    expect(answerProblems(document, '2025-10', good)).toEqual([]);
    expect(answerProblems(document, '2025-10', { orders: { nodes: [{ ...good.orders.nodes[0], closed: null }] } }).join()).toMatch(
      /non-nullable/,
    );
    expect(
      answerProblems(document, '2025-10', { orders: { nodes: [{ ...good.orders.nodes[0], displayFulfillmentStatus: 'SHIPPED' }] } }).join(),
    ).toMatch(/SHIPPED/);
    expect(answerProblems(document, '2025-10', { orders: { nodes: [{ ...good.orders.nodes[0], extra: 1 }] } }).join()).toMatch(
      /extra: answered but not selected/,
    );
  });
});
