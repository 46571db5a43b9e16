import { ValidationError } from '../../core/errors';

/** One line of an order: what, how many, at what unit price. */
export interface OrderLine {
  productId: string;
  quantity: number;
  price: number;
}

export function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new ValidationError(`"${field}" must be a non-empty string.`, { field });
  return value;
}

export function requirePositiveInt(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0)
    throw new ValidationError(`"${field}" must be a positive whole number, got ${JSON.stringify(value)}.`, { field, value });
  return value;
}

export function requireAmount(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new ValidationError(`"${field}" must be an amount ≥ 0, got ${JSON.stringify(value)}.`, { field, value });
  return value;
}

/** Checks order lines from outside; the error names the line and field. */
export function requireLines(value: unknown, opts: { requirePrice: boolean }): OrderLine[] {
  if (!Array.isArray(value) || value.length === 0) throw new ValidationError('An order needs at least one item.', { field: 'items' });
  return value.map((line, i) => {
    if (!line || typeof line !== 'object') throw new ValidationError(`Item ${i + 1} is not an object.`, { field: `items[${i}]` });
    const l = line as Record<string, unknown>;
    return {
      productId: requireString(l.productId, `items[${i}].productId`),
      quantity: requirePositiveInt(l.quantity, `items[${i}].quantity`),
      price: opts.requirePrice ? requireAmount(l.price, `items[${i}].price`) : typeof l.price === 'number' ? l.price : 0,
    };
  });
}

/** Sum of quantity × price, in cents to avoid float drift, back in currency units. */
export function orderTotal(lines: readonly OrderLine[]): number {
  return lines.reduce((cents, l) => cents + Math.round(l.price * 100) * l.quantity, 0) / 100;
}
