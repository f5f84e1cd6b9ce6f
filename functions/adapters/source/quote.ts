// How an error quotes what a source said (a body, a GraphQL message, an exception's text): every secret blanked
// first, then cut to what a message can carry. In that order, a secret that straddles the cut leaks no part of itself.

/** Of a quote, at most this many characters go into an error message (then "…"). */
export const QUOTE_CHARS = 300;
/** What a secret's place reads in a quote. */
export const REDACTED = '[redacted]';
/** A secret shorter than this is not looked for: blanking every "a" would make a quote unreadable and hide nothing. */
const MIN_SECRET_CHARS = 4;

/** `text` with every occurrence of each secret blanked, longest secret first (a secret may contain another). */
export function redact(text: string, secrets: ReadonlyArray<string | null | undefined>): string {
  const known = secrets
    .filter((secret): secret is string => typeof secret === 'string' && secret.length >= MIN_SECRET_CHARS)
    .sort((a, b) => b.length - a.length);
  return known.reduce((quoted, secret) => quoted.split(secret).join(REDACTED), text);
}

/** What a source said, fit to quote in an error or a log line: redacted, then cut to QUOTE_CHARS. */
export function quoteSource(text: string, secrets: ReadonlyArray<string | null | undefined>): string {
  const redacted = redact(text, secrets);
  return redacted.length > QUOTE_CHARS ? `${redacted.slice(0, QUOTE_CHARS)}…` : redacted;
}
