// Days in an IANA time zone: which local day an instant falls on, and each day's [start, end) instants, 23 and 25
// hours long at the DST changes.
import { addDays, daysInclusive, eachDay, parseLocalDay } from '../../../functions/core/analytics/local-day';
import { dayBounds, localDayOf, parseTimeZone } from '../../../functions/core/analytics/time-zone';

const LA = 'America/Los_Angeles';

describe('calendar days', () => {
  it('parses real dates only, saying what is wrong', () => {
    expect(parseLocalDay('2024-02-29')).toEqual({ ok: true, day: '2024-02-29' });
    expect(parseLocalDay('2000-02-29').ok).toBe(true);
    expect(parseLocalDay('2026-02-29')).toEqual({ ok: false, problem: 'has day 29, not a day of 2026-02' });
    expect(parseLocalDay('1900-02-29').ok).toBe(false);
    expect(parseLocalDay('2026-04-31')).toEqual({ ok: false, problem: 'has day 31, not a day of 2026-04' });
    expect(parseLocalDay('2026-13-01')).toEqual({ ok: false, problem: 'has month 13, outside 01..12' });
    expect(parseLocalDay('2026-00-10').ok).toBe(false);
    expect(parseLocalDay('2026-01-00').ok).toBe(false);
    expect(parseLocalDay('2026-1-5')).toEqual({ ok: false, problem: 'is not a day of the form YYYY-MM-DD' });
    expect(parseLocalDay('2026-01-05T00:00:00Z').ok).toBe(false);
  });

  it('steps across months, years and leap days, and counts days both included', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('0050-01-01', 1)).toBe('0050-01-02');
    expect(daysInclusive('2026-01-01', '2026-01-01')).toBe(1);
    expect(daysInclusive('2024-01-01', '2024-12-31')).toBe(366);
    expect(daysInclusive('2026-01-02', '2026-01-01')).toBe(0);
    expect(eachDay('2026-02-27', '2026-03-02')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
  });
});

describe('time zone names', () => {
  it('accepts IANA names in their canonical spelling', () => {
    expect(parseTimeZone('UTC')).toEqual({ ok: true, zone: 'UTC' });
    expect(parseTimeZone('America/Los_Angeles')).toEqual({ ok: true, zone: LA });
    expect(parseTimeZone('america/los_angeles')).toEqual({ ok: true, zone: LA });
  });

  it.each([
    ['Mars/Olympus_Mons', 'is not an IANA time zone name'],
    ['PST8PDT/x', 'is not an IANA time zone name'],
    ['', 'is empty'],
    ['+02:00', 'is a UTC offset'],
    ['-0800', 'is a UTC offset'],
  ])('refuses %j: it %s', (name, problem) => {
    const parsed = parseTimeZone(name);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problem).toContain(problem);
  });
});

describe('local days in America/Los_Angeles', () => {
  it('2026-03-08 (clocks spring forward) is 23 hours, PST to PDT', () => {
    expect(dayBounds('2026-03-08', LA)).toEqual({ start: '2026-03-08T08:00:00.000000Z', end: '2026-03-09T07:00:00.000000Z', hours: 23 });
  });

  it('2026-11-01 (clocks fall back) is 25 hours, PDT to PST', () => {
    expect(dayBounds('2026-11-01', LA)).toEqual({ start: '2026-11-01T07:00:00.000000Z', end: '2026-11-02T08:00:00.000000Z', hours: 25 });
  });

  it('an ordinary day is 24 hours, and consecutive days tile time', () => {
    expect(dayBounds('2026-07-04', LA).hours).toBe(24);
    const days = eachDay('2026-02-25', '2026-11-10');
    for (const [i, day] of days.slice(1).entries()) expect(dayBounds(day, LA).start).toBe(dayBounds(days[i]!, LA).end);
    expect(days.map((day) => dayBounds(day, LA).hours).filter((hours) => hours !== 24)).toEqual([23, 25]);
  });

  it('puts an instant on its local day at both edges of each DST day', () => {
    expect(localDayOf('2026-03-08T07:59:59.999999Z', LA)).toBe('2026-03-07');
    expect(localDayOf('2026-03-08T08:00:00.000000Z', LA)).toBe('2026-03-08');
    // 02:30 local does not exist that day; 03:30 PDT is 10:30Z.
    expect(localDayOf('2026-03-08T10:30:00.000000Z', LA)).toBe('2026-03-08');
    expect(localDayOf('2026-03-09T06:59:59.999999Z', LA)).toBe('2026-03-08');
    expect(localDayOf('2026-03-09T07:00:00.000000Z', LA)).toBe('2026-03-09');
    // 01:30 happens twice on 2026-11-01: at 08:30Z (PDT) and 09:30Z (PST), the same day both times.
    expect(localDayOf('2026-11-01T08:30:00.000000Z', LA)).toBe('2026-11-01');
    expect(localDayOf('2026-11-01T09:30:00.000000Z', LA)).toBe('2026-11-01');
    expect(localDayOf('2026-11-02T07:59:59.999999Z', LA)).toBe('2026-11-01');
    expect(localDayOf('2026-11-02T08:00:00.000000Z', LA)).toBe('2026-11-02');
  });
});

describe('local days elsewhere', () => {
  it('UTC days are 24 hours from midnight Z', () => {
    expect(dayBounds('2026-03-08', 'UTC')).toEqual({ start: '2026-03-08T00:00:00.000000Z', end: '2026-03-09T00:00:00.000000Z', hours: 24 });
    expect(localDayOf('2026-03-08T23:59:59.999999Z', 'UTC')).toBe('2026-03-08');
  });

  it('a day whose midnight was skipped starts at the first instant after the gap (São Paulo, 2018-11-04)', () => {
    expect(dayBounds('2018-11-04', 'America/Sao_Paulo')).toEqual({
      start: '2018-11-04T03:00:00.000000Z',
      end: '2018-11-05T02:00:00.000000Z',
      hours: 23,
    });
  });

  it('a day a zone skipped altogether has no instants (Apia, 2011-12-30)', () => {
    expect(dayBounds('2011-12-30', 'Pacific/Apia').hours).toBe(0);
    expect(localDayOf('2011-12-30T10:00:00.000000Z', 'Pacific/Apia')).toBe('2011-12-31');
  });

  it('half-hour offsets and days ahead of UTC', () => {
    expect(dayBounds('2026-01-15', 'Asia/Kolkata')).toEqual({
      start: '2026-01-14T18:30:00.000000Z',
      end: '2026-01-15T18:30:00.000000Z',
      hours: 24,
    });
    expect(localDayOf('2026-01-14T18:29:59.999999Z', 'Asia/Kolkata')).toBe('2026-01-14');
    expect(localDayOf('2026-01-14T11:00:00.000000Z', 'Pacific/Kiritimati')).toBe('2026-01-15');
  });
});
