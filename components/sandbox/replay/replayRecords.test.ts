import { describe, expect, it } from 'vitest';
import type { GradeReport } from '@/lessons/types';
import {
  loadReplay,
  MAX_REPLAYS,
  parseReplayRecord,
  parseReplayRequest,
  replayLink,
  replayRecordsFor,
  saveReplays,
  type ReplayRecord,
} from './replayRecords';

const trace = { hash: 'abc123', events: 42, endTime: 900 };
const report: GradeReport = {
  lesson: 'sagas-hotel-booking',
  exercise: 'booking-saga',
  score: 15,
  max: 40,
  diagnostics: [],
  console: [],
  criteria: [
    { id: 'happy-path', title: 'Happy path', points: 15, earned: 15, passed: true, explanation: 'ok', seed: null },
    {
      id: 'crash-recovery',
      title: 'Crash recovered',
      points: 10,
      earned: 0,
      passed: false,
      explanation: 'Alice was booked twice.',
      seed: 3,
      faultPlan: { faults: [{ at: 45, action: { kind: 'crash', service: 'orchestrator' } }] },
      replay: { scenario: 'hotel-happy', seed: 3, faultPlan: { faults: [{ at: 45, action: { kind: 'crash', service: 'orchestrator' } }] }, run: { title: "Alice's trip b-1", input: { trips: [] }, trace } },
    },
    // Failed without a recorded run (a check that could not run): no record.
    { id: 'no-room', title: 'No room', points: 15, earned: 0, passed: false, explanation: 'the check could not run', seed: null },
  ],
};

describe('replay records', () => {
  it('one per failed criterion with a run; same code and run give the same key, other code another', () => {
    const files = { 'saga.ts': 'export const bookingSaga = {};' };
    const [rec, ...rest] = replayRecordsFor(report, { title: 'Trip saga' }, files, 1000);
    expect(rest).toEqual([]);
    expect(rec).toMatchObject({ criterionId: 'crash-recovery', criterionTitle: 'Crash recovered', exerciseTitle: 'Trip saga', seed: 3, files, run: { trace } });
    expect(rec!.faultPlan?.faults).toHaveLength(1);
    expect(rec!.id).toMatch(/^crash-recovery-[0-9a-f]{16}$/);
    expect(replayRecordsFor(report, { title: 'Trip saga' }, files, 2000)[0]!.id).toBe(rec!.id);
    expect(replayRecordsFor(report, { title: 'Trip saga' }, { 'saga.ts': '// changed' }, 1000)[0]!.id).not.toBe(rec!.id);
  });

  it('the link carries the key and, for when the record is missing, what it was', () => {
    const rec = replayRecordsFor(report, { title: 'Trip saga' }, {}, 1)[0]!;
    const url = replayLink(rec);
    expect(url.startsWith('/sandbox/?replay=')).toBe(true);
    expect(parseReplayRequest(new URL(url, 'http://x').search)).toEqual({
      key: rec.id,
      lessonId: 'sagas-hotel-booking',
      exerciseId: 'booking-saga',
      criterionId: 'crash-recovery',
      seed: 3,
    });
    expect(parseReplayRequest('?scenario=hotel-happy&seed=2')).toBeNull();
    expect(parseReplayRequest('?replay=k&seed=-1')).toMatchObject({ key: 'k', seed: null, lessonId: null });
  });

  it('a record read back is checked: wrong shapes are refused, not trusted', () => {
    const rec = replayRecordsFor(report, { title: 'Trip saga' }, { 'saga.ts': 'x' }, 1)[0]!;
    expect(parseReplayRecord(JSON.parse(JSON.stringify(rec)))).toEqual(rec);
    expect(parseReplayRecord(null)).toBeNull();
    expect(parseReplayRecord({ ...rec, files: { 'saga.ts': 5 } })).toBeNull();
    expect(parseReplayRecord({ ...rec, run: { ...rec.run, trace: {} } })).toBeNull();
    expect(parseReplayRecord({ ...rec, faultPlan: 'crash' })).toBeNull();
    expect(parseReplayRecord({ ...rec, seed: 1.5 })).toBeNull();
  });

  it('saves to IndexedDB, loads by key, and keeps only the newest MAX_REPLAYS', async () => {
    const base = replayRecordsFor(report, { title: 'Trip saga' }, {}, 0)[0]!;
    const many: ReplayRecord[] = Array.from({ length: MAX_REPLAYS + 5 }, (_, i) => ({ ...base, id: `r${i}`, savedAt: i }));
    for (const r of many) await saveReplays([r]);
    expect(await loadReplay('r0')).toBeNull();
    expect(await loadReplay('r4')).toBeNull();
    expect(await loadReplay('r5')).toMatchObject({ id: 'r5', criterionId: 'crash-recovery' });
    expect(await loadReplay(`r${MAX_REPLAYS + 4}`)).not.toBeNull();
    expect(await loadReplay('never-saved')).toBeNull();
  });
});
