// Builds one order's JSON object from the table's compact state: every field not stored is a pure
// function of (seed, order, version), so the same order renders the same way until it changes.
import type { OrderTable } from './order-table';
import { createdDigitsOf } from './order-table';
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
const SALT = { currency: 1, customer: 2, lineCount: 3, lineItem: 4, status: 5, extra: 6, tax: 7, createdOffset: 8 } as const;

/** The id of the order at `index`: index 0 is `ord_0000001` (7 digits, so string order is index order). */
export function orderIdOf(index: number): string {
  return `ord_${String(index + 1).padStart(7, '0')}`;
}

/** The index of an id this fake issued, or null. */
export function indexOfOrderId(id: string, size: number): number | null {
  const match = /^ord_(\d{7,})$/.exec(id);
  if (!match) return null;
  const index = Number(match[1]) - 1;
  return index >= 0 && index < size ? index : null;
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

export function renderOrder(table: OrderTable, seed: number, index: number): Record<string, unknown> {
  const version = table.version[index]!;
  const currency = CURRENCIES[hash32(seed, index, SALT.currency) % CURRENCIES.length]!;
  const lineItems: Array<Record<string, unknown>> = [];
  let subtotal = 0;
  for (let j = 0, count = lineCountOf(seed, index); j < count; j++) {
    const h = hash32(seed, index, SALT.lineItem, j);
    const quantity = 1 + (h % 4);
    const unitPrice = currency.decimals === 0 ? 100 + (h % 9000) : 99 + ((h >>> 4) % 19900);
    subtotal += quantity * unitPrice;
    lineItems.push({
      id: `li_${index + 1}_${j + 1}`,
      sku: h % 20 === 0 ? null : `SKU-${(h >>> 8) % 5000}`,
      title: TITLES[(h >>> 12) % TITLES.length],
      quantity,
      price: money(quantity * unitPrice, currency.decimals),
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
  const name = NAMES[customerHash % NAMES.length]!;
  const customer =
    customerHash % 7 === 0
      ? null // guest checkout
      : {
          id: `cus_${(customerHash >>> 3) % 100_000}`,
          email: customerHash % 11 === 0 ? null : `customer${(customerHash >>> 3) % 100_000}@example.com`,
          name: customerHash % 13 === 0 ? null : name,
        };

  const order: Record<string, unknown> = {
    id: orderIdOf(index),
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
  };
  // Fields the contract does not name: a connector must keep them and never fail on them.
  const extra = hash32(seed, index, SALT.extra, version);
  if (extra % 5 === 0) order.tags = [TAGS[extra % TAGS.length], TAGS[(extra >>> 8) % TAGS.length]];
  if (extra % 9 === 0) order.note = `Deixe na portaria — 请放在门口 (v${version})`;
  if (extra % 17 === 0) order.x_platform = { source: 'pos', schema: 2, flags: { beta: true }, weight_grams: 1250.5 };
  return order;
}
