import type { Scenario, ScenarioInput, Simulation } from '../../core/simulation';
import type { FaultPlan } from '../../core/types';
import type { KvStore } from '../../stores/kv/types';
import { REPLICAS, replicaService, type CapConflict, type CapMode, type ReplicaOp } from './replica';

/** The product every default write reserves. */
export const CAP_PRODUCT = 'sku-1';

/** When capPartitionPlan cuts replica-3 off and heals it, ms. */
export const CAP_PARTITION = { from: 100, to: 1500 } as const;

/** One write the scenario sends to a replica. */
export interface CapWrite {
  at: number;
  replica: string;
  quantity: number;
  /** Default: w1, w2… in list order. */
  opId?: string;
  /** Default: CAP_PRODUCT. */
  productId?: string;
}

/** Options of capScenario. */
export interface CapScenarioOptions {
  mode: CapMode;
  /** Initial stock of every product written to (default 10). */
  stock?: number;
  /** Default: DEFAULT_CAP_WRITES, shaped for capPartitionPlan. */
  writes?: readonly CapWrite[];
}

const CUT: Array<[string, string]> = [
  ['replica-3', 'replica-1'],
  ['replica-3', 'replica-2'],
];

/**
 * replica-3 loses both its peers from CAP_PARTITION.from to CAP_PARTITION.to. The client still
 * reaches it: a learner can write to the minority side and see what each mode does.
 */
export const capPartitionPlan: FaultPlan = {
  name: 'CAP: replica-3 cut off, then healed',
  faults: [
    { at: CAP_PARTITION.from, action: { kind: 'partition', links: CUT } },
    { at: CAP_PARTITION.to, action: { kind: 'heal', links: CUT } },
  ],
};

/**
 * Writes for capPartitionPlan with stock 10: one before the partition, 4 × 2 units on the majority
 * side (replica-1) and 3 × 2 on the minority side (replica-3) during it, two after the heal.
 * CP accepts 1 + 8 + 1 and ends at 0; AP accepts 1 + 8 + 6, oversells by 5 and refuses the rest.
 */
export const DEFAULT_CAP_WRITES: readonly CapWrite[] = [
  { at: 20, replica: 'replica-2', quantity: 1 },
  { at: 200, replica: 'replica-1', quantity: 2 },
  { at: 250, replica: 'replica-3', quantity: 2 },
  { at: 300, replica: 'replica-1', quantity: 2 },
  { at: 350, replica: 'replica-3', quantity: 2 },
  { at: 400, replica: 'replica-1', quantity: 2 },
  { at: 450, replica: 'replica-3', quantity: 2 },
  { at: 500, replica: 'replica-1', quantity: 2 },
  { at: 1800, replica: 'replica-3', quantity: 1 },
  { at: 1900, replica: 'replica-2', quantity: 2 },
];

/**
 * Three replicas of an inventory stock counter (each its own KV), all in one mode; switch at
 * run time by sending `SetMode {mode}` to each replica. Writes are `Reserve {opId, productId, quantity}`.
 */
export function capScenario(opts: CapScenarioOptions): Scenario {
  const stock = opts.stock ?? 10;
  const writes = (opts.writes ?? DEFAULT_CAP_WRITES).map((w, i) => ({ ...w, opId: w.opId ?? `w${i + 1}`, productId: w.productId ?? CAP_PRODUCT }));
  const products = [...new Set([CAP_PRODUCT, ...writes.map((w) => w.productId)])].sort();
  const inputs: ScenarioInput[] = writes.map((w) => ({
    at: w.at,
    to: w.replica,
    type: 'Reserve',
    payload: { opId: w.opId, productId: w.productId, quantity: w.quantity },
    correlationId: w.opId,
  }));
  return {
    id: `cap-replicas-${opts.mode.toLowerCase()}`,
    title: opts.mode === 'CP' ? 'CAP: replicated stock, CP (majority quorum)' : 'CAP: replicated stock, AP (accept locally, merge later)',
    description:
      opts.mode === 'CP'
        ? 'Each write needs a majority of the three replicas. During a partition the minority side refuses writes ' +
          '(unavailable), the majority side goes on; after the heal everyone has the same stock and it never went below zero.'
        : 'Each replica accepts writes from its own view and replicates them later. During a partition both sides sell; ' +
          'after the heal the operation logs merge, the replicas converge, and the overselling is listed as a conflict.',
    services: REPLICAS.map((r) => replicaService(r, REPLICAS.filter((p) => p !== r))),
    inputs,
    network: { latencyMs: 10, jitterMs: 5 },
    async setup(stores) {
      for (const r of REPLICAS) {
        const kv = stores[r]!.kv as KvStore;
        await kv.set('mode', opts.mode);
        for (const p of products) await kv.mset({ [`initial:${p}`]: stock, [`stock:${p}`]: stock });
      }
    },
  };
}

