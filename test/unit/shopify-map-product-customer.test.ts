// Mapping Shopify Product and Customer nodes onto the reference contract's product and customer, and the cost of their
// paged queries: pure functions, no server. The sample nodes are checked against the Admin API schemas first, so the
// mapping is tested on what Shopify can send.
import {
  customersPageCost,
  CUSTOMERS_PAGE_QUERY,
  MAX_CUSTOMERS_PER_REQUEST,
} from '../../functions/adapters/source/shopify/customers/queries';
import { mapShopifyCustomer, toCustomerShape } from '../../functions/adapters/source/shopify/customers/map-customer';
import { mapShopifyProduct, toProductShape } from '../../functions/adapters/source/shopify/products/map-product';
import { maxProductsPerRequest, productsPageCost, PRODUCTS_PAGE_QUERY } from '../../functions/adapters/source/shopify/products/queries';
import { MAX_SINGLE_QUERY_COST } from '../../functions/adapters/source/shopify/queries';
import { assemble } from '../../functions/adapters/source/shopify/bulk-jsonl';
import { shopifyCustomersStream } from '../../functions/adapters/source/shopify/customers/stream';
import { shopifyProductsStream } from '../../functions/adapters/source/shopify/products/stream';
import { InvalidPageError, InvalidRecordError } from '../../functions/core/errors';
import { answerProblems, SUPPORTED_API_VERSIONS } from '../support/shopify-schema';

function productNode(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'gid://shopify/Product/42',
    title: 'Ceramic Mug',
    vendor: 'Acme',
    productType: 'Kitchen',
    status: 'ACTIVE',
    tags: ['gift', 'kitchen'],
    createdAt: '2024-03-02T09:00:00Z',
    updatedAt: '2025-01-15T10:31:07Z',
    variants: {
      nodes: [
        { id: 'gid://shopify/ProductVariant/101', sku: 'SKU-1', title: 'Blue / 350 ml', price: '29.99', inventoryQuantity: -2 },
        { id: 'gid://shopify/ProductVariant/102', sku: '', title: 'Red / 350 ml', price: '1234567890123.10', inventoryQuantity: null },
      ],
      pageInfo: { hasNextPage: false, endCursor: 'abc' },
    },
    ...overrides,
  };
}

function customerNode(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'gid://shopify/Customer/42',
    firstName: 'Ana',
    lastName: 'Lima',
    state: 'ENABLED',
    tags: ['vip'],
    numberOfOrders: '7',
    amountSpent: { amount: '912.40', currencyCode: 'BRL' },
    defaultEmailAddress: { emailAddress: 'ana@example.com' },
    createdAt: '2023-11-20T18:02:11Z',
    updatedAt: '2025-01-15T10:31:07Z',
    ...overrides,
  };
}

function problem(map: (node: unknown) => unknown, node?: unknown): InvalidRecordError {
  try {
    map(node);
  } catch (error) {
    if (error instanceof InvalidRecordError) return error;
    throw error;
  }
  throw new Error('the node mapped');
}

describe('the sample nodes', () => {
  it.each(SUPPORTED_API_VERSIONS)('are what the page queries can answer in %s', (version) => {
    const page = (root: string, nodes: unknown[]) => ({ [root]: { nodes, pageInfo: { hasNextPage: false, endCursor: null } } });
    const variables = { first: 2, after: null, query: '', variants: 2 };
    expect(answerProblems(PRODUCTS_PAGE_QUERY, version, page('products', [productNode()]), variables)).toEqual([]);
    expect(answerProblems(CUSTOMERS_PAGE_QUERY, version, page('customers', [customerNode()]), variables)).toEqual([]);
  });
});

