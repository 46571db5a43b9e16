/**
 * Shapes of the CLI's output and their formatting: the readable report, the one JSON
 * object of `--json`, and the JUnit XML of `--submissions`. Pure.
 */
import type { GradeReport } from '../../lessons/types';

export interface CriterionLine {
  id: string;
  title: string;
  points: number;
  earned: number;
  passed: boolean;
  explanation: string;
  seed: number | null;
}

/** What `--json` prints: exactly these keys. */
export interface LessonGrade {
  lesson: string;
  score: number;
  max: number;
  criteria: CriterionLine[];
}

/** A lesson's grade with what the readable report shows besides (diagnostics, replay links). */
export interface LessonGradeDetail extends LessonGrade {
  exercises: GradeReport[];
}

/**
 * Folds the reports of a lesson's exercises into one grade. With several exercises,
 * criterion ids are prefixed by the exercise id so they stay unique.
 */
export function combineReports(lesson: string, reports: GradeReport[]): LessonGradeDetail {
  const prefix = reports.length > 1;
  const criteria: CriterionLine[] = [];
  let score = 0;
  let max = 0;
  for (const r of reports) {
    score += r.score;
    max += r.max;
    for (const c of r.criteria) {
      criteria.push({
        id: prefix ? `${r.exercise}/${c.id}` : c.id,
        title: c.title,
        points: c.points,
        earned: c.earned,
        passed: c.passed,
        explanation: c.explanation,
        seed: c.seed ?? null,
      });
    }
  }
  return { lesson, score: round(score), max: round(max), criteria, exercises: reports };
}

const round = (n: number) => Math.round(n * 100) / 100;

/** The `--json` object, with no extra keys. */
export function toJsonGrade(g: LessonGrade): LessonGrade {
  return {
    lesson: g.lesson,
    score: g.score,
    max: g.max,
    criteria: g.criteria.map(({ id, title, points, earned, passed, explanation, seed }) => ({
      id,
      title,
      points,
      earned,
      passed,
      explanation,
      seed,
    })),
  };
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/0+$/, '').replace(/\.$/, ''));

/** The readable report. `color` adds ANSI colours (only when printing to a terminal). */
export function formatText(g: LessonGradeDetail, opts: { color?: boolean; baseUrl?: string } = {}): string {
  const c = (code: string, s: string) => (opts.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const lines: string[] = [];
  lines.push(c('1', `Lesson ${g.lesson}: ${fmt(g.score)} / ${fmt(g.max)} points`));
  const width = Math.max(...g.criteria.map((x) => `${fmt(x.earned)}/${fmt(x.points)}`.length), 3);
  for (const r of g.exercises) {
    lines.push('');
    lines.push(`Exercise ${r.exercise}: ${fmt(r.score)} / ${fmt(r.max)}`);
    for (const d of r.diagnostics) {
      lines.push(c('31', `  error ${d.file}:${d.line}:${d.column}  ${d.message}`));
    }
    for (const x of r.criteria) {
      const mark = x.passed ? c('32', '✓') : c('31', '✗');
      const pts = `${fmt(x.earned)}/${fmt(x.points)}`.padStart(width);
      lines.push(`  ${mark} ${pts}  ${x.title}`);
      const pad = ' '.repeat(width + 6);
      if (x.explanation) for (const l of x.explanation.split('\n')) lines.push(c('2', `${pad}${l}`));
      if (!x.passed && x.seed !== null) {
        const replay = x.replay ? `  replay: ${opts.baseUrl ?? ''}${replaySandboxPath(x.replay)}` : '';
        lines.push(c('2', `${pad}seed ${x.seed}${replay}`));
      }
    }
  }
  return lines.join('\n');
}

function replaySandboxPath(r: { scenario: string; seed: number; faultPlan?: unknown }): string {
  const p = new URLSearchParams({ scenario: r.scenario, seed: String(r.seed) });
  if (r.faultPlan) p.set('plan', JSON.stringify(r.faultPlan));
  return `/sandbox/?${p.toString().replace(/\+/g, '%20')}`;
}

/** One submission of `--submissions`: a grade, or why it could not be graded. */
export type SubmissionResult =
  | { submission: string; grade: LessonGrade }
  | { submission: string; error: string };

export interface SubmissionsReport {
  lesson: string;
  gradedAt: string;
  submissions: Array<{ submission: string; score: number | null; max: number | null; error?: string; criteria: CriterionLine[] }>;
}

export function toSubmissionsReport(lesson: string, results: SubmissionResult[], gradedAt: Date): SubmissionsReport {
  return {
    lesson,
    gradedAt: gradedAt.toISOString(),
    submissions: results.map((r) =>
      'grade' in r
        ? { submission: r.submission, score: r.grade.score, max: r.grade.max, criteria: toJsonGrade(r.grade).criteria }
        : { submission: r.submission, score: null, max: null, error: r.error, criteria: [] },
    ),
  };
}

export function escapeXml(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/**
 * JUnit XML: one testsuite per submission, one testcase per criterion (a failure when
 * it did not pass, with the explanation and seed); a submission that could not be graded
 * is one testcase with an <error>.
 */
export function toJUnitXml(report: SubmissionsReport): string {
  const a = (s: string) => `"${escapeXml(s)}"`;
  let tests = 0;
  let failures = 0;
  let errors = 0;
  const suites: string[] = [];
  for (const s of report.submissions) {
    const cls = `${report.lesson}.${s.submission}`;
    if (s.error !== undefined) {
      tests++;
      errors++;
      suites.push(
        `  <testsuite name=${a(s.submission)} tests="1" failures="0" errors="1" timestamp=${a(report.gradedAt.replace(/\.\d+Z$/, ''))}>\n` +
          `    <testcase classname=${a(cls)} name="grade">\n      <error message=${a(s.error)}/>\n    </testcase>\n  </testsuite>`,
      );
      continue;
    }
    const failed = s.criteria.filter((c) => !c.passed).length;
    tests += s.criteria.length;
    failures += failed;
    const cases = s.criteria.map((c) => {
      const name = a(`${c.title} (${fmt(c.earned)}/${fmt(c.points)})`);
      if (c.passed) return `    <testcase classname=${a(cls)} name=${name}/>`;
      const body = escapeXml(`${c.explanation}${c.seed !== null ? `\nseed ${c.seed}` : ''}`);
      return `    <testcase classname=${a(cls)} name=${name}>\n      <failure message=${a(c.explanation)} type="criterion">${body}</failure>\n    </testcase>`;
    });
    suites.push(
      `  <testsuite name=${a(s.submission)} tests="${s.criteria.length}" failures="${failed}" errors="0" timestamp=${a(report.gradedAt.replace(/\.\d+Z$/, ''))}>\n` +
        `    <properties>\n      <property name="score" value="${fmt(s.score ?? 0)}"/>\n      <property name="max" value="${fmt(s.max ?? 0)}"/>\n    </properties>\n` +
        (cases.length ? cases.join('\n') + '\n' : '') +
        `  </testsuite>`,
    );
  }
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name=${a(`grade ${report.lesson}`)} tests="${tests}" failures="${failures}" errors="${errors}">\n` +
    suites.join('\n') +
    (suites.length ? '\n' : '') +
    `</testsuites>\n`
  );
}
