/**
 * Checks for the event-sourced order. The learner's functions run inside a small Order service
 * whose event store is the engine's (PGlite in the page, or memory): `execute` gets a facade
 * of the stream, the projection is registered with the store (incremental catch-up and
 * rebuild from position 0), and the upcaster is registered for ItemAdded v1.
 */
import {
  createRng,
  createSimulation,
  stableStringify,
  type EventStore,
  type Json,
  type JsonObject,
  type NewEvent,
  type ProjectionDraft,
  type RecordedEvent,
  type Scenario,
  type ScenarioInput,
  type Simulation,
} from '@/simulator';
import type { ReplayRun } from '../../../types';
import { HostApiError, LearnerError, type LearnerSandbox } from '../../../runtime/sandbox';
import { describeFailure, traceSummary, type CheckContext, type CheckResult, type ExerciseChecks, type ReplayBuild } from '../../../grader/rubric';

const ORDER = 'order.ts';
const PROJECTION = 'projection.ts';
const UPCAST = 'upcast.ts';
const READ_MODEL = 'orders';

const API_MODULE = `
class ConcurrencyError extends Error { constructor(message) { super(message); this.name = 'ConcurrencyError'; } }
class RuleViolation extends Error { constructor(message) { super(message); this.name = 'RuleViolation'; } }
exports.ConcurrencyError = ConcurrencyError;
exports.RuleViolation = RuleViolation;
`;

type Command = { type: 'AddItem'; productId: string; quantity: number; unitPrice: number; currency?: string } | { type: 'Confirm' };
type Ev = { type: string; data: JsonObject };

interface CommandInput {
  orderId: string;
  command: Command;
  /** Events "another writer" appends between the learner's read and its first append. */
  race?: Ev[];
}

interface CommandResult {
  orderId: string;
  command: Command;
  outcome: 'ok' | 'rejected' | 'failed';
  /** The live state `execute` returned. */
  state?: Json;
  message?: string;
  conflicts: number;
  at: number;
}

const isObj = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What the learner sees of a stored event. */
const recorded = (e: RecordedEvent): JsonObject => ({ orderId: e.streamId, type: e.type, data: e.data, version: e.version, position: e.globalPosition });

function draftApi(draft: ProjectionDraft) {
  return {
    get: (key: Json) => draft.get(String(key)) ?? null,
    set: (key: Json, doc: Json) => {
      if (!isObj(doc)) throw new HostApiError('TypeError', `draft.set("${String(key)}", …) needs a plain object.`);
      draft.set(String(key), JSON.parse(JSON.stringify(doc)) as JsonObject);
      return null;
    },
    delete: (key: Json) => {
      draft.delete(String(key));
      return null;
    },
  };
}

function validEvents(events: Json): Ev[] {
  if (!Array.isArray(events)) throw new HostApiError('TypeError', 'append(orderId, events, expectedVersion): events must be an array.');
  return events.map((e, i) => {
    if (!isObj(e) || typeof e.type !== 'string' || !isObj(e.data)) throw new HostApiError('TypeError', `append: event ${i + 1} must be { type, data }.`);
    if (e.type !== 'ItemAdded' && e.type !== 'OrderConfirmed') throw new HostApiError('TypeError', `append: unknown event type "${e.type}".`);
    return { type: e.type, data: e.data };
  });
}

interface OrderSim {
  sim: Simulation;
  sb: LearnerSandbox;
  results: CommandResult[];
  /** Learner errors thrown inside projection/upcaster calls. */
  errors: string[];
  seed: number;
  /** This run as data, for "Replay in sandbox". */
  record: ReplayRun;
  store<T>(fn: (es: EventStore) => Promise<T>): Promise<T>;
  dispose(): Promise<void>;
}

type Legacy = Array<{ orderId: string; events: Ev[] }>;

interface OrdersBuild extends ReplayBuild {
  sb: LearnerSandbox;
  results: CommandResult[];
  errors: string[];
}

