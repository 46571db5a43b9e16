import type { ItemAdded, ItemAddedV1 } from '@lesson/api';

// TODO: old events have `price` and no currency (everything was sold in euros then).
export function upcastItemAddedV1(old: ItemAddedV1): ItemAdded {
  return old as unknown as ItemAdded;
}
