'use client';

import type { GradeReport } from '@/lessons/types';
import { formatPoints } from '@/components/progress/progressModel';
import { describeFaultPlan, replayUrl } from './replayUrl';

/**
 * The grader's verdict: total, then every criterion with its points, explanation and, for a
 * failure, how to reproduce it. `replayLinks` (criterion id → link) open the failing run with the
 * learner's graded code in the sandbox; a failure without one links the catalogue scenario.
 */
export function GradeReportView({ report, headingId, replayLinks = {} }: { report: GradeReport; headingId: string; replayLinks?: Readonly<Record<string, string>> }) {
  const full = report.score >= report.max && report.max > 0;
  return (
    <section className="grade-report" aria-labelledby={headingId} data-testid="grade-report">
      <h3 id={headingId} className="grade-report__title">
        Grade: <span className="grade-report__score">{formatPoints(report.score)}</span> / {formatPoints(report.max)}{' '}
        points
        {full && <span className="badge badge--pass">Full marks</span>}
      </h3>
      {report.diagnostics.length > 0 && (
        <div className="callout callout--error" role="alert">
          <p>
            <strong>The code did not compile</strong>, so every criterion earns 0. Fix these first:
          </p>
          <ul className="diagnostics">
            {report.diagnostics.map((d, i) => (
              <li key={i}>
                <code>
                  {d.file}:{d.line}:{d.column}
                </code>{' '}
                {d.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      <ol className="criteria-results">
        {report.criteria.map((c) => {
          const faults = describeFaultPlan(c.replay?.faultPlan ?? c.faultPlan);
          const replay = c.replay ?? null;
          const learnerReplay = replayLinks[c.id];
          return (
            <li
              key={c.id}
              className={c.passed ? 'criterion-result criterion-result--pass' : 'criterion-result criterion-result--fail'}
              data-criterion={c.id}
              data-passed={c.passed}
            >
              <div className="criterion-result__head">
                <span className="criterion-result__mark" aria-hidden="true">
                  {c.passed ? '✓' : '✗'}
                </span>
                <span className="criterion-result__title">{c.title}</span>
                <span className="criterion-result__points">
                  {formatPoints(c.earned)} / {formatPoints(c.points)}
                  <span className="visually-hidden">{c.passed ? ', passed' : ', not passed'}</span>
                </span>
              </div>
              {c.explanation && <p className="criterion-result__explanation">{c.explanation}</p>}
              {!c.passed && (c.seed !== null || replay) && (
                <div
                  className="criterion-result__repro"
                  {...(replay?.run ? { 'data-trace-hash': replay.run.trace.hash, 'data-trace-events': replay.run.trace.events } : {})}
                >
                  <p>
                    {replay?.run ? (
                      <>
                        Failing run: {replay.run.title}, seed <code>{replay.seed}</code>
                      </>
                    ) : (
                      <>
                        Reproduce with seed <code>{c.seed ?? replay?.seed}</code>
                        {replay && (
                          <>
                            {' '}
                            in scenario <code>{replay.scenario}</code>
                          </>
                        )}
                      </>
                    )}
                    {faults.length === 0 ? ', no faults.' : ', and this fault plan:'}
                  </p>
                  {faults.length > 0 && (
                    <ul className="fault-plan">
                      {faults.map((f, i) => (
                        <li key={i}>{f}</li>
                      ))}
                    </ul>
                  )}
                  {learnerReplay ? (
                    <a className="button button--small" href={learnerReplay}>
                      Replay in sandbox
                    </a>
                  ) : (
                    replay && (
                      <a className="button button--small" href={replayUrl(replay)}>
                        Open the scenario in the sandbox
                      </a>
                    )
                  )}
                </div>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