/** The Order service on the given commands (10 ms apart), with legacy events seeded first, running the learner's code. */
async function buildOrders(ctx: CheckContext, inputs: CommandInput[], opts: { seed: number; legacy?: Legacy }): Promise<OrdersBuild> {
  const seed = opts.seed;
  let sim: Simulation | null = null;
  const sb = await ctx.sandbox({ seed, clock: () => (sim ? sim.now : null) });
  const results: CommandResult[] = [];
  const errors: string[] = [];
  const note = (e: unknown) => {
    const m = describeFailure(e);
    if (errors.length < 5 && !errors.includes(m)) errors.push(m);
  };

  const scenario: Scenario = {
    id: 'event-sourced-order',
    title: 'Event-sourced order',
    description: 'The learner’s Order aggregate, projection and upcaster on the engine’s event store.',
    services: [
      {
        name: 'orders',
        title: 'Order',
        stores: [{ key: 'events', kind: 'eventstore' }],
        handlers: {
          async Command(p: CommandInput, hctx) {
            const es = hctx.stores.events as EventStore;
            const before = await es.readStream(p.orderId);
            const mirror = before.map(recorded);
            let raced = false;
            let conflicts = 0;
            const pending: Array<{ events: Ev[]; expectedVersion: number }> = [];
            const store = {
              readStream: (id: Json) => {
                if (id !== p.orderId) throw new HostApiError('Error', `This command is for order ${p.orderId}, not ${String(id)}.`);
                return mirror as Json;
              },
              append: (id: Json, events: Json, expected: Json) => {
                if (id !== p.orderId) throw new HostApiError('Error', `This command is for order ${p.orderId}, not ${String(id)}.`);
                const evs = validEvents(events);
                if (typeof expected !== 'number' || !Number.isInteger(expected)) throw new HostApiError('TypeError', 'append: expectedVersion must be a whole number.');
                if (p.race && !raced) {
                  raced = true;
                  for (const e of p.race) mirror.push({ orderId: p.orderId, type: e.type, data: e.data, version: mirror.length + 1, position: 0 });
                }
                if (expected !== mirror.length) {
                  conflicts++;
                  throw new HostApiError('ConcurrencyError', `Order ${p.orderId} is at version ${mirror.length}, not ${expected}: somebody appended first.`, { expectedVersion: expected, actualVersion: mirror.length });
                }
                for (const e of evs) mirror.push({ orderId: p.orderId, type: e.type, data: e.data, version: mirror.length + 1, position: 0 });
                pending.push({ events: evs, expectedVersion: expected });
                return { version: mirror.length };
              },
            };
            let result: CommandResult;
            try {
              const state = sb.call(ORDER, ['execute'], [{ $api: 'store' }, p.orderId, p.command as unknown as Json], { store });
              result = { orderId: p.orderId, command: p.command, outcome: 'ok', state, conflicts, at: hctx.now };
            } catch (e) {
              const rejected = e instanceof LearnerError && e.learnerName !== 'ConcurrencyError';
              result = { orderId: p.orderId, command: p.command, outcome: rejected ? 'rejected' : 'failed', message: describeFailure(e), conflicts, at: hctx.now };
            }
            // The other writer's events reach the real store first, then what the learner appended, with its expected versions.
            if (raced) await es.append(p.orderId, 'Order', p.race! as NewEvent[], before.length);
            for (const a of pending) await es.append(p.orderId, 'Order', a.events as NewEvent[], a.expectedVersion);
            results.push(result);
            try {
              await es.catchUpProjections();
            } catch (e) {
              note(e);
            }
            return null;
          },
        },
      },
    ],
    inputs: inputs.map((input, i): ScenarioInput => ({ at: 10 + i * 10, to: 'orders', type: 'Command', payload: input as unknown as Json, correlationId: input.orderId })),
    async setup(stores) {
      const es = stores.orders!.events as EventStore;
      // Legacy events are written as version 1 before the upcaster makes version 2 current.
      for (const l of opts.legacy ?? []) await es.append(l.orderId, 'Order', l.events.map((e) => ({ ...e, schemaVersion: 1 })), 0);
      es.registerUpcaster('ItemAdded', 1, (data) => {
        try {
          const v = sb.call(UPCAST, ['upcastItemAddedV1'], [data]);
          if (!isObj(v)) throw new LearnerError('upcastItemAddedV1 must return an object.', 'TypeError', UPCAST, null, null);
          return v as JsonObject;
        } catch (e) {
          note(e);
          throw e;
        }
      });
      es.defineProjection({
        name: READ_MODEL,
        apply(draft, event) {
          try {
            sb.call(PROJECTION, ['project'], [{ $api: 'draft' }, recorded(event)], { draft: draftApi(draft) });
          } catch (e) {
            note(e);
            throw e;
          }
        },
      });
    },
  };
  return {
    scenario,
    attach: (s) => {
      sim = s;
    },
    sb,
    results,
    errors,
  };
}

