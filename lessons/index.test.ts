import { describe, expect, it } from 'vitest';
import * as lessons from './index';

describe('lessons/index', () => {
  it('exports the content and the functions the pages and the CLI need', () => {
    expect(lessons.listLessonIds()).toEqual(['sagas-hotel-booking', 'event-sourced-order']);
    expect(lessons.getLesson('event-sourced-order').chapter).toBe(4);
    expect(() => lessons.getLesson('nope')).toThrow(/Unknown lesson "nope"/);
    expect(lessons.LESSONS[0]!.exercises[0]!.apiDeclarations).toMatch(/declare module '@lesson\/api'/);
    for (const name of ['gradeExercise', 'runExercise', 'transpile'] as const) expect(typeof lessons[name]).toBe('function');
    expect(lessons.transpile('x.ts', 'let a: = 1').diagnostics[0]).toMatchObject({ file: 'x.ts', line: 1, column: 8 });
  });
});
