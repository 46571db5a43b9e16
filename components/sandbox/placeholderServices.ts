// What the sandbox placeholder draws before the engine loads: the five services and the
// stores each one runs on (ARCHITECTURE.md, "Database per service"). Drawing the skeleton
// from the same names the real map will show keeps the swap from placeholder to workspace
// calm. Replace with data from simulator/index.ts once the engine exports it.

export type PlaceholderService = {
  id: 'user' | 'catalog' | 'inventory' | 'order' | 'payment';
  name: string;
  stores: readonly string[];
};

export const PLACEHOLDER_SERVICES: readonly PlaceholderService[] = [
  { id: 'user', name: 'User', stores: ['PostgreSQL · PGlite'] },
  { id: 'catalog', name: 'Catalog', stores: ['Documents · Dexie', 'Search index'] },
  { id: 'inventory', name: 'Inventory', stores: ['Redis-style KV', 'Audit · PGlite'] },
  { id: 'order', name: 'Order', stores: ['Event store · PGlite', 'Read models'] },
  { id: 'payment', name: 'Payment', stores: ['PostgreSQL · PGlite', 'Event audit'] },
];
