/** Writes lessons/generated/content.json before any test imports lessons/index.ts. */
import { buildLessons } from '../../scripts/buildLessons';

export default function setup(): void {
  buildLessons();
}