/** Builds and runs the Order service on the given commands; `title` says in words what ran. */
async function runOrders(ctx: CheckContext, inputs: CommandInput[], opts: { seed?: number; legacy?: Legacy; title: string }): Promise<OrderSim> {
  const seed = opts.seed ?? 1;
  const built = await buildOrders(ctx, inputs, { seed, ...(opts.legacy ? { legacy: opts.legacy } : {}) });
  const s = await createSimulation({ seed, scenario: built.scenario, stores: ctx.stores() });
  built.attach(s);
  await s.runToQuiescence({ maxTime: 60_000 });
  const input = { inputs, ...(opts.legacy ? { legacy: opts.legacy } : {}) } as unknown as Json;
  return {
    sim: s,
    sb: built.sb,
    results: built.results,
    errors: built.errors,
    seed,
    record: { title: opts.title, input, trace: traceSummary(s) },
    store: (fn) => s.inspect(async (stores) => fn(stores.orders!.events as EventStore)),
    dispose: () => s.dispose(),
  };
}

/** Reads back the commands a failing check recorded (from IndexedDB, so checked, not trusted). */
function ordersOf(input: Json): { inputs: CommandInput[]; legacy?: Legacy } {
  const v = input as { inputs?: unknown; legacy?: unknown } | null;
  const inputs = v?.inputs;
  const okInputs =
    Array.isArray(inputs) &&
    inputs.every((x) => isObj(x) && typeof x.orderId === 'string' && isObj(x.command) && (x.command.type === 'AddItem' || x.command.type === 'Confirm') && (x.race === undefined || Array.isArray(x.race)));
  const legacy = v?.legacy;
  const okLegacy = legacy === undefined || (Array.isArray(legacy) && legacy.every((l) => isObj(l) && typeof l.orderId === 'string' && Array.isArray(l.events)));
  if (!okInputs || !okLegacy) throw new Error('The replay does not describe the commands of an order run (it may come from an older version of the course).');
  return { inputs: inputs as unknown as CommandInput[], ...(legacy ? { legacy: legacy as Legacy } : {}) };
}

/** The learner's fold of a stream from scratch. */
function rebuild(sb: LearnerSandbox, orderId: string, events: RecordedEvent[]): Json {
  let state = sb.call(ORDER, ['initialState'], [orderId]);
  for (const e of events) state = sb.call(ORDER, ['apply'], [state, recorded(e)]);
  return state;
}

// PGlite stores documents as JSONB, which does not keep key order: compare canonically.
const same = (a: unknown, b: unknown) => stableStringify((a ?? null) as Json) === stableStringify((b ?? null) as Json);
const pass = (explanation: string): CheckResult => ({ passed: true, explanation });
/** A failure, with the run that shows it (its seed and commands). */
const fail = (explanation: string, r: OrderSim): CheckResult => ({ passed: false, explanation, seed: r.seed, scenario: 'order-orchestrated', run: r.record });
const withErrors = (r: OrderSim, text: string) => (r.errors.length > 0 ? `${text} Your code threw: ${r.errors[0]}` : text);

const add = (productId: string, quantity: number, unitPrice: number): Command => ({ type: 'AddItem', productId, quantity, unitPrice, currency: 'EUR' });
const CONFIRM: Command = { type: 'Confirm' };
const COURSE_TITLE = 'The course example: order o-1, two items, then a confirmation';
const COURSE_EXAMPLE: CommandInput[] = [
  { orderId: 'o-1', command: add('keyboard', 2, 50) },
  { orderId: 'o-1', command: add('cable', 1, 30) },
  { orderId: 'o-1', command: CONFIRM },
];

