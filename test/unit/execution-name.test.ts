// Run ids, execution names and write tags say what they are and fit Step Functions' naming rules.
import { executionNameFor, newRunId, writeTagFor } from '../../functions/core/execution-name';

const NOW = '2026-11-25T15:01:02.345678Z';

describe('newRunId', () => {
  it('reads as stream, mode, trigger, UTC time to the second and a random suffix', () => {
    expect(newRunId('orders', 'full', 'http', NOW, () => '7f3a')).toBe('orders-full-http-20261125T150102Z-7f3a');
    expect(newRunId('products', 'incremental', 'schedule', NOW, () => '0000')).toBe('products-incremental-schedule-20261125T150102Z-0000');
  });

  it('draws 4 random hex characters by default, different across calls', () => {
    const ids = new Set(Array.from({ length: 50 }, () => newRunId('customers', 'full', 'cli', NOW)));

    for (const id of ids) expect(id).toMatch(/^customers-full-cli-20261125T150102Z-[0-9a-f]{4}$/);
    expect(ids.size).toBeGreaterThan(1);
  });

  it('refuses a time that is not an Instant and a suffix that would break the name', () => {
    expect(() => newRunId('orders', 'full', 'http', '2026-11-25 15:01', () => '7f3a')).toThrow(RangeError);
    expect(() => newRunId('orders', 'full', 'http', NOW, () => 'a/b')).toThrow(RangeError);
    expect(() => newRunId('orders', 'full', 'http', NOW, () => '')).toThrow(RangeError);
  });
});

describe('executionNameFor', () => {
  it('appends the part to the run id', () => {
    expect(executionNameFor('full-http-20261125T150102Z-7f3a', 1)).toBe('full-http-20261125T150102Z-7f3a-p1');
    expect(executionNameFor('full-http-20261125T150102Z-7f3a', 12)).toBe('full-http-20261125T150102Z-7f3a-p12');
  });

  it('fits the longest run id we make, with room for thousands of parts', () => {
    const longestRunId = newRunId('customers', 'incremental', 'schedule', NOW, () => 'ffffffff');

    expect(executionNameFor(longestRunId, 99_999).length).toBeLessThanOrEqual(80);
  });

  it('refuses a name over 80 characters or with characters Step Functions does not allow', () => {
    expect(() => executionNameFor('x'.repeat(77), 1)).not.toThrow(); // 77 + '-p1' = 80 exactly
    expect(() => executionNameFor('x'.repeat(78), 1)).toThrow(/1\.\.80 characters/);
    expect(() => executionNameFor('run id', 1)).toThrow(RangeError);
    expect(() => executionNameFor('run#1', 1)).toThrow(RangeError);
    expect(() => executionNameFor('run', -1)).toThrow(RangeError);
    expect(() => executionNameFor('run', 1.5)).toThrow(RangeError);
  });
});

describe('writeTagFor', () => {
  it('joins the run id and the page with #', () => {
    expect(writeTagFor('full-http-20261125T150102Z-7f3a', 0)).toBe('full-http-20261125T150102Z-7f3a#0');
    expect(writeTagFor('full-http-20261125T150102Z-7f3a', 7)).toBe('full-http-20261125T150102Z-7f3a#7');
  });

  it('gives different pages of one run different tags', () => {
    expect(writeTagFor('r', 1)).not.toBe(writeTagFor('r', 11));
    expect(() => writeTagFor('r', -1)).toThrow(RangeError);
  });
});
