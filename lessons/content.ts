/**
 * The validated lesson content, as written by `scripts/buildLessons.ts` (prepare-assets,
 * typecheck and the vitest global setup run it, so the file exists before anything imports it).
 */
import type { Lesson } from './types';
import content from './generated/content.json';

export const LESSONS: readonly Lesson[] = (content as unknown as { lessons: Lesson[] }).lessons;
