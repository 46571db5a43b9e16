/**
 * Reads the saved progress records straight from IndexedDB, without Dexie, for pages that
 * only show progress (the course map): a few hundred bytes instead of Dexie's ~30 KB.
 * Writes always go through progressDb.ts (Dexie); this only reads its 'progress' table.
 */
import type { ProgressRecord } from './progressModel';

export const PROGRESS_EVENT = 'dm-course:progress';
const DB_NAME = 'dm-course';

export function readProgressRecords(): Promise<ProgressRecord[]> {
  return new Promise((resolve) => {
    if (typeof indexedDB === 'undefined') return resolve([]);
    let req: IDBOpenDBRequest;
    try {
      req = indexedDB.open(DB_NAME);
    } catch {
      return resolve([]);
    }
    // The database does not exist yet: do not create an empty one (Dexie creates it on first save).
    req.onupgradeneeded = () => req.transaction?.abort();
    req.onerror = () => resolve([]);
    req.onblocked = () => resolve([]);
    req.onsuccess = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains('progress')) {
        db.close();
        return resolve([]);
      }
      const all = db.transaction('progress', 'readonly').objectStore('progress').getAll();
      all.onsuccess = () => {
        db.close();
        resolve(all.result as ProgressRecord[]);
      };
      all.onerror = () => {
        db.close();
        resolve([]);
      };
    };
  });
}
