import { describe, expect, it } from 'vitest';
import { ConcurrencyError, RejectedError, SimError, ValidationError } from './errors';

describe('SimError', () => {
  it('captures no stack for expected outcomes (refusals, lost races), and a stack otherwise', () => {
    const limit = Error.stackTraceLimit;
    const refusal = new RejectedError('OUT_OF_STOCK', 'Only 1 left.');
    const race = new ConcurrencyError('order-1', 1, 2);
    const bug = new ValidationError('bad input');
    expect(refusal.stack).not.toMatch(/\n\s+at /);
    expect(race.stack).not.toMatch(/\n\s+at /);
    expect(bug.stack).toMatch(/\n\s+at /);
    expect(Error.stackTraceLimit).toBe(limit);
    expect(refusal).toBeInstanceOf(SimError);
    expect(refusal.toJSON()).toEqual({ code: 'REJECTED', message: 'Only 1 left.', details: { reason: 'OUT_OF_STOCK' } });
  });
});
