// Calendar days as `YYYY-MM-DD` (a day of the shop's calendar, no time zone attached): parsing with the reason a text
// is not one, and stepping from day to day.

/** A real calendar date, `YYYY-MM-DD`; compared as strings, days compare as dates. */
export type LocalDay = string;

const DAY_FORM = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

export type ParsedDay = { ok: true; day: LocalDay } | { ok: false; problem: string };

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The day a text names, or why it names none ("has day 30, not a day of 2026-02"). */
export function parseLocalDay(text: string): ParsedDay {
  const m = DAY_FORM.exec(text);
  if (!m) return { ok: false, problem: 'is not a day of the form YYYY-MM-DD' };
  const [, y, mo, d] = m as unknown as [string, string, string, string];
  const month = Number(mo);
  if (month < 1 || month > 12) return { ok: false, problem: `has month ${mo}, outside 01..12` };
  const day = Number(d);
  if (day < 1 || day > daysInMonth(Number(y), month)) return { ok: false, problem: `has day ${d}, not a day of ${y}-${mo}` };
  return { ok: true, day: text };
}

/** Whole days from the epoch of a valid day: years 0..99 are not read as 1900..1999. */
function epochDay(day: LocalDay): number {
  const date = new Date(0);
  date.setUTCFullYear(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
  return Math.floor(date.getTime() / MS_PER_DAY);
}

function dayOfEpochDay(epochDays: number): LocalDay {
  const date = new Date(epochDays * MS_PER_DAY);
  return `${String(date.getUTCFullYear()).padStart(4, '0')}-${String(date.getUTCMonth() + 1).padStart(2, '0')}-${String(date.getUTCDate()).padStart(2, '0')}`;
}

/** The day `days` after (before, when negative) this one. */
export function addDays(day: LocalDay, days: number): LocalDay {
  return dayOfEpochDay(epochDay(day) + days);
}

/** How many days from `from` to `to`, both included (1 for one day; 0 or less when `to` is before `from`). */
export function daysInclusive(from: LocalDay, to: LocalDay): number {
  return epochDay(to) - epochDay(from) + 1;
}

/** Every day from `from` to `to`, both included. */
export function eachDay(from: LocalDay, to: LocalDay): LocalDay[] {
  const count = Math.max(0, daysInclusive(from, to));
  return Array.from({ length: count }, (_, i) => addDays(from, i));
}
