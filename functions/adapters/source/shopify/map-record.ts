// A Shopify node through a stream's mapping and then its validator: the record keeps the node itself as `raw`, and an
// error names the Shopify field the broken contract field came from.
import { InvalidRecordError } from '../../../core/errors';
import type { SyncRecord } from '../../../core/record';
import type { Fields } from './shopify-graphql';

export function throughValidator<R extends SyncRecord>(
  toShape: (node: unknown) => Fields,
  validate: (input: unknown) => R,
  sourceField: (field: string) => string,
): (node: unknown) => R {
  return (node) => {
    const shape = toShape(node);
    try {
      return { ...validate(shape), raw: node as Fields };
    } catch (error) {
      if (!(error instanceof InvalidRecordError)) throw error;
      const prefix = `${error.noun} ${error.recordId || '(no id)'}: field "${error.field}" `;
      const problem = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
      throw new InvalidRecordError(error.noun, error.recordId, sourceField(error.field), problem);
    }
  };
}
