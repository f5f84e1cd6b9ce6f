// Maps one Shopify Product node (PRODUCT_FIELDS and its variants, as the paged query selects them or the bulk export
// reassembles them) onto the reference contract's product (docs/source-contract.md "Product"); the stream's validator
// then checks it, so both connectors obey one set of rules. An error names the Shopify field.
//
// Field meanings: https://shopify.dev/docs/api/admin-graphql/latest/objects/Product, objects/ProductVariant,
// enums/ProductStatus (read Dec 2026).
import { InvalidRecordError } from '../../../../core/errors';
import type { Product } from '../../../../core/streams/products/product';
import { validateProduct } from '../../../../core/streams/products/validate-product';
import { throughValidator } from '../map-record';
import { isFields, type Fields } from '../shopify-graphql';

/**
 * Product.status → the contract's. UNLISTED (2025 on: sellable through its link, hidden from the store's search and
 * collections) reads as `active`: it can still sell, which is what a dashboard naming what sold needs. Any other
 * value fails the product.
 */
export const PRODUCT_STATUS: Readonly<Record<string, string>> = {
  ACTIVE: 'active',
  UNLISTED: 'active',
  DRAFT: 'draft',
  ARCHIVED: 'archived',
};

/** Contract field paths → the Shopify field they come from, so errors name what Shopify sent. */
const SOURCE_FIELDS: ReadonlyArray<[RegExp, string]> = [
  [/^product_type$/, 'productType'],
  [/^variants$/, 'variants.nodes'],
  [/^variants\[(\d+)\]\.inventory_quantity$/, 'variants.nodes[$1].inventoryQuantity'],
  [/^variants\[(\d+)\]\./, 'variants.nodes[$1].'],
  [/^created_at$/, 'createdAt'],
  [/^updated_at$/, 'updatedAt'],
];

export function productSourceField(field: string): string {
  for (const [pattern, replacement] of SOURCE_FIELDS) if (pattern.test(field)) return field.replace(pattern, replacement);
  return field;
}

/** Shopify writes "no vendor" and "no type" as the empty string (the fields are non-null): the contract's null. */
function emptyAsNull(value: unknown): unknown {
  return value === '' ? null : value;
}

/** The contract-shaped product of a Shopify Product node; throws InvalidRecordError on what cannot map. */
export function toProductShape(node: unknown): Fields {
  if (!isFields(node)) throw new InvalidRecordError('product', '', '(product)', 'must be an object');
  const id = typeof node.id === 'string' ? node.id : '';
  if (id === '') throw new InvalidRecordError('product', '', 'id', 'must be a non-empty string (a gid://shopify/Product/… id)');
  const status = node.status;
  if (typeof status !== 'string' || !Object.hasOwn(PRODUCT_STATUS, status)) {
    throw new InvalidRecordError(
      'product',
      id,
      'status',
      `has no mapping for ${JSON.stringify(status) ?? 'nothing'} (known: ${Object.keys(PRODUCT_STATUS).join(', ')}; see map-product.ts)`,
    );
  }
  // The connector reads the variants to their end (follow-ups, or the bulk export): its nodes are the whole list.
  const variants = isFields(node.variants) ? node.variants.nodes : node.variants;
  return {
    id,
    title: node.title,
    vendor: emptyAsNull(node.vendor),
    product_type: emptyAsNull(node.productType),
    status: PRODUCT_STATUS[status],
    tags: node.tags,
    variants: Array.isArray(variants)
      ? variants.map((variant: unknown) =>
          isFields(variant)
            ? {
                id: variant.id,
                sku: emptyAsNull(variant.sku),
                title: variant.title,
                price: variant.price,
                inventory_quantity: variant.inventoryQuantity,
              }
            : variant,
        )
      : variants,
    created_at: node.createdAt,
    updated_at: node.updatedAt,
  };
}

/** The validated Product of a Shopify node; `raw` is the node itself. Errors name the Shopify field. */
export const mapShopifyProduct: (node: unknown) => Product = throughValidator(toProductShape, validateProduct, productSourceField);
