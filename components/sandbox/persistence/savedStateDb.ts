import Dexie, { type EntityTable } from 'dexie';

/**
 * The sandbox's saved state in IndexedDB, through Dexie. One row, written after changes
 * (debounced by the caller). Kept apart from the stores' own databases, which the store
 * providers create and delete per run.
 */
interface Row {
  id: string;
  value: unknown;
  savedAt: number;
}

const KEY = 'current';

class SandboxUiDb extends Dexie {
  state!: EntityTable<Row, 'id'>;
  constructor() {
    super('sandbox-ui');
    this.version(1).stores({ state: 'id' });
  }
}

let db: SandboxUiDb | null = null;
const open = () => (db ??= new SandboxUiDb());

/** The raw saved value (unchecked: parseSavedState reads it), or undefined if none. */
export async function loadSavedState(): Promise<unknown> {
  const row = await open().state.get(KEY);
  return row?.value;
}

export async function saveState(value: unknown): Promise<void> {
  await open().state.put({ id: KEY, value, savedAt: Date.now() });
}

/** For tests and "forget my sandbox": removes the saved row. */
export async function clearSavedState(): Promise<void> {
  await open().state.delete(KEY);
}
