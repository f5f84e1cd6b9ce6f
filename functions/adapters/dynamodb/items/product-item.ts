// The products table's item: the fields docs/source-contract.md "Product" names, flat for a dashboard (snake_case,
// exact price strings, Instants, the variants as a list of flat maps), the version attributes, and the raw product
// beside them. Pure mapping both ways.
import type { RecordWrite, WriteKind } from '../../../core/ports';
import type { Product, ProductVariant } from '../../../core/streams/products/product';
import { versionAttributes, type ItemMapping, type VersionAttributes } from '../item-mapping';
import { fittedItem, rawAttributes, SIZING_WRITE, storedRaw, unstorableReason } from './raw-attributes';

export interface VariantAttributes {
  id: string;
  sku: string | null;
  title: string | null;
  /** Exact decimal string. */
  price: string;
  inventory_quantity: number | null;
}

export interface ProductItem extends VersionAttributes {
  title: string;
  vendor: string | null;
  product_type: string | null;
  status: string;
  tags: string[];
  /** How many variants the product has, even when `variants` was trimmed. */
  variant_count: number;
  /** Absent only when the item would not fit DynamoDB's 400 KB with them (`trimmed_details`). */
  variants?: VariantAttributes[];
  created_at: string;
  trimmed_details?: Array<'variants'>;
  /** The source's product as JSON, when it is small enough ... */
  raw?: string;
  /** ... else the same JSON gzip-compressed. Exactly one of the two is present. */
  raw_gz?: Uint8Array;
}

/** A stored product as readers see it: the product (its variants empty when trimmed) and the write's metadata. */
export interface StoredProduct extends Product {
  variantCount: number;
  syncedAt: string;
  writeTag: string | null;
  writeKind: WriteKind | null;
  /** `['variants']` when the item left them out (the raw product has them); empty when none. */
  trimmedDetails: Array<'variants'>;
}

function variantAttributes(variant: ProductVariant): VariantAttributes {
  return {
    id: variant.id,
    sku: variant.sku,
    title: variant.title,
    price: variant.price,
    inventory_quantity: variant.inventoryQuantity,
  };
}

export function productToItem(write: RecordWrite<Product>): ProductItem {
  const { record: product } = write;
  return fittedItem<ProductItem>(
    'product',
    {
      ...versionAttributes(write),
      title: product.title,
      vendor: product.vendor,
      product_type: product.productType,
      status: product.status,
      tags: product.tags,
      variant_count: product.variants.length,
      variants: product.variants.map(variantAttributes),
      created_at: product.createdAt,
      ...rawAttributes('product', product.id, product.raw),
    },
    'variants',
  );
}

export function itemToStoredProduct(item: Record<string, unknown>): StoredProduct {
  const stored = item as unknown as ProductItem;
  return {
    id: stored.id,
    title: stored.title,
    vendor: stored.vendor ?? null,
    productType: stored.product_type ?? null,
    status: stored.status as Product['status'],
    tags: stored.tags ?? [],
    variants: (stored.variants ?? []).map((variant) => ({
      id: variant.id,
      sku: variant.sku ?? null,
      title: variant.title ?? null,
      price: variant.price,
      inventoryQuantity: variant.inventory_quantity ?? null,
    })),
    variantCount: stored.variant_count,
    createdAt: stored.created_at,
    updatedAt: stored.updated_at,
    syncedAt: stored.synced_at,
    writeTag: stored.write_tag ?? null,
    writeKind: stored.write_kind ?? null,
    trimmedDetails: stored.trimmed_details ?? [],
    raw: storedRaw('product', stored),
  };
}

/** The products stream's item mapping. */
export const PRODUCT_ITEMS: ItemMapping<Product, StoredProduct> = {
  toItem: productToItem,
  unstorable: (product) => unstorableReason(() => productToItem({ ...SIZING_WRITE, record: product })),
  fromItem: itemToStoredProduct,
};
