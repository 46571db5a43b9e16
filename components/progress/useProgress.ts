'use client';

import { useEffect, useState } from 'react';
import type { ProgressRecord } from './progressModel';
import { PROGRESS_EVENT, readProgressRecords } from './readProgress';

/** Saved progress records; `null` until read. Re-reads when a grade or an import changes them. */
export function useProgressRecords(): ProgressRecord[] | null {
  const [records, setRecords] = useState<ProgressRecord[] | null>(null);
  useEffect(() => {
    let live = true;
    const read = () =>
      void readProgressRecords().then((r) => {
        if (live) setRecords(r);
      });
    read();
    window.addEventListener(PROGRESS_EVENT, read);
    // Another tab graded something.
    const onVisible = () => document.visibilityState === 'visible' && read();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      live = false;
      window.removeEventListener(PROGRESS_EVENT, read);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, []);
  return records;
}
