// Exact decimal arithmetic on the source's money strings ("129.95", "-0.5", "1234"): each value as a bigint of units
// at its own scale, so no sum ever goes through a float.
import { DECIMAL } from '../field-reader';

/** A decimal as `units × 10^-scale` (scale: the digits after the point). */
interface Scaled {
  units: bigint;
  scale: number;
}

function parse(value: string): Scaled {
  if (!DECIMAL.test(value)) throw new RangeError(`not a decimal string: ${JSON.stringify(value)}`);
  const point = value.indexOf('.');
  if (point === -1) return { units: BigInt(value), scale: 0 };
  return { units: BigInt(value.slice(0, point) + value.slice(point + 1)), scale: value.length - point - 1 };
}

function rescale(value: Scaled, scale: number): bigint {
  return value.units * 10n ** BigInt(scale - value.scale);
}

function text({ units, scale }: Scaled): string {
  const digits = (units < 0n ? -units : units).toString().padStart(scale + 1, '0');
  const sign = units < 0n ? '-' : '';
  return scale === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

function combine(a: string, b: string, sign: 1n | -1n): string {
  const left = parse(a);
  const right = parse(b);
  const scale = Math.max(left.scale, right.scale);
  return text({ units: rescale(left, scale) + sign * rescale(right, scale), scale });
}

/** a + b, exactly, at the larger of their scales: `addDecimals("1.5", "0.25")` is `"1.75"`. */
export function addDecimals(a: string, b: string): string {
  return combine(a, b, 1n);
}

/** a − b, exactly, at the larger of their scales. */
export function subtractDecimals(a: string, b: string): string {
  return combine(a, b, -1n);
}

/** The exact sum of the values ("0" for none). */
export function sumDecimals(values: Iterable<string>): string {
  let sum = '0';
  for (const value of values) sum = addDecimals(sum, value);
  return sum;
}

/** −1, 0 or 1 as a is less than, equal to or greater than b, exactly. */
export function compareDecimals(a: string, b: string): -1 | 0 | 1 {
  const difference = parse(subtractDecimals(a, b)).units;
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}

export function isZeroDecimal(value: string): boolean {
  return parse(value).units === 0n;
}

/**
 * The value with exactly `places` digits after the point, or more when the exact value needs them: a currency's
 * places are a display rule, never a reason to round money away (`formatDecimal("10.0", 2)` is `"10.00"`,
 * `formatDecimal("0.125", 2)` stays `"0.125"`, `formatDecimal("1234.00", 0)` is `"1234"`).
 */
export function formatDecimal(value: string, places: number): string {
  if (!Number.isInteger(places) || places < 0) throw new RangeError(`decimal places must be an integer >= 0, got ${places}`);
  const { units, scale } = parse(value);
  let kept = { units: units * 10n ** BigInt(Math.max(0, places - scale)), scale: Math.max(scale, places) };
  while (kept.scale > places && kept.units % 10n === 0n) kept = { units: kept.units / 10n, scale: kept.scale - 1 };
  return text(kept);
}

/** The ratio |a| / |b| as a float, for drawing only (bars): exact enough for a terminal column, never for money. */
export function magnitudeRatio(a: string, b: string): number {
  const left = parse(a);
  const right = parse(b);
  const scale = Math.max(left.scale, right.scale);
  const numerator = rescale(left, scale);
  const denominator = rescale(right, scale);
  if (denominator === 0n) return 0;
  const abs = (n: bigint): bigint => (n < 0n ? -n : n);
  // Six significant places of the ratio in integer arithmetic, then one float division.
  return Number((abs(numerator) * 1_000_000n) / abs(denominator)) / 1_000_000;
}
