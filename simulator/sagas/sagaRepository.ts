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

export function sagaRepository(store: SqlStore | MemoryTables): SagaRepository {
  if (isMemoryTables(store)) {
    return {
      load: async (id) => store.get('saga_instances', id) as SagaInstance | undefined,
      save: async (s) => store.put('saga_instances', s.sagaId, s as unknown as JsonObject),
      active: async () => (store.all('saga_instances') as unknown as SagaInstance[]).filter((s) => s.status === 'RUNNING' || s.status === 'COMPENSATING'),
      all: async () => store.all('saga_instances') as unknown as SagaInstance[],
    };
  }
  const sql = store as SqlStore;
  return {
    async load(id) {
      const r = await sql.query<{ state: SagaInstance }>('SELECT state FROM saga_instances WHERE saga_id = $1', [id]);
      return r.rows[0]?.state;
    },
    async save(s) {
      await sql.query(
        `INSERT INTO saga_instances (saga_id, saga, status, state, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (saga_id) DO UPDATE SET status = EXCLUDED.status, state = EXCLUDED.state, updated_at = EXCLUDED.updated_at`,
        [s.sagaId, s.saga, s.status, JSON.stringify(s), s.updatedAt],
      );
    },
    async active() {
      const r = await sql.query<{ state: SagaInstance }>(
        "SELECT state FROM saga_instances WHERE status IN ('RUNNING', 'COMPENSATING') ORDER BY saga_id",
      );
      return r.rows.map((row) => row.state);
    },
    async all() {
      const r = await sql.query<{ state: SagaInstance }>('SELECT state FROM saga_instances ORDER BY saga_id');
      return r.rows.map((row) => row.state);
    },
  };
}
