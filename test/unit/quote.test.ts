// Quoting what a source said (functions/adapters/source/quote.ts): secrets are blanked before the quote is cut, so a
// secret at any place around the cut, straddling it included, leaks no part of itself.
import { QUOTE_CHARS, quoteSource, redact, REDACTED } from '../../functions/adapters/source/quote';
import { leakedParts } from '../support/leaks';

const TOKEN = 'shpat_9f3c0e7d51b2a4c8e6f0';

describe('quoting what a source said', () => {
  // Every place from "ends just before the cut" to "starts just after it".
  const places = Array.from({ length: TOKEN.length + 5 }, (_, n) => QUOTE_CHARS - TOKEN.length - 2 + n);

  it.each(places)('with the token at character %i, no part of it of 4 characters or more is quoted', (at) => {
    const said = `${'a'.repeat(at)}${TOKEN}${'b'.repeat(400)}`;

    const quoted = quoteSource(said, [TOKEN]);

    expect(leakedParts(quoted, TOKEN)).toEqual([]);
    expect(quoted.length).toBeLessThanOrEqual(QUOTE_CHARS + 1);
    expect(quoted.endsWith('…')).toBe(true);
  });

  it('keeps a short text whole, every occurrence of every secret blanked, the longer secret first', () => {
    const url = `https://storage.example/r.jsonl?sig=${TOKEN}`;
    expect(quoteSource(`GET ${url} failed; token ${TOKEN} refused`, [TOKEN, url])).toBe(
      `GET ${REDACTED} failed; token ${REDACTED} refused`,
    );
  });

  it('ignores absent and very short secrets (blanking "ab" everywhere would hide the message, not a secret)', () => {
    expect(redact('abc abc', [null, undefined, '', 'ab'])).toBe('abc abc');
  });
});
