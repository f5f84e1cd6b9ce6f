// Checks one source product against the Product table of docs/source-contract.md and normalises it into a Product;
// PRODUCTS is the products stream's model for the engine.
import { InvalidRecordError } from '../../errors';
import { describe, FieldReader, isFields } from '../../field-reader';
import type { StreamModel } from '../../stream';
import type { Product, ProductStatus, ProductVariant } from './product';

// Absent vs null, as for orders: a nullable field (vendor, product_type, a variant's sku, title and
// inventory_quantity) that is missing altogether reads as null; `raw` keeps the product exactly as sent.

const PRODUCT_STATUSES: readonly ProductStatus[] = ['active', 'draft', 'archived'];

class ProductReader extends FieldReader {
  constructor(productId: string) {
    super('product', productId);
  }

  variants(value: unknown): ProductVariant[] {
    const variants = this.array(value, 'variants');
    if (variants.length === 0) this.fail('variants', 'must hold at least one variant', value);
    return variants.map((item, i) => {
      const path = `variants[${i}]`;
      const variant = this.fields(item, path);
      return {
        id: this.nonEmptyString(variant.id, `${path}.id`),
        sku: this.nullableString(variant.sku, `${path}.sku`),
        title: this.nullableString(variant.title, `${path}.title`),
        price: this.decimal(variant.price, `${path}.price`),
        inventoryQuantity: this.nullableInteger(variant.inventory_quantity, `${path}.inventory_quantity`),
      };
    });
  }

  /** Any safe integer, negative included (an oversold variant), or null. */
  private nullableInteger(value: unknown, field: string): number | null {
    if (value === undefined || value === null) return null;
    if (!Number.isSafeInteger(value)) this.fail(field, 'must be an integer or null', value);
    return value as number;
  }
}

/**
 * The validated, normalised product; throws InvalidRecordError naming the product id, the field path and the
 * problem. `raw` is the input object itself, unknown fields included.
 */
export function validateProduct(input: unknown): Product {
  if (!isFields(input)) throw new InvalidRecordError('product', '', '(product)', `must be an object, got ${describe(input)}`);
  // The id first, so every later error can name the product.
  if (typeof input.id !== 'string' || input.id.length === 0) {
    throw new InvalidRecordError('product', '', 'id', `must be a non-empty string, got ${describe(input.id)}`);
  }
  const read = new ProductReader(input.id);
  return {
    id: input.id,
    title: read.nonEmptyString(input.title, 'title'),
    vendor: read.nullableString(input.vendor, 'vendor'),
    productType: read.nullableString(input.product_type, 'product_type'),
    status: read.oneOf(input.status, 'status', PRODUCT_STATUSES),
    tags: read.strings(input.tags, 'tags'),
    variants: read.variants(input.variants),
    createdAt: read.instant(input.created_at, 'created_at'),
    updatedAt: read.instant(input.updated_at, 'updated_at'),
    raw: input,
  };
}

export const PRODUCTS: StreamModel<Product> = { name: 'products', noun: 'product', validate: validateProduct };
