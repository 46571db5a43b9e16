/**
 * PGlite runtime: shared compiled wasm modules, a pre-initialized data directory
 * and a pool of instances.
 *
 * Why: a cold PGlite costs ~2.7 s (initdb) and ~200 MB. Compiling `pglite.wasm`
 * once and starting every instance from a dump of a fresh data dir
 * (`loadDataDir`) brings a start to ~0.5 s; reusing a released instance after
 * a schema reset brings it to ~10 ms.
 *
 * This module runs in Node and in the browser, so it never reads files itself:
 * a loader hands it the assets (see `nodePgliteRuntime.ts` for Node; a browser
 * loader fetches `/pglite/*` and calls {@link createPgliteRuntime}).
 */
import { PGlite } from '@electric-sql/pglite';
import { trimWalPadding } from './dataDirTar';

/**
 * PostgreSQL settings every instance starts with, on top of PGlite's own. A simulation's
 * databases hold a few MB; the default 128 MB of shared buffers only cost a start (PostgreSQL
 * zeroes its shared memory: ~0.3 s on these machines) and memory.
 */
const START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

/**
 * Run on the fresh instance the data dir is dumped from. The template databases are only for
 * CREATE DATABASE, which no store uses: without them an instance unpacks one database instead of
 * three (about 14 of 39 MB) when it starts. CREATE DATABASE then fails with PostgreSQL's own
 * message (template database "template1" does not exist).
 */
const DROP_TEMPLATES_SQL = [
  `UPDATE pg_database SET datistemplate = false WHERE datname IN ('template0', 'template1')`,
  'DROP DATABASE template1',
  'DROP DATABASE template0',
];

/**
 * Run before a dump. initdb wrote ~7 MB of WAL, none of which a start replays. Switching to a new
 * segment and checkpointing twice leaves one segment holding little more than the checkpoint
 * record (the older one is removed), and `trimWalPadding` cuts the rest of it.
 */
const TRIM_WAL_SQL = ['RESET ROLE', 'SET wal_recycle = off', 'SELECT pg_switch_wal()', 'CHECKPOINT', 'CHECKPOINT'];

/**
 * Dumps an instance's data dir as an uncompressed tar with its WAL cut to what a start needs:
 * what `createPgliteRuntime` starts instances from.
 */
export async function dumpDataDir(db: PGlite): Promise<Blob> {
  for (const sql of TRIM_WAL_SQL) await db.exec(sql);
  const dump = await db.dumpDataDir('none');
  return new Blob([trimWalPadding(new Uint8Array(await dump.arrayBuffer()))]);
}

/** What a loader hands to {@link createPgliteRuntime}. */
export interface PgliteRuntimeAssets {
  /** Compiled `pglite.wasm` (compile once per process/page, share it). */
  wasmModule: WebAssembly.Module;
  /** `pglite.data`: the Emscripten file-system bundle (share/, lib/…). */
  fsBundle: Blob;
  /**
   * Compiled `initdb.wasm`. Only needed when `dataDir` is missing (initdb runs once
   * to build it); pass it anyway in the browser, otherwise PGlite starts fetching
   * `initdb.wasm` from a URL relative to its bundle.
   */
  initdbModule?: WebAssembly.Module;
  /** A pre-initialized data dir (`dumpDataDir()` of a fresh instance, tar or tgz). */
  dataDir?: Blob;
}

export interface PgliteRuntimeOptions {
  /** How many released instances are kept for reuse (each holds ~200 MB). Default 2. */
  maxIdle?: number;
}

/** Counters for benchmarks and tests. */
export interface PgliteRuntimeStats {
  /** Instances started (cold or from the data dir). */
  started: number;
  /** acquire() calls served by a released instance. */
  reused: number;
  /** Instances currently idle in the pool. */
  idle: number;
}

export interface PgliteRuntime {
  /**
   * Starts a new PGlite from the shared modules and the pre-initialized data dir
   * (building the data dir with one initdb first if the loader had none).
   * The caller owns the instance and closes it.
   */
  createInstance(): Promise<PGlite>;
  /**
   * An instance from the pool (empty `public` schema), the one {@link prestart} is starting, or a
   * new one. Give it back with {@link release}.
   */
  acquire(): Promise<PGlite>;
  /**
   * Starts an instance ahead of need (a page that will run a simulation soon) and keeps it for
   * the next {@link acquire}, which waits for it rather than starting a second one. Does nothing
   * when an instance is idle or already starting. Resolves once it is ready; never rejects (a
   * failed start is the next acquire's to retry).
   */
  prestart(): Promise<void>;
  /**
   * Returns an instance to the pool after resetting it (rollback, drop every user
   * schema). If the reset fails or the pool is full, the instance is closed.
   */
  release(db: PGlite): Promise<void>;
  /**
   * The pre-initialized data dir (builds it once with initdb if the loader had none),
   * so a loader can cache it (on disk in Node).
   */
  dataDir(): Promise<Blob>;
  stats(): PgliteRuntimeStats;
  /** Closes the idle instances. Acquired instances stay the caller's to release or close. */
  close(): Promise<void>;
}

