// The products stream's model: a product as every connector maps it (docs/source-contract.md "Product" is its
// reference shape), with the variants a dashboard names what sold by.
import type { Instant } from '../../order';
import type { SyncRecord } from '../../record';

export type ProductStatus = 'active' | 'draft' | 'archived';

export interface ProductVariant {
  id: string;
  sku: string | null;
  /** The contract does not require it: absent reads as null. */
  title: string | null;
  /** Exact decimal string. */
  price: string;
  /** May be negative (oversold); null when the source does not track it. */
  inventoryQuantity: number | null;
}

export interface Product extends SyncRecord {
  id: string;
  title: string;
  vendor: string | null;
  productType: string | null;
  status: ProductStatus;
  tags: string[];
  /** At least one. */
  variants: ProductVariant[];
  createdAt: Instant;
  updatedAt: Instant;
  raw: Record<string, unknown>;
}
