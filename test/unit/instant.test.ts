// Instants: every RFC 3339 spelling of a moment becomes one fixed-width UTC string, so string order is time order.
import { addMs, epochMsOf, instantFromEpochMs, isInstantString, maxInstant, toInstant } from '../../functions/core/instant';

describe('toInstant', () => {
  it.each([
    ['2025-01-15T10:31:07.456+02:00', '2025-01-15T08:31:07.456000Z'],
    ['2025-01-15T08:31:07.456Z', '2025-01-15T08:31:07.456000Z'],
    ['2025-01-15T08:31:07Z', '2025-01-15T08:31:07.000000Z'],
    ['2025-01-15T08:31:07.123456Z', '2025-01-15T08:31:07.123456Z'],
    ['2025-01-15T08:31:07.1Z', '2025-01-15T08:31:07.100000Z'],
    ['2025-01-15t08:31:07z', '2025-01-15T08:31:07.000000Z'],
    ['2025-01-15T08:31:07.000001-00:00', '2025-01-15T08:31:07.000001Z'],
  ])('reads %s as %s', (input, expected) => {
    expect(toInstant(input)).toBe(expected);
  });

  it('keeps microseconds exactly, where a Date would lose them', () => {
    // .999999 would become .999 (or round up a second) through a float or a Date.
    expect(toInstant('2025-12-31T23:59:59.999999+00:00')).toBe('2025-12-31T23:59:59.999999Z');
    expect(toInstant('2025-01-15T10:31:07.000007+05:30')).toBe('2025-01-15T05:01:07.000007Z');
  });

  it('handles the widest offsets, crossing day, month and year boundaries', () => {
    expect(toInstant('2025-01-01T00:00:00.5+14:00')).toBe('2024-12-31T10:00:00.500000Z');
    expect(toInstant('2024-12-31T23:30:00-14:00')).toBe('2025-01-01T13:30:00.000000Z');
  });

  it('accepts a leap day only in a leap year', () => {
    expect(toInstant('2024-02-29T12:00:00Z')).toBe('2024-02-29T12:00:00.000000Z');
    expect(toInstant('2000-02-29T12:00:00Z')).toBe('2000-02-29T12:00:00.000000Z');
    expect(() => toInstant('2025-02-29T12:00:00Z')).toThrow(/day 29/);
    expect(() => toInstant('1900-02-29T12:00:00Z')).toThrow(/day 29/);
  });

  it('lands on a leap day when an offset carries it there', () => {
    expect(toInstant('2024-03-01T01:00:00+02:00')).toBe('2024-02-29T23:00:00.000000Z');
  });

  it('reads two-digit years as themselves, not as the 1900s', () => {
    expect(toInstant('0099-06-01T00:00:00Z')).toBe('0099-06-01T00:00:00.000000Z');
  });

  it.each([
    ['no offset', '2025-01-15T10:31:07.456'],
    ['seven fractional digits', '2025-01-15T10:31:07.4560001Z'],
    ['a space for T', '2025-01-15 10:31:07Z'],
    ['a date only', '2025-01-15'],
    ['an offset without a colon', '2025-01-15T10:31:07+0200'],
    ['an hour-only offset', '2025-01-15T10:31:07+02'],
    ['February 30', '2025-02-30T10:31:07Z'],
    ['month 13', '2025-13-01T10:31:07Z'],
    ['day 00', '2025-01-00T10:31:07Z'],
    ['hour 24', '2025-01-15T24:00:00Z'],
    ['minute 60', '2025-01-15T10:60:00Z'],
    ['a leap second', '2016-12-31T23:59:60Z'],
    ['offset hour 24', '2025-01-15T10:31:07+24:00'],
    ['an empty string', ''],
    ['a trailing space', '2025-01-15T10:31:07Z '],
    ['a dot without digits', '2025-01-15T10:31:07.Z'],
    ['a year before 0000 once in UTC', '0000-01-01T00:00:00+01:00'],
  ])('rejects %s with a RangeError', (_what, input) => {
    expect(() => toInstant(input)).toThrow(RangeError);
  });

  it('says what is wrong and quotes the input', () => {
    expect(() => toInstant('2025-01-15T24:00:00Z')).toThrow('timestamp "2025-01-15T24:00:00Z" has hour 24, outside 00..23');
  });

  it('makes string comparison equal instant comparison across offsets and precisions', () => {
    const written = [
      '2025-01-15T12:00:00+05:00', // 07:00:00Z
      '2025-01-15T07:00:00.000001Z', // one microsecond later
      '2025-01-15T08:59:59.9+02:00', // 06:59:59.9Z: the earliest of the three
    ];
    expect(written.map(toInstant).sort()).toEqual([
      '2025-01-15T06:59:59.900000Z',
      '2025-01-15T07:00:00.000000Z',
      '2025-01-15T07:00:00.000001Z',
    ]);
    // The strings as written sort differently: that is why every timestamp is normalised first.
    expect([...written].sort()[0]).toBe('2025-01-15T07:00:00.000001Z');
  });

  it('compares like epoch time for many random moments and offsets', () => {
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const samples = Array.from({ length: 500 }, () => {
      const epochMs = 1_500_000_000_000 + (next() % 100_000_000) * 1000 + (next() % 1000);
      const offsetMinutes = (next() % (14 * 60 * 2 + 1)) - 14 * 60;
      const local = new Date(epochMs + offsetMinutes * 60_000).toISOString().slice(0, 23);
      const sign = offsetMinutes < 0 ? '-' : '+';
      const abs = Math.abs(offsetMinutes);
      const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
      return { epochMs, written: `${local}${offset}` };
    });
    const instants = samples.map((sample) => ({ ...sample, instant: toInstant(sample.written) }));
    const disagreements = instants.flatMap((a) =>
      instants
        .filter((b) => Math.sign(a.epochMs - b.epochMs) !== (a.instant < b.instant ? -1 : a.instant > b.instant ? 1 : 0))
        .map((b) => `${a.written} vs ${b.written}`),
    );
    expect(disagreements).toEqual([]);
  });
});

