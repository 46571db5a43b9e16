import type { Metadata } from 'next';
import { GradeHarness } from '@/components/lesson/GradeHarness';

export const metadata: Metadata = {
  title: 'Headless grading',
  robots: { index: false },
};

/**
 * A bare page for `npm run grade`: it exposes `window.__grade(lessonId, exerciseId, files)`,
 * which grades with exactly the code the lesson page's Grade button runs.
 */
export default function GradePage() {
  return (
    <div className="page-intro">
      <h1>Headless grading</h1>
      <p className="muted">
        This page is driven by <code>npm run grade</code>. To grade your own work, open a lesson and press Grade.
      </p>
      <GradeHarness />
    </div>
  );
}
