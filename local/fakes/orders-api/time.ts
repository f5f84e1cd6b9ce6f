// Times inside the fake are integer epoch microseconds (exact in a double until the year 2255);
// this module turns them into the RFC 3339 forms the API writes and back.
import type { Instant } from '../../../functions/core/order';
import { epochMsOf, instantFromEpochMs, parseInstant } from '../../../functions/core/instant';

export const MICROS_PER_MS = 1000;
export const MICROS_PER_SECOND = 1_000_000;

/** The UTC offsets the fake writes timestamps in: `Z` and `+00:00` both, half and quarter hours, ±12..14 h. */
export const OFFSETS: ReadonlyArray<{ label: string; minutes: number }> = [
  { label: 'Z', minutes: 0 },
  { label: '+00:00', minutes: 0 },
  { label: '+02:00', minutes: 120 },
  { label: '-05:00', minutes: -300 },
  { label: '+05:30', minutes: 330 },
  { label: '+05:45', minutes: 345 },
  { label: '-03:30', minutes: -210 },
  { label: '+14:00', minutes: 840 },
  { label: '-12:00', minutes: -720 },
  { label: '+09:00', minutes: 540 },
];

/** A timestamp's written form: which offset and how many fractional digits (0..6). Packed in one byte. */
export interface TimestampStyle {
  offsetIndex: number;
  digits: number;
}

export function packStyle(style: TimestampStyle): number {
  return (style.offsetIndex << 3) | style.digits;
}

export function unpackStyle(packed: number): TimestampStyle {
  return { offsetIndex: packed >> 3, digits: packed & 7 };
}

/** The microseconds one unit of the last written digit is worth: 1 s for 0 digits, 1 µs for 6. */
export function unitMicros(digits: number): number {
  return 10 ** (6 - digits);
}

/** Drops what `digits` fractional digits cannot write, so the written form is the instant exactly. */
export function truncateMicros(micros: number, digits: number): number {
  const unitOf = unitMicros(digits);
  return Math.floor(micros / unitOf) * unitOf;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** Writes `micros` in the style's offset with its number of digits (the value must already fit them). */
export function renderMicros(micros: number, packedStyle: number): string {
  const { offsetIndex, digits } = unpackStyle(packedStyle);
  const offset = OFFSETS[offsetIndex] ?? OFFSETS[0]!;
  const local = micros + offset.minutes * 60 * MICROS_PER_SECOND;
  const wholeSecondsMs = Math.floor(local / MICROS_PER_SECOND) * 1000;
  const fraction = local - wholeSecondsMs * MICROS_PER_MS;
  const date = new Date(wholeSecondsMs);
  const base =
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}` +
    `T${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}`;
  const fractionText = digits === 0 ? '' : `.${pad(fraction, 6).slice(0, digits)}`;
  return `${base}${fractionText}${offset.label}`;
}

export function instantToMicros(instant: Instant): number {
  return epochMsOf(instant) * MICROS_PER_MS + Number(instant.slice(23, 26));
}

export function microsToInstant(micros: number): Instant {
  const ms = Math.floor(micros / MICROS_PER_MS);
  return `${instantFromEpochMs(ms).slice(0, 23)}${pad(micros - ms * MICROS_PER_MS, 3)}Z`;
}

/** An RFC 3339 timestamp (any offset, 0..6 digits) as epoch microseconds, or what is wrong with it. */
export function parseTimestampMicros(text: string): { ok: true; micros: number } | { ok: false; problem: string } {
  const parsed = parseInstant(text);
  return parsed.ok ? { ok: true, micros: instantToMicros(parsed.instant) } : parsed;
}
