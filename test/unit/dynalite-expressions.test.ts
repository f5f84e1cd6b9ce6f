// The local DynamoDB's remembered expression parses: each answer is what dynalite's own parser gives for that
// request (its values in place, the same names and values marked used, the same errors), only cheaper.
import conditionParser from 'dynalite/db/conditionParser';
import { rememberParses, type ExpressionContext, type ExpressionParser } from '../../local/aws/dynalite-expressions';

// The record store's conditional write over an older version (functions/adapters/dynamodb/record-store.ts).
const WRITE_OVER_OLDER =
  'attribute_not_exists(#deleted_at) AND (#updated_at < :updated_at OR ' +
  '(#updated_at = :updated_at AND (attribute_not_exists(#read_at) OR #read_at < :read_at)))';
const NAMES = { '#deleted_at': 'deleted_at', '#updated_at': 'updated_at', '#read_at': 'read_at' };

/** A request's context as dynalite's validations build it: every name and value unused until the parse uses it. */
function contextOf(attrNames: Record<string, string>, attrVals: Record<string, Record<string, unknown>>): ExpressionContext {
  return {
    attrNames,
    attrVals,
    unusedAttrNames: Object.fromEntries(Object.keys(attrNames).map((name) => [name, true])),
    unusedAttrVals: Object.fromEntries(Object.keys(attrVals).map((name) => [name, true])),
    isReserved: () => false,
    compare: () => false,
  } as ExpressionContext;
}

describe('rememberParses', () => {
  let remembering: ExpressionParser;
  let saved: () => number;

  beforeEach(() => {
    // dynalite's parser itself stays as it is: the one remembering is a copy of its entry point.
    remembering = { parse: conditionParser.parse.bind(conditionParser) };
    ({ saved } = rememberParses(remembering));
  });

  it("answers a shape seen before with the request's own values in place, as dynalite's parser would", () => {
    remembering.parse(WRITE_OVER_OLDER, {
      context: contextOf(NAMES, { ':updated_at': { S: '2026-01-01T00:00:00Z' }, ':read_at': { S: 'a' } }),
    });
    const values = { ':updated_at': { S: '2026-02-02T00:00:00Z' }, ':read_at': { S: 'b' } };
    const context = contextOf(NAMES, values);

    const answer = remembering.parse(WRITE_OVER_OLDER, { context }) as { expression: { args: unknown[] }; pathHeads: object };

    expect(saved()).toBe(1);
    expect(answer).toEqual(conditionParser.parse(WRITE_OVER_OLDER, { context: contextOf(NAMES, values) }));
    expect(JSON.stringify(answer)).toContain('2026-02-02T00:00:00Z');
    expect(JSON.stringify(answer)).not.toContain('2026-01-01T00:00:00Z');
    // The request's value objects themselves, as dynalite's parser hands them on; its null-prototype maps kept.
    const comparison = (answer.expression.args[1] as { args: Array<{ args: unknown[] }> }).args[0]!;
    expect(comparison.args[1]).toBe(values[':updated_at']);
    expect(Object.getPrototypeOf(answer.pathHeads)).toBeNull();
    // What the request used is no longer unused: an unused name or value is an error dynalite reports after.
    expect(context.unusedAttrNames).toEqual({});
    expect(context.unusedAttrVals).toEqual({});
  });

  it('leaves a name or value the expression does not use marked unused, as the parser does', () => {
    const values = { ':v': { S: 'x' }, ':spare': { S: 'y' } };
    remembering.parse('#a = :v', { context: contextOf({ '#a': 'a', '#b': 'b' }, values) });
    const context = contextOf({ '#a': 'a', '#b': 'b' }, values);

    remembering.parse('#a = :v', { context });

    expect(saved()).toBe(1);
    expect(context.unusedAttrNames).toEqual({ '#b': true });
    expect(context.unusedAttrVals).toEqual({ ':spare': true });
  });

  it('parses again when a value has another type: the type decides whether the function accepts it', () => {
    const accepted = remembering.parse('begins_with(#a, :prefix)', { context: contextOf({ '#a': 'a' }, { ':prefix': { S: 'ab' } }) });
    const refused = remembering.parse('begins_with(#a, :prefix)', { context: contextOf({ '#a': 'a' }, { ':prefix': { N: '1' } }) });

    expect(accepted).toMatchObject({ expression: { type: 'function', name: 'begins_with' } });
    expect(refused).toBe('Incorrect operand type for operator or function; operator or function: begins_with, operand type: N');
    expect(saved()).toBe(0);
  });

  it('remembers no error: the same mistake gets the same message every time', () => {
    const first = remembering.parse('#a = :missing', { context: contextOf({ '#a': 'a' }, { ':v': { S: 'x' } }) });
    const second = remembering.parse('#a = :missing', { context: contextOf({ '#a': 'a' }, { ':v': { S: 'x' } }) });

    expect(first).toBe('An expression attribute value used in expression is not defined; attribute value: :missing');
    expect(second).toBe(first);
    expect(saved()).toBe(0);
  });

  it('parses BETWEEN every time: whether its bounds are in order depends on their values', () => {
    const context = (low: string, high: string) => ({
      ...contextOf({ '#a': 'a' }, { ':low': { S: low }, ':high': { S: high } }),
      compare: (operator: string, x: { S: string }, y: { S: string }) => operator === 'GT' && x.S > y.S,
    });
    const inOrder = remembering.parse('#a BETWEEN :low AND :high', { context: context('a', 'b') });
    const reversed = remembering.parse('#a BETWEEN :low AND :high', { context: context('b', 'a') });

    expect(inOrder).toMatchObject({ expression: { type: 'between' } });
    expect(reversed).toMatch(/^The BETWEEN operator requires upper bound to be greater than or equal to lower bound/);
    expect(saved()).toBe(0);
  });
});
