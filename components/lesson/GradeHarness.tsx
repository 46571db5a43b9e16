'use client';

import { useEffect, useState } from 'react';
import type { GradeReport } from '@/lessons/types';
import { gradeInPage, runInPage, type RunOutcome } from './lessonRuntime';

declare global {
  interface Window {
    __grade?: (lessonId: string, exerciseId: string, files: Record<string, string>) => Promise<GradeReport>;
    __run?: (lessonId: string, exerciseId: string, files: Record<string, string>) => Promise<RunOutcome>;
    __gradeReady?: boolean;
  }
}

/** Exposes the page's grader to the headless CLI. */
export function GradeHarness() {
  const [state, setState] = useState('Starting…');
  useEffect(() => {
    window.__grade = async (lessonId, exerciseId, files) => {
      setState(`Grading ${lessonId}/${exerciseId}…`);
      try {
        return await gradeInPage({ lessonId, exerciseId, files });
      } finally {
        setState('Ready.');
      }
    };
    window.__run = (lessonId, exerciseId, files) => runInPage({ lessonId, exerciseId, files });
    window.__gradeReady = true;
    setState('Ready.');
  }, []);
  return (
    <p role="status" data-testid="grade-harness">
      {state}
    </p>
  );
}
