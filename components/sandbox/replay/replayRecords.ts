/**
 * Replays of graded runs, kept in this browser's IndexedDB (through Dexie) between the lesson
 * page that graded them and the sandbox that replays them. A record holds the learner's code as
 * it was graded (not as it is now: the learner may have changed it since), the failed criterion,
 * its seed and fault plan, and the run as the grader recorded it. The sandbox link carries the
 * record's key, plus the lesson, exercise, criterion and seed in words for when the record is
 * not there (another browser, cleared storage).
 */
import Dexie, { type EntityTable } from 'dexie';
import { hashString, stableStringify, type FaultPlan } from '@/simulator';
import type { GradeReport, ReplayRun } from '@/lessons/types';

export interface ReplayRecord {
  /** `<criterion id>-<hash of everything below>`: grading the same code again gives the same key. */
  id: string;
  lessonId: string;
  exerciseId: string;
  exerciseTitle: string;
  criterionId: string;
  criterionTitle: string;
  /** What the grader said about this criterion. */
  explanation: string;
  /** The learner's files, as graded. */
  files: Record<string, string>;
  seed: number;
  faultPlan: FaultPlan | null;
  run: ReplayRun;
  /** Wall-clock ms when saved (for pruning; never read by the engine). */
  savedAt: number;
}

/** What a replay link asks for. */
export interface ReplayRequest {
  key: string;
  lessonId: string | null;
  exerciseId: string | null;
  criterionId: string | null;
  seed: number | null;
}

/** Records kept; older ones are pruned when new ones are saved. */
export const MAX_REPLAYS = 40;

/** The scenario id the sandbox's controller knows a replay by (not a catalogue id). */
export const REPLAY_SCENARIO_PREFIX = 'replay:';
export const isReplayScenarioId = (id: string) => id.startsWith(REPLAY_SCENARIO_PREFIX);
export const replayScenarioId = (key: string) => `${REPLAY_SCENARIO_PREFIX}${key}`;

/** One record per failed criterion that recorded its run. Pure. */
export function replayRecordsFor(
  report: GradeReport,
  exercise: { title: string },
  files: Record<string, string>,
  savedAt: number,
): ReplayRecord[] {
  const out: ReplayRecord[] = [];
  for (const c of report.criteria) {
    const r = c.replay;
    if (c.passed || !r?.run) continue;
    const body = {
      lessonId: report.lesson,
      exerciseId: report.exercise,
      exerciseTitle: exercise.title,
      criterionId: c.id,
      criterionTitle: c.title,
      explanation: c.explanation,
      files: { ...files },
      seed: r.seed,
      faultPlan: r.faultPlan && r.faultPlan.faults.length > 0 ? r.faultPlan : null,
      run: r.run,
    };
    out.push({ id: `${c.id}-${hashString(stableStringify(body))}`, ...body, savedAt });
  }
  return out;
}

/** `/sandbox/?replay=<key>&lesson=…&exercise=…&criterion=…&seed=…` */
export function replayLink(record: Pick<ReplayRecord, 'id' | 'lessonId' | 'exerciseId' | 'criterionId' | 'seed'>): string {
  const params = new URLSearchParams({
    replay: record.id,
    lesson: record.lessonId,
    exercise: record.exerciseId,
    criterion: record.criterionId,
    seed: String(record.seed),
  });
  return `/sandbox/?${params.toString()}`;
}

/** Reads a replay link; null when the URL asks for no replay. Pure. */
export function parseReplayRequest(search: string): ReplayRequest | null {
  const p = new URLSearchParams(search);
  const key = p.get('replay');
  if (!key) return null;
  const seed = Number(p.get('seed'));
  return {
    key,
    lessonId: p.get('lesson'),
    exerciseId: p.get('exercise'),
    criterionId: p.get('criterion'),
    seed: p.get('seed') !== null && Number.isInteger(seed) && seed >= 0 ? seed : null,
  };
}

const isStr = (v: unknown): v is string => typeof v === 'string';

/** Checks a record read back from IndexedDB (it may be from an older version). Pure. */
export function parseReplayRecord(raw: unknown): ReplayRecord | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  const run = r.run as Record<string, unknown> | undefined;
  const trace = run?.trace as Record<string, unknown> | undefined;
  const files = r.files as Record<string, unknown> | undefined;
  if (
    !isStr(r.id) || !isStr(r.lessonId) || !isStr(r.exerciseId) || !isStr(r.criterionId) ||
    !isStr(r.exerciseTitle) || !isStr(r.criterionTitle) || !isStr(r.explanation) ||
    typeof r.seed !== 'number' || !Number.isInteger(r.seed) ||
    typeof files !== 'object' || files === null || !Object.values(files).every(isStr) ||
    typeof run !== 'object' || run === null || !isStr(run.title) || !('input' in run) ||
    typeof trace !== 'object' || trace === null || !isStr(trace.hash) || typeof trace.events !== 'number' || typeof trace.endTime !== 'number'
  ) {
    return null;
  }
  // The plan's services are checked against the scenario when the run starts (the controller parses it).
  const plan = r.faultPlan as { faults?: unknown } | null | undefined;
  if (plan !== null && plan !== undefined && (typeof plan !== 'object' || !Array.isArray(plan.faults))) return null;
  return { ...(r as unknown as ReplayRecord), faultPlan: (plan ?? null) as FaultPlan | null };
}

// ------------------------------------------------------------ IndexedDB

class ReplayDb extends Dexie {
  replays!: EntityTable<ReplayRecord, 'id'>;
  constructor() {
    super('dm-replays');
    this.version(1).stores({ replays: 'id, savedAt' });
  }
}

let db: ReplayDb | null = null;
const open = () => (db ??= new ReplayDb());

/** Saves records (a grade's failures) and prunes the oldest beyond MAX_REPLAYS. */
export async function saveReplays(records: readonly ReplayRecord[]): Promise<void> {
  if (records.length === 0) return;
  const d = open();
  await d.transaction('rw', d.replays, async () => {
    await d.replays.bulkPut([...records]);
    const count = await d.replays.count();
    if (count > MAX_REPLAYS) {
      const old = await d.replays.orderBy('savedAt').limit(count - MAX_REPLAYS).primaryKeys();
      await d.replays.bulkDelete(old);
    }
  });
}

/** The record for a key, checked; null when it is not (or no longer) in this browser. */
export async function loadReplay(key: string): Promise<ReplayRecord | null> {
  return parseReplayRecord(await open().replays.get(key));
}
