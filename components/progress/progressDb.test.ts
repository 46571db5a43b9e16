import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { clearCode, createCourseDb, exportAll, importAll, loadCode, loadProgress, saveAttempt, saveCode } from './progressDb';

const catalogue = { l1: { e1: ['a.ts', 'b.ts'] } };
const fresh = () => createCourseDb({ indexedDB: new IDBFactory(), IDBKeyRange });

describe('progressDb', () => {
  it('saves code per file and clears one exercise', async () => {
    const d = fresh();
    await saveCode('l1', 'e1', 'a.ts', 'one', d);
    await saveCode('l1', 'e1', 'a.ts', 'two', d);
    await saveCode('l1', 'e2', 'a.ts', 'other', d);
    expect(await loadCode('l1', 'e1', d)).toEqual({ 'a.ts': 'two' });
    await clearCode('l1', 'e1', d);
    expect(await loadCode('l1', 'e1', d)).toEqual({});
    expect(await loadCode('l1', 'e2', d)).toEqual({ 'a.ts': 'other' });
  });

  it('exports and imports into another browser, and a bad file imports nothing', async () => {
    const a = fresh();
    await saveCode('l1', 'e1', 'a.ts', 'mine', a);
    await saveAttempt({ lessonId: 'l1', exerciseId: 'e1', score: 7, max: 10, at: 5 }, a);
    const file = await exportAll(new Date(0), a);

    const b = fresh();
    const bad = JSON.stringify({ ...file, code: [...file.code, { ...file.code[0], lessonId: 'zz' }] });
    const refused = await importAll(bad, catalogue, b);
    expect(refused.ok).toBe(false);
    expect(await loadProgress(b)).toEqual([]);
    expect(await loadCode('l1', 'e1', b)).toEqual({});

    expect(await importAll(JSON.stringify(file), catalogue, b)).toEqual({ ok: true, progress: 1, code: 1 });
    expect(await loadCode('l1', 'e1', b)).toEqual({ 'a.ts': 'mine' });
    expect((await loadProgress(b))[0]).toMatchObject({ bestScore: 7, attempts: 1 });
    // The same file again changes nothing.
    expect(await importAll(JSON.stringify(file), catalogue, b)).toEqual({ ok: true, progress: 0, code: 0 });
  });
});