async function courseExample(ctx: CheckContext): Promise<CheckResult> {
  const r = await runOrders(ctx, COURSE_EXAMPLE, { title: COURSE_TITLE });
  try {
    const failed = r.results.find((x) => x.outcome !== 'ok');
    if (failed) return fail(withErrors(r, `The command ${failed.command.type} on o-1 did not go through: ${failed.message}.`), r);
    const events = await r.store((es) => es.readStream('o-1'));
    const types = events.map((e) => e.type).join(', ');
    if (events.length !== 3 || types !== 'ItemAdded, ItemAdded, OrderConfirmed') return fail(`Stream o-1 holds ${events.length} event(s) (${types || 'none'}); expected ItemAdded, ItemAdded, OrderConfirmed.`, r);
    const state = rebuild(r.sb, 'o-1', events) as Record<string, Json>;
    if (!isObj(state) || state.total !== 130 || state.status !== 'CONFIRMED') return fail(`Folding the three events gives total ${isObj(state) ? state.total : '?'} and status ${isObj(state) ? state.status : '?'}; expected 130 and CONFIRMED.`, r);
    return pass('Two ItemAdded and one OrderConfirmed: three events, and the folded order is CONFIRMED with total 130.');
  } finally {
    await r.dispose();
  }
}

async function projectionExample(ctx: CheckContext): Promise<CheckResult> {
  const r = await runOrders(ctx, COURSE_EXAMPLE, { title: COURSE_TITLE });
  try {
    const model = await r.store((es) => es.readModel(READ_MODEL));
    const stats = model.stats as Record<string, Json> | undefined;
    const order = model['order:o-1'] as Record<string, Json> | undefined;
    const problems: string[] = [];
    if (!order) problems.push('there is no `order:o-1` document');
    else if (order.status !== 'CONFIRMED' || order.total !== 130) problems.push(`order:o-1 is ${JSON.stringify(order)} (expected status CONFIRMED, total 130)`);
    if (!stats) problems.push('there is no `stats` document');
    else if (stats.confirmedOrders !== 1 || stats.revenue !== 130 || stats.orders !== 1) problems.push(`stats is ${JSON.stringify(stats)} (expected orders 1, confirmedOrders 1, revenue 130)`);
    if (problems.length > 0) return fail(withErrors(r, `After the course's example: ${problems.join('; ')}.`), r);
    return pass('The read model shows order o-1 confirmed with total 130, one confirmed order and revenue 130.');
  } finally {
    await r.dispose();
  }
}

async function businessRules(ctx: CheckContext): Promise<CheckResult> {
  const r = await runOrders(ctx, [
    { orderId: 'o-2', command: CONFIRM },
    { orderId: 'o-3', command: add('keyboard', 1, 50) },
    { orderId: 'o-3', command: CONFIRM },
    { orderId: 'o-3', command: add('mouse', 1, 20) },
  ], { title: 'Confirm the empty order o-2; o-3: an item, a confirmation, then another item' });
  try {
    const problems: string[] = [];
    const [emptyConfirm, , , late] = r.results;
    const o2 = await r.store((es) => es.readStream('o-2'));
    const o3 = await r.store((es) => es.readStream('o-3'));
    if (emptyConfirm?.outcome !== 'rejected' || o2.length > 0) problems.push(`confirming the empty order o-2 was ${emptyConfirm?.outcome === 'rejected' ? 'refused but still stored events' : 'accepted'} (${o2.map((e) => e.type).join(', ') || 'no events'})`);
    if (late?.outcome !== 'rejected' || o3.length !== 2) problems.push(`adding an item to the confirmed order o-3 was ${late?.outcome === 'rejected' ? 'refused but the stream changed' : 'accepted'} (stream: ${o3.map((e) => e.type).join(', ')})`);
    if (problems.length > 0) return fail(withErrors(r, `${problems.join('; ')}.`), r);
    return pass('An empty confirmation and an item after confirmation were both refused, and neither stored an event.');
  } finally {
    await r.dispose();
  }
}

