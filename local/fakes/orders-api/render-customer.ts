// Builds one customer's JSON object (docs/source-contract.md "Customer") from the customers table's compact state:
// every field not stored is a pure function of (seed, customer, version). What an order names of its buyer (the id,
// the email, the name) depends on the customer alone, never on its version.
import { RecordIds } from './record-ids';
import type { RecordTable } from './record-table';
import { createdDigitsOf } from './record-table';
import { hash32 } from './random';
import { OFFSETS, packStyle, renderMicros } from './time';

export const CUSTOMER_IDS = new RecordIds('cus');

const FIRST_NAMES = ['Ana', 'José', 'Zoë', '小龍', 'Văn An', 'محمد', 'Łukasz', 'Søren', 'Ольга', 'Renée', 'Σωκράτης', 'Emoji 🚀'];
const LAST_NAMES = ['Lima', 'Müller', 'Ødegaard', '李', 'Nguyễn', 'الأحمد', 'Żółkiewski', 'Kierkegaard', 'Петрова', 'O’Connor'];
const STATES = [
  'enabled',
  'enabled',
  'enabled',
  'enabled',
  'enabled',
  'enabled',
  'enabled',
  'enabled',
  'disabled',
  'invited',
  'declined',
] as const;
const CURRENCIES: ReadonlyArray<{ code: string; decimals: number }> = [
  { code: 'USD', decimals: 2 },
  { code: 'EUR', decimals: 2 },
  { code: 'BRL', decimals: 2 },
  { code: 'JPY', decimals: 0 },
];
const TAGS = ['vip', 'wholesale', 'newsletter', 'repeat', 'atacado'];

const SALT = { name: 1, email: 2, state: 3, spent: 4, extra: 5, createdOffset: 6, currency: 7 } as const;

/** The first and last name (each may be null: the shop did not ask). */
function namesOf(seed: number, index: number): { first: string | null; last: string | null } {
  const h = hash32(seed, index, SALT.name);
  return {
    first: h % 19 === 0 ? null : FIRST_NAMES[h % FIRST_NAMES.length]!,
    last: h % 23 === 0 ? null : LAST_NAMES[(h >>> 8) % LAST_NAMES.length]!,
  };
}

/** The customer's name as an order writes it, or null when it has none. */
export function customerNameOf(seed: number, index: number): string | null {
  const { first, last } = namesOf(seed, index);
  return [first, last].filter((part) => part !== null).join(' ') || null;
}

export function customerEmailOf(seed: number, index: number): string | null {
  return hash32(seed, index, SALT.email) % 12 === 0 ? null : `customer${index + 1}@example.com`;
}

export function renderCustomer(table: RecordTable, seed: number, index: number): Record<string, unknown> {
  const version = table.version[index]!;
  const { first, last } = namesOf(seed, index);
  const stateHash = hash32(seed, index, SALT.state, version);
  const currency = CURRENCIES[hash32(seed, index, SALT.currency) % CURRENCIES.length]!;
  // Orders accumulate with each change of the customer; what they spent grows with them.
  const ordersCount = (hash32(seed, index, SALT.spent) % 4) + version;
  const spentMinor = ordersCount * (500 + (hash32(seed, index, SALT.spent, version) % 20_000));
  const spent =
    currency.decimals === 0 ? String(spentMinor) : `${Math.floor(spentMinor / 100)}.${String(spentMinor % 100).padStart(2, '0')}`;
  const customer: Record<string, unknown> = {
    id: CUSTOMER_IDS.idOf(index),
    email: customerEmailOf(seed, index),
    first_name: first,
    last_name: last,
    state: STATES[stateHash % STATES.length]!,
    orders_count: ordersCount,
    total_spent: spent,
    currency: currency.code,
    tags: stateHash % 5 === 0 ? [TAGS[(stateHash >>> 4) % TAGS.length]!] : [],
    created_at: renderMicros(
      table.createdMicros[index]!,
      packStyle({ offsetIndex: hash32(seed, index, SALT.createdOffset) % OFFSETS.length, digits: createdDigitsOf(seed, index) }),
    ),
    updated_at: renderMicros(table.updatedMicros[index]!, table.updatedStyle[index]!),
  };
  // Fields the contract does not name: a connector must keep them and never fail on them.
  const extra = hash32(seed, index, SALT.extra, version);
  if (extra % 3 === 0) customer.phone = `+55 11 9${String(extra % 100_000_000).padStart(8, '0')}`;
  if (extra % 7 === 0) customer.default_address = { city: 'São Paulo', country_code: 'BR', zip: '01310-100' };
  if (extra % 13 === 0) customer.note = `Prefere entrega à tarde — 午後配達 (v${version})`;
  return customer;
}
