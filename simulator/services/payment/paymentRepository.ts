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

/** Gives the ledger over the payment service's store (cheap: one small object, no closures). */
export function paymentRepository(store: SqlStore | MemoryTables): PaymentRepository {
  return isMemoryTables(store) ? new MemoryPaymentRepository(store) : new SqlPaymentRepository(store as SqlStore);
}

/** Lookups by key and by order go through small index tables, as a KV-backed ledger would. */
class MemoryPaymentRepository implements PaymentRepository {
  constructor(private readonly store: MemoryTables) {}

  async byKey(k: string): Promise<PaymentRecord | undefined> {
    const id = this.store.get('payments_by_key', k)?.id;
    return typeof id === 'string' ? this.get(id) : undefined;
  }

  async ofOrder(o: string): Promise<PaymentRecord[]> {
    return ((this.store.get('payments_by_order', o)?.ids as string[] | undefined) ?? []).map((id) => this.get(id));
  }

  async insert(p: PaymentRecord): Promise<void> {
    if (!this.store.insertNew('payments', p.id, p as unknown as JsonObject)) return;
    this.store.put('payments_by_key', p.idempotencyKey, { id: p.id });
    const ids = (this.store.get('payments_by_order', p.orderId)?.ids as string[] | undefined) ?? [];
    this.store.put('payments_by_order', p.orderId, { ids: [...ids, p.id] });
  }

  async all(): Promise<PaymentRecord[]> {
    return (this.store.all('payments') as unknown as PaymentRecord[]).sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  private get(id: string): PaymentRecord {
    return this.store.get('payments', id) as unknown as PaymentRecord;
  }
}

function toRecord(r: Record<string, unknown>): PaymentRecord {
  return {
    id: String(r.id),
    orderId: String(r.order_id),
    kind: r.kind as PaymentKind,
    amount: Number(r.amount),
    idempotencyKey: String(r.idempotency_key),
    at: Number(r.at),
  };
}

class SqlPaymentRepository implements PaymentRepository {
  constructor(private readonly sql: SqlStore) {}

  async byKey(k: string): Promise<PaymentRecord | undefined> {
    const r = await this.sql.query('SELECT * FROM payments WHERE idempotency_key = $1', [k]);
    return r.rows[0] ? toRecord(r.rows[0]) : undefined;
  }

  async ofOrder(o: string): Promise<PaymentRecord[]> {
    const r = await this.sql.query('SELECT * FROM payments WHERE order_id = $1 ORDER BY at, id', [o]);
    return r.rows.map(toRecord);
  }

  async insert(p: PaymentRecord): Promise<void> {
    await this.sql.query('INSERT INTO payments (id, order_id, kind, amount, idempotency_key, at) VALUES ($1, $2, $3, $4, $5, $6)', [
      p.id,
      p.orderId,
      p.kind,
      p.amount,
      p.idempotencyKey,
      p.at,
    ]);
  }

  async all(): Promise<PaymentRecord[]> {
    const r = await this.sql.query('SELECT * FROM payments ORDER BY at, id');
    return r.rows.map(toRecord);
  }
}