/** A seeded sequence of commands over a few orders: some valid, some refused by the rules. */
function randomCommands(seed: number, n: number): CommandInput[] {
  const rng = createRng(seed);
  const products = [['keyboard', 50], ['cable', 30], ['mouse', 20], ['monitor', 180]] as const;
  const out: CommandInput[] = [];
  for (let i = 0; i < n; i++) {
    const orderId = `r-${rng.int(1, 4)}`;
    if (rng.chance(0.25)) out.push({ orderId, command: CONFIRM });
    else {
      const [p, price] = rng.pick(products);
      out.push({ orderId, command: add(p, rng.int(1, 3), price) });
    }
  }
  return out;
}

const REBUILD_SEEDS = [11, 12];
async function rebuildEqualsLive(ctx: CheckContext): Promise<CheckResult> {
  for (const seed of REBUILD_SEEDS) {
    const r = await runOrders(ctx, randomCommands(seed, 16), { seed, title: `16 random commands on orders r-1…r-4 (seed ${seed})` });
    try {
      const failed = r.results.find((x) => x.outcome === 'failed');
      if (failed) return fail(withErrors(r, `Seed ${seed}: ${failed.command.type} on ${failed.orderId} failed: ${failed.message}.`), r);
      const lastLive = new Map<string, CommandResult>();
      for (const x of r.results) if (x.outcome === 'ok') lastLive.set(x.orderId, x);
      for (const [orderId, live] of lastLive) {
        const events = await r.store((es) => es.readStream(orderId));
        const rebuilt = rebuild(r.sb, orderId, events);
        if (!same(rebuilt, live.state)) return fail(`Seed ${seed}, order ${orderId}: execute returned ${JSON.stringify(live.state)} at ${live.at} ms, but folding its ${events.length} events gives ${JSON.stringify(rebuilt)}.`, r);
        // A snapshot at half-way plus the rest must give the same state too.
        const k = Math.floor(events.length / 2);
        let snap = rebuild(r.sb, orderId, events.slice(0, k));
        snap = JSON.parse(JSON.stringify(snap)) as Json;
        for (const e of events.slice(k)) snap = r.sb.call(ORDER, ['apply'], [snap, recorded(e)]);
        if (!same(snap, rebuilt)) return fail(`Seed ${seed}, order ${orderId}: a snapshot after ${k} events plus the rest gives ${JSON.stringify(snap)}, not ${JSON.stringify(rebuilt)}.`, r);
      }
    } finally {
      await r.dispose();
    }
  }
  return pass(`After random command sequences (seeds ${REBUILD_SEEDS.join(', ')}), every order folded from its events — from scratch or from a snapshot — equals the state execute returned.`);
}

