/**
 * Where the learner's code and progress live: one IndexedDB database through Dexie.
 * Client-only (imported from 'use client' components). The rules that combine records
 * live in progressModel.ts; the import file's validation in importFile.ts.
 */
import Dexie, { type Table } from 'dexie';
import { buildExportFile, type CourseCatalogue, type ExportFile, parseImportFile } from './importFile';
import { planImport, recordAttempt, type Attempt, type CodeRecord, type ProgressRecord } from './progressModel';

export const DB_NAME = 'dm-course';

class CourseDb extends Dexie {
  code!: Table<CodeRecord, [string, string, string]>;
  progress!: Table<ProgressRecord, [string, string]>;

  constructor(opts?: { indexedDB?: IDBFactory; IDBKeyRange?: typeof IDBKeyRange }) {
    super(DB_NAME, opts);
    this.version(1).stores({
      code: '[lessonId+exerciseId+file], lessonId',
      progress: '[lessonId+exerciseId], lessonId',
    });
  }
}

let db: CourseDb | null = null;

/** The page's database (opened on first use). */
export function courseDb(): CourseDb {
  if (!db) db = new CourseDb();
  return db;
}

/** For tests: a database on a given IndexedDB (fake-indexeddb). */
export function createCourseDb(opts: { indexedDB: IDBFactory; IDBKeyRange: typeof IDBKeyRange }): CourseDb {
  return new CourseDb(opts);
}

/** Tells other components on the page (the course map, the lesson header) that progress changed. */
export { PROGRESS_EVENT } from './readProgress';
import { PROGRESS_EVENT } from './readProgress';
function announce() {
  if (typeof window !== 'undefined') window.dispatchEvent(new Event(PROGRESS_EVENT));
}

export async function loadCode(lessonId: string, exerciseId: string, d = courseDb()): Promise<Record<string, string>> {
  const rows = await d.code.where('lessonId').equals(lessonId).toArray();
  const out: Record<string, string> = {};
  for (const r of rows) if (r.exerciseId === exerciseId) out[r.file] = r.content;
  return out;
}

export async function saveCode(
  lessonId: string,
  exerciseId: string,
  file: string,
  content: string,
  d = courseDb(),
): Promise<void> {
  await d.code.put({ lessonId, exerciseId, file, content, updatedAt: Date.now() });
}

export async function clearCode(lessonId: string, exerciseId: string, d = courseDb()): Promise<void> {
  const keys = (await d.code.where('lessonId').equals(lessonId).toArray())
    .filter((r) => r.exerciseId === exerciseId)
    .map((r) => [r.lessonId, r.exerciseId, r.file] as [string, string, string]);
  await d.code.bulkDelete(keys);
}

export async function loadProgress(d = courseDb()): Promise<ProgressRecord[]> {
  return d.progress.toArray();
}

/** Records a graded attempt and returns the exercise's new record. */
export async function saveAttempt(attempt: Attempt, d = courseDb()): Promise<ProgressRecord> {
  const next = await d.transaction('rw', d.progress, async () => {
    const prev = await d.progress.get([attempt.lessonId, attempt.exerciseId]);
    const rec = recordAttempt(prev, attempt);
    await d.progress.put(rec);
    return rec;
  });
  announce();
  return next;
}

export async function exportAll(now = new Date(), d = courseDb()): Promise<ExportFile> {
  const [progress, code] = await Promise.all([d.progress.toArray(), d.code.toArray()]);
  return buildExportFile({ progress, code }, now);
}

export type ImportOutcome =
  | { ok: true; progress: number; code: number }
  | { ok: false; errors: string[] };

/** Validates the file's text, then merges it in one transaction; on any problem writes nothing. */
export async function importAll(text: string, catalogue: CourseCatalogue, d = courseDb()): Promise<ImportOutcome> {
  const parsed = parseImportFile(text, catalogue);
  if (!parsed.ok) return parsed;
  const changed = await d.transaction('rw', d.progress, d.code, async () => {
    const [progress, code] = await Promise.all([d.progress.toArray(), d.code.toArray()]);
    const plan = planImport({ progress, code }, parsed.file);
    await d.progress.bulkPut(plan.progress);
    await d.code.bulkPut(plan.code);
    return plan.changed;
  });
  announce();
  return { ok: true, ...changed };
}
