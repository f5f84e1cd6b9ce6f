// Valid raw source products in the shape of docs/source-contract.md "Product", for any test: override what the story
// is about. An override whose value is `undefined` removes that field (to test a missing field).
import type { Product } from '../../functions/core/streams/products/product';
import { validateProduct } from '../../functions/core/streams/products/validate-product';
import { applyOverrides, type Overrides } from './order-factory';

export function rawVariant(overrides: Overrides = {}): Record<string, unknown> {
  return applyOverrides({ id: 'var_0000101', sku: 'SKU-1', title: 'Blue / 350 ml', price: '29.99', inventory_quantity: 12 }, overrides);
}

/** docs/source-contract.md's example product (prod_0000042), with overrides. */
export function rawProduct(overrides: Overrides = {}): Record<string, unknown> {
  return applyOverrides(
    {
      id: 'prod_0000042',
      title: 'Ceramic Mug',
      vendor: 'Acme',
      product_type: 'Kitchen',
      status: 'active',
      tags: ['gift', 'kitchen'],
      variants: [rawVariant()],
      created_at: '2024-03-02T09:00:00Z',
      updated_at: '2025-01-15T10:31:07.456Z',
    },
    overrides,
  );
}

/** A validated Product built from rawProduct(overrides). */
export function product(overrides: Overrides = {}): Product {
  return validateProduct(rawProduct(overrides));
}
