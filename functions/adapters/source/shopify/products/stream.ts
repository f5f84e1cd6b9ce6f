// The products stream on Shopify: its documents (./queries.ts), a product's variants read to their end, read_products,
// deletions from the product destroy events, and the mapping (./map-product.ts).
import type { Product } from '../../../../core/streams/products/product';
import { checkConnectionSizes, MAX_CONNECTION_FIRST } from '../queries';
import { readScopeCheck, type ShopifyStream } from '../shopify-stream';
import { mapShopifyProduct } from './map-product';
import {
  maxProductsPerRequest,
  PRODUCT_CONNECTIONS,
  PRODUCT_CONNECTIONS_QUERY,
  PRODUCT_DELETIONS_QUERY,
  productConnectionsCost,
  productsBulkQuery,
  PRODUCTS_COUNT_QUERY,
  PRODUCTS_EXIST_QUERY,
  PRODUCTS_PAGE_QUERY,
  productsPageCost,
} from './queries';

export interface ShopifyProductsSettings {
  /** Variants read with each product by the page query (default 10: most products have a few; the rest come by follow-ups). */
  variantsPerProduct?: number;
  /** Variants per follow-up query (default 250, Shopify's most). */
  variantsPerRequest?: number;
}

export function shopifyProductsStream(settings: ShopifyProductsSettings = {}): ShopifyStream<Product> {
  const variantsPerProduct = settings.variantsPerProduct ?? 10;
  const variantsPerRequest = settings.variantsPerRequest ?? MAX_CONNECTION_FIRST;
  checkConnectionSizes({ variantsPerProduct, variantsPerRequest });
  return {
    name: 'products',
    noun: 'product',
    checkScopes: readScopeCheck('products'),
    scopes: 'read_products',
    page: {
      operation: 'ProductsPage',
      document: PRODUCTS_PAGE_QUERY,
      root: 'products',
      variables: { variants: variantsPerProduct },
      cost: (first) => productsPageCost(first, variantsPerProduct),
      maxPerRequest: maxProductsPerRequest(variantsPerProduct),
      costHint: 'lower variantsPerProduct',
    },
    connections: {
      operation: 'ProductConnections',
      document: PRODUCT_CONNECTIONS_QUERY,
      single: 'product',
      names: PRODUCT_CONNECTIONS,
      pageFirsts: { variants: variantsPerProduct },
      followUpFirsts: { variants: variantsPerRequest },
      cost: (firsts) => productConnectionsCost(firsts),
    },
    count: { operation: 'ProductsCount', document: PRODUCTS_COUNT_QUERY, root: 'productsCount', cost: 1 },
    bulk: {
      query: productsBulkQuery,
      childField: (typename) => (typename === 'ProductVariant' ? 'variants' : null),
      connections: PRODUCT_CONNECTIONS,
      typedChildren: [],
    },
    deletionFeed: { operation: 'ProductDeletions', document: PRODUCT_DELETIONS_QUERY, subjectType: 'PRODUCT' },
    exist: { operation: 'ProductsExist', document: PRODUCTS_EXIST_QUERY, typename: 'Product' },
    map: mapShopifyProduct,
  };
}
