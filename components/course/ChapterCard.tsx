import Link from 'next/link';
import type { Chapter } from './courseMap';

/** A learner's progress through one chapter, already phrased for display. */
export type ChapterProgress = {
  /** Work done, in the same unit as `max` (exercises, points…). */
  value: number;
  max: number;
  /** What a screen reader and a sighted learner read, e.g. "2 of 5 exercises" or "75 / 100 points". */
  label: string;
};

export type ChapterCardProps = {
  chapter: Chapter;
  /** `undefined` until progress tracking exists or the learner starts: shows "Not started". */
  progress?: ChapterProgress;
  /** Where the chapter's lessons live; the title becomes a link when given. */
  href?: string;
};

/** One card of the course map. Server-renderable: no state, no effects. */
export function ChapterCard({ chapter, progress, href }: ChapterCardProps) {
  const titleId = `chapter-${chapter.id}-title`;
  const progressId = `chapter-${chapter.id}-progress`;
  const max = progress && progress.max > 0 ? progress.max : 1;
  const value = progress ? Math.min(Math.max(progress.value, 0), max) : 0;

  return (
    <article
      className={chapter.grading ? 'chapter-card chapter-card--project' : 'chapter-card'}
      aria-labelledby={titleId}
    >
      <p className="chapter-card__kicker">{chapter.kicker}</p>
      <h3 className="chapter-card__title" id={titleId}>
        {href ? (
          <Link href={href} className="chapter-card__link">
            {chapter.title}
          </Link>
        ) : (
          chapter.title
        )}
      </h3>
      <p className="chapter-card__summary">{chapter.summary}</p>

      <ul className="chapter-card__topics" aria-label="Topics">
        {chapter.topics.map((topic) => (
          <li key={topic} className="tag">
            {topic}
          </li>
        ))}
      </ul>

      {chapter.grading && (
        <dl className="chapter-card__grading">
          {chapter.grading.map((tier) => (
            <div key={tier.points} className="grading-tier">
              <dt>
                <span className="grading-tier__points">{tier.points}</span> points
              </dt>
              <dd>{tier.summary}</dd>
            </div>
          ))}
        </dl>
      )}

      <div className="chapter-card__progress" data-slot="progress">
        <span id={progressId} className="chapter-card__progress-label">
          {progress ? progress.label : 'Not started'}
        </span>
        <progress className="meter" max={max} value={value} aria-labelledby={progressId} />
      </div>
    </article>
  );
}
