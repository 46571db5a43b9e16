import type { ItemAdded, ItemAddedV1 } from '@lesson/api';

/** Version 1 had one `price` per unit and only ever sold in euros. */
export function upcastItemAddedV1(old: ItemAddedV1): ItemAdded {
  return { productId: old.productId, quantity: old.quantity, unitPrice: old.price, currency: 'EUR' };
}
