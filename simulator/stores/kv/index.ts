/**
 * The Redis-style KV store (Inventory's stock and reservations). See kvStore.ts for the
 * engine and types.ts for the command surface.
 */
export { createKvStore, KV_STATE_FORMAT, type KvState } from './kvStore';
export { compileGlob, globMatch } from './glob';
export { parseRedisInteger } from './commands';
export type {
  KvClient,
  KvCommands,
  KvEntry,
  KvExpireCondition,
  KvMulti,
  KvSetOptions,
  KvSlot,
  KvStore,
  KvType,
  KvValue,
} from './types';
