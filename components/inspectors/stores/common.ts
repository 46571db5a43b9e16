import type { Simulation, StoreBase } from '@/simulator';
import type { StoreMap } from '../data/storeReaders';

/** What every per-store inspector receives. */
export interface StoreViewProps {
  sim: Simulation;
  tick: number;
  service: string;
  storeKey: string;
  /** 'inventory.kv', for labels. */
  storeName: string;
}

/** The store a view is about, inside an inspect callback. */
export function pick<T extends StoreBase>(stores: StoreMap, service: string, key: string): T {
  const s = stores[service]?.[key];
  if (!s) throw new Error(`Store "${service}.${key}" is not in this simulation.`);
  return s as T;
}
