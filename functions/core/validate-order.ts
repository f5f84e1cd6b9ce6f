// Checks one source order against the Order table of docs/source-contract.md and normalises it into the internal Order.
// Hand-written rather than a schema library: it runs on every order of a 300k-order resync.
import { InvalidOrderError } from './errors';
import { describe, FieldReader, isFields, type Fields } from './field-reader';
import type {
  Customer,
  DiscountApplication,
  FinancialStatus,
  FulfillmentStatus,
  LineItem,
  Order,
  OrderAddress,
  OrderDetails,
  OrderStatus,
  Refund,
  ShippingLine,
  TaxLine,
} from './order';

// Absent vs null: a nullable field (fulfillment_status, cancelled_at, customer, customer.email,
// customer.name, line_items[].sku, total_discounts, total_shipping) that is missing altogether reads as null, and
// missing `refunds` as none (an empty list). Absence says nothing that
// null does not, `raw` keeps the order exactly as sent, and failing a whole resync over it would lose
// data rather than protect it. A present value of the wrong type is always an error.

const ORDER_STATUSES: readonly OrderStatus[] = ['open', 'closed', 'cancelled'];
const FINANCIAL_STATUSES: readonly FinancialStatus[] = ['pending', 'authorized', 'paid', 'partially_refunded', 'refunded', 'voided'];
const FULFILLMENT_STATUSES: readonly FulfillmentStatus[] = [null, 'partial', 'fulfilled'];
const DISCOUNT_KINDS: ReadonlyArray<DiscountApplication['kind']> = ['code', 'automatic', 'manual', 'script'];

/** What the source's own schema allows beyond the reference contract's rules (docs/source-contract.md "Order"). */
export interface ValidateOptions {
  /** The source may report no financial status (Shopify's displayFinancialStatus is nullable): null is kept as null. */
  financialStatusMayBeNull?: boolean;
  /** The source sends `details` (the fields beyond the contract, snake_case) and line items' variant_id, product_id, discounted_total. */
  withDetails?: boolean;
  /** The source may leave a refund undated (Shopify's Refund.createdAt is nullable): null is kept as null. */
  refundsMayBeUndated?: boolean;
}

/** An order's fields: the generic reads, and the order's own nested shapes. */
class OrderReader extends FieldReader {
  constructor(orderId: string) {
    super('order', orderId);
  }

  protected override invalid(field: string, problem: string): InvalidOrderError {
    return new InvalidOrderError(this.recordId, field, problem);
  }

  customer(value: unknown): Customer | null {
    if (value === undefined || value === null) return null;
    if (!isFields(value)) this.fail('customer', 'must be an object or null', value);
    return {
      id: this.nonEmptyString(value.id, 'customer.id'),
      email: this.nullableString(value.email, 'customer.email'),
      name: this.nullableString(value.name, 'customer.name'),
    };
  }

  /** An order's refunds: absent reads as none; each is dated unless the source may leave it undated. */
  refunds(value: unknown, field: string, mayBeUndated: boolean): Refund[] {
    if (value === undefined) return [];
    return this.array(value, field).map((item, i): Refund => {
      const path = `${field}[${i}]`;
      const refund = this.fields(item, path);
      return {
        id: this.nonEmptyString(refund.id, `${path}.id`),
        createdAt: mayBeUndated
          ? this.nullableInstant(refund.created_at, `${path}.created_at`)
          : this.instant(refund.created_at, `${path}.created_at`),
        amount: this.decimal(refund.amount, `${path}.amount`),
      };
    });
  }

  address(value: unknown, field: string): OrderAddress | null {
    if (value === undefined || value === null) return null;
    const address = this.fields(value, field);
    return {
      countryCode: this.nullableString(address.country_code, `${field}.country_code`),
      country: this.nullableString(address.country, `${field}.country`),
      provinceCode: this.nullableString(address.province_code, `${field}.province_code`),
      province: this.nullableString(address.province, `${field}.province`),
      city: this.nullableString(address.city, `${field}.city`),
      zip: this.nullableString(address.zip, `${field}.zip`),
    };
  }

