// The daily-sales route's parameters: `from` and `to`, two real calendar days, both included, at most 366 days apart,
// refused with an error that names the parameter and the problem.
import { InvalidInputError } from '../errors';
import { daysInclusive, parseLocalDay, type LocalDay } from './local-day';

/** A year, leap day included: enough for any year-over-year view, small enough for one read. */
export const MAX_RANGE_DAYS = 366;

export interface DayRange {
  from: LocalDay;
  to: LocalDay;
}

function day(query: Readonly<Record<string, string | undefined>>, name: 'from' | 'to'): LocalDay {
  const value = query[name];
  if (value === undefined || value === '') throw new InvalidInputError(`${name}: required, a day as YYYY-MM-DD`);
  const parsed = parseLocalDay(value);
  if (!parsed.ok)
    throw new InvalidInputError(`${name}: ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)} ${parsed.problem}`);
  return parsed.day;
}

/** The days the query asks for; InvalidInputError (a 400) naming what is wrong. */
export function parseDayRange(query: Readonly<Record<string, string | undefined>>): DayRange {
  const from = day(query, 'from');
  const to = day(query, 'to');
  const days = daysInclusive(from, to);
  if (days < 1) throw new InvalidInputError(`to: ${to} is before from (${from})`);
  if (days > MAX_RANGE_DAYS) {
    throw new InvalidInputError(`from ${from} to ${to} is ${days} days, both included; at most ${MAX_RANGE_DAYS} days per request`);
  }
  return { from, to };
}
