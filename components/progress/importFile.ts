/**
 * The export file (all progress and code in one JSON document) and the validation of a
 * file being imported. Pure. Validation collects every problem with where it is, so a
 * learner with a hand-edited file sees all of them at once; on any problem nothing is imported.
 */
import type { CodeRecord, ProgressRecord } from './progressModel';

export const EXPORT_FORMAT = 'dm-course-progress';
export const EXPORT_VERSION = 1;

export interface ExportFile {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  /** ISO time of the export. */
  exportedAt: string;
  progress: ProgressRecord[];
  code: CodeRecord[];
}

export function buildExportFile(data: { progress: ProgressRecord[]; code: CodeRecord[] }, now: Date): ExportFile {
  const byKey = <T extends { lessonId: string; exerciseId: string }>(a: T, b: T) =>
    a.lessonId.localeCompare(b.lessonId) || a.exerciseId.localeCompare(b.exerciseId);
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: now.toISOString(),
    progress: [...data.progress].sort(byKey),
    code: [...data.code].sort((a, b) => byKey(a, b) || a.file.localeCompare(b.file)),
  };
}

/** File name for a download: dm-course-progress-2025-01-31.json */
export function exportFileName(now: Date): string {
  return `${EXPORT_FORMAT}-${now.toISOString().slice(0, 10)}.json`;
}

/** What the course contains: lesson id → exercise id → file names. */
export type CourseCatalogue = Record<string, Record<string, string[]>>;

export type ImportResult =
  | { ok: true; file: ExportFile }
  | { ok: false; errors: string[] };

const MAX_ERRORS = 20;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return v.length > 30 ? 'a string' : JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return typeof v === 'object' ? 'an object' : typeof v;
}

/** Parses and validates an import file's text against the course. */
export function parseImportFile(text: string, catalogue: CourseCatalogue): ImportResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return { ok: false, errors: [`This file is not valid JSON (${reason}). Choose a file exported from this course.`] };
  }
  return validateImportFile(json, catalogue);
}

/** Validates an already-parsed import document. */
export function validateImportFile(json: unknown, catalogue: CourseCatalogue): ImportResult {
  const errors: string[] = [];
  const add = (msg: string) => {
    if (errors.length < MAX_ERRORS) errors.push(msg);
  };

  if (!isObject(json)) {
    return { ok: false, errors: [`Expected a JSON object exported from this course, found ${describe(json)}.`] };
  }
  if (json.format !== EXPORT_FORMAT) {
    return {
      ok: false,
      errors: [
        `This is not a progress export of this course: "format" should be "${EXPORT_FORMAT}", found ${describe(json.format)}.`,
      ],
    };
  }
  if (json.version !== EXPORT_VERSION) {
    return {
      ok: false,
      errors: [`Unsupported export version ${describe(json.version)}: this app reads version ${EXPORT_VERSION}.`],
    };
  }
  if (!Array.isArray(json.progress)) add(`"progress" must be a list, found ${describe(json.progress)}.`);
  if (!Array.isArray(json.code)) add(`"code" must be a list, found ${describe(json.code)}.`);
  if (errors.length) return { ok: false, errors };

  const knownLessons = Object.keys(catalogue);
  const checkIds = (where: string, r: Record<string, unknown>): boolean => {
    let ok = true;
    for (const k of ['lessonId', 'exerciseId'] as const) {
      if (typeof r[k] !== 'string' || r[k] === '') {
        add(`${where}.${k} must be a non-empty string, found ${describe(r[k])}.`);
        ok = false;
      }
    }
    if (!ok) return false;
    const lesson = catalogue[r.lessonId as string];
    if (!lesson) {
      add(
        `${where}: unknown lesson "${r.lessonId}". This course has: ${knownLessons.join(', ') || '(no lessons)'}.`,
      );
      return false;
    }
    if (!lesson[r.exerciseId as string]) {
      add(
        `${where}: lesson "${r.lessonId}" has no exercise "${r.exerciseId}" (it has: ${Object.keys(lesson).join(', ') || 'none'}).`,
      );
      return false;
    }
    return true;
  };
  const checkNumber = (where: string, r: Record<string, unknown>, k: string, opts: { integer?: boolean } = {}) => {
    const v = r[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (opts.integer && !Number.isInteger(v))) {
      add(`${where}.${k} must be a${opts.integer ? 'n integer' : ' number'} ≥ 0, found ${describe(v)}.`);
      return false;
    }
    return true;
  };

  const progress: ProgressRecord[] = [];
  const seenProgress = new Set<string>();
  (json.progress as unknown[]).forEach((r, i) => {
    const where = `progress[${i}]`;
    if (!isObject(r)) return add(`${where} must be an object, found ${describe(r)}.`);
    let ok = checkIds(where, r);
    for (const k of ['bestScore', 'lastScore', 'max', 'lastAttemptAt']) ok = checkNumber(where, r, k) && ok;
    ok = checkNumber(where, r, 'attempts', { integer: true }) && ok;
    if (!ok) return;
    const rec: ProgressRecord = {
      lessonId: r.lessonId as string,
      exerciseId: r.exerciseId as string,
      bestScore: r.bestScore as number,
      lastScore: r.lastScore as number,
      max: r.max as number,
      lastAttemptAt: r.lastAttemptAt as number,
      attempts: r.attempts as number,
    };
    if (rec.bestScore > rec.max || rec.lastScore > rec.max) {
      return add(`${where}: a score is higher than the maximum (${rec.max}).`);
    }
    if (rec.lastScore > rec.bestScore) return add(`${where}: lastScore is higher than bestScore.`);
    const key = `${rec.lessonId}/${rec.exerciseId}`;
    if (seenProgress.has(key)) return add(`${where}: a second record for ${key}.`);
    seenProgress.add(key);
    progress.push(rec);
  });

  const code: CodeRecord[] = [];
  const seenCode = new Set<string>();
  (json.code as unknown[]).forEach((r, i) => {
    const where = `code[${i}]`;
    if (!isObject(r)) return add(`${where} must be an object, found ${describe(r)}.`);
    let ok = checkIds(where, r);
    if (typeof r.file !== 'string' || r.file === '') {
      add(`${where}.file must be a non-empty string, found ${describe(r.file)}.`);
      ok = false;
    }
    if (typeof r.content !== 'string') {
      add(`${where}.content must be a string, found ${describe(r.content)}.`);
      ok = false;
    }
    ok = checkNumber(where, r, 'updatedAt') && ok;
    if (!ok) return;
    const files = catalogue[r.lessonId as string]![r.exerciseId as string]!;
    if (!files.includes(r.file as string)) {
      return add(
        `${where}: exercise "${r.lessonId}/${r.exerciseId}" has no file "${r.file}" (it has: ${files.join(', ')}).`,
      );
    }
    const key = `${r.lessonId}/${r.exerciseId}/${r.file}`;
    if (seenCode.has(key)) return add(`${where}: a second copy of ${key}.`);
    seenCode.add(key);
    code.push({
      lessonId: r.lessonId as string,
      exerciseId: r.exerciseId as string,
      file: r.file as string,
      content: r.content as string,
      updatedAt: r.updatedAt as number,
    });
  });

  if (errors.length) {
    if (errors.length === MAX_ERRORS) errors.push('… and possibly more problems; fix these first.');
    return { ok: false, errors };
  }
  return {
    ok: true,
    file: {
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      exportedAt: typeof json.exportedAt === 'string' ? json.exportedAt : '',
      progress,
      code,
    },
  };
}
