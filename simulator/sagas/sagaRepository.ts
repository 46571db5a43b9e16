import type { JsonObject } from '../core/json';
import { isMemoryTables, type MemoryTables } from '../stores/memory/createMemoryTables';
import type { SqlStore } from '../stores/sql/types';
import type { SagaInstance } from './definition';

/** Where an orchestrator keeps its sagas: its own PostgreSQL, or memory tables for fast runs. */
export interface SagaRepository {
  load(sagaId: string): Promise<SagaInstance | undefined>;
  save(instance: SagaInstance): Promise<void>;
  /** Sagas still RUNNING or COMPENSATING, by id: what a restarted orchestrator resumes. */
  active(): Promise<SagaInstance[]>;
  all(): Promise<SagaInstance[]>;
}

export const SAGA_SCHEMA = `
CREATE TABLE IF NOT EXISTS saga_instances (
  saga_id TEXT PRIMARY KEY,
  saga TEXT NOT NULL,
  status TEXT NOT NULL,
  state JSONB NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_saga_status ON saga_instances(status);
`;

/** Gives the repository over an orchestrator's store (cheap: one small object, no closures). */
export function sagaRepository(store: SqlStore | MemoryTables): SagaRepository {
  return isMemoryTables(store) ? new MemorySagaRepository(store) : new SqlSagaRepository(store as SqlStore);
}

class MemorySagaRepository implements SagaRepository {
  constructor(private readonly store: MemoryTables) {}

  async load(id: string): Promise<SagaInstance | undefined> {
    return this.store.get('saga_instances', id) as SagaInstance | undefined;
  }

  async save(s: SagaInstance): Promise<void> {
    this.store.put('saga_instances', s.sagaId, s as unknown as JsonObject);
  }

  async active(): Promise<SagaInstance[]> {
    return (await this.all()).filter((s) => s.status === 'RUNNING' || s.status === 'COMPENSATING');
  }

  async all(): Promise<SagaInstance[]> {
    return this.store.all('saga_instances') as unknown as SagaInstance[];
  }
}

class SqlSagaRepository implements SagaRepository {
  constructor(private readonly sql: SqlStore) {}

  async load(id: string): Promise<SagaInstance | undefined> {
    const r = await this.sql.query<{ state: SagaInstance }>('SELECT state FROM saga_instances WHERE saga_id = $1', [id]);
    return r.rows[0]?.state;
  }

  async save(s: SagaInstance): Promise<void> {
    await this.sql.query(
      `INSERT INTO saga_instances (saga_id, saga, status, state, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (saga_id) DO UPDATE SET status = EXCLUDED.status, state = EXCLUDED.state, updated_at = EXCLUDED.updated_at`,
      [s.sagaId, s.saga, s.status, JSON.stringify(s), s.updatedAt],
    );
  }

  async active(): Promise<SagaInstance[]> {
    const r = await this.sql.query<{ state: SagaInstance }>("SELECT state FROM saga_instances WHERE status IN ('RUNNING', 'COMPENSATING') ORDER BY saga_id");
    return r.rows.map((row) => row.state);
  }

  async all(): Promise<SagaInstance[]> {
    const r = await this.sql.query<{ state: SagaInstance }>('SELECT state FROM saga_instances ORDER BY saga_id');
    return r.rows.map((row) => row.state);
  }
}
