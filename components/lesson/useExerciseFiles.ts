'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { clearCode, loadCode, saveCode } from '@/components/progress/progressDb';

/** Debounce of the save after a keystroke (ms). */
export const SAVE_DELAY_MS = 300;

export type SaveState = 'loading' | 'saved' | 'saving' | 'error';

/**
 * The exercise's files as the learner last left them: starters overlaid with what IndexedDB
 * holds, every edit saved after a short debounce (and flushed when the page is hidden).
 */
export function useExerciseFiles(
  lessonId: string,
  exerciseId: string,
  starters: Array<{ name: string; starter: string; readOnly?: boolean }>,
) {
  const [files, setFiles] = useState<Record<string, string> | null>(null);
  const [saveState, setSaveState] = useState<SaveState>('loading');
  const pending = useRef(new Map<string, string>());
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const startersRef = useRef(starters);

  const starterFiles = useCallback(
    () => Object.fromEntries(startersRef.current.map((f) => [f.name, f.starter])),
    [],
  );

  useEffect(() => {
    let live = true;
    loadCode(lessonId, exerciseId)
      .then((saved) => {
        if (!live) return;
        const next = starterFiles();
        for (const f of startersRef.current) if (!f.readOnly && saved[f.name] !== undefined) next[f.name] = saved[f.name]!;
        setFiles(next);
        setSaveState('saved');
      })
      .catch(() => {
        if (!live) return;
        // No IndexedDB (private mode in some browsers): work from the starter, unsaved.
        setFiles(starterFiles());
        setSaveState('error');
      });
    return () => {
      live = false;
    };
  }, [lessonId, exerciseId, starterFiles]);

  const flush = useCallback(async () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const batch = [...pending.current];
    pending.current.clear();
    if (batch.length === 0) return;
    try {
      await Promise.all(batch.map(([name, content]) => saveCode(lessonId, exerciseId, name, content)));
      if (pending.current.size === 0) setSaveState('saved');
    } catch {
      setSaveState('error');
    }
  }, [lessonId, exerciseId]);

  const update = useCallback(
    (name: string, content: string) => {
      setFiles((prev) => (prev && prev[name] !== content ? { ...prev, [name]: content } : prev));
      pending.current.set(name, content);
      setSaveState('saving');
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => void flush(), SAVE_DELAY_MS);
    },
    [flush],
  );

  const reset = useCallback(async () => {
    if (timer.current) clearTimeout(timer.current);
    pending.current.clear();
    await clearCode(lessonId, exerciseId).catch(() => undefined);
    setFiles(starterFiles());
    setSaveState('saved');
  }, [lessonId, exerciseId, starterFiles]);

  useEffect(() => {
    const onHide = () => void flush();
    window.addEventListener('pagehide', onHide);
    document.addEventListener('visibilitychange', onHide);
    return () => {
      window.removeEventListener('pagehide', onHide);
      document.removeEventListener('visibilitychange', onHide);
      void flush();
    };
  }, [flush]);

  return { files, saveState, update, reset, flush };
}
