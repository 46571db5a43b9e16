import type { JsonObject } from '../../core/json';
import { isMemoryTables, type MemoryTables } from '../../stores/memory/createMemoryTables';
import type { SqlStore } from '../../stores/sql/types';

export type PaymentKind = 'CHARGE' | 'REFUND' | 'DECLINED';

export interface PaymentRecord {
  id: string;
  orderId: string;
  kind: PaymentKind;
  amount: number;
  /** The request's idempotency key: a retried charge finds the first one. */
  idempotencyKey: string;
  at: number;
}

/**
 * Payments are append-only: a refund is a new REFUND row next to the CHARGE,
 * never an UPDATE or DELETE of it (semantic compensation).
 */
export const PAYMENT_SCHEMA = `
CREATE TABLE IF NOT EXISTS payments (
  id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('CHARGE', 'REFUND', 'DECLINED')),
  amount NUMERIC(12, 2) NOT NULL CHECK (amount >= 0),
  idempotency_key TEXT NOT NULL UNIQUE,
  at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_payments_order ON payments(order_id);
`;

export interface PaymentRepository {
  byKey(idempotencyKey: string): Promise<PaymentRecord | undefined>;
  ofOrder(orderId: string): Promise<PaymentRecord[]>;
  insert(p: PaymentRecord): Promise<void>;
  all(): Promise<PaymentRecord[]>;
}

export function paymentRepository(store: SqlStore | MemoryTables): PaymentRepository {
  if (isMemoryTables(store)) {
    // Lookups by key and by order go through small index tables, as a KV-backed ledger would.
    const get = (id: string) => store.get('payments', id) as unknown as PaymentRecord;
    return {
      byKey: async (k) => {
        const id = store.get('payments_by_key', k)?.id;
        return typeof id === 'string' ? get(id) : undefined;
      },
      ofOrder: async (o) => ((store.get('payments_by_order', o)?.ids as string[] | undefined) ?? []).map(get),
      insert: async (p) => {
        if (!store.insertNew('payments', p.id, p as unknown as JsonObject)) return;
        store.put('payments_by_key', p.idempotencyKey, { id: p.id });
        const ids = (store.get('payments_by_order', p.orderId)?.ids as string[] | undefined) ?? [];
        store.put('payments_by_order', p.orderId, { ids: [...ids, p.id] });
      },
      all: async () => (store.all('payments') as unknown as PaymentRecord[]).sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    };
  }
  const sql = store as SqlStore;
  const toRecord = (r: Record<string, unknown>): PaymentRecord => ({
    id: String(r.id),
    orderId: String(r.order_id),
    kind: r.kind as PaymentKind,
    amount: Number(r.amount),
    idempotencyKey: String(r.idempotency_key),
    at: Number(r.at),
  });
  return {
    async byKey(k) {
      const r = await sql.query('SELECT * FROM payments WHERE idempotency_key = $1', [k]);
      return r.rows[0] ? toRecord(r.rows[0]) : undefined;
    },
    async ofOrder(o) {
      const r = await sql.query('SELECT * FROM payments WHERE order_id = $1 ORDER BY at, id', [o]);
      return r.rows.map(toRecord);
    },
    async insert(p) {
      await sql.query('INSERT INTO payments (id, order_id, kind, amount, idempotency_key, at) VALUES ($1, $2, $3, $4, $5, $6)', [
        p.id,
        p.orderId,
        p.kind,
        p.amount,
        p.idempotencyKey,
        p.at,
      ]);
    },
    async all() {
      const r = await sql.query('SELECT * FROM payments ORDER BY at, id');
      return r.rows.map(toRecord);
    },
  };
}
