/**
 * The checks of every exercise, imported statically so the bundler ships them with the page
 * (the browser cannot read lesson folders). Keyed "<lesson id>/<exercise id>".
 * `scripts/buildLessons.ts` and the loader test verify this matches the folders.
 */
import type { ExerciseChecks } from './grader/rubric';
import { exerciseChecks as bookingSaga } from './01-sagas-hotel-booking/exercises/booking-saga/checks';
import { exerciseChecks as eventSourcedOrder } from './02-event-sourced-order/exercises/event-sourced-order/checks';

export const EXERCISE_CHECKS: Record<string, ExerciseChecks> = {
  'sagas-hotel-booking/booking-saga': bookingSaga,
  'event-sourced-order/event-sourced-order': eventSourcedOrder,
};
