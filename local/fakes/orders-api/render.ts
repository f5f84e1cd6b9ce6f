// Builds one order's JSON object from the table's compact state: every field not stored is a pure
// function of (seed, order, version), so the same order renders the same way until it changes. Its buyer is one of the
// shop's seeded customers and its line items name seeded products and variants (render-customer.ts, render-product.ts).
import { customerEmailOf, customerNameOf, CUSTOMER_IDS } from './render-customer';
import { PRODUCT_IDS, productTitleOf, variantCountOf, variantIdOf, variantSkuOf } from './render-product';
import { RecordIds } from './record-ids';
import type { RecordTable } from './record-table';
import { createdDigitsOf } from './record-table';
import { hash32, unit } from './random';
import { OFFSETS, packStyle, renderMicros } from './time';

const NAMES = [
  'Ana Lima',
  'José Müller',
  'Zoë Ødegaard',
  '李小龍',
  'Nguyễn Văn An',
  'محمد الأحمد',
  'Łukasz Żółkiewski',
  'Ærøskøbing Ltd',
  'Søren Kierkegaard',
  'Ольга Петрова',
  'Renée O’Connor',
  'Σωκράτης Παπαδόπουλος',
  'Emoji 🚀 Fan',
];
const TITLES = [
  'Mug',
  'Café au lait bowl',
  'T-shirt “classic”',
  '日本茶 (sencha)',
  'Crème brûlée torch',
  'Bücherregal',
  'Ñandú plush',
  'Candle 🕯️',
  'Tote bag',
  'Espresso cup ×2',
  'Tea towel – linen',
  'Poster "Night"',
  'Backslash \\ keyring',
];
const CURRENCIES: ReadonlyArray<{ code: string; decimals: number }> = [
  { code: 'USD', decimals: 2 },
  { code: 'EUR', decimals: 2 },
  { code: 'BRL', decimals: 2 },
  { code: 'GBP', decimals: 2 },
  { code: 'JPY', decimals: 0 },
];
const FINANCIAL = ['pending', 'authorized', 'paid', 'paid', 'paid', 'partially_refunded', 'refunded', 'voided'] as const;
const FULFILLMENT = [null, null, 'partial', 'fulfilled', 'fulfilled'] as const;
const TAGS = ['gift', 'vip', 'wholesale', 'pré-venda', 'repeat'];

// Salts: which derived field a hash is for.
const SALT = {
  currency: 1,
  customer: 2,
  lineCount: 3,
  lineItem: 4,
  status: 5,
  extra: 6,
  tax: 7,
  createdOffset: 8,
  product: 9,
  discount: 10,
  shipping: 11,
  refund: 12,
} as const;

/** Index 0 is `ord_0000001`. */
export const ORDER_IDS = new RecordIds('ord');

/** The seeded products and customers an order's line items and buyer are drawn from (count 0: none). */
export interface OrderReferences {
  products: { seed: number; count: number };
  customers: { seed: number; count: number };
}

/** Integer minor units → the decimal string of that currency ("1234" → "12.34", JPY "1234"). */
function money(minorUnits: number, decimals: number): string {
  if (decimals === 0) return String(minorUnits);
  const text = String(minorUnits).padStart(decimals + 1, '0');
  return `${text.slice(0, -decimals)}.${text.slice(-decimals)}`;
}

/** How many line items the order has: mostly 1..5, a few none, about 1 in 500 hundreds of them. */
function lineCountOf(seed: number, index: number): number {
  const h = hash32(seed, index, SALT.lineCount);
  const r = unit(h);
  if (r < 0.002) return 100 + (h % 300);
  if (r < 0.03) return 0;
  return 1 + (h % 5);
}

/**
 * The contract's optional money (docs/source-contract.md): `total_discounts` on a third of the orders with lines (null
 * or absent on the others), `total_shipping` on three in four, and for a refunded or partially refunded version
 * changed after its creation, one or two `refunds` dated between its `created_at` and its `updated_at` (a refund moves
 * the order's updated_at), so many fall on later days. Discounts and refunds are pure functions of (seed, order) and
 * (seed, order, version); total_price stays subtotal + tax, as before.
 */
function salesFields(
  table: RecordTable,
  seed: number,
  index: number,
  money: (minorUnits: number) => string,
  order: { subtotal: number; tax: number; decimals: number; financialStatus: string },
): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  const { subtotal, tax, decimals, financialStatus } = order;
  const discountHash = hash32(seed, index, SALT.discount);
  if (discountHash % 3 === 0 && subtotal > 0)
    fields.total_discounts = money(Math.round((subtotal * (5 + ((discountHash >>> 4) % 20))) / 100));
  else if (discountHash % 3 === 2) fields.total_discounts = null;
  const shippingHash = hash32(seed, index, SALT.shipping);
  if (shippingHash % 4 !== 0 && subtotal > 0) {
    fields.total_shipping = money(decimals === 0 ? 500 + ((shippingHash >>> 4) % 1000) : 299 + ((shippingHash >>> 4) % 1500));
  }

  const version = table.version[index]!;
  const createdMicros = table.createdMicros[index]!;
  const updatedMicros = table.updatedMicros[index]!;
  const refundHash = hash32(seed, index, SALT.refund, version);
  const refunded = financialStatus === 'refunded' || financialStatus === 'partially_refunded';
  if (!refunded || updatedMicros <= createdMicros) {
    if (refundHash % 2 === 0) fields.refunds = [];
    return fields;
  }
  const count = financialStatus === 'refunded' ? 1 : 1 + (refundHash % 2);
  const total = financialStatus === 'refunded' ? subtotal + tax : Math.floor((subtotal * (10 + ((refundHash >>> 4) % 40))) / 100);
  const dated = Array.from({ length: count }, (_, k) => {
    const share = ((hash32(seed, index, SALT.refund, version, k) % 1000) + 1) / 1000;
    return Math.min(updatedMicros, createdMicros + Math.ceil(share * (updatedMicros - createdMicros)));
  }).sort((a, b) => a - b);
  fields.refunds = dated.map((atMicros, k) => ({
    id: `ref_${index + 1}_${version}_${k + 1}`,
    created_at: renderMicros(atMicros, packStyle({ offsetIndex: 0, digits: 6 })),
    // The first refund takes the remainder, so the amounts add up to the total exactly.
    amount: money(k === 0 ? total - Math.floor(total / count) * (count - 1) : Math.floor(total / count)),
  }));
  return fields;
}

