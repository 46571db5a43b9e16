/**
 * The learning loop's contract (written by the lead; the lesson engine implements it,
 * the lesson pages and the headless grader consume it).
 */
import type { FaultPlan, Json, StoreProvider } from '@/simulator';

/** One file of an exercise, as the editor shows it in a tab. */
export interface ExerciseFile {
  /** 'saga.ts' */
  name: string;
  /** Starter content. */
  starter: string;
  /** Reference solution content. */
  solution: string;
  /** Read-only in the editor (a given helper). */
  readOnly?: boolean;
}

export interface Exercise {
  /** Unique inside its lesson: 'booking-saga'. */
  id: string;
  title: string;
  /** What to build, in Markdown. */
  brief: string;
  files: ExerciseFile[];
  /** TypeScript declarations of the API the learner's code sees (Monaco addExtraLib). */
  apiDeclarations: string;
  /** Hints, opened one at a time, Markdown. */
  hints: string[];
  /** Rubric: criteria with points, shown before grading. */
  criteria: Array<{ id: string; title: string; points: number }>;
  /** Scenario id from the catalogue to open in the sandbox next to the exercise. */
  sandboxScenario?: string;
}

/** A block of lesson text: Markdown, or a place where the page embeds something that runs. */
export type LessonBlock =
  | { kind: 'markdown'; markdown: string }
  | { kind: 'sandbox'; scenario: string; caption: string }
  | { kind: 'exercise'; exerciseId: string };

export interface Lesson {
  /** From the folder name without its prefix: 'sagas-hotel-booking'. */
  id: string;
  /** Display order (folder prefix). */
  order: number;
  title: string;
  /** Course chapter it belongs to (1–4, 5 = final project). */
  chapter: number;
  summary: string;
  blocks: LessonBlock[];
  exercises: Exercise[];
}

/** A compile error, with the learner's own line and column. */
export interface CodeDiagnostic {
  file: string;
  line: number;
  column: number;
  message: string;
}

export interface ConsoleLine {
  /** Virtual time (ms) when the code logged, or null outside a simulation. */
  time: number | null;
  level: 'log' | 'warn' | 'error';
  text: string;
}

export interface CriterionResult {
  id: string;
  title: string;
  points: number;
  earned: number;
  passed: boolean;
  /** In words: "after payment was declined, room 12 was still reserved". */
  explanation: string;
  /** For a failure: the seed and fault plan that reproduce it, and the scenario to replay. */
  seed: number | null;
  faultPlan?: FaultPlan;
  replay?: CriterionReplay;
}

/** What a failing run's trace came to: a replay of the same run must come to the same. */
export interface TraceSummary {
  /** The engine's hash over every trace event. */
  hash: string;
  /** Trace events emitted. */
  events: number;
  /** Virtual time (ms) when the run stopped. */
  endTime: number;
}

/** The simulation a failing check ran, as data: enough to run it again with the learner's code. */
export interface ReplayRun {
  /** In words: "Carol's trip b-3, Alice's trip b-1". */
  title: string;
  /** The simulation's inputs, in the exercise's own shape (trips, commands…). */
  input: Json;
  trace: TraceSummary;
}

/** How to reproduce a failed criterion. */
export interface CriterionReplay {
  /** The catalogue scenario the run resembles (the sandbox's fallback when there is no `run`). */
  scenario: string;
  seed: number;
  faultPlan?: FaultPlan;
  /** The failing run itself, for replaying the learner's code (see `createReplay`). */
  run?: ReplayRun;
}

export interface GradeReport {
  lesson: string;
  exercise: string;
  score: number;
  max: number;
  criteria: CriterionResult[];
  /** Set when the code did not compile or could not load: then every criterion earns 0. */
  diagnostics: CodeDiagnostic[];
  /** Learner code's console output, tagged with virtual time. */
  console: ConsoleLine[];
}

export interface GradeOptions {
  lessonId: string;
  exerciseId: string;
  /** File name → content (the learner's files). */
  files: Record<string, string>;
  /** Stores for the simulations (real PGlite/Dexie in the page; Node runtime in tests). */
  stores: () => StoreProvider;
  /** Called as criteria finish: done of total. */
  onProgress?: (done: number, total: number, label: string) => void;
}

/** What the editor's Run button gets: one demo simulation of the learner's code. */
export interface RunReport {
  lesson: string;
  exercise: string;
  /** False when the code did not compile or threw during the run. */
  ok: boolean;
  /** One line about what happened: "b-1: saga completed, booking CONFIRMED …". */
  outcome: string;
  /** Scenario to replay in the sandbox next to the editor. */
  scenario?: string;
  diagnostics: CodeDiagnostic[];
  console: ConsoleLine[];
}

/** Options of runExercise: like grading, without progress. */
export type RunOptions = Omit<GradeOptions, 'onProgress'>;
