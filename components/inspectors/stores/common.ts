import type { InspectSource } from '../types';

/** What every per-store inspector receives. */
export interface StoreViewProps {
  source: InspectSource;
  tick: number;
  service: string;
  storeKey: string;
  /** 'inventory.kv', for labels. */
  storeName: string;
}
