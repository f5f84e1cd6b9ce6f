// Days in the shop's IANA time zone with the runtime's own Intl data (no dependency): which local day an instant falls
// on, and the [start, end) instants of a local day, 23 or 25 hours long at the DST changes.
import { epochMsOf, instantFromEpochMs } from '../instant';
import type { Instant } from '../order';
import { addDays, type LocalDay } from './local-day';

export type ParsedTimeZone = { ok: true; zone: string } | { ok: false; problem: string };

const MS_PER_HOUR = 3_600_000;
/** UTC offsets in use lie within −12h..+14h: a local midnight is within this of the same wall time read as UTC. */
const MAX_OFFSET_MS = 15 * MS_PER_HOUR;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      calendar: 'gregory',
      numberingSystem: 'latn',
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, format);
  }
  return format;
}

/**
 * The IANA zone a name names, in its canonical spelling (`america/los_angeles` → `America/Los_Angeles`), or why it
 * names none. Offsets (`+02:00`) are refused: a fixed offset has no DST and is not the shop's zone.
 */
export function parseTimeZone(name: string): ParsedTimeZone {
  if (name.trim() === '') return { ok: false, problem: 'is empty; give an IANA time zone name such as UTC or America/Los_Angeles' };
  if (/^[+-]/.test(name)) return { ok: false, problem: 'is a UTC offset, not an IANA time zone name (such as Europe/Berlin)' };
  try {
    return { ok: true, zone: new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone };
  } catch {
    return { ok: false, problem: 'is not an IANA time zone name this runtime knows (such as UTC or America/Los_Angeles)' };
  }
}

/** The wall clock in the zone at an epoch time, read back as if it were UTC (whole seconds). */
function wallClockMs(epochMs: number, zone: string): number {
  const parts: Record<string, number> = {};
  let beforeCommonEra = false;
  for (const part of formatter(zone).formatToParts(new Date(epochMs))) {
    if (part.type === 'era') beforeCommonEra = part.value === 'BC';
    else if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const date = new Date(0);
  // The Gregorian calendar counts 1 BC, 2 BC, ...; an Instant's years (0000..9999) count 0, -1, ...
  date.setUTCFullYear(beforeCommonEra ? 1 - parts.year! : parts.year!, parts.month! - 1, parts.day!);
  date.setUTCHours(parts.hour!, parts.minute!, parts.second!);
  return date.getTime();
}

function dayOfWallClock(wallMs: number): LocalDay {
  const date = new Date(wallMs);
  return `${String(date.getUTCFullYear()).padStart(4, '0')}-${String(date.getUTCMonth() + 1).padStart(2, '0')}-${String(date.getUTCDate()).padStart(2, '0')}`;
}

function dayAtMs(epochMs: number, zone: string): LocalDay {
  return dayOfWallClock(wallClockMs(epochMs, zone));
}

/** The local day (in the zone) an instant falls on. */
export function localDayOf(instant: Instant, zone: string): LocalDay {
  return dayAtMs(epochMsOf(instant), zone);
}

/** The first epoch millisecond whose local day is `day` (or later). */
function startMs(day: LocalDay, zone: string): number {
  const midnight = new Date(0);
  midnight.setUTCFullYear(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
  const wall = midnight.getTime();
  // Local midnight is the wall time minus the offset in force then; the offset read at the first guess settles it,
  // except where midnight itself is skipped (a zone that springs forward at 00:00): then search for the day's first
  // millisecond, the local day never decreasing with time.
  let guess = wall - (wallClockMs(wall, zone) - wall);
  guess = wall - (wallClockMs(guess, zone) - guess);
  if (dayAtMs(guess, zone) === day && dayAtMs(guess - 1, zone) < day) return guess;
  let low = wall - MAX_OFFSET_MS;
  let high = wall + MAX_OFFSET_MS;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (dayAtMs(middle, zone) >= day) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** A local day's instants: from its start (included) to the next day's start (excluded). */
export interface DayBounds {
  start: Instant;
  end: Instant;
  /** 24, or 23 and 25 (and others where a zone changes its offset by other than an hour) at the offset changes. */
  hours: number;
}

/** The [start, end) instants of a local day in the zone. */
export function dayBounds(day: LocalDay, zone: string): DayBounds {
  const start = startMs(day, zone);
  const end = startMs(addDays(day, 1), zone);
  return { start: instantFromEpochMs(start), end: instantFromEpochMs(end), hours: (end - start) / MS_PER_HOUR };
}