async function optimisticConcurrency(ctx: CheckContext): Promise<CheckResult> {
  const otherItem: Ev = { type: 'ItemAdded', data: { productId: 'mouse', quantity: 1, unitPrice: 20, currency: 'EUR' } };
  const otherConfirm: Ev = { type: 'OrderConfirmed', data: { total: 50 } };
  const r = await runOrders(ctx, [
    { orderId: 'o-4', command: add('keyboard', 1, 50) },
    { orderId: 'o-4', command: add('cable', 1, 30), race: [otherItem] },
    { orderId: 'o-5', command: add('keyboard', 1, 50) },
    { orderId: 'o-5', command: add('cable', 1, 30), race: [otherConfirm] },
  ], { title: 'Orders o-4 and o-5, each raced by another writer between read and append' });
  try {
    const problems: string[] = [];
    const a = r.results[1]!;
    const b = r.results[3]!;
    const o4 = await r.store((es) => es.readStream('o-4'));
    const o5 = await r.store((es) => es.readStream('o-5'));
    if (a.conflicts === 0) problems.push('o-4: the append did not use the version that was read (another writer appended first, yet no conflict was raised)');
    else if (a.outcome !== 'ok') problems.push(`o-4: after the conflict the command failed instead of being decided again (${a.message})`);
    else {
      const items = o4.filter((e) => e.type === 'ItemAdded').map((e) => String(e.data.productId));
      if (items.join(',') !== 'keyboard,mouse,cable') problems.push(`o-4 holds ItemAdded for ${items.join(', ')}; expected keyboard, mouse (the other writer), cable`);
      const live = a.state as Record<string, Json> | null;
      if (!isObj(live) || live.total !== 100) problems.push(`o-4: execute returned total ${isObj(live) ? live.total : '?'} after the retry; expected 100 (50 + 20 + 30)`);
    }
    if (b.conflicts === 0) problems.push('o-5: no conflict was raised although the order was confirmed by another writer after the read');
    else if (b.outcome === 'ok' || o5.some((e, i) => e.type === 'ItemAdded' && i > 0 && o5.slice(0, i).some((x) => x.type === 'OrderConfirmed'))) problems.push(`o-5: after the conflict the item was still added to the confirmed order (stream: ${o5.map((e) => e.type).join(', ')}) — decide again on fresh events instead of re-sending the old decision`);
    else if (b.outcome === 'failed') problems.push(`o-5: after the conflict the command failed with "${b.message}" instead of being refused by the rules`);
    if (problems.length > 0) return fail(withErrors(r, `${problems.join('; ')}.`), r);
    return pass('A stale append was rejected; the command was decided again on fresh events: the item went in after the other writer’s, and was refused once the order had been confirmed.');
  } finally {
    await r.dispose();
  }
}

/** The read model a correct projection must produce, from the rebuilt orders. */
function expectedModel(events: RecordedEvent[]): Record<string, { status: string; total: number }> & { stats?: never } {
  const orders: Record<string, { status: string; total: number }> = {};
  for (const e of events) {
    const o = (orders[e.streamId] ??= { status: 'OPEN', total: 0 });
    if (e.type === 'ItemAdded') o.total += Number(e.data.quantity) * Number(e.data.unitPrice);
    if (e.type === 'OrderConfirmed') o.status = 'CONFIRMED';
  }
  return orders;
}

const PROJECTION_SEEDS = [21, 22];
async function projectionRebuild(ctx: CheckContext): Promise<CheckResult> {
  for (const seed of PROJECTION_SEEDS) {
    const r = await runOrders(ctx, randomCommands(seed, 20), { seed, title: `20 random commands on orders r-1…r-4 (seed ${seed})` });
    try {
      const incremental = await r.store((es) => es.readModel(READ_MODEL));
      await r.store((es) => es.rebuildProjection(READ_MODEL));
      const rebuilt = await r.store((es) => es.readModel(READ_MODEL));
      if (!same(sortKeys(incremental), sortKeys(rebuilt))) return fail(withErrors(r, `Seed ${seed}: the read model kept up event by event differs from its rebuild from position 0: ${diff(incremental, rebuilt)}.`), r);
      const all = await r.store((es) => es.readAll(0));
      const want = expectedModel(all);
      for (const [orderId, o] of Object.entries(want)) {
        const doc = rebuilt[`order:${orderId}`];
        if (!doc || doc.status !== o.status || doc.total !== o.total) return fail(withErrors(r, `Seed ${seed}: order:${orderId} is ${JSON.stringify(doc ?? null)}; its events say status ${o.status}, total ${o.total}.`), r);
      }
      const confirmed = Object.values(want).filter((o) => o.status === 'CONFIRMED');
      const stats = { orders: Object.keys(want).length, confirmedOrders: confirmed.length, revenue: confirmed.reduce((s, o) => s + o.total, 0) };
      const got = rebuilt.stats ?? null;
      if (!got || got.orders !== stats.orders || got.confirmedOrders !== stats.confirmedOrders || got.revenue !== stats.revenue) return fail(withErrors(r, `Seed ${seed}: stats is ${JSON.stringify(got)}; the log says ${JSON.stringify(stats)}.`), r);
    } finally {
      await r.dispose();
    }
  }
  return pass(`After random command sequences (seeds ${PROJECTION_SEEDS.join(', ')}), the read model kept up event by event equals its rebuild from the log, and both match the orders' events.`);
}

