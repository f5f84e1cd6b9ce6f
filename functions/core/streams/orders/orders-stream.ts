// The orders stream's model: the seed's stream, validated by the reference contract's Order rules.
import type { Order } from '../../order';
import type { StreamModel } from '../../stream';
import { validateOrder } from '../../validate-order';

export const ORDERS: StreamModel<Order> = { name: 'orders', noun: 'order', validate: validateOrder };
