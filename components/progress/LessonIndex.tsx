'use client';

import Link from 'next/link';
import { CHAPTERS } from '@/components/course/courseMap';
import { formatPoints, lessonProgress, type LessonOutline } from './progressModel';
import { useProgressRecords } from './useProgress';

export interface LessonCardData extends LessonOutline {
  title: string;
  summary: string;
  order: number;
}

/** Lessons grouped by chapter, each with the learner's points. */
export function LessonIndex({ lessons }: { lessons: LessonCardData[] }) {
  const records = useProgressRecords() ?? [];
  const chapters = [...new Set(lessons.map((l) => l.chapter))].sort((a, b) => a - b);
  if (lessons.length === 0) return <p className="muted">No lessons yet.</p>;
  return (
    <div className="lesson-index">
      {chapters.map((n) => {
        const chapter = CHAPTERS[n - 1];
        return (
          <section key={n} id={`chapter-${n}-lessons`} className="lesson-index__chapter" aria-labelledby={`chapter-${n}-lessons-title`}>
            <h3 id={`chapter-${n}-lessons-title`} className="lesson-index__chapter-title">
              {chapter ? `${chapter.kicker}: ${chapter.title}` : `Chapter ${n}`}
            </h3>
            <ul className="lesson-list">
              {lessons
                .filter((l) => l.chapter === n)
                .sort((a, b) => a.order - b.order)
                .map((l) => {
                  const p = lessonProgress(l, records);
                  const label =
                    p.attempted === 0
                      ? `${l.exercises.length} exercise${l.exercises.length === 1 ? '' : 's'} · not started`
                      : `${formatPoints(p.earned)} / ${formatPoints(p.max)} points`;
                  return (
                    <li key={l.id} className="lesson-card" data-lesson={l.id}>
                      <Link href={`/lessons/${l.id}/`} className="lesson-card__link">
                        <span className="lesson-card__order">Lesson {l.order}</span>
                        <span className="lesson-card__title">{l.title}</span>
                      </Link>
                      <p className="lesson-card__summary">{l.summary}</p>
                      <div className="lesson-card__progress">
                        <span className="lesson-card__progress-label" id={`lesson-${l.id}-progress`}>
                          {label}
                        </span>
                        <progress className="meter" max={Math.max(p.max, 1)} value={p.earned} aria-labelledby={`lesson-${l.id}-progress`} />
                      </div>
                    </li>
                  );
                })}
            </ul>
          </section>
        );
      })}
    </div>
  );
}