describe('isInstantString', () => {
  it('is true for what toInstant accepts and false for anything else', () => {
    expect(isInstantString('2025-01-15T10:31:07.456+02:00')).toBe(true);
    expect(isInstantString('2025-02-30T10:31:07Z')).toBe(false);
    expect(isInstantString(1736929867456)).toBe(false);
    expect(isInstantString(null)).toBe(false);
    expect(isInstantString(undefined)).toBe(false);
  });
});

describe('epoch milliseconds', () => {
  it('round-trip at millisecond precision', () => {
    const instant = instantFromEpochMs(Date.UTC(2026, 10, 25, 15, 1, 2, 345));
    expect(instant).toBe('2026-11-25T15:01:02.345000Z');
    expect(epochMsOf(instant)).toBe(Date.UTC(2026, 10, 25, 15, 1, 2, 345));
  });

  it('drop the microseconds below the millisecond when reading one back', () => {
    expect(epochMsOf('2026-11-25T15:01:02.345999Z')).toBe(Date.UTC(2026, 10, 25, 15, 1, 2, 345));
  });

  it('refuse a fractional or out-of-range epoch, and a string that is not an Instant', () => {
    expect(() => instantFromEpochMs(1.5)).toThrow(RangeError);
    expect(() => instantFromEpochMs(Number.NaN)).toThrow(RangeError);
    expect(() => instantFromEpochMs(Date.UTC(10000, 0, 1))).toThrow(/out of range/);
    expect(() => epochMsOf('2026-11-25T15:01:02Z')).toThrow(RangeError);
    expect(() => epochMsOf('2026-02-30T15:01:02.000000Z')).toThrow(RangeError);
  });
});

describe('addMs', () => {
  it('moves by milliseconds and keeps the microseconds', () => {
    expect(addMs('2025-01-15T08:31:07.456789Z', -5 * 60_000)).toBe('2025-01-15T08:26:07.456789Z');
    expect(addMs('2025-01-15T08:31:07.456789Z', 1)).toBe('2025-01-15T08:31:07.457789Z');
    expect(addMs('2025-01-15T08:31:07.456789Z', 0)).toBe('2025-01-15T08:31:07.456789Z');
  });

  it('crosses a leap day', () => {
    expect(addMs('2024-02-28T23:59:59.999999Z', 1)).toBe('2024-02-29T00:00:00.000999Z');
    expect(addMs('2024-03-01T00:02:00.000000Z', -5 * 60_000)).toBe('2024-02-29T23:57:00.000000Z');
  });

  it('refuses a fractional amount', () => {
    expect(() => addMs('2025-01-15T08:31:07.456789Z', 0.5)).toThrow(RangeError);
  });
});

describe('maxInstant', () => {
  it('picks the later instant and treats null as "none"', () => {
    expect(maxInstant('2025-01-15T08:31:07.000001Z', '2025-01-15T08:31:07.000000Z')).toBe('2025-01-15T08:31:07.000001Z');
    expect(maxInstant('2025-01-15T08:31:07.000000Z', '2025-01-15T08:31:07.000001Z')).toBe('2025-01-15T08:31:07.000001Z');
    expect(maxInstant(null, '2025-01-15T08:31:07.000000Z')).toBe('2025-01-15T08:31:07.000000Z');
    expect(maxInstant('2025-01-15T08:31:07.000000Z', null)).toBe('2025-01-15T08:31:07.000000Z');
    expect(maxInstant(null, null)).toBeNull();
  });
});
