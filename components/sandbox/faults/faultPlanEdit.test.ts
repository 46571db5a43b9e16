import { describe, expect, it } from 'vitest';
import { checkRows, describeFault, emptyRow, planToRows, type PlanRow } from './faultPlanEdit';

const services = ['orchestrator', 'payment', 'order'];
const row = (over: Partial<PlanRow>): PlanRow => ({ ...emptyRow(services), ...over });

describe('fault plan rows', () => {
  it('turn into a valid plan, sorted by time', () => {
    const check = checkRows(
      [
        row({ at: '400', kind: 'restart', service: 'orchestrator' }),
        row({ at: '230', kind: 'crash', service: 'orchestrator' }),
        row({ at: '50', kind: 'partition', from: 'orchestrator', to: 'payment', oneWay: true }),
        row({ at: '60', kind: 'link', from: 'order', to: '', latencyMs: '120', dropPercent: '25' }),
        row({ at: '70', kind: 'split', groups: 'orchestrator, order | payment' }),
        row({ at: '90', kind: 'heal', from: '', to: '' }),
      ],
      services,
    );
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(check.plan.faults.map((f) => f.at)).toEqual([50, 60, 70, 90, 230, 400]);
    expect(check.plan.faults[0]!.action).toEqual({ kind: 'partition', links: [['orchestrator', 'payment']], oneWay: true });
    expect(check.plan.faults[1]!.action).toEqual({ kind: 'link', from: 'order', params: { latencyMs: 120, dropRate: 0.25 } });
    expect(check.plan.faults[2]!.action).toEqual({ kind: 'split', groups: [['orchestrator', 'order'], ['payment']] });
    expect(check.plan.faults[3]!.action).toEqual({ kind: 'heal' });
  });

  it('report the engine’s error, naming the fault', () => {
    const bad = checkRows([row({ at: '10', kind: 'crash', service: 'orchestrator' }), row({ at: '-5', kind: 'crash', service: 'payment' })], services);
    expect(bad).toEqual({ ok: false, error: expect.stringContaining('fault 2') });
    const unknown = checkRows([row({ at: '10', kind: 'crash', service: 'ghost' })], services);
    expect(unknown.ok ? '' : unknown.error).toContain('unknown service "ghost"');
    const drop = checkRows([row({ at: '1', kind: 'link', dropPercent: '150' })], services);
    expect(drop.ok ? '' : drop.error).toContain('probability');
    const empty = checkRows([row({ at: '', kind: 'crash', service: 'order' })], services);
    expect(empty.ok).toBe(false);
  });

  it('round-trip through planToRows', () => {
    const check = checkRows([row({ at: '5', kind: 'partition', from: 'order', to: 'payment' }), row({ at: '9', kind: 'link', from: 'order', to: 'payment', dropPercent: '10' })], services);
    if (!check.ok) throw new Error(check.error);
    const again = checkRows(planToRows(check.plan, services), services);
    expect(again).toEqual(check);
  });

  it('are described in words', () => {
    expect(describeFault({ kind: 'partition', links: [['orchestrator', 'payment']] })).toBe('cut orchestrator ↔ payment');
    expect(describeFault({ kind: 'link', from: 'a', params: { dropRate: 0.3 } })).toBe('link a → *: drop 30%');
  });
});
