import { SimError, ValidationError } from '../../core/errors';
import type { ServiceDefinition } from '../../core/types';
import type { SqlStore } from '../../stores/sql/types';
import type { MemoryTables } from '../../stores/memory/createMemoryTables';
import { isMemoryTables } from '../../stores/memory/createMemoryTables';
import { requireString } from '../shared/validate';

export type UserStores = { db: SqlStore | MemoryTables };

export const USER_SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  address TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);
`;

export interface UserRecord {
  id: string;
  email: string;
  name: string;
  address: string;
}

/** Users in their own PostgreSQL. Others learn of them through UserRegistered, never by reading this table. */
export const userService: ServiceDefinition<UserStores> = {
  name: 'user',
  title: 'User',
  stores: [{ key: 'db', kind: 'sql', schema: USER_SCHEMA }],
  handlers: {
    async RegisterUser(p: Partial<UserRecord>, ctx) {
      const user: UserRecord = {
        id: requireString(p?.id, 'id'),
        email: requireString(p?.email, 'email'),
        name: requireString(p?.name, 'name'),
        address: typeof p?.address === 'string' ? p.address : '',
      };
      if (!user.email.includes('@')) throw new ValidationError(`"${user.email}" is not an e-mail address.`, { field: 'email' });
      const db = ctx.stores.db;
      if (isMemoryTables(db)) {
        if (!db.insertNew('users', user.id, { ...user })) return { ...user, duplicate: true };
      } else {
        const r = await db.query(
          'INSERT INTO users (id, email, name, address, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING',
          [user.id, user.email, user.name, user.address, ctx.now],
        );
        if (r.affectedRows === 0) return { ...user, duplicate: true };
      }
      ctx.publish('UserRegistered', { ...user });
      return { ...user };
    },
    async GetUser(p: { id: string }, ctx) {
      const id = requireString(p?.id, 'id');
      const db = ctx.stores.db;
      const row = isMemoryTables(db) ? db.get('users', id) : (await db.query('SELECT id, email, name, address FROM users WHERE id = $1', [id])).rows[0];
      if (!row) throw new SimError('VALIDATION', `No user "${id}".`, { id });
      return row as never;
    },
  },
};
