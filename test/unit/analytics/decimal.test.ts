// Exact decimals: sums of money strings never go through a float, and a currency's places never round money away.
import {
  addDecimals,
  compareDecimals,
  formatDecimal,
  isZeroDecimal,
  subtractDecimals,
  sumDecimals,
} from '../../../functions/core/analytics/decimal';
import { formatMoney, minorUnitsOf } from '../../../functions/core/analytics/currency';

describe('exact decimal arithmetic on strings', () => {
  it('adds where floats drift: 0.1 + 0.2 is 0.3', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(addDecimals('0.1', '0.2')).toBe('0.3');
  });

  it('adds and subtracts at the larger scale, signs included', () => {
    expect(addDecimals('1.5', '0.25')).toBe('1.75');
    expect(addDecimals('10', '0.005')).toBe('10.005');
    expect(subtractDecimals('1.00', '2.5')).toBe('-1.50');
    expect(subtractDecimals('-0.5', '-0.5')).toBe('0.0');
    expect(addDecimals('-3', '1.25')).toBe('-1.75');
    expect(subtractDecimals('0.05', '0.1')).toBe('-0.05');
  });

  it('sums amounts beyond what a double holds exactly', () => {
    expect(String(Number('9007199254740993.01') + 0.01)).not.toBe('9007199254740993.02');
    expect(sumDecimals(['9007199254740993.01', '0.01'])).toBe('9007199254740993.02');
    expect(sumDecimals(['9007199254740993.01', '0.01', '1234567890123456789.99'])).toBe('1243575089378197783.01');
    expect(sumDecimals([])).toBe('0');
  });

  it('sums a thousand cents to exactly ten', () => {
    expect(sumDecimals(Array.from({ length: 1000 }, () => '0.01'))).toBe('10.00');
  });

  it('compares and tests for zero exactly', () => {
    expect(compareDecimals('1.10', '1.1')).toBe(0);
    expect(compareDecimals('-0.01', '0')).toBe(-1);
    expect(compareDecimals('100000000000000000000.01', '100000000000000000000')).toBe(1);
    expect(isZeroDecimal('-0.000')).toBe(true);
    expect(isZeroDecimal('0.001')).toBe(false);
  });

  it('refuses what is not a decimal string, naming it', () => {
    expect(() => addDecimals('1e3', '1')).toThrow('not a decimal string: "1e3"');
    expect(() => sumDecimals(['1,50'])).toThrow('"1,50"');
  });

  it('formats to a number of places, padding, never rounding money away', () => {
    expect(formatDecimal('10.5', 2)).toBe('10.50');
    expect(formatDecimal('1234.00', 0)).toBe('1234');
    expect(formatDecimal('0.125', 2)).toBe('0.125');
    expect(formatDecimal('0.1250', 2)).toBe('0.125');
    expect(formatDecimal('-0.5', 3)).toBe('-0.500');
    expect(formatDecimal('-0.00', 2)).toBe('0.00');
    expect(formatDecimal('7', 2)).toBe('7.00');
  });
});

describe('ISO 4217 minor units', () => {
  it.each([
    ['USD', 2],
    ['EUR', 2],
    ['JPY', 0],
    ['KRW', 0],
    ['CLP', 0],
    ['KWD', 3],
    ['BHD', 3],
    ['TND', 3],
    ['CLF', 4],
    ['ZZZ', 2],
    ['XAU', 2],
  ])('%s has %d places (unknown codes and codes without a minor unit: 2)', (currency, places) => {
    expect(minorUnitsOf(currency)).toBe(places);
  });

  it("formats money in the currency's own places", () => {
    expect(formatMoney('1234.5', 'USD')).toBe('1234.50');
    expect(formatMoney('1234', 'JPY')).toBe('1234');
    expect(formatMoney('1234.000', 'JPY')).toBe('1234');
    expect(formatMoney('12.3', 'KWD')).toBe('12.300');
    expect(formatMoney('0', 'EUR')).toBe('0.00');
    // A source that sent more places than its currency has: kept, not rounded.
    expect(formatMoney('1234.5', 'JPY')).toBe('1234.5');
  });

  it('does not take inherited object keys for currencies', () => {
    expect(minorUnitsOf('constructor')).toBe(2);
  });
});
