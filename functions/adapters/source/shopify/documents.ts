// Every GraphQL document the Shopify connector sends, of every stream, by operation name: the schema test validates
// each against the vendored Admin API schemas (test/unit/shopify-documents.test.ts).
import { CUSTOMER_DOCUMENTS } from './customers/queries';
import { PRODUCT_DOCUMENTS } from './products/queries';
import { SHOPIFY_DOCUMENTS } from './queries';

export const ALL_SHOPIFY_DOCUMENTS: Readonly<Record<string, string>> = {
  ...SHOPIFY_DOCUMENTS,
  ...PRODUCT_DOCUMENTS,
  ...CUSTOMER_DOCUMENTS,
};
