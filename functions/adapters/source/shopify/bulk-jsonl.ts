// A bulk operation's JSONL result, read back: each record (an order, a product, a customer) reassembled with the
// `__parentId` children that follow it (groupObjects: true), in file order, from a byte range that may stop inside one.
import { InvalidPageError } from '../../../core/errors';
import type { SyncRecord } from '../../../core/record';
import { shopifyOrdersStream } from './orders/stream';
import type { ShopifyStream } from './shopify-stream';

type Fields = Record<string, unknown>;

const NEWLINE = 0x0a;

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What reassembling needs of a stream: its noun (for errors) and its bulk export's shape. */
export type BulkShape = Pick<ShopifyStream<SyncRecord>, 'noun' | 'bulk'>;

const ORDERS: BulkShape = shopifyOrdersStream();

/**
 * The complete records of a byte range, each as a node shaped like the paged query's (connections as `{nodes}`), and
 * how many bytes they take. A record is complete when the next record's line begins, or at the end of the file; the
 * last, incomplete one is left for the next range, which starts at its first byte.
 */
export function assemble(bytes: Buffer, atEnd: boolean, offset = 0, shape: BulkShape = ORDERS): { nodes: Fields[]; consumed: number } {
  const { noun, bulk } = shape;
  const nodes: Fields[] = [];
  let current: Fields | null = null;
  let currentStart = 0;
  let position = 0;
  while (position < bytes.byteLength) {
    const newline = bytes.indexOf(NEWLINE, position);
    if (newline === -1 && !atEnd) break; // a cut line: it belongs to the record left for the next range
    const lineEnd = newline === -1 ? bytes.byteLength : newline;
    const lineStart = position;
    position = newline === -1 ? bytes.byteLength : newline + 1;
    if (lineEnd === lineStart) continue;
    let line: unknown;
    try {
      line = JSON.parse(bytes.subarray(lineStart, lineEnd).toString('utf8'));
    } catch {
      throw new InvalidPageError(`the bulk result has a line that is not JSON at byte ${offset + lineStart}`);
    }
    if (!isFields(line)) throw new InvalidPageError(`the bulk result has a line that is not an object at byte ${offset + lineStart}`);
    const { __parentId: parentId, ...fields } = line;
    if (parentId === undefined) {
      if (current !== null) nodes.push(current);
      current = { ...fields };
      for (const name of bulk.connections) current[name] = { nodes: [] };
      currentStart = lineStart;
      continue;
    }
    if (current === null) {
      throw new InvalidPageError(
        `the bulk result range at byte ${offset} starts with a child line (of ${String(parentId)}): a range must start at ${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}'s first byte`,
      );
    }
    if (parentId !== current.id) {
      throw new InvalidPageError(
        `the bulk result has a child of ${String(parentId)} under ${String(current.id)} at byte ${offset + lineStart}: children are not grouped after their ${noun} (the export must run with groupObjects: true)`,
      );
    }
    const field = bulk.childField(fields.__typename);
    if (field === null)
      throw new InvalidPageError(
        `the bulk result has a child of ${String(parentId)} of an unknown type ${JSON.stringify(fields.__typename)}`,
      );
    // Most children carry __typename only to say what they are; the paged query's have none.
    if (!bulk.typedChildren.includes(field)) delete fields.__typename;
    ((current[field] as Fields).nodes as unknown[]).push(fields);
  }
  if (current !== null && atEnd && position >= bytes.byteLength) return { nodes: [...nodes, current], consumed: bytes.byteLength };
  return { nodes, consumed: current === null ? position : currentStart };
}