function sortKeys(m: Record<string, JsonObject>): Array<[string, JsonObject]> {
  return Object.keys(m).sort().map((k) => [k, m[k]!]);
}
function diff(a: Record<string, JsonObject>, b: Record<string, JsonObject>): string {
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) if (!same(a[k], b[k])) return `"${k}" is ${JSON.stringify(a[k] ?? null)} live but ${JSON.stringify(b[k] ?? null)} rebuilt`;
  return 'key order differs';
}

async function upcaster(ctx: CheckContext): Promise<CheckResult> {
  const legacy = [{ orderId: 'o-9', events: [{ type: 'ItemAdded', data: { productId: 'lamp', quantity: 2, price: 25 } }] }];
  const r = await runOrders(ctx, [{ orderId: 'o-9', command: add('cable', 1, 30) }, { orderId: 'o-9', command: CONFIRM }], { legacy, title: 'Order o-9 with an old ItemAdded v1, then a cable and a confirmation' });
  try {
    const problems: string[] = [];
    let events: RecordedEvent[] = [];
    try {
      events = await r.store((es) => es.readStream('o-9'));
    } catch (e) {
      return fail(withErrors(r, `Reading order o-9, which holds an ItemAdded v1, failed: ${describeFailure(e)}.`), r);
    }
    const first = events[0]?.data ?? {};
    if (first.unitPrice !== 25 || first.currency !== 'EUR' || first.quantity !== 2 || first.productId !== 'lamp') problems.push(`the v1 event { productId: 'lamp', quantity: 2, price: 25 } reads as ${JSON.stringify(first)} (expected unitPrice 25, currency EUR)`);
    const failed = r.results.find((x) => x.outcome !== 'ok');
    if (failed) problems.push(`${failed.command.type} on o-9 did not go through: ${failed.message}`);
    else {
      const live = r.results[1]?.state as Record<string, Json> | undefined;
      if (!isObj(live) || live.total !== 80) problems.push(`the confirmed order's total is ${isObj(live) ? live.total : '?'}; expected 80 (2 × 25 + 30)`);
    }
    const model = await r.store((es) => es.readModel(READ_MODEL));
    const doc = model['order:o-9'];
    if (!doc || doc.total !== 80) problems.push(`order:o-9 in the read model is ${JSON.stringify(doc ?? null)} (expected total 80)`);
    if (problems.length > 0) return fail(withErrors(r, `${problems.join('; ')}.`), r);
    return pass('The old ItemAdded v1 reads as v2 (unitPrice 25, EUR): the order, its total of 80 and the read model all use it.');
  } finally {
    await r.dispose();
  }
}

export const exerciseChecks: ExerciseChecks = {
  apiModule: API_MODULE,
  checks: {
    'course-example': courseExample,
    'projection-example': projectionExample,
    'business-rules': businessRules,
    'rebuild-equals-live': rebuildEqualsLive,
    'optimistic-concurrency': optimisticConcurrency,
    'projection-rebuild': projectionRebuild,
    upcaster,
  },
  async demo(ctx) {
    const r = await runOrders(ctx, COURSE_EXAMPLE, { title: COURSE_TITLE });
    try {
      const events = await r.store((es) => es.readStream('o-1'));
      const model = await r.store((es) => es.readModel(READ_MODEL));
      const outcomes = r.results.map((x) => `${x.command.type}: ${x.outcome}${x.message ? ` (${x.message})` : ''}`).join('; ');
      return {
        ok: r.results.every((x) => x.outcome === 'ok') && r.errors.length === 0,
        outcome: withErrors(r, `${outcomes}. Stream o-1: ${events.map((e) => e.type).join(', ')}. Read model stats: ${JSON.stringify(model.stats ?? null)}.`),
        scenario: 'order-orchestrated',
      };
    } finally {
      await r.dispose();
    }
  },
  replay(ctx, { input, seed }) {
    const { inputs, legacy } = ordersOf(input);
    return buildOrders(ctx, inputs, { seed, ...(legacy ? { legacy } : {}) });
  },
};
