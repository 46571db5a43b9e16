/**
 * Maps what the instructor points at (one file, or a folder of files) onto an exercise's
 * editor tabs. Pure: the caller reads the disk.
 */

export interface ExerciseOutline {
  id: string;
  files: Array<{ name: string; starter: string; solution: string; readOnly?: boolean }>;
}

export type SolutionInput =
  | { kind: 'file'; name: string; content: string }
  /** Relative paths with forward slashes → content. */
  | { kind: 'folder'; files: Record<string, string> };

export type ResolvedSolution =
  | { ok: true; files: Record<string, Record<string, string>>; warnings: string[] }
  | { ok: false; error: string };

const editable = (ex: ExerciseOutline) => ex.files.filter((f) => !f.readOnly);

/** Files per exercise id: the learner's where given, the starter otherwise (read-only files always). */
export function resolveSolution(exercises: ExerciseOutline[], input: SolutionInput): ResolvedSolution {
  const out: Record<string, Record<string, string>> = {};
  const starters = (ex: ExerciseOutline) => Object.fromEntries(ex.files.map((f) => [f.name, f.starter]));

  if (input.kind === 'file') {
    const targets = exercises.flatMap((ex) => editable(ex).map((f) => ({ ex, f })));
    if (targets.length !== 1) {
      const list = exercises.map((ex) => `${ex.id}: ${editable(ex).map((f) => f.name).join(', ')}`).join('; ');
      return {
        ok: false,
        error: `A single file cannot be mapped: the exercise${exercises.length > 1 ? 's have' : ' has'} ${targets.length} editable files (${list}). Pass a folder${exercises.length > 1 ? ' (one subfolder per exercise id) or choose one with --exercise' : ' with those files'}.`,
      };
    }
    const { ex, f } = targets[0]!;
    for (const e of exercises) out[e.id] = starters(e);
    out[ex.id]![f.name] = input.content;
    return { ok: true, files: out, warnings: input.name === f.name ? [] : [`${input.name} graded as ${ex.id}/${f.name}.`] };
  }

  const warnings: string[] = [];
  let found = 0;
  const nameCount = new Map<string, number>();
  for (const ex of exercises) for (const f of editable(ex)) nameCount.set(f.name, (nameCount.get(f.name) ?? 0) + 1);
  for (const ex of exercises) {
    out[ex.id] = starters(ex);
    for (const f of editable(ex)) {
      const nested = input.files[`${ex.id}/${f.name}`];
      const flat = nameCount.get(f.name) === 1 ? input.files[f.name] : undefined;
      const content = nested ?? flat;
      if (content === undefined) {
        warnings.push(`${ex.id}/${f.name} not found in the folder: graded with the starter.`);
      } else {
        out[ex.id]![f.name] = content;
        found++;
      }
    }
  }
  if (found === 0) {
    const expected = exercises
      .flatMap((ex) => editable(ex).map((f) => (exercises.length > 1 ? `${ex.id}/${f.name}` : f.name)))
      .join(', ');
    const present = Object.keys(input.files).slice(0, 10).join(', ') || 'nothing';
    return { ok: false, error: `No exercise file found in the folder. Expected ${expected}; found ${present}.` };
  }
  return { ok: true, files: out, warnings };
}