/**
 * Empties a PGlite database back to an empty `public` schema.
 *
 * Measured on 3 tables with 1,000 rows each: `DROP SCHEMA public CASCADE; CREATE SCHEMA public`
 * takes ~9 ms, dropping the tables one by one ~13 ms, `DROP OWNED BY` is refused for the
 * bootstrap superuser. Sequences, types, functions and views go with the schema.
 */
export async function resetDatabase(db: PGlite): Promise<void> {
  // An instance may come back with a transaction left open (a caller threw mid-way):
  // ROLLBACK outside a transaction is only a warning.
  await db.exec('ROLLBACK; RESET ROLE');
  const extra = await db.query<{ nspname: string }>(
    `SELECT nspname FROM pg_namespace
      WHERE nspname NOT LIKE 'pg\\_%' AND nspname NOT IN ('information_schema', 'public')
      ORDER BY nspname`,
  );
  const drops = extra.rows.map((r) => `DROP SCHEMA ${quoteIdent(r.nspname)} CASCADE;`).join('\n');
  // The roles stores ran as (sharedPglite.ts): roles outlive a schema, and the next user must not find them.
  const roles = await db.query<{ rolname: string }>(
    `SELECT rolname FROM pg_roles WHERE NOT rolsuper AND rolname NOT LIKE 'pg\\_%' ORDER BY rolname`,
  );
  const roleDrops = roles.rows.map((r) => `DROP OWNED BY ${quoteIdent(r.rolname)}; DROP ROLE ${quoteIdent(r.rolname)};`).join('\n');
  // RESET ALL / DEALLOCATE ALL / UNLISTEN *: session state must not leak to the next user.
  await db.exec(
    `${drops}
     DROP SCHEMA IF EXISTS public CASCADE;
     CREATE SCHEMA public;
     ${roleDrops}
     RESET ALL;
     DEALLOCATE ALL;
     UNLISTEN *;`,
  );
}

/** Double-quotes a PostgreSQL identifier. */
export function quoteIdent(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

/**
 * Builds a runtime from assets a loader provides.
 *
 * @param assets - compiled modules, fs bundle and (ideally) a pre-initialized data dir.
 *   Without `dataDir`, the first start runs initdb and its dump is reused afterwards.
 * @param options - pool size.
 */
export function createPgliteRuntime(assets: PgliteRuntimeAssets, options: PgliteRuntimeOptions = {}): PgliteRuntime {
  const maxIdle = options.maxIdle ?? 2;
  const idle: PGlite[] = [];
  let started = 0;
  let reused = 0;
  /** An instance prestart() is starting, for the next acquire(). */
  let starting: Promise<PGlite> | null = null;
  let dataDirPromise: Promise<Blob> | undefined = assets.dataDir ? Promise.resolve(assets.dataDir) : undefined;

  const baseOptions = () => ({
    pgliteWasmModule: assets.wasmModule,
    initdbWasmModule: assets.initdbModule,
    fsBundle: assets.fsBundle,
    startParams: START_PARAMS,
  });

  async function buildDataDir(): Promise<Blob> {
    // One initdb for the whole runtime; its uncompressed dump loads faster than a tgz
    // (no gunzip in JS on every start).
    const fresh = await PGlite.create(baseOptions());
    started++;
    try {
      for (const sql of DROP_TEMPLATES_SQL) await fresh.exec(sql);
      return await dumpDataDir(fresh);
    } finally {
      await fresh.close();
    }
  }

  const runtime: PgliteRuntime = {
    dataDir() {
      if (!dataDirPromise) {
        dataDirPromise = buildDataDir();
        // A failed build must not poison later attempts.
        dataDirPromise.catch(() => (dataDirPromise = undefined));
      }
      return dataDirPromise;
    },
    async createInstance() {
      const loadDataDir = await runtime.dataDir();
      const db = await PGlite.create({ ...baseOptions(), loadDataDir });
      started++;
      return db;
    },
    async acquire() {
      const db = idle.pop();
      if (db) {
        reused++;
        return db;
      }
      if (starting) {
        const next = starting;
        starting = null;
        // Its start failed: this acquire starts one itself.
        return next.catch(() => runtime.createInstance());
      }
      return runtime.createInstance();
    },
    async prestart() {
      if (idle.length > 0 || starting) return;
      const next = runtime.createInstance();
      starting = next;
      await next.catch(() => {
        if (starting === next) starting = null;
      });
    },
    async release(db) {
      if (db.closed) return;
      if (idle.includes(db)) return;
      if (idle.length >= maxIdle) {
        await db.close();
        return;
      }
      try {
        await resetDatabase(db);
      } catch {
        // An instance we cannot clean is not safe to hand out again.
        await db.close().catch(() => {});
        return;
      }
      idle.push(db);
    },
    stats: () => ({ started, reused, idle: idle.length }),
    async close() {
      const pending = starting;
      starting = null;
      if (pending) idle.push(...(await pending.then((db) => [db], () => [])));
      const all = idle.splice(0);
      await Promise.all(all.map((db) => db.close().catch(() => {})));
    },
  };
  return runtime;
}