  details(value: unknown): OrderDetails {
    const d = this.fields(value, 'details');
    const each = <T>(list: unknown, field: string, read: (item: Fields, path: string) => T): T[] =>
      this.array(list, field).map((item, i) => read(this.fields(item, `${field}[${i}]`), `${field}[${i}]`));
    return {
      currentTotalPrice: this.decimal(d.current_total_price, 'details.current_total_price'),
      currentSubtotalPrice: this.decimal(d.current_subtotal_price, 'details.current_subtotal_price'),
      currentTotalTax: this.decimal(d.current_total_tax, 'details.current_total_tax'),
      currentTotalDiscounts: this.decimal(d.current_total_discounts, 'details.current_total_discounts'),
      totalDiscounts: this.nullableDecimal(d.total_discounts, 'details.total_discounts'),
      totalRefunded: this.decimal(d.total_refunded, 'details.total_refunded'),
      totalShipping: this.decimal(d.total_shipping, 'details.total_shipping'),
      currentTotalShipping: this.decimal(d.current_total_shipping, 'details.current_total_shipping'),
      refunds: this.refunds(this.array(d.refunds, 'details.refunds'), 'details.refunds', true),
      discountCodes: this.strings(d.discount_codes, 'details.discount_codes'),
      discountApplications: each(d.discount_applications, 'details.discount_applications', (a, path): DiscountApplication => {
        const amount = this.nullableDecimal(a.amount, `${path}.amount`);
        const percentage = this.nullableNumber(a.percentage, `${path}.percentage`);
        if ((amount === null) === (percentage === null)) this.fail(`${path}.amount`, 'must be set, or else percentage, not both', a.amount);
        return {
          kind: this.oneOf(a.kind, `${path}.kind`, DISCOUNT_KINDS),
          code: this.nullableString(a.code, `${path}.code`),
          title: this.nullableString(a.title, `${path}.title`),
          amount,
          percentage,
          allocationMethod: this.nonEmptyString(a.allocation_method, `${path}.allocation_method`),
          targetType: this.nonEmptyString(a.target_type, `${path}.target_type`),
        };
      }),
      shippingLines: each(d.shipping_lines, 'details.shipping_lines', (l, path): ShippingLine => ({
        id: this.nullableString(l.id, `${path}.id`),
        title: this.string(l.title, `${path}.title`),
        code: this.nullableString(l.code, `${path}.code`),
        source: this.nullableString(l.source, `${path}.source`),
        price: this.decimal(l.price, `${path}.price`),
        discountedPrice: this.decimal(l.discounted_price, `${path}.discounted_price`),
      })),
      taxLines: each(d.tax_lines, 'details.tax_lines', (t, path): TaxLine => ({
        title: this.string(t.title, `${path}.title`),
        rate: this.nullableNumber(t.rate, `${path}.rate`),
        price: this.decimal(t.price, `${path}.price`),
      })),
      billingAddress: this.address(d.billing_address, 'details.billing_address'),
      shippingAddress: this.address(d.shipping_address, 'details.shipping_address'),
      tags: this.strings(d.tags, 'details.tags'),
      note: this.nullableString(d.note, 'details.note'),
    };
  }

  lineItems(value: unknown, withDetails = false): LineItem[] {
    if (!Array.isArray(value)) this.fail('line_items', 'must be an array', value);
    const lineItems = new Array<LineItem>(value.length);
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const path = `line_items[${i}]`;
      if (!isFields(item)) this.fail(path, 'must be an object', item);
      lineItems[i] = {
        id: this.nonEmptyString(item.id, `${path}.id`),
        sku: this.nullableString(item.sku, `${path}.sku`),
        title: this.string(item.title, `${path}.title`),
        quantity: this.integer(item.quantity, `${path}.quantity`, 0),
        price: this.decimal(item.price, `${path}.price`),
      };
      if (withDetails) {
        lineItems[i]!.variantId = this.nullableString(item.variant_id, `${path}.variant_id`);
        lineItems[i]!.productId = this.nullableString(item.product_id, `${path}.product_id`);
        lineItems[i]!.discountedTotal = this.decimal(item.discounted_total, `${path}.discounted_total`);
      }
    }
    return lineItems;
  }
}

/**
 * The validated, normalised order; throws InvalidOrderError naming the order id, the field path and the
 * problem. `raw` is the input object itself, unknown fields included.
 */
export function validateOrder(input: unknown): Order {
  return validateSourceOrder(input, {});
}

/** validateOrder, with what the source's schema allows beyond the contract (see ValidateOptions). */
export function validateSourceOrder(input: unknown, options: ValidateOptions): Order {
  if (!isFields(input)) throw new InvalidOrderError('', '(order)', `must be an object, got ${describe(input)}`);
  // The id first, so every later error can name the order.
  if (typeof input.id !== 'string' || input.id.length === 0) {
    throw new InvalidOrderError('', 'id', `must be a non-empty string, got ${describe(input.id)}`);
  }
  const read = new OrderReader(input.id);
  return {
    id: input.id,
    orderNumber: read.integer(input.order_number, 'order_number', 1),
    status: read.oneOf(input.status, 'status', ORDER_STATUSES),
    financialStatus:
      options.financialStatusMayBeNull && input.financial_status === null
        ? null
        : read.oneOf(input.financial_status, 'financial_status', FINANCIAL_STATUSES),
    fulfillmentStatus: read.oneOf(input.fulfillment_status ?? null, 'fulfillment_status', FULFILLMENT_STATUSES),
    currency: read.currency(input.currency, 'currency'),
    totalPrice: read.decimal(input.total_price, 'total_price'),
    subtotalPrice: read.decimal(input.subtotal_price, 'subtotal_price'),
    totalTax: read.decimal(input.total_tax, 'total_tax'),
    totalDiscounts: read.nullableDecimal(input.total_discounts, 'total_discounts'),
    totalShipping: read.nullableDecimal(input.total_shipping, 'total_shipping'),
    refunds: read.refunds(input.refunds, 'refunds', options.refundsMayBeUndated === true),
    customer: read.customer(input.customer),
    lineItems: read.lineItems(input.line_items, options.withDetails),
    createdAt: read.instant(input.created_at, 'created_at'),
    updatedAt: read.instant(input.updated_at, 'updated_at'),
    cancelledAt: read.nullableInstant(input.cancelled_at, 'cancelled_at'),
    ...(options.withDetails ? { details: read.details(input.details) } : {}),
    raw: input,
  };
}
