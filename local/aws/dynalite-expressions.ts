// dynalite parses every request's ConditionExpression (and key condition, filter) with a backtracking PEG parser: the
// record store's conditional write costs it 10 to 25 ms of CPU, on every write, the largest cost of a local sync.
// The same few expressions come again and again with other values: each shape is parsed once, and a later request
// gets that parse with its own values put in, and the same bookkeeping (which names and values it used).

/** The part of an attribute value the parse depends on, besides its place: its type (as a DynamoDB JSON key). */
type AttributeValue = Record<string, unknown>;

/** What dynalite's validations hand its expression parsers. */
export interface ExpressionContext {
  attrNames?: Record<string, string>;
  attrVals?: Record<string, AttributeValue>;
  unusedAttrNames?: Record<string, boolean>;
  unusedAttrVals?: Record<string, boolean>;
  isKeyCondition?: boolean;
}

export interface ExpressionParser {
  parse(input: string, options: { context: ExpressionContext }): unknown;
}

/** Where a value of the request stood in a remembered parse. */
class ValueSlot {
  constructor(readonly name: string) {}
}

interface Remembered {
  /** The parse, with each of the request's values replaced by its slot. */
  shape: unknown;
  usedNames: string[];
  usedValues: string[];
}

/**
 * Expressions whose parse looks at a value's content, not only its type (BETWEEN compares its bounds, attribute_type
 * reads its type name): parsed every time.
 */
const READS_VALUES = /between|attribute_type/i;

/** Replaces `parser.parse` with one that parses each expression shape once. Returns how many parses it saved. */
export function rememberParses(parser: ExpressionParser): { saved: () => number } {
  const parse = parser.parse.bind(parser);
  const remembered = new Map<string, Remembered>();
  let saved = 0;
  parser.parse = (input, options) => {
    const { context } = options;
    if (READS_VALUES.test(input)) return parse(input, options);
    const values = context.attrVals ?? {};
    const key = JSON.stringify([
      input,
      context.attrNames ?? null,
      Object.entries(values).map(([name, value]) => [name, Object.keys(value)]),
      context.isKeyCondition === true,
    ]);
    const known = remembered.get(key);
    if (known) {
      saved += 1;
      for (const name of known.usedNames) delete context.unusedAttrNames?.[name];
      for (const name of known.usedValues) delete context.unusedAttrVals?.[name];
      return fill(known.shape, values);
    }
    const unusedNames = Object.keys(context.unusedAttrNames ?? {});
    const unusedValues = Object.keys(context.unusedAttrVals ?? {});
    const parsed = parse(input, options);
    // An error (a string, or thrown) is not remembered: the next request gets it from the parser again.
    if (typeof parsed === 'string') return parsed;
    const slots = new Map<unknown, string>(Object.entries(values).map(([name, value]) => [value, name]));
    remembered.set(key, {
      shape: carve(parsed, slots),
      usedNames: unusedNames.filter((name) => !(name in (context.unusedAttrNames ?? {}))),
      usedValues: unusedValues.filter((name) => !(name in (context.unusedAttrVals ?? {}))),
    });
    return parsed;
  };
  return { saved: () => saved };
}

/** A copy of the parse with each request value (by identity) a slot; objects keep their prototype (dynalite's are null). */
function carve(node: unknown, slots: Map<unknown, string>): unknown {
  const slot = slots.get(node);
  if (slot !== undefined) return new ValueSlot(slot);
  if (Array.isArray(node)) return node.map((item) => carve(item, slots));
  if (node === null || typeof node !== 'object') return node;
  const copy = Object.create(Object.getPrototypeOf(node) as object | null) as Record<string, unknown>;
  for (const [name, value] of Object.entries(node)) copy[name] = carve(value, slots);
  return copy;
}

/** A fresh parse from a remembered shape: each slot the request's value of that name. */
function fill(shape: unknown, values: Record<string, AttributeValue>): unknown {
  if (shape instanceof ValueSlot) return values[shape.name];
  if (Array.isArray(shape)) return shape.map((item) => fill(item, values));
  if (shape === null || typeof shape !== 'object') return shape;
  const copy = Object.create(Object.getPrototypeOf(shape) as object | null) as Record<string, unknown>;
  for (const [name, value] of Object.entries(shape)) copy[name] = fill(value, values);
  return copy;
}
