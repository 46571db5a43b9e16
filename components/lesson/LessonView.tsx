import Link from 'next/link';
import type { Lesson } from '@/lessons/types';
import { CHAPTERS } from '@/components/course/courseMap';
import { ExercisePanel } from './ExercisePanel';
import { Markdown } from './Markdown';
import { headingOffsetFor } from './markdown';
import { SandboxBlock } from './SandboxBlock';
import './lesson.css';

/** A lesson page: its text, with sandboxes and exercises where the text places them. Server-rendered. */
export function LessonView({ lesson, prev, next }: { lesson: Lesson; prev?: Lesson; next?: Lesson }) {
  const chapter = CHAPTERS[lesson.chapter - 1];
  const placed = new Set(lesson.blocks.flatMap((b) => (b.kind === 'exercise' ? [b.exerciseId] : [])));
  // An exercise the text does not place still appears, at the end.
  const trailing = lesson.exercises.filter((e) => !placed.has(e.id));
  // The page's h1 is the lesson title: the text's top headings are h2 (axe: heading-order).
  const offset = headingOffsetFor(lesson.blocks.flatMap((b) => (b.kind === 'markdown' ? [b.markdown] : [])), 2);
  const exercise = (id: string) => {
    const ex = lesson.exercises.find((e) => e.id === id);
    if (!ex) return <p className="callout callout--error">This lesson refers to an exercise “{id}” it does not define.</p>;
    return (
      <ExercisePanel
        key={ex.id}
        lessonId={lesson.id}
        exercise={ex}
        brief={<Markdown source={ex.brief} headingOffset={2} />}
        hints={ex.hints.map((h, i) => (
          <Markdown key={i} source={h} headingOffset={3} />
        ))}
      />
    );
  };
  return (
    <article className="lesson" aria-labelledby="lesson-title">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <ol>
          <li>
            <Link href="/">Course</Link>
          </li>
          <li>
            <Link href={`/#chapter-${lesson.chapter}-lessons`}>{chapter ? chapter.kicker : `Chapter ${lesson.chapter}`}</Link>
          </li>
          <li aria-current="page">{lesson.title}</li>
        </ol>
      </nav>
      <header className="lesson__header">
        <p className="eyebrow">
          {chapter ? `${chapter.kicker} · ${chapter.title}` : `Chapter ${lesson.chapter}`} · Lesson {lesson.order}
        </p>
        <h1 id="lesson-title">{lesson.title}</h1>
        <p className="lead">{lesson.summary}</p>
      </header>
      <div className="lesson__body prose">
        {lesson.blocks.map((b, i) =>
          b.kind === 'markdown' ? (
            <Markdown key={i} source={b.markdown} headingOffset={offset} />
          ) : b.kind === 'sandbox' ? (
            <SandboxBlock key={i} scenario={b.scenario} caption={b.caption} />
          ) : (
            <div key={i} className="lesson__exercise">
              {exercise(b.exerciseId)}
            </div>
          ),
        )}
        {trailing.map((e) => (
          <div key={e.id} className="lesson__exercise">
            {exercise(e.id)}
          </div>
        ))}
      </div>
      <nav aria-label="Lessons" className="lesson__pager">
        {prev ? (
          <Link href={`/lessons/${prev.id}/`} className="lesson__pager-link">
            <span className="muted">Previous</span> {prev.title}
          </Link>
        ) : (
          <span />
        )}
        {next && (
          <Link href={`/lessons/${next.id}/`} className="lesson__pager-link lesson__pager-link--next">
            <span className="muted">Next</span> {next.title}
          </Link>
        )}
      </nav>
    </article>
  );
}
