'use client';

import { useSyncExternalStore } from 'react';

const QUERY = '(prefers-reduced-motion: reduce)';

// One MediaQueryList per page: every link reads this on every frame, and matchMedia() is not free.
let mql: MediaQueryList | null = null;
const query = () => (mql ??= window.matchMedia(QUERY));

function subscribe(onChange: () => void): () => void {
  const mq = query();
  mq.addEventListener('change', onChange);
  return () => mq.removeEventListener('change', onChange);
}

/** Whether the learner asked the OS for less motion (messages then stay still, counts still shown). */
export function useReducedMotion(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => query().matches,
    () => false,
  );
}
