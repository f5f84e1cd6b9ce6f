// Instants: RFC 3339 timestamps in, one fixed-width UTC form out (`YYYY-MM-DDTHH:MM:SS.ffffffZ`),
// so that comparing two Instants as strings compares them as points in time, in code and in DynamoDB.
import type { Instant } from './order';

const MS_PER_MINUTE = 60_000;
/** Days in 400 Gregorian years: the calendar repeats exactly, so shifting by it changes no date. */
const MS_PER_400_YEARS = 146_097 * 86_400_000;
/** The fixed-width form only holds four-digit years. */
const MIN_EPOCH_MS = utcMs(0, 1, 1, 0, 0, 0);
const MAX_EPOCH_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

// RFC 3339 section 5.6 (date-time), with its note that `T` and `Z` may be lower case.
// Seconds 60 (leap second) match here and are refused below: an Instant cannot hold them.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;
const INSTANT_FORM = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** What parsing a timestamp gave: the Instant, or what is wrong with it ("has hour 24, outside 00..23"). */
export type ParsedInstant = { ok: true; instant: Instant } | { ok: false; problem: string };

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Date.UTC reads years 0..99 as 1900..1999; computing 400 years later and shifting back avoids that. */
function utcMs(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  return Date.UTC(year + 400, month - 1, day, hour, minute, second) - MS_PER_400_YEARS;
}

/** Whole-millisecond epoch time and a 0..999 microsecond remainder → the fixed-width form. */
function format(epochMs: number, extraMicros: number): Instant {
  if (epochMs < MIN_EPOCH_MS || epochMs > MAX_EPOCH_MS) {
    throw new RangeError(`instant out of range (years 0000..9999): epoch ms ${epochMs}`);
  }
  // toISOString is fixed width for years 0..9999: `YYYY-MM-DDTHH:MM:SS.mmmZ`.
  const iso = new Date(epochMs).toISOString();
  return `${iso.slice(0, 23)}${String(extraMicros).padStart(3, '0')}Z`;
}

/** Parse an RFC 3339 timestamp without throwing: for callers that word their own error. */
export function parseInstant(value: string): ParsedInstant {
  const m = RFC3339.exec(value);
  if (!m) {
    return { ok: false, problem: 'is not of the form YYYY-MM-DDTHH:MM:SS[.ffffff] then Z or ±hh:mm' };
  }
  const [, y, mo, d, h, mi, s, fraction = '', sign, offH, offM] = m as unknown as string[];
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12) return { ok: false, problem: `has month ${mo}, outside 01..12` };
  if (day < 1 || day > daysInMonth(year, month)) return { ok: false, problem: `has day ${d}, not a day of ${y}-${mo}` };
  if (hour > 23) return { ok: false, problem: `has hour ${h}, outside 00..23` };
  if (minute > 59) return { ok: false, problem: `has minute ${mi}, outside 00..59` };
  if (second > 59) return { ok: false, problem: `has second ${s}, outside 00..59 (leap seconds are not supported)` };
  let offsetMinutes = 0;
  if (sign !== undefined) {
    const offsetHours = Number(offH);
    const offsetMins = Number(offM);
    if (offsetHours > 23 || offsetMins > 59) return { ok: false, problem: `has offset ${sign}${offH}:${offM}, outside ±23:59` };
    offsetMinutes = (sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  // The fraction never goes through a float: its first three digits are milliseconds, the rest stays as text.
  const micros = fraction.padEnd(6, '0');
  const epochMs = utcMs(year, month, day, hour, minute, second) - offsetMinutes * MS_PER_MINUTE + Number(micros.slice(0, 3));
  if (epochMs < MIN_EPOCH_MS || epochMs > MAX_EPOCH_MS) {
    return { ok: false, problem: 'is outside the years 0000..9999 once converted to UTC' };
  }
  return { ok: true, instant: format(epochMs, Number(micros.slice(3))) };
}

/** Parse an RFC 3339 timestamp into an Instant; throws RangeError saying what is wrong with it. */
export function toInstant(value: string): Instant {
  if (typeof value !== 'string') throw new RangeError(`not a timestamp: expected a string, got ${typeof value}`);
  const parsed = parseInstant(value);
  if (!parsed.ok) throw new RangeError(`timestamp "${value}" ${parsed.problem}`);
  return parsed.instant;
}

/** Whether this is a string that toInstant accepts. */
export function isInstantString(value: unknown): value is string {
  return typeof value === 'string' && parseInstant(value).ok;
}

/** The Instant of an epoch time in whole milliseconds (what Date.now() returns). */
export function instantFromEpochMs(ms: number): Instant {
  if (!Number.isInteger(ms)) throw new RangeError(`epoch milliseconds must be an integer, got ${ms}`);
  return format(ms, 0);
}

/** Epoch milliseconds of an Instant; the microseconds below the millisecond are dropped. */
export function epochMsOf(instant: Instant): number {
  if (!INSTANT_FORM.test(instant)) throw new RangeError(`not an Instant (YYYY-MM-DDTHH:MM:SS.ffffffZ): "${instant}"`);
  const ms = Date.parse(`${instant.slice(0, 23)}Z`);
  // Date.parse takes February 30 as March 2: a real date-time prints back as itself.
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 23) !== instant.slice(0, 23))
    throw new RangeError(`not an Instant: "${instant}" is not a real date-time`);
  return ms;
}

/** The Instant `ms` milliseconds later (earlier when negative), keeping its microseconds. */
export function addMs(instant: Instant, ms: number): Instant {
  if (!Number.isInteger(ms)) throw new RangeError(`milliseconds to add must be an integer, got ${ms}`);
  return format(epochMsOf(instant) + ms, Number(instant.slice(23, 26)));
}

/** The later of two Instants; null only when both are null. */
export function maxInstant(a: Instant, b: Instant | null): Instant;
export function maxInstant(a: Instant | null, b: Instant): Instant;
export function maxInstant(a: Instant | null, b: Instant | null): Instant | null;
export function maxInstant(a: Instant | null, b: Instant | null): Instant | null {
  if (a === null) return b;
  if (b === null) return a;
  return a >= b ? a : b;
}
