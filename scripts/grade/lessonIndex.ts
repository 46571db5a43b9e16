/**
 * out/grade/lessons.json (written by app/grade/lessons.json/route.ts at build): lesson ids,
 * exercises and their files, read by the CLI without starting a browser.
 */
import type { ExerciseOutline } from './solution';

export interface LessonIndexEntry {
  id: string;
  title: string;
  chapter: number;
  order: number;
  exercises: Array<ExerciseOutline & { title: string; criteria: Array<{ id: string; title: string; points: number }> }>;
}

export interface LessonIndex {
  format: 'dm-course-lessons';
  version: 1;
  lessons: LessonIndexEntry[];
}

export function parseLessonIndex(text: string): LessonIndex {
  const json = JSON.parse(text) as Partial<LessonIndex>;
  if (json.format !== 'dm-course-lessons' || !Array.isArray(json.lessons)) {
    throw new Error('out/grade/lessons.json is not a lesson index; rebuild with `npm run build`.');
  }
  return json as LessonIndex;
}
