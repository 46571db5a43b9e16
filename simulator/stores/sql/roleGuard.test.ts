import { describe, expect, it } from 'vitest';
import { leavesRole } from './roleGuard';

describe('leavesRole', () => {
  // Each of these reaches PostgreSQL's superuser in PGlite when it is not refused.
  const refused: Array<[name: string, sql: string]> = [
    ['RESET ROLE', 'RESET ROLE'],
    ['SET ROLE', 'SET ROLE postgres'],
    ['SET ROLE =', 'set role = postgres'],
    ['SET ROLE TO', 'SET ROLE TO postgres'],
    ['SET ROLE NONE', 'SET ROLE NONE'],
    ['SET LOCAL ROLE', 'BEGIN; SET LOCAL ROLE postgres; SELECT 1; COMMIT'],
    ['SET SESSION ROLE', 'SET SESSION ROLE postgres'],
    ['SET SESSION AUTHORIZATION', 'SET SESSION AUTHORIZATION DEFAULT'],
    ['SET LOCAL SESSION AUTHORIZATION', 'SET LOCAL SESSION AUTHORIZATION postgres'],
    ['RESET SESSION AUTHORIZATION', 'RESET SESSION AUTHORIZATION'],
    ['SET session_authorization', 'SET session_authorization TO postgres'],
    ['RESET session_authorization', 'RESET session_authorization'],
    ['DISCARD ALL', 'DISCARD ALL'],
    ['a comment before RESET ROLE', '/* hi */ RESET ROLE; SELECT * FROM payment_db.payments'],
    ['a line comment before RESET ROLE', '-- hi\nRESET ROLE'],
    ['a comment between SET and ROLE', 'SET/**/ROLE postgres'],
    ['a line comment between SET and ROLE', 'SET -- c\n ROLE postgres'],
    ['a comment between RESET and ROLE', 'RESET/**/ROLE'],
    ['a nested comment before RESET ROLE', '/* a /* b */ c */ RESET ROLE'],
    ['RESET ROLE after a statement', `SELECT 1; RESET ROLE`],
    ['RESET ROLE after a string with a semicolon', `SELECT ';'; RESET ROLE`],
    ['a quoted "role"', 'SET "role" TO postgres'],
    ['a quoted "ROLE"', 'SET "ROLE" TO postgres'],
    ['SET SESSION "role"', 'SET SESSION "role" TO postgres'],
    ['RESET "role"', 'RESET "role"'],
    ['a U& quoted role', 'SET U&"\\0072ole" TO postgres'],
    ['a U& quoted role with UESCAPE', `SET U&"!0072ole" UESCAPE '!' TO postgres`],
    ['set_config on role', `SELECT set_config('role', 'postgres', false)`],
    ['set_config on ROLE', `SELECT set_config('ROLE', 'postgres', false)`],
    ['set_config on session_authorization', `SELECT set_config('session_authorization', 'postgres', false)`],
    ['set_config with a concatenated name', `SELECT set_config('rol' || 'e', 'postgres', false)`],
    ['set_config with an E string', `SELECT set_config(E'role', 'postgres', false)`],
    ['set_config with an escaped E string', `SELECT set_config(E'\\x72ole', 'postgres', false)`],
    ['set_config with a U& string', `SELECT set_config(U&'\\0072ole', 'postgres', false)`],
    ['set_config with a dollar-quoted name', `SELECT set_config($$role$$, 'postgres', false)`],
    ['set_config with a cast name', `SELECT set_config('role'::text, 'postgres', false)`],
    ['set_config with a parenthesized name', `SELECT set_config(('search_path'), 'x', false)`],
    ['set_config with a parameter', `SELECT set_config($1, $2, false)`],
    ['set_config with a name continued on the next line', `SELECT set_config('ro'\n'le', 'postgres', false)`],
    ['pg_catalog.set_config', `SELECT pg_catalog.set_config('role', 'postgres', false)`],
    ['a quoted "set_config"', `SELECT "set_config"('role', 'postgres', false)`],
    ['set_config in FROM', `SELECT * FROM set_config('role', 'postgres', false)`],
    ['set_config in a string run by query_to_xml', `SELECT query_to_xml('SELECT set_config(''role'', ''postgres'', false)', true, false, '')`],
    ['a function setting its role', `CREATE FUNCTION f() RETURNS text LANGUAGE plpgsql SET role = postgres AS $$ BEGIN RETURN current_user; END $$`],
    ['a procedure setting its role', `CREATE PROCEDURE p() LANGUAGE sql SET role TO postgres AS 'SELECT 1'`],
    ['ALTER FUNCTION … SET role', 'ALTER FUNCTION f SET role = postgres'],
    ['ALTER FUNCTION update SET role', 'ALTER FUNCTION update SET role = postgres'],
    ['a function returning a type named update', 'CREATE FUNCTION f() RETURNS update LANGUAGE sql SET role = postgres AS $$ SELECT 1 $$'],
    ['SET standard_conforming_strings', 'SET standard_conforming_strings = off'],
    ['set_config on standard_conforming_strings', `SELECT set_config('standard_conforming_strings', 'off', false)`],
    ['a DO block with EXECUTE', `DO $$ BEGIN EXECUTE 'SET ROLE postgres'; END $$`],
    ['a DO block with EXECUTE of SET ROLE =', `DO $$ BEGIN EXECUTE 'set role = postgres'; END $$`],
    ['a DO block with RESET ROLE', 'DO $$ BEGIN RESET ROLE; END $$'],
    ['a DO block with a tagged dollar quote', 'DO $body$ BEGIN RESET ROLE; END $body$'],
    ['a DO block in a standard string', `DO 'BEGIN RESET ROLE; END'`],
    ['a DO block with a language', `DO LANGUAGE plpgsql 'BEGIN RESET ROLE; END'`],
    ['a DO block with set_config', `DO $$ BEGIN PERFORM set_config('role', 'postgres', false); END $$`],
    ['a DO block with EXECUTE of an E string', `DO $$ BEGIN EXECUTE E'\\x52ESET \\x52OLE'; END $$`],
    ['a DO block with EXECUTE of a string continued on the next line', `DO $$ BEGIN EXECUTE 'RESET RO'\n'LE'; END $$`],
    ['a DO block with EXECUTE format', `DO $$ BEGIN EXECUTE format('SET ROLE %I', 'postgres'); END $$`],
    ['a DO block with a statement kept in a variable', `DO $$ DECLARE q text := 'RESET ROLE'; BEGIN EXECUTE q; END $$`],
    ['a DO block run by EXECUTE in a DO block', `DO $$ BEGIN EXECUTE 'DO $x$ BEGIN RESET ROLE; END $x$'; END $$`],
    ['a function body creating a function that sets its role', `DO $$ BEGIN EXECUTE 'CREATE FUNCTION g() RETURNS int LANGUAGE sql SET role = postgres AS ''SELECT 1'''; END $$`],
    ['a function body with a wrapper around set_config', `CREATE FUNCTION f(n text) RETURNS text LANGUAGE sql AS $$ SELECT set_config(n, 'postgres', false) $$`],
  ];

  it.each(refused)('refuses %s', (_name, sql) => {
    expect(leavesRole(sql)).toBe(true);
  });

  const allowed: Array<[name: string, sql: string]> = [
    ['a plain SELECT', 'SELECT * FROM accounts'],
    ['a column named role', `UPDATE users SET role = 'admin'`],
    ['a quoted column named role', `UPDATE users SET "role" = 'admin'`],
    ['role as the second assignment', 'UPDATE users SET x = 1, role = 2'],
    ['an UPDATE with an alias and a qualified name', `UPDATE public.users AS u SET role = 'admin' WHERE u.id = 1`],
    ['an UPDATE with a comment before SET', `UPDATE users /* all */ SET role = 'admin'`],
    ['an UPDATE after another statement', `SELECT 1; UPDATE users SET role = 'admin'`],
    ['an UPDATE in a CTE', `WITH changed AS (UPDATE users SET role = 'admin' RETURNING id) SELECT * FROM changed`],
    ['ON CONFLICT DO UPDATE', `INSERT INTO users (id, role) VALUES (1, 'a') ON CONFLICT (id) DO UPDATE SET role = excluded.role`],
    ['MERGE … THEN UPDATE', `MERGE INTO users u USING src s ON u.id = s.id WHEN MATCHED THEN UPDATE SET role = s.role`],
    ['an UPDATE in a DO block', `DO $$ BEGIN UPDATE users SET role = 'admin'; END $$`],
    ['an UPDATE run by EXECUTE', `DO $$ BEGIN EXECUTE 'UPDATE users SET role = ''admin'''; END $$`],
    ['EXPLAIN ANALYZE UPDATE', `EXPLAIN ANALYZE UPDATE users SET role = 'admin'`],
    ['a string containing the words', `INSERT INTO t VALUES ('set role x')`],
    ['a string containing a whole statement', `INSERT INTO t VALUES ('RESET ROLE; SET SESSION AUTHORIZATION x; DISCARD ALL')`],
    ['a string that looks like a comment', `SELECT '--'; SELECT role FROM users`],
    ['a string that looks like a block comment', `SELECT '/*'; SELECT role FROM users; SELECT '*/'`],
    ['a line comment containing the words', '-- we never SET ROLE here\nSELECT * FROM users'],
    ['a block comment containing the words', '/* RESET ROLE; DISCARD ALL */ SELECT 1'],
    ['a quoted name containing the words', 'SELECT 1 AS "set role postgres"'],
    ['an E string with an escaped quote', `SELECT E'it\\'s; RESET ROLE'`],
    ['a string with a doubled quote', `SELECT 'it''s; RESET ROLE'`],
    ['set_config on search_path', `SELECT set_config('search_path', 'prepared_b', false)`],
    ['pg_catalog.set_config on another parameter', `SELECT pg_catalog.set_config('application_name', 'x', true)`],
    ['a column named set_config', 'SELECT set_config FROM t'],
    ['current_setting of role', `SELECT current_setting('role')`],
    ['a dotted parameter', 'SET myapp.role = 1'],
    ['session_replication_role', 'SET LOCAL session_replication_role = replica'],
    ['RESET ALL', 'RESET ALL'],
    ['DISCARD PLANS', 'DISCARD PLANS'],
    ['a column named role in DDL', 'ALTER TABLE accounts ADD COLUMN role TEXT; CREATE INDEX ON accounts (role)'],
    ['a role column in INSERT and SELECT', `INSERT INTO accounts (owner, role) VALUES ('ann', 'admin'); SELECT role FROM accounts WHERE role <> 'x'`],
    ['a SET column named local', 'UPDATE t SET local = 1'],
    ['a name with a dollar in it', 'SELECT a$$ FROM t WHERE role = 1'],
    ['a parameter', 'SELECT * FROM users WHERE role = $1'],
    ['a function body with data strings', `CREATE FUNCTION f() RETURNS text LANGUAGE plpgsql AS $$ BEGIN RAISE NOTICE 'please set role first'; RETURN 'role'; END $$`],
  ];

  it.each(allowed)('allows %s', (_name, sql) => {
    expect(leavesRole(sql)).toBe(false);
  });

  describe('unclosed quotes and comments run to the end and are read as SQL, without throwing', () => {
    const cases: Array<[sql: string, expected: boolean]> = [
      [`SELECT 'abc`, false],
      [`SELECT 'abc; RESET ROLE`, true],
      [`SELECT E'abc\\`, false],
      [`SELECT E'abc\\'; RESET ROLE`, true],
      [`SELECT "abc`, false],
      [`SELECT "abc; RESET ROLE`, true],
      [`SELECT 1 /* abc`, false],
      [`SELECT 1 /* abc; RESET ROLE`, true],
      [`SELECT 1 /* a /* b */ RESET ROLE`, true],
      [`SELECT $$abc`, false],
      [`SELECT $x$ RESET ROLE $y$`, true],
      [`SELECT U&'abc`, false],
      [`SELECT U&"abc; RESET ROLE`, true],
      [`SELECT set_config('role`, true],
      [`SELECT set_config(`, true],
      ['SET', false],
      ['RESET ROLE /*', true],
      [`'`, false],
      ['$', false],
      ['E', false],
    ];
    it.each(cases)('%j → %s', (sql, expected) => {
      expect(() => leavesRole(sql)).not.toThrow();
      expect(leavesRole(sql)).toBe(expected);
    });
  });

  it('inside a body, refuses a data string only when it reads as a statement', () => {
    // A known cost: this string may be EXECUTEd later, so it is taken as SQL.
    expect(leavesRole(`DO $$ BEGIN INSERT INTO t VALUES ('set role x'); END $$`)).toBe(true);
    expect(leavesRole(`DO $$ BEGIN INSERT INTO t VALUES ('please reset role'); END $$`)).toBe(false);
    expect(leavesRole(`DO $$ BEGIN INSERT INTO t VALUES ('now; RESET ROLE'); END $$`)).toBe(true);
    // At the top level a string is data: only PostgreSQL's own functions could run it, and they refuse SET and RESET.
    expect(leavesRole(`SELECT query_to_xml('RESET ROLE', true, false, '')`)).toBe(false);
  });

  it('does not lex text without any of the words', () => {
    const big = `INSERT INTO t VALUES ${Array.from({ length: 2000 }, (_, i) => `(${i}, 'x${i}')`).join(', ')}`;
    expect(leavesRole(big)).toBe(false);
    expect(leavesRole(`${big}; RESET ROLE`)).toBe(true);
  });
});
