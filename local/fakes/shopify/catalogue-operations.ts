// The products and customers operations of the fake Shopify (the connector's documents for those streams, read by
// operationName): their requested cost, the scope each needs, and their answers from the catalogues.
import { CUSTOMER_NODE_COST, customersPageCost } from '../../../functions/adapters/source/shopify/customers/queries';
import { productConnectionsCost, productNodeCost, productsPageCost } from '../../../functions/adapters/source/shopify/products/queries';
import { MAX_CONNECTION_FIRST, deletionEventsCost, existCheckCost } from '../../../functions/adapters/source/shopify/queries';
import { epochMsOf, toInstant } from '../../../functions/core/instant';
import type { Catalogue, CatalogueStream } from './catalogue';
import { GraphqlError, windowOf, type Fields } from './operations';
import { listConnection, opaque, secondCeiling, unwrap } from './translate';

const PRODUCT_DELETIONS_FILTER = /^subject_type:PRODUCT AND action:destroy AND (?:created_at:>='([^']+)' AND )?created_at:<'([^']+)'$/;

/** The operations served here, the stream each reads and the scope it needs. */
const OPERATIONS: Readonly<Record<string, CatalogueStream>> = {
  ProductsPage: 'products',
  ProductConnections: 'products',
  ProductsCount: 'products',
  ProductDeletions: 'products',
  ProductsExist: 'products',
  CustomersPage: 'customers',
  CustomersCount: 'customers',
  CustomersExist: 'customers',
};
const SCOPE: Readonly<Record<CatalogueStream, string>> = { products: 'read_products', customers: 'read_customers' };

function intIn(value: unknown, name: string, min: number, max: number): number {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    throw new GraphqlError(`${name} must be an integer in ${min}..${max}, got ${JSON.stringify(value)}`, 'BAD_USER_INPUT');
  }
  return value as number;
}

/** A window filter's bounds in epoch ms (whole-second stored times compare with them as Shopify's search would). */
export function windowMs(query: unknown): { fromMs: number | null; toMs: number } {
  const window = windowOf(query);
  return { fromMs: window.from === null ? null : epochMsOf(window.from), toMs: epochMsOf(window.to) };
}

function variantsOf(node: Fields): Fields[] {
  return ((node.variants as Fields).nodes as Fields[]) ?? [];
}

export class CatalogueOperations {
  constructor(
    private readonly catalogues: Readonly<Record<CatalogueStream, Catalogue>>,
    private readonly scopes: () => ReadonlySet<string>,
  ) {}

  serves(operation: string): boolean {
    return Object.hasOwn(OPERATIONS, operation);
  }

  requestedCost(operation: string, variables: Fields): number {
    switch (operation) {
      case 'ProductsPage':
        return productsPageCost(
          intIn(variables.first, 'first', 1, MAX_CONNECTION_FIRST),
          intIn(variables.variants, 'variants', 1, MAX_CONNECTION_FIRST),
        );
      case 'ProductConnections': {
        if (typeof variables.withVariants !== 'boolean')
          throw new GraphqlError('Variable $withVariants of type Boolean! was not provided.', 'INVALID_VARIABLE');
        const first = intIn(variables.variantsFirst, 'variantsFirst', 1, MAX_CONNECTION_FIRST);
        return productConnectionsCost(variables.withVariants ? { variants: first } : {});
      }
      case 'CustomersPage':
        return customersPageCost(intIn(variables.first, 'first', 1, MAX_CONNECTION_FIRST));
      case 'ProductDeletions':
        return deletionEventsCost(intIn(variables.first, 'first', 1, MAX_CONNECTION_FIRST));
      case 'ProductsExist':
      case 'CustomersExist':
        if (!Array.isArray(variables.ids) || variables.ids.length > MAX_CONNECTION_FIRST) {
          throw new GraphqlError(`ids must be a list of at most ${MAX_CONNECTION_FIRST} ids`, 'BAD_USER_INPUT');
        }
        return existCheckCost(variables.ids.length);
      default:
        return 1;
    }
  }

  execute(operation: string, variables: Fields): { data: Fields; actual: number } {
    const stream = OPERATIONS[operation]!;
    const catalogue = this.catalogues[stream];
    const root = stream === 'products' ? 'products' : 'customers';
    this.requireScope(stream, operation);
    switch (operation) {
      case 'ProductsPage':
      case 'CustomersPage':
        return this.page(catalogue, root, variables);
      case 'ProductConnections':
        return this.productConnections(catalogue, variables);
      case 'ProductsCount':
      case 'CustomersCount':
        return { data: { [`${root}Count`]: { count: catalogue.walk(windowMs(variables.query)).length, precision: 'EXACT' } }, actual: 1 };
      case 'ProductDeletions':
        return this.deletions(catalogue, variables);
      default: {
        const typename = stream === 'products' ? 'Product' : 'Customer';
        const nodes = (variables.ids as unknown[]).map((gid) =>
          catalogue.node(gid) === undefined ? null : { __typename: typename, id: gid },
        );
        return { data: { nodes }, actual: 1 + nodes.length };
      }
    }
  }

  private requireScope(stream: CatalogueStream, field: string): void {
    const granted = this.scopes();
    const scope = SCOPE[stream];
    if (!granted.has(scope) && !granted.has(scope.replace('read_', 'write_'))) {
      throw new GraphqlError(`Access denied for ${field} field. Required access: \`${scope}\` access scope.`, 'ACCESS_DENIED', {
        documentation: 'https://shopify.dev/api/usage/access-scopes',
        requiredAccess: `\`${scope}\` access scope.`,
      });
    }
  }

  /** One keyset page of the window, by (updatedAt, id); a product with its first `variants` variants. */
  private page(catalogue: Catalogue, root: string, variables: Fields): { data: Fields; actual: number } {
    const first = variables.first as number;
    const window = windowMs(variables.query);
    let after: { u: number; n: number } | null = null;
    if (variables.after !== null && variables.after !== undefined) {
      const decoded = unwrap(String(variables.after)) as Fields | undefined;
      if (!Number.isInteger(decoded?.u) || !Number.isInteger(decoded?.n))
        throw new GraphqlError('Invalid cursor for current pagination sort.', 'BAD_USER_INPUT');
      after = { u: decoded!.u as number, n: decoded!.n as number };
    }
    const rest = catalogue.walk(window, after);
    const entries = rest.slice(0, first);
    const nodes = entries.map((entry) => {
      const node = catalogue.render(entry);
      return root === 'products' ? { ...node, variants: listConnection(variantsOf(node), variables.variants as number, 0) } : node;
    });
    const last = entries.at(-1);
    const pageInfo = { hasNextPage: rest.length > first, endCursor: last ? opaque({ u: last.updatedMs, n: last.number }) : null };
    const actual =
      3 +
      nodes.reduce(
        (sum, node) =>
          sum + (root === 'products' ? productNodeCost(((node.variants as Fields).nodes as unknown[]).length) : CUSTOMER_NODE_COST),
        0,
      );
    return { data: { [root]: { nodes, pageInfo } }, actual };
  }

  private productConnections(catalogue: Catalogue, variables: Fields): { data: Fields; actual: number } {
    const node = catalogue.node(variables.id);
    if (node === undefined) return { data: { product: null }, actual: 1 };
    const { variants, ...own } = node;
    if (!variables.withVariants) return { data: { product: own }, actual: productConnectionsCost({}) };
    let after = 0;
    if (variables.variantsAfter !== null && variables.variantsAfter !== undefined) {
      const decoded = unwrap(String(variables.variantsAfter)) as Fields | undefined;
      if (!Number.isInteger(decoded?.li)) throw new GraphqlError('Invalid cursor for current pagination sort.', 'BAD_USER_INPUT');
      after = decoded!.li as number;
    }
    const slice = listConnection(variantsOf({ variants }), variables.variantsFirst as number, after);
    return {
      data: { product: { ...own, variants: slice } },
      actual: productConnectionsCost({ variants: (slice.nodes as unknown[]).length }),
    };
  }

  /** `events` filtered to product destructions in a created_at window: the catalogue's deletion log. */
  private deletions(catalogue: Catalogue, variables: Fields): { data: Fields; actual: number } {
    const match = typeof variables.query === 'string' ? PRODUCT_DELETIONS_FILTER.exec(variables.query) : null;
    if (!match) {
      throw new GraphqlError(
        `the fake understands only "subject_type:PRODUCT AND action:destroy AND created_at:>='…' AND created_at:<'…'", got ${JSON.stringify(variables.query)}`,
        'BAD_USER_INPUT',
      );
    }
    const bound = (text: string): number => epochMsOf(secondCeiling(toInstant(text)));
    const all = catalogue.deleted({ fromMs: match[1] === undefined ? null : bound(match[1]), toMs: bound(match[2]!) });
    // Keyset on (deletedAt, gid), as the events' sort: a deletion recorded during the walk lands after the cursor.
    let after: { d: number; g: string } | null = null;
    if (variables.after !== null && variables.after !== undefined) {
      const decoded = unwrap(String(variables.after)) as Fields | undefined;
      if (!Number.isInteger(decoded?.d) || typeof decoded?.g !== 'string')
        throw new GraphqlError('Invalid cursor for current pagination sort.', 'BAD_USER_INPUT');
      after = { d: decoded.d as number, g: decoded.g };
    }
    const rest =
      after === null ? all : all.filter((entry) => entry.deletedMs > after.d || (entry.deletedMs === after.d && entry.gid > after.g));
    const slice = rest.slice(0, variables.first as number);
    const nodes = slice.map((deletion) => ({
      __typename: 'BasicEvent',
      subjectId: deletion.gid,
      subjectType: 'PRODUCT',
      action: 'destroy',
      createdAt: `${new Date(deletion.deletedMs).toISOString().slice(0, 19)}Z`,
    }));
    const last = slice.at(-1);
    const hasNextPage = rest.length > slice.length;
    return {
      data: {
        events: { nodes, pageInfo: { hasNextPage, endCursor: hasNextPage && last ? opaque({ d: last.deletedMs, g: last.gid }) : null } },
      },
      actual: 2 + nodes.length,
    };
  }
}
