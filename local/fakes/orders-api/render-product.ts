// Builds one product's JSON object (docs/source-contract.md "Product") from the products table's compact state: every
// field not stored is a pure function of (seed, product, version), so a product renders the same way until it changes.
// What an order's line item names (a product's title, a variant's id and sku) depends on the product alone, never on
// its version, so an order renders the same whatever happened to the product since.
import { RecordIds } from './record-ids';
import type { RecordTable } from './record-table';
import { createdDigitsOf } from './record-table';
import { hash32, unit } from './random';
import { OFFSETS, packStyle, renderMicros } from './time';

export const PRODUCT_IDS = new RecordIds('prod');
/** Variant ids are `var_` and the product's index times this plus the variant's, in 7 digits or more. */
const VARIANTS_MAX = 100;

const ADJECTIVES = ['Ceramic', 'Linen', 'Organic', 'Handmade', 'Classic', 'Vintage', 'Crème', 'Ñandú', 'Nordic', 'Gift'];
const NOUNS = [
  'Mug',
  'Café au lait bowl',
  'T-shirt “classic”',
  '日本茶 (sencha)',
  'Tote bag',
  'Candle 🕯️',
  'Tea towel',
  'Poster',
  'Bücherregal',
  'Keyring \\ backslash',
];
const VENDORS = ['Acme', 'Ærøskøbing Ltd', 'Müller & Söhne', '株式会社サンプル', 'Casa Lima'];
const TYPES = ['Kitchen', 'Apparel', 'Home', 'Stationery', 'Décor'];
const STATUSES = ['active', 'active', 'active', 'active', 'active', 'active', 'active', 'draft', 'archived'] as const;
const COLORS = ['Blue', 'Red', 'Black', 'Natural', 'Verde'];
const SIZES = ['S', 'M', 'L', 'XL', '350 ml'];
const TAGS = ['gift', 'kitchen', 'new', 'sale', 'pré-venda', 'bestseller'];

const SALT = { title: 1, vendor: 2, variantCount: 3, variant: 4, status: 5, extra: 6, createdOffset: 7, price: 8 } as const;

/** How many variants the product has: half one, most a few, about 1 in 200 the maximum. */
export function variantCountOf(seed: number, index: number): number {
  const h = hash32(seed, index, SALT.variantCount);
  const r = unit(h);
  if (r < 0.005) return VARIANTS_MAX;
  if (r < 0.5) return 1;
  if (r < 0.9) return 2 + (h % 4);
  return 6 + (h % 25);
}

export function variantIdOf(index: number, variant: number): string {
  return `var_${String(index * VARIANTS_MAX + variant + 1).padStart(7, '0')}`;
}

export function productTitleOf(seed: number, index: number): string {
  const h = hash32(seed, index, SALT.title);
  return `${ADJECTIVES[h % ADJECTIVES.length]!} ${NOUNS[(h >>> 8) % NOUNS.length]!}`;
}

/** A variant's sku (null: the shop does not track one). */
export function variantSkuOf(seed: number, index: number, variant: number): string | null {
  const h = hash32(seed, index, SALT.variant, variant);
  return h % 15 === 0 ? null : `SKU-${index + 1}-${variant + 1}`;
}

function variantTitleOf(seed: number, index: number, variant: number, count: number): string {
  if (count === 1) return 'Default Title';
  const h = hash32(seed, index, SALT.variant, variant);
  return `${COLORS[(h >>> 4) % COLORS.length]!} / ${SIZES[variant % SIZES.length]!} #${variant + 1}`;
}

export function renderProduct(table: RecordTable, seed: number, index: number): Record<string, unknown> {
  const version = table.version[index]!;
  const statusHash = hash32(seed, index, SALT.status, version);
  const vendorHash = hash32(seed, index, SALT.vendor);
  const count = variantCountOf(seed, index);
  const variants: Array<Record<string, unknown>> = [];
  for (let v = 0; v < count; v++) {
    const h = hash32(seed, index, SALT.price, v, version);
    const cents = 99 + (h % 19_900);
    const variant: Record<string, unknown> = {
      id: variantIdOf(index, v),
      sku: variantSkuOf(seed, index, v),
      title: variantTitleOf(seed, index, v, count),
      price: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`,
      // Oversold variants go negative; about 1 in 10 is not tracked.
      inventory_quantity: h % 10 === 0 ? null : ((h >>> 8) % 210) - 10,
    };
    if (h % 7 === 0) variant.barcode = String(4_000_000_000_000 + (h % 1_000_000_000));
    variants.push(variant);
  }
  const tagCount = statusHash % 4;
  const product: Record<string, unknown> = {
    id: PRODUCT_IDS.idOf(index),
    title: productTitleOf(seed, index),
    vendor: vendorHash % 10 === 0 ? null : VENDORS[vendorHash % VENDORS.length]!,
    product_type: vendorHash % 8 === 0 ? null : TYPES[(vendorHash >>> 8) % TYPES.length]!,
    status: STATUSES[(statusHash >>> 4) % STATUSES.length]!,
    tags: Array.from({ length: tagCount }, (_, t) => TAGS[(statusHash >>> (8 + 3 * t)) % TAGS.length]!),
    variants,
    created_at: renderMicros(
      table.createdMicros[index]!,
      packStyle({ offsetIndex: hash32(seed, index, SALT.createdOffset) % OFFSETS.length, digits: createdDigitsOf(seed, index) }),
    ),
    updated_at: renderMicros(table.updatedMicros[index]!, table.updatedStyle[index]!),
  };
  // Fields the contract does not name: a connector must keep them and never fail on them.
  const extra = hash32(seed, index, SALT.extra, version);
  if (extra % 3 === 0) product.handle = `product-${index + 1}`;
  if (extra % 11 === 0) product.body_html = `<p>Feito à mão — 手作り (v${version})</p>`;
  if (extra % 17 === 0) product.x_platform = { channel: 'pos', options: [{ name: 'Color' }, { name: 'Size' }] };
  return product;
}
