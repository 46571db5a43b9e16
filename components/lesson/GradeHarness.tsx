'use client';

import { useEffect, useState } from 'react';
import type { GradeReport } from '@/lessons/types';
import type { GradeProgress } from './gradingClient';
import { gradeInPage, prepareGrading, runInPage, type RunOutcome } from './lessonRuntime';

declare global {
  interface Window {
    __grade?: (lessonId: string, exerciseId: string, files: Record<string, string>, onProgress?: GradeProgress) => Promise<GradeReport>;
    __run?: (lessonId: string, exerciseId: string, files: Record<string, string>) => Promise<RunOutcome>;
    /** True once the grading worker has loaded QuickJS and PGlite and started its database. */
    __gradeReady?: boolean;
  }
}

/**
 * Exposes the page's grader to the headless CLI. The page says it is ready (`__gradeReady`)
 * when the grading worker is: QuickJS and PGlite loaded, the database started.
 */
export function GradeHarness() {
  const [state, setState] = useState('Starting the grader…');
  useEffect(() => {
    let live = true;
    window.__grade = async (lessonId, exerciseId, files, onProgress) => {
      setState(`Grading ${lessonId}/${exerciseId}…`);
      try {
        return await gradeInPage({ lessonId, exerciseId, files, ...(onProgress ? { onProgress } : {}) });
      } finally {
        setState('Ready.');
      }
    };
    window.__run = (lessonId, exerciseId, files) => runInPage({ lessonId, exerciseId, files });
    prepareGrading().then(
      (ms) => {
        if (!live) return;
        window.__gradeReady = true;
        setState(`Ready (the grader loaded in ${(ms / 1000).toFixed(1)} s).`);
      },
      (err: unknown) => {
        if (live) setState(`The grader could not start: ${err instanceof Error ? err.message : String(err)}`);
      },
    );
    return () => {
      live = false;
    };
  }, []);
  return (
    <p role="status" data-testid="grade-harness">
      {state}
    </p>
  );
}
