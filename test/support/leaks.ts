// Looking for a secret in what an operator or a reader of logs could see: whole, or any part of a few characters.

/** The parts of `secret` of `chars` characters or more that `text` holds. */
export function leakedParts(text: string, secret: string, chars = 4): string[] {
  const parts: string[] = [];
  for (let start = 0; start + chars <= secret.length; start++) {
    const part = secret.slice(start, start + chars);
    if (text.includes(part)) parts.push(part);
  }
  return parts;
}
