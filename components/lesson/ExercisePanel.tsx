'use client';

import dynamic from 'next/dynamic';
import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import type { CodeDiagnostic, ConsoleLine, Exercise, GradeReport } from '@/lessons/types';
import { saveAttempt } from '@/components/progress/progressDb';
import { ExerciseProgress } from '@/components/progress/ExerciseProgress';
import { formatPoints } from '@/components/progress/progressModel';
import { ConsolePanel } from './ConsolePanel';
import { EditorPlaceholder } from './editor/EditorPlaceholder';
import { editorHeight } from './editor/editorHeight';
import { GradeReportView } from './GradeReportView';
import { Hints } from './Hints';
import { cancelInPage, gradeInPage, GradingCancelledError, prepareGrading, runInPage } from './lessonRuntime';
import { replayLink, replayRecordsFor, saveReplays } from '@/components/sandbox/replay/replayRecords';
import { SolutionReveal } from './SolutionReveal';
import { useExerciseFiles } from './useExerciseFiles';

// Monaco (several MB) loads only here, after the page is up, behind a plain-text placeholder.
const CodeEditor = dynamic(() => import('./editor/CodeEditor'), {
  ssr: false,
  loading: () => null,
});

export interface ExercisePanelProps {
  lessonId: string;
  exercise: Exercise;
  /** Brief and hints rendered from Markdown on the server. */
  brief: ReactNode;
  hints: ReactNode[];
}

/** `started`: the worker has begun the criteria (before that it loads QuickJS and PGlite). */
type Busy = null | { kind: 'run' } | { kind: 'grade'; done: number; total: number; label: string; started: boolean };

