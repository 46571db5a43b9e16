'use client';

import type { ConsoleLine } from '@/lessons/types';

/** What the learner's code logged, with virtual time. */
export function ConsolePanel({ lines, label, empty }: { lines: ConsoleLine[]; label: string; empty: string }) {
  return (
    <section className="console" aria-label={label}>
      <h3 className="console__title">Console</h3>
      <div className="console__body" role="log" aria-live="polite" tabIndex={0} data-testid="console">
        {lines.length === 0 ? (
          <p className="console__empty">{empty}</p>
        ) : (
          lines.map((l, i) => (
            <div key={i} className={`console__line console__line--${l.level}`}>
              <span className="console__time">{l.time === null ? '—' : `${l.time} ms`}</span>
              <span className="console__level">{l.level}</span>
              <span className="console__text">{l.text}</span>
            </div>
          ))
        )}
      </div>
    </section>
  );
}