describe('a Shopify Product', () => {
  it("maps onto the contract's product: ids as Shopify gives them, money as its decimal strings, empty strings as null", () => {
    expect(toProductShape(productNode())).toEqual({
      id: 'gid://shopify/Product/42',
      title: 'Ceramic Mug',
      vendor: 'Acme',
      product_type: 'Kitchen',
      status: 'active',
      tags: ['gift', 'kitchen'],
      variants: [
        { id: 'gid://shopify/ProductVariant/101', sku: 'SKU-1', title: 'Blue / 350 ml', price: '29.99', inventory_quantity: -2 },
        { id: 'gid://shopify/ProductVariant/102', sku: null, title: 'Red / 350 ml', price: '1234567890123.10', inventory_quantity: null },
      ],
      created_at: '2024-03-02T09:00:00Z',
      updated_at: '2025-01-15T10:31:07Z',
    });
    expect(toProductShape(productNode({ vendor: '', productType: '' }))).toMatchObject({ vendor: null, product_type: null });
  });

  it.each([
    ['ACTIVE', 'active'],
    ['UNLISTED', 'active'],
    ['DRAFT', 'draft'],
    ['ARCHIVED', 'archived'],
  ])('status %s reads as %s', (status, expected) => {
    expect(toProductShape(productNode({ status })).status).toBe(expected);
  });

  it('an unknown status, a missing id or a node that is not an object is rejected naming the field', () => {
    expect(problem(toProductShape, productNode({ status: 'RETIRED' })).message).toMatch(
      /^product gid:\/\/shopify\/Product\/42: field "status" has no mapping for "RETIRED"/,
    );
    expect(problem(toProductShape, productNode({ id: '' })).field).toBe('id');
    expect(problem(toProductShape, ['x']).field).toBe('(product)');
  });

  it('a bulk node (variants reassembled as nodes, no pageInfo) maps the same as a paged one', () => {
    const paged = productNode();
    const bulk = { ...paged, variants: { nodes: (paged.variants as { nodes: unknown[] }).nodes } };
    expect(toProductShape(bulk)).toEqual(toProductShape(paged));
  });
});

describe('a Shopify Customer', () => {
  it("maps onto the contract's customer: numberOfOrders (an UnsignedInt64 string) as an integer, amountSpent as total_spent and currency", () => {
    expect(toCustomerShape(customerNode())).toEqual({
      id: 'gid://shopify/Customer/42',
      email: 'ana@example.com',
      first_name: 'Ana',
      last_name: 'Lima',
      state: 'enabled',
      orders_count: 7,
      total_spent: '912.40',
      currency: 'BRL',
      tags: ['vip'],
      created_at: '2023-11-20T18:02:11Z',
      updated_at: '2025-01-15T10:31:07Z',
    });
  });

  it('a customer without an email address or names maps them to null', () => {
    expect(toCustomerShape(customerNode({ defaultEmailAddress: null, firstName: null, lastName: null }))).toMatchObject({
      email: null,
      first_name: null,
      last_name: null,
    });
  });

  it.each(['ENABLED', 'DISABLED', 'INVITED', 'DECLINED'])('state %s reads lower-cased', (state) => {
    expect(toCustomerShape(customerNode({ state })).state).toBe(state.toLowerCase());
  });

  it('an unknown state is rejected naming the field; a count past a safe integer is left for the validator to name', () => {
    expect(problem(toCustomerShape, customerNode({ state: 'BANNED' })).message).toMatch(
      /^customer gid:\/\/shopify\/Customer\/42: field "state" has no mapping for "BANNED"/,
    );
    expect(toCustomerShape(customerNode({ numberOfOrders: '18446744073709551615' })).orders_count).toBe('18446744073709551615');
  });
});

describe("through the stream's validator", () => {
  it('a product and a customer become the stream records, the Shopify node kept whole as raw', () => {
    const product = mapShopifyProduct(productNode());
    expect(product).toMatchObject({ id: 'gid://shopify/Product/42', vendor: 'Acme', productType: 'Kitchen', status: 'active' });
    expect(product.variants[1]).toEqual({
      id: 'gid://shopify/ProductVariant/102',
      sku: null,
      title: 'Red / 350 ml',
      price: '1234567890123.10',
      inventoryQuantity: null,
    });
    expect(product.raw).toEqual(productNode());
    const customer = mapShopifyCustomer(customerNode());
    expect(customer).toMatchObject({ email: 'ana@example.com', ordersCount: 7, totalSpent: '912.40', currency: 'BRL', state: 'enabled' });
    expect(customer.raw).toEqual(customerNode());
  });

  it.each([
    ['a product without variants', () => mapShopifyProduct(productNode({ variants: { nodes: [] } })), 'variants.nodes'],
    [
      'a variant price that is not a decimal',
      () =>
        mapShopifyProduct(
          productNode({
            variants: { nodes: [{ id: 'gid://shopify/ProductVariant/1', sku: 'A', title: 'T', price: 'free', inventoryQuantity: 1 }] },
          }),
        ),
      'variants.nodes[0].price',
    ],
    ['an empty title', () => mapShopifyProduct(productNode({ title: '' })), 'title'],
    ['a broken updatedAt', () => mapShopifyProduct(productNode({ updatedAt: 'yesterday' })), 'updatedAt'],
    ['a count past a safe integer', () => mapShopifyCustomer(customerNode({ numberOfOrders: '18446744073709551615' })), 'numberOfOrders'],
    [
      'an amount that is not a decimal',
      () => mapShopifyCustomer(customerNode({ amountSpent: { amount: 1.5, currencyCode: 'USD' } })),
      'amountSpent.amount',
    ],
    [
      'no currency',
      () => mapShopifyCustomer(customerNode({ amountSpent: { amount: '1.50', currencyCode: null } })),
      'amountSpent.currencyCode',
    ],
  ])('%s is rejected naming the Shopify field', (_, map, field) => {
    const error = problem(map, undefined);
    expect(error.field).toBe(field);
    expect(error.message).toContain(`field "${field}"`);
  });
});