export function ExercisePanel({ lessonId, exercise, brief, hints }: ExercisePanelProps) {
  const uid = useId();
  const { files, saveState, update, reset, flush } = useExerciseFiles(lessonId, exercise.id, exercise.files);
  const [active, setActive] = useState(exercise.files.find((f) => !f.readOnly)?.name ?? exercise.files[0]!.name);
  const [editorReady, setEditorReady] = useState(false);
  const [busy, setBusy] = useState<Busy>(null);
  const [consoleLines, setConsoleLines] = useState<ConsoleLine[]>([]);
  const [diagnostics, setDiagnostics] = useState<CodeDiagnostic[]>([]);
  const [report, setReport] = useState<GradeReport | null>(null);
  const [replayLinks, setReplayLinks] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ tone: 'info' | 'error'; text: string } | null>(null);
  const [confirmReset, setConfirmReset] = useState(false);
  const reportRef = useRef<HTMLDivElement>(null);
  const max = exercise.criteria.reduce((s, c) => s + c.points, 0);

  // Start fetching Monaco as soon as the panel is on screen, not when the learner clicks.
  useEffect(() => {
    void import('./editor/CodeEditor').then(() => setEditorReady(true));
  }, []);

  // Then, when the page is idle, get the grader ready (QuickJS, PGlite, its database: seconds
  // of loading in the grading worker) while the learner reads and types, not after Grade.
  useEffect(() => {
    if (!editorReady) return;
    const start = () => void prepareGrading().catch(() => undefined);
    if (typeof requestIdleCallback === 'function') {
      const handle = requestIdleCallback(start, { timeout: 3000 });
      return () => cancelIdleCallback(handle);
    }
    const timer = setTimeout(start, 1000);
    return () => clearTimeout(timer);
  }, [editorReady]);

  const run = useCallback(async () => {
    if (!files || busy) return;
    await flush();
    setBusy({ kind: 'run' });
    setMessage({ tone: 'info', text: 'Running your code…' });
    try {
      const out = await runInPage({ lessonId, exerciseId: exercise.id, files });
      setConsoleLines(out.console);
      setDiagnostics(out.diagnostics);
      setMessage(
        out.error
          ? { tone: 'error', text: out.error }
          : out.diagnostics.length
            ? { tone: 'error', text: `The code did not compile: ${out.diagnostics.length} error${out.diagnostics.length > 1 ? 's' : ''} (marked in the editor).` }
            : { tone: 'info', text: out.summary ?? `Ran: ${out.console.length} console line${out.console.length === 1 ? '' : 's'}.` },
      );
    } catch (err) {
      if (err instanceof GradingCancelledError) setMessage({ tone: 'info', text: 'Run cancelled.' });
      else setMessage({ tone: 'error', text: `Could not run: ${err instanceof Error ? err.message : String(err)}` });
    } finally {
      setBusy(null);
    }
  }, [files, busy, flush, lessonId, exercise.id]);

  const grade = useCallback(async () => {
    if (!files || busy) return;
    await flush();
    setBusy({ kind: 'grade', done: 0, total: exercise.criteria.length, label: 'Loading the grader and the databases…', started: false });
    setMessage(null);
    try {
      const graded = { ...files };
      const r = await gradeInPage({
        lessonId,
        exerciseId: exercise.id,
        files: graded,
        onProgress: (done, total, label) => setBusy({ kind: 'grade', done, total, label, started: true }),
      });
      // Each failure's run, with the code as graded, for "Replay in sandbox" (saved before the links show).
      const records = replayRecordsFor(r, exercise, graded, Date.now());
      await saveReplays(records).catch(() => undefined);
      setReplayLinks(Object.fromEntries(records.map((rec) => [rec.criterionId, replayLink(rec)])));
      setReport(r);
      setDiagnostics(r.diagnostics);
      setConsoleLines(r.console);
      await saveAttempt({ lessonId, exerciseId: exercise.id, score: r.score, max: r.max, at: Date.now() }).catch(() => undefined);
      setMessage({ tone: 'info', text: `Graded: ${formatPoints(r.score)} of ${formatPoints(r.max)} points.` });
      requestAnimationFrame(() => reportRef.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' }));
    } catch (err) {
      if (err instanceof GradingCancelledError) setMessage({ tone: 'info', text: 'Grading cancelled: nothing was recorded.' });
      else setMessage({ tone: 'error', text: `Could not grade: ${err instanceof Error ? err.message : String(err)}` });
    } finally {
      setBusy(null);
    }
  }, [files, busy, flush, lessonId, exercise]);

  const activeFile = exercise.files.find((f) => f.name === active)!;
  const tabsId = `${uid}-tabs`;
  const showEditor = editorReady && files !== null;

  return (
    <section className="exercise" aria-labelledby={`${uid}-title`} data-exercise={exercise.id}>
      <header className="exercise__header">
        <p className="eyebrow">Exercise</p>
        <h2 id={`${uid}-title`}>{exercise.title}</h2>
        <ExerciseProgress lessonId={lessonId} exerciseId={exercise.id} max={max} />
      </header>

      <div className="exercise__brief prose">{brief}</div>

      <div className="exercise__rubric">
        <h3 className="exercise__subtitle">How it is graded</h3>
        <p className="muted exercise__rubric-note">
          Your code runs inside simulations with seeded faults; each criterion checks what the system did, not how the code looks.
        </p>
        <ol className="criteria" aria-label="Criteria">
          {exercise.criteria.map((c) => {
            const result = report?.criteria.find((r) => r.id === c.id);
            return (
              <li key={c.id} className="criteria__item">
                <span>{c.title}</span>
                <span className="criteria__points">
                  {result ? `${formatPoints(result.earned)} / ` : ''}
                  {formatPoints(c.points)} {c.points === 1 ? 'point' : 'points'}
                </span>
              </li>
            );
          })}
        </ol>
        <div className="exercise__help">
          <Hints hints={hints} />
          <SolutionReveal files={exercise.files.filter((f) => !f.readOnly)} />
        </div>
      </div>

      <div className="editor-shell">
        <div className="editor-shell__bar">
          <div role="tablist" aria-label="Files" className="file-tabs" id={tabsId}>
            {exercise.files.map((f) => (
              <button
                key={f.name}
                role="tab"
                type="button"
                id={`${uid}-tab-${f.name}`}
                aria-selected={f.name === active}
                aria-controls={`${uid}-panel`}
                tabIndex={f.name === active ? 0 : -1}
                className="file-tabs__tab"
                onClick={() => setActive(f.name)}
                onKeyDown={(e) => {
                  if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
                  const i = exercise.files.findIndex((x) => x.name === active);
                  const next = exercise.files[(i + (e.key === 'ArrowRight' ? 1 : exercise.files.length - 1)) % exercise.files.length]!;
                  setActive(next.name);
                  document.getElementById(`${uid}-tab-${next.name}`)?.focus();
                }}
              >
                {f.name}
                {f.readOnly && <span className="file-tabs__ro"> (read-only)</span>}
                {diagnostics.some((d) => d.file === f.name) && (
                  <span className="file-tabs__err" aria-label=", has errors">
                    {' '}●
                  </span>
                )}
              </button>
            ))}
          </div>
          <span className={`save-state save-state--${saveState}`} data-testid="save-state">
            {saveState === 'loading'
              ? 'Loading your code…'
              : saveState === 'saving'
                ? 'Saving…'
                : saveState === 'saved'
                  ? 'Saved in this browser'
                  : 'Not saved: storage unavailable'}
          </span>
          {!confirmReset ? (
            <button type="button" className="button button--small button--quiet" onClick={() => setConfirmReset(true)} disabled={!files}>
              Reset to starter…
            </button>
          ) : (
            <span className="confirm confirm--inline" role="group" aria-label="Reset to starter?">
              <span>Replace your code in every file with the starter?</span>
              <button
                type="button"
                className="button button--small button--danger"
                autoFocus
                onClick={() => {
                  setConfirmReset(false);
                  void reset();
                  setDiagnostics([]);
                }}
              >
                Reset
              </button>
              <button type="button" className="button button--small button--quiet" onClick={() => setConfirmReset(false)}>
                Keep my code
              </button>
            </span>
          )}
        </div>
        <div id={`${uid}-panel`} role="tabpanel" aria-labelledby={`${uid}-tab-${active}`} className="editor-shell__editor">
          {showEditor ? (
            <CodeEditor
              lessonId={lessonId}
              exerciseId={exercise.id}
              file={active}
              value={files[active] ?? ''}
              readOnly={!!activeFile.readOnly}
              apiDeclarations={exercise.apiDeclarations}
              diagnostics={diagnostics}
              files={exercise.files.map((f) => ({ name: f.name, value: files[f.name] ?? '' }))}
              onChange={update}
              onRun={run}
            />
          ) : (
            <EditorPlaceholder
              code={files?.[active] ?? activeFile.starter}
              height={editorHeight(exercise.files.map((f) => ({ value: files?.[f.name] ?? f.starter })))}
            />
          )}
        </div>
      </div>

      <div className="exercise__actions">
        <button type="button" className="button" onClick={run} disabled={!files || !!busy} aria-keyshortcuts="Control+Enter">
          {busy?.kind === 'run' ? 'Running…' : 'Run'}
        </button>
        <button type="button" className="button button--primary" onClick={grade} disabled={!files || !!busy}>
          {busy?.kind === 'grade' ? 'Grading…' : 'Grade'}
        </button>
        {busy && (
          <button
            type="button"
            className="button button--quiet"
            onClick={() => {
              // The worker is stopped; a fresh one gets ready for the next attempt.
              if (cancelInPage()) void prepareGrading().catch(() => undefined);
            }}
          >
            Cancel
          </button>
        )}
        <span className="exercise__status" role="status" aria-live="polite" data-testid="exercise-status">
          {busy?.kind === 'grade'
            ? busy.started && busy.done < busy.total
              ? `Grading criterion ${busy.done + 1} of ${busy.total}: ${busy.label}`
              : `Grading: ${busy.label}`
            : (message?.text ?? '')}
        </span>
      </div>
      {busy?.kind === 'grade' && (
        <div className="grade-progress">
          <progress
            className="meter"
            max={Math.max(busy.total, 1)}
            value={busy.done}
            aria-label={`Grading progress: ${busy.done} of ${busy.total} criteria`}
          />
          <span className="muted">
            {busy.done} / {busy.total} criteria
          </span>
        </div>
      )}
      {message?.tone === 'error' && !busy && (
        <p className="callout callout--error" role="alert">
          {message.text}
        </p>
      )}

      {diagnostics.length > 0 && !report?.diagnostics.length && (
        <ul className="diagnostics callout callout--error" aria-label="Compile errors">
          {diagnostics.map((d, i) => (
            <li key={i}>
              <button type="button" className="link-button" onClick={() => setActive(d.file)}>
                <code>
                  {d.file}:{d.line}:{d.column}
                </code>
              </button>{' '}
              {d.message}
            </li>
          ))}
        </ul>
      )}

      <div className="exercise__output">
        <ConsolePanel
          lines={consoleLines}
          label={`Console of ${exercise.title}`}
          empty="Run your code to see what it logs here (with virtual time)."
        />
        <div ref={reportRef}>{report && <GradeReportView report={report} headingId={`${uid}-report`} replayLinks={replayLinks} />}</div>
      </div>
    </section>
  );
}
