// A bulk operation's JSONL result, read back: each order reassembled with the `__parentId` children that follow it
// (groupObjects: true), in file order, from a byte range that may stop inside an order.
import { InvalidPageError } from '../../../core/errors';

type Fields = Record<string, unknown>;

const NEWLINE = 0x0a;

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A child line's place in the order node, by its __typename. */
function childField(typename: unknown): 'lineItems' | 'discountApplications' | 'shippingLines' | null {
  if (typename === 'LineItem') return 'lineItems';
  if (typename === 'ShippingLine') return 'shippingLines';
  // DiscountCodeApplication, AutomaticDiscountApplication, ...: the concrete types of the DiscountApplication interface.
  if (typeof typename === 'string' && typename.endsWith('Application')) return 'discountApplications';
  return null;
}

/**
 * The complete orders of a byte range, each as an Order node shaped like the paged query's (connections as
 * `{nodes}`), and how many bytes they take. An order is complete when the next order's line begins, or at the end of
 * the file; the last, incomplete one is left for the next range, which starts at its first byte.
 */
export function assemble(bytes: Buffer, atEnd: boolean, offset = 0): { nodes: Fields[]; consumed: number } {
  const nodes: Fields[] = [];
  let current: Fields | null = null;
  let currentStart = 0;
  let position = 0;
  while (position < bytes.byteLength) {
    const newline = bytes.indexOf(NEWLINE, position);
    if (newline === -1 && !atEnd) break; // a cut line: it belongs to the order left for the next range
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
      current = { ...fields, lineItems: { nodes: [] }, discountApplications: { nodes: [] }, shippingLines: { nodes: [] } };
      currentStart = lineStart;
      continue;
    }
    if (current === null) {
      throw new InvalidPageError(
        `the bulk result range at byte ${offset} starts with a child line (of ${String(parentId)}): a range must start at an order's first byte`,
      );
    }
    if (parentId !== current.id) {
      throw new InvalidPageError(
        `the bulk result has a child of ${String(parentId)} under ${String(current.id)} at byte ${offset + lineStart}: children are not grouped after their order (the export must run with groupObjects: true)`,
      );
    }
    const field = childField(fields.__typename);
    if (field === null)
      throw new InvalidPageError(
        `the bulk result has a child of ${String(parentId)} of an unknown type ${JSON.stringify(fields.__typename)}`,
      );
    // Line items and shipping lines carry __typename only to say what they are; the paged query's have none.
    if (field !== 'discountApplications') delete fields.__typename;
    ((current[field] as Fields).nodes as unknown[]).push(fields);
  }
  if (current !== null && atEnd && position >= bytes.byteLength) return { nodes: [...nodes, current], consumed: bytes.byteLength };
  return { nodes, consumed: current === null ? position : currentStart };
}
