import type { JsonObject } from '../../core/json';
import { isMemoryTables, type MemoryTables } from '../../stores/memory/createMemoryTables';
import type { SqlStore } from '../../stores/sql/types';

export type AuditAction = 'RESERVE' | 'RELEASE' | 'COMMIT' | 'EXPIRE' | 'RESTOCK';

export interface AuditEntry {
  orderId: string;
  action: AuditAction;
  lines: Array<{ productId: string; quantity: number }>;
  at: number;
}

export const AUDIT_SCHEMA = `
CREATE TABLE IF NOT EXISTS inventory_audit (
  id SERIAL PRIMARY KEY,
  order_id TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('RESERVE', 'RELEASE', 'COMMIT', 'EXPIRE', 'RESTOCK')),
  product_id TEXT NOT NULL,
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_audit_order ON inventory_audit(order_id);
`;

/** The inventory's append-only audit trail. */
export interface InventoryAudit {
  record(e: AuditEntry): Promise<void>;
  /** The lines of the order's latest entry of that action (none when there is none). */
  linesOf(orderId: string, action: AuditAction): Promise<AuditEntry['lines']>;
  all(): Promise<AuditEntry[]>;
}

/** The audit trail over PostgreSQL rows, or memory tables in fast runs (one small object, no closures). */
export function inventoryAudit(store: SqlStore | MemoryTables): InventoryAudit {
  return isMemoryTables(store) ? new MemoryInventoryAudit(store) : new SqlInventoryAudit(store as SqlStore);
}

class MemoryInventoryAudit implements InventoryAudit {
  constructor(private readonly store: MemoryTables) {}

  async record(e: AuditEntry): Promise<void> {
    const n = this.store.count('inventory_audit');
    this.store.put('inventory_audit', String(n).padStart(9, '0'), e as unknown as JsonObject);
    this.store.put('audit_last', `${e.orderId}/${e.action}`, { lines: e.lines as unknown as JsonObject[] });
  }

  async linesOf(orderId: string, action: AuditAction): Promise<AuditEntry['lines']> {
    return (this.store.get('audit_last', `${orderId}/${action}`)?.lines as unknown as AuditEntry['lines']) ?? [];
  }

  async all(): Promise<AuditEntry[]> {
    return this.store.all('inventory_audit') as unknown as AuditEntry[];
  }
}

class SqlInventoryAudit implements InventoryAudit {
  constructor(private readonly sql: SqlStore) {}

  async record(e: AuditEntry): Promise<void> {
    if (e.lines.length === 0) return;
    await this.sql.query(
      `INSERT INTO inventory_audit (order_id, action, product_id, quantity, at)
       SELECT $1, $2, l.product_id, l.quantity, $4 FROM jsonb_to_recordset($3::jsonb) AS l(product_id TEXT, quantity INTEGER)`,
      [e.orderId, e.action, JSON.stringify(e.lines.map((l) => ({ product_id: l.productId, quantity: l.quantity }))), e.at],
    );
  }

  async linesOf(orderId: string, action: AuditAction): Promise<AuditEntry['lines']> {
    // The latest batch of that action for the order (rows of one batch share `at`).
    const r = await this.sql.query<{ product_id: string; quantity: number }>(
      `SELECT product_id, quantity FROM inventory_audit
       WHERE order_id = $1 AND action = $2 AND at = (SELECT max(at) FROM inventory_audit WHERE order_id = $1 AND action = $2)
       ORDER BY id`,
      [orderId, action],
    );
    return r.rows.map((row) => ({ productId: row.product_id, quantity: row.quantity }));
  }

  async all(): Promise<AuditEntry[]> {
    const r = await this.sql.query<{ order_id: string; action: AuditAction; product_id: string; quantity: number; at: string | number }>(
      'SELECT order_id, action, product_id, quantity, at FROM inventory_audit ORDER BY id',
    );
    return r.rows.map((row) => ({ orderId: row.order_id, action: row.action, lines: [{ productId: row.product_id, quantity: row.quantity }], at: Number(row.at) }));
  }
}
