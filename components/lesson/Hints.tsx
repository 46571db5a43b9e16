'use client';

import { useRef, useState, type ReactNode } from 'react';

/** Hints, opened one at a time. */
export function Hints({ hints }: { hints: ReactNode[] }) {
  const [shown, setShown] = useState(0);
  const listRef = useRef<HTMLOListElement>(null);
  if (hints.length === 0) return null;
  return (
    <div className="hints">
      {shown > 0 && (
        <ol className="hints__list" ref={listRef}>
          {hints.slice(0, shown).map((h, i) => (
            <li key={i} className="hints__item" tabIndex={-1}>
              <span className="hints__label">Hint {i + 1}</span>
              {h}
            </li>
          ))}
        </ol>
      )}
      {shown < hints.length ? (
        <button
          type="button"
          className="button button--small"
          onClick={() => {
            setShown(shown + 1);
            // Move focus to the new hint so a screen reader reads it.
            requestAnimationFrame(() => (listRef.current?.lastElementChild as HTMLElement | null)?.focus());
          }}
        >
          {shown === 0 ? 'Show a hint' : 'Show the next hint'} ({shown + 1} of {hints.length})
        </button>
      ) : (
        <p className="muted hints__done">That was the last hint.</p>
      )}
    </div>
  );
}
