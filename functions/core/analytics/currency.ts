// ISO 4217 minor units: how many decimal places a currency's amounts are shown with (JPY 0, USD 2, KWD 3).
import { formatDecimal } from './decimal';

/**
 * The currencies whose minor unit is not 2 (ISO 4217, list one, as amended to 2024). Every other code, known or not
 * (a new currency, a test code, XAU and the other codes ISO gives no minor unit), is shown with 2 places: a figure
 * is never rounded to fit them anyway (formatDecimal keeps what the exact value needs).
 */
const MINOR_UNITS: Readonly<Record<string, number>> = {
  ...Object.fromEntries(
    ['BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI', 'VND', 'VUV', 'XAF', 'XOF', 'XPF'].map((code) => [
      code,
      0,
    ]),
  ),
  ...Object.fromEntries(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND'].map((code) => [code, 3])),
  CLF: 4,
  UYW: 4,
};

export const DEFAULT_MINOR_UNITS = 2;

/** The decimal places of a currency's amounts. */
export function minorUnitsOf(currency: string): number {
  return Object.hasOwn(MINOR_UNITS, currency) ? MINOR_UNITS[currency]! : DEFAULT_MINOR_UNITS;
}

/** An exact amount in its currency's own places (`"1234.50"`, JPY `"1234"`), more only when the exact value needs them. */
export function formatMoney(amount: string, currency: string): string {
  return formatDecimal(amount, minorUnitsOf(currency));
}