describe('the cost of a page', () => {
  it('stays under the single-query limit at the most products or customers one request asks for', () => {
    for (const variants of [1, 10, 100, 250]) {
      const most = maxProductsPerRequest(variants);
      expect(most).toBeGreaterThan(0);
      expect(productsPageCost(most, variants)).toBeLessThanOrEqual(MAX_SINGLE_QUERY_COST);
      if (most < 250) expect(productsPageCost(most + 1, variants)).toBeGreaterThan(MAX_SINGLE_QUERY_COST);
    }
    expect(MAX_CUSTOMERS_PER_REQUEST).toBe(250);
    expect(customersPageCost(MAX_CUSTOMERS_PER_REQUEST)).toBeLessThanOrEqual(MAX_SINGLE_QUERY_COST);
  });
});

describe('a bulk result of products or customers', () => {
  const products = shopifyProductsStream();
  const line = (value: unknown) => `${JSON.stringify(value)}\n`;
  const { variants, ...own } = productNode();
  const [first, second] = (variants as { nodes: Array<Record<string, unknown>> }).nodes;
  const child = (variant: Record<string, unknown>) => line({ __typename: 'ProductVariant', ...variant, __parentId: own.id });
  const text = line(own) + child(first!) + child(second!) + line({ ...own, id: 'gid://shopify/Product/43' });

  it('reassembles each product with its variant lines, mapped the same as a paged node', () => {
    const { nodes } = assemble(Buffer.from(text), true, 0, products);
    expect(nodes).toHaveLength(2);
    expect(mapShopifyProduct(nodes[0]).variants).toEqual(mapShopifyProduct(productNode()).variants);
    expect(nodes[1]).toEqual({ ...own, id: 'gid://shopify/Product/43', variants: { nodes: [] } });
  });

  it('leaves a product whose variants may go on past the range for the next range, which starts at its first byte', () => {
    const cut = Buffer.from(text.slice(0, text.indexOf(child(second!)) + 10));
    expect(assemble(cut, false, 0, products)).toEqual({ nodes: [], consumed: 0 });
    // The next product's line, whole, closes the first; the next, not known to be whole, waits for the next range.
    const next = assemble(Buffer.from(text), false, 0, products);
    expect(next.nodes.map((node) => node.id)).toEqual([own.id]);
    expect(next.consumed).toBe(Buffer.byteLength(text.slice(0, text.lastIndexOf(line({ ...own, id: 'gid://shopify/Product/43' })))));
  });

  it('refuses a child it does not know, naming the product', () => {
    const stray = line(own) + line({ __typename: 'LineItem', id: 'x', __parentId: own.id });
    expect(() => assemble(Buffer.from(stray), true, 0, products)).toThrow(InvalidPageError);
    expect(() => assemble(Buffer.from(line({ __typename: 'ProductVariant', id: 'x', __parentId: own.id })), true, 0, products)).toThrow(
      /must start at a product's first byte/,
    );
  });

  it('reads customer lines, which have no children, one node each', () => {
    const customers = line(customerNode()) + line(customerNode({ id: 'gid://shopify/Customer/43' }));
    const { nodes } = assemble(Buffer.from(customers), true, 0, shopifyCustomersStream());
    expect(nodes.map((node) => mapShopifyCustomer(node).id)).toEqual(['gid://shopify/Customer/42', 'gid://shopify/Customer/43']);
  });
});
