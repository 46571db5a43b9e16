/**
 * Command-line arguments of `npm run grade`. Pure: returns what to do or a usage error.
 */

export type GradeSource =
  | { kind: 'solution'; path: string }
  | { kind: 'reference' }
  | { kind: 'starter' };

export type GradeCommand =
  | { kind: 'help' }
  | { kind: 'list' }
  | { kind: 'grade'; lesson: string; exercise?: string; source: GradeSource; json: boolean; out?: string }
  | { kind: 'submissions'; lesson: string; exercise?: string; folder: string; json: boolean; out: string };

export class UsageError extends Error {}

export const USAGE = `Grades exercises with the same grader as the page, in the production build (out/).

Usage:
  npm run grade -- --list
  npm run grade -- --lesson <id> --solution <file or folder> [--exercise <id>] [--json]
  npm run grade -- --lesson <id> --reference|--starter [--exercise <id>] [--json]
  npm run grade -- --lesson <id> --submissions <folder> [--exercise <id>] [--out <dir>] [--json]

Options:
  --list                 print the lesson ids, one per line
  --lesson <id>          the lesson to grade
  --exercise <id>        one exercise of the lesson (default: every exercise)
  --solution <path>      a file (for an exercise with one editable file) or a folder of files,
                         named as in the editor's tabs; with several exercises, one subfolder per exercise id
  --reference            grade the lesson's own reference solution
  --starter              grade the lesson's starter code
  --submissions <folder> grade every subfolder (one per learner); writes grade-report.json and
                         grade-report.junit.xml into --out (default: the submissions folder)
  --json                 print exactly one JSON object instead of the readable report
  --help                 this text

Exit codes: 0 a grade was produced (whatever the score), 2 bad input or no build, 1 an internal error.
Build the app first: npm run build`;

const VALUE_FLAGS = new Set(['--lesson', '--exercise', '--solution', '--submissions', '--out']);
const BOOL_FLAGS = new Set(['--list', '--reference', '--starter', '--json', '--help', '-h']);

export function parseGradeArgs(argv: string[]): GradeCommand {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i]!;
    let inline: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq !== -1) {
      inline = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    if (VALUE_FLAGS.has(arg)) {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '' || (inline === undefined && v.startsWith('--'))) {
        throw new UsageError(`${arg} needs a value.`);
      }
      if (values.has(arg)) throw new UsageError(`${arg} is given twice.`);
      values.set(arg, v);
    } else if (BOOL_FLAGS.has(arg)) {
      if (inline !== undefined) throw new UsageError(`${arg} takes no value.`);
      flags.add(arg === '-h' ? '--help' : arg);
    } else {
      throw new UsageError(`Unknown argument: ${argv[i]}`);
    }
  }

  if (flags.has('--help')) return { kind: 'help' };
  if (flags.has('--list')) {
    if (values.size > 0 || flags.size > 1) throw new UsageError('--list takes no other options.');
    return { kind: 'list' };
  }

  const lesson = values.get('--lesson');
  if (!lesson) throw new UsageError('Missing --lesson <id> (see the ids with --list).');
  const exercise = values.get('--exercise');
  const json = flags.has('--json');

  const sources = [
    values.has('--solution') && '--solution',
    flags.has('--reference') && '--reference',
    flags.has('--starter') && '--starter',
    values.has('--submissions') && '--submissions',
  ].filter(Boolean);
  if (sources.length === 0) {
    throw new UsageError('Say what to grade: --solution <path>, --reference, --starter or --submissions <folder>.');
  }
  if (sources.length > 1) throw new UsageError(`Choose one of ${sources.join(', ')}.`);

  const folder = values.get('--submissions');
  if (folder) {
    return { kind: 'submissions', lesson, ...(exercise ? { exercise } : {}), folder, json, out: values.get('--out') ?? folder };
  }
  if (values.has('--out')) throw new UsageError('--out is only for --submissions.');
  const source: GradeSource = values.has('--solution')
    ? { kind: 'solution', path: values.get('--solution')! }
    : flags.has('--reference')
      ? { kind: 'reference' }
      : { kind: 'starter' };
  return { kind: 'grade', lesson, ...(exercise ? { exercise } : {}), source, json };
}
