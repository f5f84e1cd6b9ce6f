// A compiled handler's source map cut to the project's own code: each execution environment parses its map whole
// the first time a stack trace is made (some 0.5 s of CPU for the AWS SDK's mappings), and a stack trace needs our
// lines. Code from node_modules stays in the bundle, unmapped: its frames show the bundle's line.

export interface SourceMap {
  version: number;
  sources: string[];
  mappings: string;
  names?: string[];
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...BASE64].map((char, value) => [char, value]));

/** The map with every segment from a source `keep` refuses made unmapped (only its generated column left). */
export function ownSourceMap(map: SourceMap, keep: (source: string) => boolean): SourceMap {
  const kept = map.sources.map(keep);
  // Source index, line, column and name are relative to the previous segment's across the whole map, in both maps.
  const read = [0, 0, 0, 0];
  const written = [0, 0, 0, 0];
  const lines = map.mappings.split(';').map((line) => {
    let column = 0;
    let writtenColumn = 0;
    let unmapped = false;
    const segments: string[] = [];
    for (const segment of line === '' ? [] : line.split(',')) {
      const fields = decode(segment);
      column += fields[0]!;
      for (let at = 1; at < fields.length; at++) read[at - 1] = read[at - 1]! + fields[at]!;
      const own = fields.length > 1 && kept[read[0]!] === true;
      // A run of unmapped segments is one: the first marks where our code ends.
      if (!own && unmapped) continue;
      const out = [column - writtenColumn];
      writtenColumn = column;
      if (own) {
        for (let at = 1; at < fields.length; at++) {
          out.push(read[at - 1]! - written[at - 1]!);
          written[at - 1] = read[at - 1]!;
        }
      }
      unmapped = !own;
      segments.push(encode(out));
    }
    return segments.join(',');
  });
  return { ...map, mappings: lines.join(';') };
}

function decode(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = DIGIT.get(char);
    if (digit === undefined) throw new Error(`not a source map segment: ${segment}`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return values;
}

function encode(values: number[]): string {
  let text = '';
  for (const value of values) {
    let rest = value < 0 ? (-value << 1) | 1 : value << 1;
    do {
      let digit = rest & 31;
      rest >>>= 5;
      if (rest > 0) digit |= 32;
      text += BASE64[digit];
    } while (rest > 0);
  }
  return text;
}
