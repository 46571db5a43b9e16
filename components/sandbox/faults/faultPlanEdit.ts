import { parseFaultPlan, type FaultAction, type FaultPlan, type ServiceName } from '@/simulator';

/**
 * The fault plan editor's rows and their conversion to and from a FaultPlan. Pure: the editor
 * keeps rows as the learner typed them (strings), and parseFaultPlan decides what is valid,
 * so the message shown inline is the engine's own.
 */

export type RowKind = FaultAction['kind'];

export const ROW_KINDS: ReadonlyArray<{ kind: RowKind; label: string }> = [
  { kind: 'partition', label: 'Cut a link' },
  { kind: 'heal', label: 'Heal a link (or all)' },
  { kind: 'split', label: 'Split into groups' },
  { kind: 'crash', label: 'Crash a service' },
  { kind: 'restart', label: 'Restart a service' },
  { kind: 'pause', label: 'Pause a service' },
  { kind: 'resume', label: 'Resume a service' },
  { kind: 'link', label: 'Tune a link (latency, drop)' },
];

export interface PlanRow {
  /** Stable id for React lists. */
  id: number;
  at: string;
  kind: RowKind;
  service: string;
  from: string;
  to: string;
  oneWay: boolean;
  latencyMs: string;
  /** Drop probability in percent (0–100), as typed. */
  dropPercent: string;
  /** "a, b | c, d": groups separated by "|". */
  groups: string;
}

let rowIds = 0;

export function emptyRow(services: readonly ServiceName[], at = 0): PlanRow {
  return {
    id: ++rowIds,
    at: String(at),
    kind: 'crash',
    service: services[0] ?? '',
    from: services[0] ?? '',
    to: services[1] ?? '',
    oneWay: false,
    latencyMs: '',
    dropPercent: '',
    groups: '',
  };
}

export function planToRows(plan: FaultPlan, services: readonly ServiceName[]): PlanRow[] {
  return plan.faults.map((f) => {
    const row: PlanRow = { ...emptyRow(services, f.at), kind: f.action.kind };
    const a = f.action;
    switch (a.kind) {
      case 'crash':
      case 'restart':
      case 'pause':
      case 'resume':
        row.service = a.service;
        break;
      case 'partition':
      case 'heal':
        row.from = a.links?.[0]?.[0] ?? '';
        row.to = a.links?.[0]?.[1] ?? '';
        row.oneWay = a.oneWay === true;
        break;
      case 'split':
        row.groups = a.groups.map((g) => g.join(', ')).join(' | ');
        break;
      case 'link':
        row.from = a.from ?? '';
        row.to = a.to ?? '';
        row.latencyMs = a.params.latencyMs !== undefined ? String(a.params.latencyMs) : '';
        row.dropPercent = a.params.dropRate !== undefined ? String(Math.round(a.params.dropRate * 1000) / 10) : '';
        break;
    }
    return row;
  });
}

const num = (s: string): number | undefined => (s.trim() === '' ? undefined : Number(s));

/** One row as the raw object parseFaultPlan reads (unchecked on purpose). */
export function rowToRaw(row: PlanRow): unknown {
  const at = row.at.trim() === '' ? null : Number(row.at);
  switch (row.kind) {
    case 'crash':
    case 'restart':
    case 'pause':
    case 'resume':
      return { at, action: { kind: row.kind, service: row.service } };
    case 'partition':
      return { at, action: { kind: 'partition', links: [[row.from, row.to]], oneWay: row.oneWay } };
    case 'heal':
      return row.from === '' && row.to === ''
        ? { at, action: { kind: 'heal' } }
        : { at, action: { kind: 'heal', links: [[row.from, row.to]], oneWay: row.oneWay } };
    case 'split':
      return {
        at,
        action: {
          kind: 'split',
          groups: row.groups
            .split('|')
            .map((g) => g.split(',').map((s) => s.trim()).filter(Boolean))
            .filter((g) => g.length > 0),
        },
      };
    case 'link': {
      const params: Record<string, number> = {};
      const latency = num(row.latencyMs);
      const drop = num(row.dropPercent);
      if (latency !== undefined) params.latencyMs = latency;
      if (drop !== undefined) params.dropRate = drop / 100;
      return {
        at,
        action: { kind: 'link', ...(row.from ? { from: row.from } : {}), ...(row.to ? { to: row.to } : {}), params },
      };
    }
  }
}

export type RowsCheck = { ok: true; plan: FaultPlan } | { ok: false; error: string };

/** Validates the rows with the engine's parser; the error names the fault ("fault 2: …"). */
export function checkRows(rows: readonly PlanRow[], services: readonly ServiceName[], name?: string): RowsCheck {
  try {
    const plan = parseFaultPlan({ ...(name ? { name } : {}), faults: rows.map(rowToRaw) }, services);
    return { ok: true, plan };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/** Human description of a fault, for lists and announcements. */
export function describeFault(a: FaultAction): string {
  switch (a.kind) {
    case 'partition':
      return `cut ${a.links.map(([x, y]) => `${x} ${a.oneWay ? '→' : '↔'} ${y}`).join(', ')}`;
    case 'heal':
      return a.links ? `heal ${a.links.map(([x, y]) => `${x} ${a.oneWay ? '→' : '↔'} ${y}`).join(', ')}` : 'heal every link';
    case 'split':
      return `split into ${a.groups.map((g) => `{${g.join(', ')}}`).join(' / ')}`;
    case 'crash':
    case 'restart':
    case 'pause':
    case 'resume':
      return `${a.kind} ${a.service}`;
    case 'link': {
      const parts = Object.entries(a.params).map(([k, v]) => (k === 'dropRate' ? `drop ${Math.round((v as number) * 100)}%` : `${k} ${v}`));
      return `link ${a.from ?? '*'} → ${a.to ?? '*'}: ${parts.join(', ')}`;
    }
  }
}
