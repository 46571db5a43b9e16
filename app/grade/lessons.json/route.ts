import { LESSONS } from '@/lessons/content';

// Written once at build (static export) as out/grade/lessons.json: what `npm run grade`
// needs to know about lessons (ids, exercises, files with starter and reference solution)
// without starting a browser.
export const dynamic = 'force-static';

export function GET() {
  const lessons = [...LESSONS]
    .sort((a, b) => a.order - b.order)
    .map((l) => ({
      id: l.id,
      title: l.title,
      chapter: l.chapter,
      order: l.order,
      exercises: l.exercises.map((e) => ({
        id: e.id,
        title: e.title,
        criteria: e.criteria,
        files: e.files.map((f) => ({ name: f.name, starter: f.starter, solution: f.solution, ...(f.readOnly ? { readOnly: true } : {}) })),
      })),
    }));
  return Response.json({ format: 'dm-course-lessons', version: 1, lessons });
}