export function renderOrder(table: RecordTable, seed: number, index: number, references: OrderReferences): Record<string, unknown> {
  const version = table.version[index]!;
  const currency = CURRENCIES[hash32(seed, index, SALT.currency) % CURRENCIES.length]!;
  const lineItems: Array<Record<string, unknown>> = [];
  let subtotal = 0;
  for (let j = 0, count = lineCountOf(seed, index); j < count; j++) {
    const h = hash32(seed, index, SALT.lineItem, j);
    const quantity = 1 + (h % 4);
    const unitPrice = currency.decimals === 0 ? 100 + (h % 9000) : 99 + ((h >>> 4) % 19900);
    subtotal += quantity * unitPrice;
    const { products } = references;
    if (h % 20 === 0 || products.count === 0) {
      // A custom item: no product behind it.
      lineItems.push({
        id: `li_${index + 1}_${j + 1}`,
        sku: null,
        title: TITLES[(h >>> 12) % TITLES.length],
        quantity,
        price: money(quantity * unitPrice, currency.decimals),
        product_id: null,
        variant_id: null,
      });
      continue;
    }
    const product = hash32(seed, index, SALT.lineItem, j, SALT.product) % products.count;
    const variant = (h >>> 8) % variantCountOf(products.seed, product);
    lineItems.push({
      id: `li_${index + 1}_${j + 1}`,
      sku: variantSkuOf(products.seed, product, variant),
      title: productTitleOf(products.seed, product),
      quantity,
      price: money(quantity * unitPrice, currency.decimals),
      product_id: PRODUCT_IDS.idOf(product),
      variant_id: variantIdOf(product, variant),
    });
  }
  const tax = Math.round((subtotal * (hash32(seed, index, SALT.tax) % 2000)) / 10_000);

  const statusHash = hash32(seed, index, SALT.status, version);
  const financialStatus = FINANCIAL[statusHash % FINANCIAL.length]!;
  const status =
    financialStatus === 'voided' || statusHash % 23 === 0 ? 'cancelled' : version > 2 && statusHash % 3 === 0 ? 'closed' : 'open';
  const updatedAt = renderMicros(table.updatedMicros[index]!, table.updatedStyle[index]!);
  const createdStyle = packStyle({
    offsetIndex: hash32(seed, index, SALT.createdOffset) % OFFSETS.length,
    digits: createdDigitsOf(seed, index),
  });

  const customerHash = hash32(seed, index, SALT.customer);
  const { customers } = references;
  const buyer = (customerHash >>> 3) % Math.max(1, customers.count);
  const customer =
    customerHash % 7 === 0 || customers.count === 0
      ? null // guest checkout
      : {
          id: CUSTOMER_IDS.idOf(buyer),
          // What the buyer gave at checkout: now and then nothing, or another name than their account's.
          email: customerHash % 11 === 0 ? null : customerEmailOf(customers.seed, buyer),
          name:
            customerHash % 13 === 0
              ? null
              : customerHash % 5 === 0
                ? NAMES[customerHash % NAMES.length]!
                : customerNameOf(customers.seed, buyer),
        };

  const order: Record<string, unknown> = {
    id: ORDER_IDS.idOf(index),
    order_number: 1001 + index,
    status,
    financial_status: financialStatus,
    fulfillment_status: FULFILLMENT[(statusHash >>> 5) % FULFILLMENT.length]!,
    currency: currency.code,
    total_price: money(subtotal + tax, currency.decimals),
    subtotal_price: money(subtotal, currency.decimals),
    total_tax: money(tax, currency.decimals),
    customer,
    line_items: lineItems,
    created_at: renderMicros(table.createdMicros[index]!, createdStyle),
    updated_at: updatedAt,
    cancelled_at: status === 'cancelled' ? updatedAt : null,
    ...salesFields(table, seed, index, (minorUnits) => money(minorUnits, currency.decimals), {
      subtotal,
      tax,
      decimals: currency.decimals,
      financialStatus,
    }),
  };
  // Fields the contract does not name: a connector must keep them and never fail on them.
  const extra = hash32(seed, index, SALT.extra, version);
  if (extra % 5 === 0) order.tags = [TAGS[extra % TAGS.length], TAGS[(extra >>> 8) % TAGS.length]];
  if (extra % 9 === 0) order.note = `Deixe na portaria — 请放在门口 (v${version})`;
  if (extra % 17 === 0) order.x_platform = { source: 'pos', schema: 2, flags: { beta: true }, weight_grams: 1250.5 };
  return order;
}