/** A write as the replica it entered through recorded it. */
export interface CapWriteRecord {
  opId: string;
  productId: string;
  quantity: number;
  mode: CapMode;
  outcome: 'PENDING' | 'ACCEPTED' | 'REFUSED';
  reason: string | null;
}

/** One replica as the CAP view draws it. */
export interface CapReplicaStatus {
  replica: string;
  status: 'up' | 'down' | 'paused';
  mode: CapMode;
  /** Local stock per product. */
  stock: Record<string, number>;
  /** The operation log, in the order this replica applied it. */
  appliedOps: Array<ReplicaOp & { appliedAt: number; seq: number }>;
  /** Writes that entered the system here, with their outcomes. */
  writes: CapWriteRecord[];
  conflicts: CapConflict[];
  /** CP: product → op a vote is promised to. */
  locks: Record<string, string>;
}

/** What the CAP view draws: every replica, and whether they agree. */
export interface CapStatus {
  replicas: CapReplicaStatus[];
  /** Every replica has applied the same ops and shows the same stock. */
  converged: boolean;
}

/** Reads every replica's mode, stock, operation log, write outcomes and conflicts. */
export async function capStatus(sim: Simulation): Promise<CapStatus> {
  const replicas = await sim.inspect((stores) =>
    REPLICAS.map((replica): CapReplicaStatus => {
      const st: CapReplicaStatus = { replica, status: sim.serviceStatus(replica), mode: 'CP', stock: {}, appliedOps: [], writes: [], conflicts: [], locks: {} };
      for (const e of (stores[replica]!.kv as KvStore).entries()) {
        const h = typeof e.value === 'string' ? {} : e.value;
        const s = typeof e.value === 'string' ? e.value : '';
        if (e.key === 'mode') st.mode = s as CapMode;
        else if (e.key.startsWith('stock:')) st.stock[e.key.slice(6)] = Number(s);
        else if (e.key.startsWith('lock:')) st.locks[e.key.slice(5)] = s;
        else if (e.key.startsWith('op:')) {
          st.appliedOps.push({ opId: h.opId!, productId: h.productId!, quantity: Number(h.quantity), origin: h.origin!, at: Number(h.at), appliedAt: Number(h.appliedAt), seq: Number(h.seq) });
        } else if (e.key.startsWith('write:')) {
          st.writes.push({ opId: h.opId!, productId: h.productId!, quantity: Number(h.quantity), mode: h.mode as CapMode, outcome: h.outcome as CapWriteRecord['outcome'], reason: h.reason ? h.reason : null });
        } else if (e.key.startsWith('conflict:')) {
          st.conflicts.push({ productId: h.productId!, oversoldBy: Number(h.oversoldBy), ops: JSON.parse(h.ops ?? '[]'), detectedAt: Number(h.detectedAt) });
        }
      }
      st.appliedOps.sort((a, b) => a.seq - b.seq);
      return st;
    }),
  );
  const sig = (r: CapReplicaStatus) => JSON.stringify([r.appliedOps.map((o) => o.opId).sort(), Object.entries(r.stock).sort()]);
  return { replicas, converged: replicas.every((r) => sig(r) === sig(replicas[0]!)) };
}
