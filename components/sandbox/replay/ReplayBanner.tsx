'use client';

import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { describeFaultPlan } from '@/components/lesson/replayUrl';
import { useController, useReplaySession, useSim } from '../state/SimProvider';
import type { ReplayRecord } from './replayRecords';
import styles from './ReplayBanner.module.css';

const lessonHref = (lessonId: string | null) => (lessonId ? `/lessons/${encodeURIComponent(lessonId)}/` : '/');

/**
 * Says what the workspace is replaying when it was opened from a grade report: "your solution",
 * which exercise and criterion, the seed and fault plan, and whether the run came to the same
 * trace as in grading. When the graded code is not in this browser, says so and what to do.
 */
export function ReplayBanner() {
  const session = useReplaySession();
  const { status, request, record, message } = useStore(session.store);
  if (status === 'none') return null;

  if (status === 'missing' || (status === 'error' && !record)) {
    return (
      <section className={`${styles.banner} ${styles.problem}`} aria-labelledby="replay-title" data-testid="replay-banner" data-replay-status={status}>
        <h2 id="replay-title" className={styles.title}>
          Your solution could not be replayed
        </h2>
        <p role="alert">
          {message ??
            'The code this link replays is not saved in this browser: it was graded in another browser, or this site’s storage was cleared.'}{' '}
          Open the lesson, press <strong>Grade</strong> here, then <strong>Replay in sandbox</strong> again.
        </p>
        {request && (
          <p className={styles.meta}>
            The link asked for {request.exerciseId ? <code>{request.exerciseId}</code> : 'an exercise'}
            {request.criterionId && (
              <>
                , criterion <code>{request.criterionId}</code>
              </>
            )}
            {request.seed !== null && (
              <>
                , seed <code>{request.seed}</code>
              </>
            )}
            .
          </p>
        )}
        <p className={styles.actions}>
          <a className={styles.button} href={lessonHref(request?.lessonId ?? null)}>
            Open the lesson
          </a>
          <span className={styles.note}>The sandbox below runs its own scenarios, not your code.</span>
        </p>
      </section>
    );
  }

  if (!record) {
    return (
      <section className={styles.banner} aria-labelledby="replay-title" data-testid="replay-banner" data-replay-status={status}>
        <h2 id="replay-title" className={styles.title}>
          Replaying your solution
        </h2>
        <p role="status">Loading your code…</p>
      </section>
    );
  }
  return <RecordBanner record={record} status={status} message={message} />;
}

function RecordBanner({ record, status, message }: { record: ReplayRecord; status: string; message: string | null }) {
  const faults = describeFaultPlan(record.faultPlan ?? undefined);
  return (
    <section className={styles.banner} aria-labelledby="replay-title" data-testid="replay-banner" data-replay-status={status}>
      <h2 id="replay-title" className={styles.title}>
        Replaying your solution: <span className={styles.exercise}>{record.exerciseTitle}</span>
      </h2>
      <dl className={styles.facts}>
        <div>
          <dt>Failed criterion</dt>
          <dd data-testid="replay-criterion">{record.criterionTitle}</dd>
        </div>
        <div>
          <dt>Run</dt>
          <dd>{record.run.title}</dd>
        </div>
        <div>
          <dt>Seed</dt>
          <dd>
            <code data-testid="replay-seed">{record.seed}</code>
          </dd>
        </div>
        <div>
          <dt>Fault plan</dt>
          <dd>
            {faults.length === 0 ? (
              'no faults'
            ) : (
              <ul className={styles.faults}>
                {faults.map((f, i) => (
                  <li key={i}>{f}</li>
                ))}
              </ul>
            )}
          </dd>
        </div>
      </dl>
      <p className={styles.explanation}>
        <span className={styles.label}>The grader said:</span> {record.explanation}
      </p>
      {status === 'building' && <p role="status">Setting up your code in its sandbox…</p>}
      {status === 'error' && (
        <p role="alert" className={styles.error}>
          Your code could not be set up for the replay. {message}
        </p>
      )}
      {status === 'ready' && <RunComparison record={record} />}
      <p className={styles.actions}>
        <a className={styles.button} href={lessonHref(record.lessonId)}>
          Back to the lesson
        </a>
        <span className={styles.note}>Your code as it was graded runs in the services below; press Play, Step or Run to end.</span>
      </p>
    </section>
  );
}

/** Where this run stands against the graded one: same config, same trace at the end. */
function RunComparison({ record }: { record: ReplayRecord }) {
  const session = useReplaySession();
  const controller = useController();
  const run = useSim(useShallow((s) => ({ scenarioId: s.scenarioId, seed: s.seed, faultPlan: s.faultPlan, status: s.status })));
  const traceCount = useSim((s) => s.traceCount);
  const traceHash = useSim((s) => s.traceHash);
  const errors = useSim((s) => s.learnerErrors);
  const graded = record.run.trace;
  if (run.status !== 'ready') return null;
  if (!session.isGradedRun(run)) {
    return (
      <p className={styles.compare} data-testid="replay-compare" data-match="changed">
        You changed the scenario, the seed or the fault plan: this is no longer the graded run.{' '}
        <button type="button" className={styles.linkButton} onClick={() => void controller.start({ ...session.gradedRun(record), liveActions: [] })}>
          Back to the graded run
        </button>
      </p>
    );
  }

  let verdict: { match: 'running' | 'same' | 'different'; text: string };
  if (traceCount < graded.events) {
    verdict = { match: 'running', text: `${traceCount} of ${graded.events} trace events so far; in grading this run ended at ${graded.endTime} ms.` };
  } else if (traceCount === graded.events && traceHash === graded.hash) {
    verdict = { match: 'same', text: `✓ Same run as in grading: ${graded.events} trace events, ending at ${graded.endTime} ms (trace hash ${graded.hash}).` };
  } else {
    verdict = {
      match: 'different',
      text: `This run has left the graded one (${traceCount} trace events, hash ${traceHash}; grading saw ${graded.events}, hash ${graded.hash}). A hand-applied fault or order changes the run.`,
    };
  }
  return (
    <>
      <p className={styles.compare} data-testid="replay-compare" data-match={verdict.match}>
        {verdict.text}
      </p>
      {errors.length > 0 && (
        <p className={styles.error}>
          Your code threw: <code>{errors[0]}</code>
        </p>
      )}
    </>
  );
}
