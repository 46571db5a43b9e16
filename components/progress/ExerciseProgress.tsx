'use client';

import { formatPoints } from './progressModel';
import { useProgressRecords } from './useProgress';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Best and last grade of one exercise, from this browser's storage. */
export function ExerciseProgress({ lessonId, exerciseId, max }: { lessonId: string; exerciseId: string; max: number }) {
  const records = useProgressRecords();
  const r = records?.find((x) => x.lessonId === lessonId && x.exerciseId === exerciseId);
  return (
    <p className="exercise-progress" data-testid="exercise-progress">
      {records === null ? (
        '\u00a0'
      ) : !r ? (
        <span className="muted">Not graded yet · {formatPoints(max)} points available</span>
      ) : (
        <>
          <span className={r.bestScore >= r.max ? 'badge badge--pass' : 'badge'}>
            Best {formatPoints(r.bestScore)} / {formatPoints(r.max)}
          </span>{' '}
          <span className="muted">
            Last {formatPoints(r.lastScore)} on {dateFormat.format(new Date(r.lastAttemptAt))} · {r.attempts} attempt
            {r.attempts === 1 ? '' : 's'}
          </span>
        </>
      )}
    </p>
  );
}
