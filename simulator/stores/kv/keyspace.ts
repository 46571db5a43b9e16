import type { VirtualClock, VirtualTime } from '../../core/storeContext';

/** One stored key. Values are kept as Redis keeps them: strings, or hashes of strings. */
export type StoredEntry =
  | { type: 'string'; value: string; expiresAt: VirtualTime | null }
  | { type: 'hash'; value: Map<string, string>; expiresAt: VirtualTime | null };

/**
 * The data of one KV store on the virtual clock: keys, expiry, and the version stamps
 * that WATCH compares.
 *
 * Expiry is lazy, as in Redis: an expired key stays in the map until something looks it
 * up through {@link Keyspace.lookup}, which deletes it then. Because only the clock decides
 * what is live, {@link Keyspace.peek} can answer inspectors without deleting anything,
 * so looking at the store never changes what the simulation does next.
 *
 * Versions: only keys that some connection WATCHes carry a stamp (Redis likewise only
 * tracks watched keys). Every change to such a key, including its lazy expiry, gives it a
 * fresh stamp from one counter that never goes back, so a stamp never repeats and
 * "delete then re-create" still reads as a change.
 */
export class Keyspace {
  private readonly data = new Map<string, StoredEntry>();
  private readonly watched = new Map<string, { stamp: number; watchers: number }>();
  private stampCounter = 0;

  constructor(private readonly clock: VirtualClock) {}

  now(): VirtualTime {
    return this.clock.now();
  }

  /** The live entry at key, or undefined; an entry whose time has come is deleted here. */
  lookup(key: string): StoredEntry | undefined {
    const e = this.data.get(key);
    if (e === undefined) return undefined;
    if (e.expiresAt !== null && e.expiresAt <= this.clock.now()) {
      this.data.delete(key);
      // Expiry is a change as far as WATCH is concerned (Redis ≥ 6.0.9 aborts EXEC too).
      this.modified(key);
      return undefined;
    }
    return e;
  }

  /** The live entry at key without side effects (for inspectors and export). */
  peek(key: string, now: VirtualTime = this.clock.now()): StoredEntry | undefined {
    const e = this.data.get(key);
    if (e === undefined || (e.expiresAt !== null && e.expiresAt <= now)) return undefined;
    return e;
  }

  /** Stores entry at key (replacing whatever was there) and marks the key changed. */
  put(key: string, entry: StoredEntry): void {
    this.data.set(key, entry);
    this.modified(key);
  }

  /** Deletes a live key; returns whether there was one. */
  remove(key: string): boolean {
    if (this.lookup(key) === undefined) return false;
    this.data.delete(key);
    this.modified(key);
    return true;
  }

  /** Deletes every key (live or not yet reaped), marking each changed; returns how many were live. */
  clear(): number {
    const now = this.clock.now();
    let live = 0;
    for (const [key, e] of this.data) {
      if (e.expiresAt === null || e.expiresAt > now) live++;
      this.modified(key);
    }
    this.data.clear();
    return live;
  }

  /** Must be called after changing an entry in place (INCR, HSET, EXPIRE…). */
  modified(key: string): void {
    const w = this.watched.get(key);
    if (w !== undefined) w.stamp = ++this.stampCounter;
  }

  /** Live keys, sorted by UTF-16 code units (deterministic, locale-free). Reaps expired keys. */
  liveKeys(): string[] {
    const keys: string[] = [];
    for (const key of [...this.data.keys()]) if (this.lookup(key) !== undefined) keys.push(key);
    return keys.sort();
  }

  /** Live keys with their entries, sorted, without side effects. */
  peekAll(now: VirtualTime = this.clock.now()): Array<[string, StoredEntry]> {
    const out: Array<[string, StoredEntry]> = [];
    for (const [key, e] of this.data) if (e.expiresAt === null || e.expiresAt > now) out.push([key, e]);
    return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  /** Number of live keys, without side effects. */
  size(now: VirtualTime = this.clock.now()): number {
    let n = 0;
    for (const e of this.data.values()) if (e.expiresAt === null || e.expiresAt > now) n++;
    return n;
  }

  /** Starts watching key for one connection; returns the stamp to compare at EXEC. */
  watch(key: string): number {
    // Reap first: a key that was already expired when WATCHed must not abort EXEC later
    // merely because someone reaped it in between.
    this.lookup(key);
    let w = this.watched.get(key);
    if (w === undefined) {
      w = { stamp: ++this.stampCounter, watchers: 0 };
      this.watched.set(key, w);
    }
    w.watchers++;
    return w.stamp;
  }

  /** The key's current stamp, after reaping it if it has expired since. */
  currentStamp(key: string): number | undefined {
    this.lookup(key);
    return this.watched.get(key)?.stamp;
  }

  /** Ends one connection's watch of key; the stamp is dropped when nobody watches any more. */
  unwatch(key: string): void {
    const w = this.watched.get(key);
    if (w === undefined) return;
    if (--w.watchers <= 0) this.watched.delete(key);
  }
}
