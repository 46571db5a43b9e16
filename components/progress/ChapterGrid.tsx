'use client';

import { ChapterCard } from '@/components/course/ChapterCard';
import { CHAPTERS } from '@/components/course/courseMap';
import { chapterProgress, type LessonOutline } from './progressModel';
import { useProgressRecords } from './useProgress';

/** The course map's chapter cards with the learner's progress from this browser. */
export function ChapterGrid({ lessons }: { lessons: LessonOutline[] }) {
  const records = useProgressRecords() ?? [];
  return (
    <ol className="chapter-grid">
      {CHAPTERS.map((chapter, i) => {
        const number = i + 1;
        const hasLessons = lessons.some((l) => l.chapter === number);
        const progress = chapterProgress(number, lessons, records);
        return (
          <li key={chapter.id} className={chapter.grading ? 'chapter-grid__item--wide' : undefined}>
            <ChapterCard
              chapter={chapter}
              {...(progress ? { progress } : {})}
              {...(hasLessons ? { href: `#chapter-${number}-lessons` } : {})}
            />
          </li>
        );
      })}
    </ol>
  );
}
