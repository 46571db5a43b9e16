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
    const rows = () => store.all('payments') as unknown as PaymentRecord[];
    return {
      byKey: async (k) => rows().find((r) => r.idempotencyKey === k),
      ofOrder: async (o) => rows().filter((r) => r.orderId === o),
      insert: async (p) => {
        store.insertNew('payments', p.id, p as unknown as JsonObject);
      },
      all: async () => rows(),
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
