// validateProduct: a source product that keeps the rules of docs/source-contract.md "Product" becomes a Product; one
// that breaks them is refused with an error naming the product, the field and what is wrong.
import { InvalidRecordError } from '../../functions/core/errors';
import { PRODUCTS, validateProduct } from '../../functions/core/streams/products/validate-product';
import { rawProduct, rawVariant } from '../support/product-factory';

/** The InvalidRecordError validateProduct throws for this input (fails the test if it throws nothing). */
function refusal(input: unknown): InvalidRecordError {
  try {
    validateProduct(input);
  } catch (error) {
    if (error instanceof InvalidRecordError) return error;
    throw error;
  }
  throw new Error('expected validateProduct to refuse the product, but it accepted it');
}

describe('validateProduct on a valid product', () => {
  it('normalises the contract example into a Product', () => {
    const raw = rawProduct();

    expect(validateProduct(raw)).toEqual({
      id: 'prod_0000042',
      title: 'Ceramic Mug',
      vendor: 'Acme',
      productType: 'Kitchen',
      status: 'active',
      tags: ['gift', 'kitchen'],
      variants: [{ id: 'var_0000101', sku: 'SKU-1', title: 'Blue / 350 ml', price: '29.99', inventoryQuantity: 12 }],
      createdAt: '2024-03-02T09:00:00.000000Z',
      updatedAt: '2025-01-15T10:31:07.456000Z',
      raw,
    });
  });

  it('is the products stream model the engine uses', () => {
    expect([PRODUCTS.name, PRODUCTS.noun]).toEqual(['products', 'product']);
    expect(PRODUCTS.validate(rawProduct({ id: 'prod_9' })).id).toBe('prod_9');
  });

  it('keeps unknown fields: raw is the very object received, and unknown variant fields are ignored', () => {
    const raw = rawProduct({ handle: 'ceramic-mug', variants: [rawVariant({ barcode: '123', weight: 0.3 })] });

    const product = validateProduct(raw);

    expect(product.raw).toBe(raw);
    expect(product.raw.handle).toBe('ceramic-mug');
    expect(product.variants[0]).toEqual({ id: 'var_0000101', sku: 'SKU-1', title: 'Blue / 350 ml', price: '29.99', inventoryQuantity: 12 });
  });

  it('accepts every status, no tags, null vendor and type, an oversold variant and untracked inventory', () => {
    for (const status of ['active', 'draft', 'archived']) {
      expect(validateProduct(rawProduct({ status })).status).toBe(status);
    }
    const product = validateProduct(
      rawProduct({
        tags: [],
        vendor: null,
        product_type: null,
        variants: [rawVariant({ id: 'v1', inventory_quantity: -3 }), rawVariant({ id: 'v2', sku: null, inventory_quantity: null })],
      }),
    );

    expect([product.tags, product.vendor, product.productType]).toEqual([[], null, null]);
    expect(product.variants.map((v) => [v.id, v.sku, v.inventoryQuantity])).toEqual([
      ['v1', 'SKU-1', -3],
      ['v2', null, null],
    ]);
  });

  it('reads absent nullable fields as null', () => {
    const product = validateProduct(rawProduct({ vendor: undefined, product_type: undefined, variants: [{ id: 'v1', price: '1.00' }] }));

    expect([product.vendor, product.productType]).toEqual([null, null]);
    expect(product.variants[0]).toEqual({ id: 'v1', sku: null, title: null, price: '1.00', inventoryQuantity: null });
  });

  it('keeps prices exact, however many digits', () => {
    const product = validateProduct(rawProduct({ variants: [rawVariant({ price: '12345678901234567890.123456789' })] }));

    expect(product.variants[0]?.price).toBe('12345678901234567890.123456789');
  });
});

describe('validateProduct on bad input', () => {
  it('names the product, the field path and the problem', () => {
    const error = refusal(rawProduct({ variants: [rawVariant(), rawVariant({ price: 29.99 })] }));

    expect(error.recordId).toBe('prod_0000042');
    expect(error.field).toBe('variants[1].price');
    expect(error.message).toBe('product prod_0000042: field "variants[1].price" must be a decimal string, got number 29.99');
    expect(error.name).toBe('InvalidRecordError');
    expect(error.retryable).toBe(false);
  });

  it.each([
    ['a string', 'prod_1'],
    ['null', null],
    ['an array', [rawProduct()]],
  ])('refuses %s instead of a product object', (_what, input) => {
    expect([refusal(input).recordId, refusal(input).field]).toEqual(['', '(product)']);
  });

  it.each([
    ['a missing id', { id: undefined }],
    ['an empty id', { id: '' }],
    ['a numeric id', { id: 42 }],
  ])('refuses %s, with no product id to name', (_what, overrides) => {
    const error = refusal(rawProduct(overrides));
    expect([error.recordId, error.field]).toEqual(['', 'id']);
    expect(error.message).toContain('must be a non-empty string');
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['a missing title', { title: undefined }, 'title', 'must be a non-empty string, got nothing'],
    ['an empty title', { title: '' }, 'title', 'must be a non-empty string, got string ""'],
    ['a numeric vendor', { vendor: 7 }, 'vendor', 'must be a string or null, got number 7'],
    ['product_type as an array', { product_type: ['Kitchen'] }, 'product_type', 'must be a string or null'],
    ['an unknown status', { status: 'ACTIVE' }, 'status', 'must be one of active, draft, archived, got string "ACTIVE"'],
    ['a missing status', { status: undefined }, 'status', 'must be one of active, draft, archived'],
    ['tags missing', { tags: undefined }, 'tags', 'must be an array'],
    ['tags as a comma list', { tags: 'gift, kitchen' }, 'tags', 'must be an array'],
    ['a numeric tag', { tags: ['gift', 3] }, 'tags[1]', 'must be a string, got number 3'],
    ['variants missing', { variants: undefined }, 'variants', 'must be an array'],
    ['no variants', { variants: [] }, 'variants', 'must hold at least one variant'],
    ['a null variant', { variants: [null] }, 'variants[0]', 'must be an object, got null'],
    ['a variant without an id', { variants: [rawVariant({ id: undefined })] }, 'variants[0].id', 'must be a non-empty string'],
    ['a variant sku as a number', { variants: [rawVariant({ sku: 5 })] }, 'variants[0].sku', 'must be a string or null'],
    ['a variant title as a number', { variants: [rawVariant({ title: 5 })] }, 'variants[0].title', 'must be a string or null'],
    ['a variant without a price', { variants: [rawVariant({ price: undefined })] }, 'variants[0].price', 'must be a decimal string'],
    ['a variant price with a comma', { variants: [rawVariant({ price: '29,99' })] }, 'variants[0].price', 'must be a decimal string'],
    [
      'a fractional inventory_quantity',
      { variants: [rawVariant({ inventory_quantity: 1.5 })] },
      'variants[0].inventory_quantity',
      'must be an integer or null, got number 1.5',
    ],
    [
      'an inventory_quantity as a string',
      { variants: [rawVariant({ inventory_quantity: '12' })] },
      'variants[0].inventory_quantity',
      'must be an integer or null',
    ],
    ['created_at missing', { created_at: undefined }, 'created_at', 'must be an RFC 3339 timestamp string'],
    ['updated_at without an offset', { updated_at: '2025-01-15T10:31:07' }, 'updated_at', 'must be an RFC 3339 timestamp'],
  ])('refuses %s', (_what, overrides, field, problem) => {
    const error = refusal(rawProduct(overrides));

    expect(error.recordId).toBe('prod_0000042');
    expect(error.field).toBe(field);
    expect(error.message).toContain(problem);
  });
});
