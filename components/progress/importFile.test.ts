import { describe, expect, it } from 'vitest';
import { buildExportFile, exportFileName, parseImportFile, validateImportFile, type CourseCatalogue } from './importFile';

const catalogue: CourseCatalogue = { 'sagas-hotel': { 'booking-saga': ['saga.ts', 'helpers.ts'] }, intro: { first: ['main.ts'] } };

const good = () => ({
  format: 'dm-course-progress',
  version: 1,
  exportedAt: '2025-01-01T00:00:00.000Z',
  progress: [
    { lessonId: 'sagas-hotel', exerciseId: 'booking-saga', bestScore: 8, lastScore: 6, max: 10, lastAttemptAt: 1700000000000, attempts: 3 },
  ],
  code: [{ lessonId: 'sagas-hotel', exerciseId: 'booking-saga', file: 'saga.ts', content: 'export {}', updatedAt: 1700000000000 }],
});

describe('export file', () => {
  it('round-trips through the validator', () => {
    const file = buildExportFile({ progress: good().progress, code: good().code }, new Date('2025-02-03T10:00:00Z'));
    const back = parseImportFile(JSON.stringify(file), catalogue);
    expect(back).toEqual({ ok: true, file });
    expect(exportFileName(new Date('2025-02-03T10:00:00Z'))).toBe('dm-course-progress-2025-02-03.json');
  });
});

describe('parseImportFile rejects a bad file with a clear message', () => {
  it('not JSON', () => {
    const r = parseImportFile('{"format": ', catalogue);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatch(/not valid JSON/);
  });
  it('JSON of the wrong kind', () => {
    expect(parseImportFile('[1,2]', catalogue)).toEqual({ ok: false, errors: [expect.stringMatching(/found a list/)] });
    expect(parseImportFile('{"hello": 1}', catalogue)).toEqual({
      ok: false,
      errors: [expect.stringMatching(/not a progress export/)],
    });
    expect(validateImportFile({ ...good(), version: 2 }, catalogue)).toEqual({
      ok: false,
      errors: [expect.stringMatching(/Unsupported export version 2/)],
    });
  });
  it('wrong shape, every problem with its place', () => {
    const bad = good() as any;
    bad.progress[0].bestScore = '8';
    bad.progress.push({ lessonId: 'sagas-hotel', exerciseId: 'booking-saga' });
    bad.code[0].content = 42;
    const r = validateImportFile(bad, catalogue);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toContain('progress[0].bestScore must be a number ≥ 0, found a string.'.replace('a string', '"8"'));
    expect(r.errors.some((e) => e.startsWith('progress[1].lastScore'))).toBe(true);
    expect(r.errors).toContain('code[0].content must be a string, found 42.');
  });
  it('unknown lesson, exercise or file', () => {
    const bad = good() as any;
    bad.progress[0].lessonId = 'nope';
    bad.code[0].exerciseId = 'other';
    bad.code.push({ ...good().code[0], file: 'x.ts' });
    const r = validateImportFile(bad, catalogue);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual([
      'progress[0]: unknown lesson "nope". This course has: sagas-hotel, intro.',
      'code[0]: lesson "sagas-hotel" has no exercise "other" (it has: booking-saga).',
      'code[1]: exercise "sagas-hotel/booking-saga" has no file "x.ts" (it has: saga.ts, helpers.ts).',
    ]);
  });
  it('scores that cannot be', () => {
    const bad = good() as any;
    bad.progress[0].bestScore = 11;
    const r = validateImportFile(bad, catalogue);
    expect(r).toEqual({ ok: false, errors: ['progress[0]: a score is higher than the maximum (10).'] });
  });
  it('duplicates', () => {
    const bad = good() as any;
    bad.code.push({ ...bad.code[0] });
    expect(validateImportFile(bad, catalogue)).toEqual({
      ok: false,
      errors: ['code[1]: a second copy of sagas-hotel/booking-saga/saga.ts.'],
    });
  });
});
