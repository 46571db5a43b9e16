/**
 * The learner's progress and code as plain data, and the rules that combine them.
 * Pure: no Dexie, no DOM. progressDb.ts stores these records; the import file and the
 * course map read them.
 */

/** The learner's current text of one exercise file. */
export interface CodeRecord {
  lessonId: string;
  exerciseId: string;
  file: string;
  content: string;
  /** Epoch ms of the last edit. */
  updatedAt: number;
}

/** How an exercise went: best and last grade. */
export interface ProgressRecord {
  lessonId: string;
  exerciseId: string;
  bestScore: number;
  lastScore: number;
  /** Points available when last graded. */
  max: number;
  /** Epoch ms of the last grade. */
  lastAttemptAt: number;
  attempts: number;
}

/** One graded attempt, as the page reports it. */
export interface Attempt {
  lessonId: string;
  exerciseId: string;
  score: number;
  max: number;
  at: number;
}

/** Folds a new attempt into the exercise's record (`undefined` when never graded). */
export function recordAttempt(previous: ProgressRecord | undefined, attempt: Attempt): ProgressRecord {
  return {
    lessonId: attempt.lessonId,
    exerciseId: attempt.exerciseId,
    bestScore: Math.max(previous?.bestScore ?? 0, attempt.score),
    lastScore: attempt.score,
    max: attempt.max,
    lastAttemptAt: attempt.at,
    attempts: (previous?.attempts ?? 0) + 1,
  };
}

/**
 * Merges an imported record with the local one. Nothing the learner earned is lost:
 * the best score is the higher of both, "last attempt" is whichever happened later, and
 * the attempt count is the larger (importing the same file twice must not double it).
 */
export function mergeProgress(local: ProgressRecord | undefined, incoming: ProgressRecord): ProgressRecord {
  if (!local) return { ...incoming };
  const later = incoming.lastAttemptAt > local.lastAttemptAt ? incoming : local;
  return {
    lessonId: local.lessonId,
    exerciseId: local.exerciseId,
    bestScore: Math.max(local.bestScore, incoming.bestScore),
    lastScore: later.lastScore,
    max: later.max,
    lastAttemptAt: later.lastAttemptAt,
    attempts: Math.max(local.attempts, incoming.attempts),
  };
}

/** The newer edit wins; on a tie the local text stays (it is what the learner sees). */
export function mergeCode(local: CodeRecord | undefined, incoming: CodeRecord): CodeRecord {
  if (!local) return { ...incoming };
  return incoming.updatedAt > local.updatedAt ? { ...incoming } : local;
}

export const progressKey = (r: { lessonId: string; exerciseId: string }) => `${r.lessonId}/${r.exerciseId}`;
export const codeKey = (r: { lessonId: string; exerciseId: string; file: string }) =>
  `${r.lessonId}/${r.exerciseId}/${r.file}`;

/** What an import changes: the records to write (already merged) and a count per kind. */
export interface MergePlan {
  progress: ProgressRecord[];
  code: CodeRecord[];
  /** Records that change something locally. */
  changed: { progress: number; code: number };
}

/** Decides what an import writes, given what is stored now. */
export function planImport(
  local: { progress: ProgressRecord[]; code: CodeRecord[] },
  incoming: { progress: ProgressRecord[]; code: CodeRecord[] },
): MergePlan {
  const localProgress = new Map(local.progress.map((r) => [progressKey(r), r]));
  const localCode = new Map(local.code.map((r) => [codeKey(r), r]));
  const progress: ProgressRecord[] = [];
  const code: CodeRecord[] = [];
  for (const r of incoming.progress) {
    const before = localProgress.get(progressKey(r));
    const merged = mergeProgress(before, r);
    if (!before || JSON.stringify(before) !== JSON.stringify(merged)) progress.push(merged);
  }
  for (const r of incoming.code) {
    const before = localCode.get(codeKey(r));
    const merged = mergeCode(before, r);
    if (merged !== before) code.push(merged);
  }
  return { progress, code, changed: { progress: progress.length, code: code.length } };
}

/** A lesson as the course map needs it: its id, chapter and exercises' maximum points. */
export interface LessonOutline {
  id: string;
  chapter: number;
  exercises: Array<{ id: string; max: number }>;
}

export interface LessonProgress {
  /** Sum of best scores. */
  earned: number;
  max: number;
  /** Exercises graded at least once. */
  attempted: number;
  /** Exercises with full marks. */
  completed: number;
  exercises: number;
}

/** Sums best scores over a lesson's exercises. */
export function lessonProgress(lesson: LessonOutline, records: ProgressRecord[]): LessonProgress {
  const byKey = new Map(records.map((r) => [progressKey(r), r]));
  let earned = 0;
  let max = 0;
  let attempted = 0;
  let completed = 0;
  for (const ex of lesson.exercises) {
    const r = byKey.get(`${lesson.id}/${ex.id}`);
    max += ex.max;
    if (!r) continue;
    attempted++;
    earned += Math.min(r.bestScore, ex.max);
    if (r.bestScore >= ex.max && ex.max > 0) completed++;
  }
  return { earned, max, attempted, completed, exercises: lesson.exercises.length };
}

/** A chapter's progress in the course map card's terms, or `undefined` when nothing is started. */
export function chapterProgress(
  chapter: number,
  lessons: LessonOutline[],
  records: ProgressRecord[],
): { value: number; max: number; label: string } | undefined {
  const inChapter = lessons.filter((l) => l.chapter === chapter);
  if (inChapter.length === 0) return undefined;
  let earned = 0;
  let max = 0;
  let attempted = 0;
  for (const l of inChapter) {
    const p = lessonProgress(l, records);
    earned += p.earned;
    max += p.max;
    attempted += p.attempted;
  }
  if (attempted === 0) return undefined;
  return { value: earned, max, label: `${formatPoints(earned)} / ${formatPoints(max)} points` };
}

/** 7.5 → "7.5", 8 → "8" */
export function formatPoints(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1).replace(/\.0$/, '');
}
