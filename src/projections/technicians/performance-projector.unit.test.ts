import { createMemoryReadStore, type MemoryReadStore } from '../../adapters/read-store/memory/memory-read-store';
import type { Collection, Doc } from '../../ports/read-store';
import type { ProjectedEvent, ProjectorContext } from '../engine/projector';
import { TECHNICIAN_PERFORMANCE, TECHNICIAN_TICKET_FACTS, technicianPerformanceProjector as projector } from './performance-projector';
import { findPerformance, findPerformanceDocs, performanceFigures } from './queries';

/**
 * Given ticket events, then the technicians' figures. The events are fed straight into the
 * projector as the runner would (log order, increasing positions), so this does not depend
 * on the ticket domain's code, only on its event names and fields.
 */

const A = 'aaaaaaaa-0000-4000-8000-00000000000a';
const B = 'bbbbbbbb-0000-4000-8000-00000000000b';
const MGR = { userId: 'mgr', role: 'manager' };

let position = 0;
function ev(type: string, ticket: string, data: Record<string, unknown>): ProjectedEvent {
  position += 10;
  return {
    id: `e${position}`,
    type,
    streamName: `ticket-${ticket}`,
    revision: 0,
    position,
    data: { ticketId: ticket, ...data },
    metadata: { timestamp: String(data.changedAt ?? data.assignedAt ?? data.createdAt ?? data.updatedAt), schemaVersion: 1, prevHash: '', hash: '' },
  };
}
const created = (t: string, createdAt: string, slaDeadline: string | null) =>
  ev('TicketCreated', t, {
    number: 1,
    ticketNumber: 'TKT-000001',
    customerId: 'c1',
    type: 'repair',
    priority: 'normal',
    title: 'No internet',
    description: 'Down since morning',
    location: { lat: -6.2, lng: 106.8 },
    scheduledAt: null,
    attachments: [],
    slaDeadline,
    createdBy: MGR,
    channel: 'api',
    createdAt,
  });
const assigned = (t: string, technicianId: string, assignedAt: string, previousTechnicianId: string | null = null) =>
  ev('TicketAssigned', t, { technicianId, previousTechnicianId, scheduledAt: null, notes: null, assignedBy: MGR, assignedAt, status: 'assigned' });
const status = (t: string, from: string, to: string, changedAt: string, rating: number | null = null) =>
  ev('TicketStatusChanged', t, { from, to, notes: null, attachments: [], rating, changedBy: MGR, changedAt });
const updated = (t: string, changes: Record<string, unknown>, updatedAt: string) =>
  ev('TicketUpdated', t, { changes, previous: {}, updatedAt });

/** The scenario the docs' metric definitions are checked against. */
function scenario(): ProjectedEvent[] {
  position = 0;
  return [
    // T1 → A: 4 h, before the SLA, straight through, rated 5 on resolve (closing adds no rating).
    created('t1', '2026-01-10T08:00:00.000Z', '2026-01-11T08:00:00.000Z'),
    assigned('t1', A, '2026-01-10T09:00:00.000Z'),
    status('t1', 'assigned', 'in_progress', '2026-01-10T10:00:00.000Z'),
    status('t1', 'in_progress', 'resolved', '2026-01-10T13:00:00.000Z', 5),
    status('t1', 'resolved', 'closed', '2026-01-10T14:00:00.000Z'),
    // T2 → A: went to pending; 10 h; after the SLA; rated 2.
    created('t2', '2026-01-12T08:00:00.000Z', '2026-01-12T12:00:00.000Z'),
    assigned('t2', A, '2026-01-12T08:00:00.000Z'),
    status('t2', 'assigned', 'in_progress', '2026-01-12T09:00:00.000Z'),
    status('t2', 'in_progress', 'pending', '2026-01-12T10:00:00.000Z'),
    status('t2', 'pending', 'in_progress', '2026-01-12T15:00:00.000Z'),
    status('t2', 'in_progress', 'resolved', '2026-01-12T18:00:00.000Z', 2),
    // T3: A, then reassigned to B, who resolves it in February (264 h after B got it); rated 4 on close.
    created('t3', '2026-01-20T08:00:00.000Z', '2026-02-05T00:00:00.000Z'),
    assigned('t3', A, '2026-01-20T10:00:00.000Z'),
    status('t3', 'assigned', 'in_progress', '2026-01-20T11:00:00.000Z'),
    assigned('t3', B, '2026-01-21T10:00:00.000Z', A),
    status('t3', 'in_progress', 'resolved', '2026-02-01T10:00:00.000Z'),
    status('t3', 'resolved', 'closed', '2026-02-01T12:00:00.000Z', 4),
    // T4 → A: resolved (rated 2), reopened, resolved again 26 h after assignment (rated 4), after the SLA.
    created('t4', '2026-02-02T08:00:00.000Z', '2026-02-03T08:00:00.000Z'),
    assigned('t4', A, '2026-02-02T08:00:00.000Z'),
    status('t4', 'assigned', 'in_progress', '2026-02-02T09:00:00.000Z'),
    status('t4', 'in_progress', 'resolved', '2026-02-02T12:00:00.000Z', 2),
    status('t4', 'resolved', 'in_progress', '2026-02-03T09:00:00.000Z'),
    status('t4', 'in_progress', 'resolved', '2026-02-03T10:00:00.000Z', 4),
    // T5 → A: still open.
    created('t5', '2026-02-10T08:00:00.000Z', '2026-02-11T08:00:00.000Z'),
    assigned('t5', A, '2026-02-10T08:00:00.000Z'),
    status('t5', 'assigned', 'in_progress', '2026-02-10T09:00:00.000Z'),
    // T6 → A: resolved with a rating of 1, then reopened: open again, the rating no longer counts.
    created('t6', '2026-02-11T08:00:00.000Z', '2026-02-12T08:00:00.000Z'),
    assigned('t6', A, '2026-02-11T08:00:00.000Z'),
    status('t6', 'assigned', 'in_progress', '2026-02-11T09:00:00.000Z'),
    status('t6', 'in_progress', 'resolved', '2026-02-11T10:00:00.000Z', 1),
    status('t6', 'resolved', 'in_progress', '2026-02-11T11:00:00.000Z'),
    // T7 → A: the SLA is extended before resolution, so 12 h is on time; not rated.
    created('t7', '2026-02-12T08:00:00.000Z', '2026-02-12T10:00:00.000Z'),
    assigned('t7', A, '2026-02-12T08:00:00.000Z'),
    updated('t7', { priority: 'low', slaDeadline: '2026-02-13T08:00:00.000Z' }, '2026-02-12T09:00:00.000Z'),
    status('t7', 'assigned', 'in_progress', '2026-02-12T09:30:00.000Z'),
    status('t7', 'in_progress', 'resolved', '2026-02-12T20:00:00.000Z'),
    // T8: never assigned; counts for nobody.
    created('t8', '2026-02-12T08:00:00.000Z', null),
    status('t8', 'new', 'closed', '2026-02-12T09:00:00.000Z', 5),
  ];
}

const expectedA = {
  total_tickets: 6, // t1 t2 t4 t5 t6 t7 (t3 moved to B)
  completed_tickets: 4, // t1 t2 t4 t7
  pending_tickets: 2, // t5 t6
  average_completion_time: 13, // (4 + 10 + 26 + 12) / 4
  average_rating: 3.67, // (5 + 2 + 4) / 3
  completion_rate: 66.67, // 4 / 6
  on_time_rate: 50, // t1 t7 of t1 t2 t4 t7
  first_call_resolution: 50, // t1 t7 (t2 went pending, t4 was reopened)
  monthly_stats: [
    { month: '2026-01', completed: 2, average_rating: 3.5 },
    { month: '2026-02', completed: 2, average_rating: 4 },
  ],
};
const expectedB = {
  total_tickets: 1,
  completed_tickets: 1,
  pending_tickets: 0,
  average_completion_time: 264,
  average_rating: 4,
  completion_rate: 100,
  on_time_rate: 100,
  first_call_resolution: 100,
  monthly_stats: [{ month: '2026-02', completed: 1, average_rating: 4 }],
};

async function project(store: MemoryReadStore, events: readonly ProjectedEvent[], ctx?: ProjectorContext): Promise<void> {
  for (const [name, indexes] of Object.entries(projector.collections)) await store.collection(name).createIndexes(indexes);
  const context = ctx ?? { collection: (name: string) => store.collection(name) };
  for (const e of events) await projector.apply(e, context);
}

async function dump(store: MemoryReadStore): Promise<Record<string, Doc[]>> {
  const out: Record<string, Doc[]> = {};
  for (const name of Object.keys(projector.collections)) out[name] = await store.collection(name).find({}, { sort: { _id: 1 } });
  return out;
}

describe('technician performance projection', () => {
  it('handles exactly the ticket events it reads', () => {
    expect([...projector.handles]).toEqual(['TicketCreated', 'TicketAssigned', 'TicketStatusChanged', 'TicketUpdated']);
  });

  it('computes every documented figure from ticket events', async () => {
    const store = createMemoryReadStore();
    await project(store, scenario());
    expect(await findPerformance(store, A)).toEqual(expectedA);
    expect(await findPerformance(store, B)).toEqual(expectedB);
  });

  it('answers zeros for a technician without tickets, and reads a page of technicians at once', async () => {
    const store = createMemoryReadStore();
    await project(store, scenario());
    const none = 'cccccccc-0000-4000-8000-00000000000c';
    expect(await findPerformance(store, none)).toEqual({
      total_tickets: 0,
      completed_tickets: 0,
      pending_tickets: 0,
      average_completion_time: 0,
      average_rating: 0,
      completion_rate: 0,
      on_time_rate: 0,
      first_call_resolution: 0,
      monthly_stats: [],
    });
    const page = await findPerformanceDocs(store, [B, none, A]);
    expect([...page.keys()].sort()).toEqual([A, B]);
    expect(performanceFigures(page.get(A))).toEqual(expectedA);
    expect(performanceFigures(page.get(B))).toEqual(expectedB);
    expect(performanceFigures(page.get(none)).total_tickets).toBe(0);
  });

  describe('step by step', () => {
    const run = async (events: ProjectedEvent[]) => {
      const store = createMemoryReadStore();
      await project(store, events);
      return store;
    };

    it('counts an assigned ticket as pending for its technician', async () => {
      position = 0;
      const store = await run([created('x', '2026-03-01T08:00:00.000Z', null), assigned('x', A, '2026-03-01T09:00:00.000Z')]);
      expect(await findPerformance(store, A)).toMatchObject({ total_tickets: 1, completed_tickets: 0, pending_tickets: 1, completion_rate: 0 });
      expect(await store.collection(TECHNICIAN_TICKET_FACTS).findOne({ _id: 'x' })).toMatchObject({ status: 'assigned', technician_id: A });
    });

    it('takes the status after an assignment from the event, and assumes new → assigned without it', async () => {
      position = 0;
      const withStatus = (e: ProjectedEvent, st: string | undefined) => {
        const data = { ...e.data, status: st };
        if (st === undefined) delete data.status;
        return { ...e, data };
      };
      const store = await run([
        created('x', '2026-03-01T08:00:00.000Z', null),
        assigned('x', A, '2026-03-01T09:00:00.000Z'),
        status('x', 'assigned', 'in_progress', '2026-03-01T10:00:00.000Z'),
        withStatus(assigned('x', B, '2026-03-01T11:00:00.000Z', A), 'in_progress'),
        created('y', '2026-03-01T08:00:00.000Z', null),
        withStatus(assigned('y', A, '2026-03-01T09:00:00.000Z'), undefined),
      ]);
      const facts = store.collection(TECHNICIAN_TICKET_FACTS);
      expect(await facts.findOne({ _id: 'x' })).toMatchObject({ status: 'in_progress', technician_id: B, assigned_at: '2026-03-01T11:00:00.000Z' });
      expect(await facts.findOne({ _id: 'y' })).toMatchObject({ status: 'assigned', technician_id: A });
    });

    it('moves the whole ticket, history included, to the new technician on reassignment', async () => {
      position = 0;
      const store = await run([
        created('x', '2026-03-01T08:00:00.000Z', '2026-03-02T08:00:00.000Z'),
        assigned('x', A, '2026-03-01T09:00:00.000Z'),
        status('x', 'assigned', 'pending', '2026-03-01T10:00:00.000Z'),
        assigned('x', B, '2026-03-01T12:00:00.000Z', A),
        status('x', 'pending', 'resolved', '2026-03-01T15:00:00.000Z', 5),
      ]);
      expect(await findPerformance(store, A)).toMatchObject({ total_tickets: 0, completed_tickets: 0, pending_tickets: 0 });
      expect(await findPerformance(store, B)).toMatchObject({
        total_tickets: 1,
        completed_tickets: 1,
        average_completion_time: 3, // from B's assignment at 12:00
        first_call_resolution: 0, // it went to pending (while A had it)
        on_time_rate: 100,
        average_rating: 5,
      });
    });

    it('keeps the assignment time when a ticket is assigned again to the same technician', async () => {
      position = 0;
      const store = await run([
        created('x', '2026-03-01T08:00:00.000Z', null),
        assigned('x', A, '2026-03-01T08:00:00.000Z'),
        assigned('x', A, '2026-03-01T10:00:00.000Z', A),
        status('x', 'assigned', 'resolved', '2026-03-01T14:30:00.000Z'),
      ]);
      expect(await findPerformance(store, A)).toMatchObject({ total_tickets: 1, average_completion_time: 6.5 });
    });

    it('does not count a ticket without an SLA deadline in the on-time rate', async () => {
      position = 0;
      const store = await run([
        created('x', '2026-03-01T08:00:00.000Z', null),
        assigned('x', A, '2026-03-01T08:00:00.000Z'),
        status('x', 'assigned', 'resolved', '2026-03-01T09:00:00.000Z'),
        created('y', '2026-03-01T08:00:00.000Z', '2026-03-01T08:30:00.000Z'),
        assigned('y', A, '2026-03-01T08:00:00.000Z'),
        status('y', 'assigned', 'resolved', '2026-03-01T09:00:00.000Z'),
      ]);
      expect(await findPerformance(store, A)).toMatchObject({ completed_tickets: 2, on_time_rate: 0, first_call_resolution: 100 });
    });

    it('counts a ticket resolved exactly at its deadline as on time', async () => {
      position = 0;
      const store = await run([
        created('x', '2026-03-01T08:00:00.000Z', '2026-03-01T09:00:00.000Z'),
        assigned('x', A, '2026-03-01T08:00:00.000Z'),
        status('x', 'assigned', 'resolved', '2026-03-01T09:00:00.000Z'),
      ]);
      expect(await findPerformance(store, A)).toMatchObject({ on_time_rate: 100 });
    });

    it('takes a rating given on close over the one given on resolve', async () => {
      position = 0;
      const store = await run([
        created('x', '2026-03-01T08:00:00.000Z', null),
        assigned('x', A, '2026-03-01T08:00:00.000Z'),
        status('x', 'assigned', 'resolved', '2026-03-01T09:00:00.000Z', 2),
        status('x', 'resolved', 'closed', '2026-03-01T10:00:00.000Z', 5),
      ]);
      expect(await findPerformance(store, A)).toMatchObject({
        average_rating: 5,
        average_completion_time: 1, // completion is the move to resolved, not the later close
        monthly_stats: [{ month: '2026-03', completed: 1, average_rating: 5 }],
      });
    });

    it('moves a ticket reopened in one month and resolved in the next to the later month', async () => {
      position = 0;
      const store = await run([
        created('x', '2026-03-31T08:00:00.000Z', null),
        assigned('x', A, '2026-03-31T08:00:00.000Z'),
        status('x', 'assigned', 'resolved', '2026-03-31T22:00:00.000Z', 3),
        status('x', 'resolved', 'in_progress', '2026-04-01T08:00:00.000Z'),
        status('x', 'in_progress', 'resolved', '2026-04-01T10:00:00.000Z'),
      ]);
      expect(await findPerformance(store, A)).toMatchObject({
        completed_tickets: 1,
        average_rating: 0,
        first_call_resolution: 0,
        monthly_stats: [{ month: '2026-04', completed: 1, average_rating: 0 }],
      });
    });
  });

  describe('idempotency and order', () => {
    it('changes nothing when every event is delivered twice', async () => {
      const events = scenario();
      const once = createMemoryReadStore();
      await project(once, events);
      const twice = createMemoryReadStore();
      await project(twice, events.flatMap((e) => [e, e]));
      expect(await dump(twice)).toEqual(await dump(once));
      expect(await findPerformance(twice, A)).toEqual(expectedA);
    });

    it('changes nothing when the whole log is replayed over the live model (resubscribe from an old checkpoint)', async () => {
      const events = scenario();
      const store = createMemoryReadStore();
      await project(store, events);
      const before = await dump(store);
      await project(store, events);
      expect(await dump(store)).toEqual(before);
    });

    it('finishes an event whose facts were written but whose totals were not (crash in the middle)', async () => {
      const events = scenario();
      const reference = createMemoryReadStore();
      await project(reference, events);

      // Every event that moves totals fails once after its facts are written; the runner retries it.
      const store = createMemoryReadStore();
      let failNext = false;
      const failing = (col: Collection): Collection =>
        new Proxy(col, {
          get(target, prop, receiver) {
            if (prop === 'updateOne') {
              return async (...args: Parameters<Collection['updateOne']>) => {
                if (failNext) {
                  failNext = false;
                  throw new Error('connection lost');
                }
                return target.updateOne(...args);
              };
            }
            return Reflect.get(target, prop, receiver);
          },
        });
      const ctx: ProjectorContext = {
        collection: <T extends Doc>(name: string) =>
          (name === TECHNICIAN_PERFORMANCE ? failing(store.collection(name)) : store.collection(name)) as unknown as Collection<T>,
      };
      for (const [name, indexes] of Object.entries(projector.collections)) await store.collection(name).createIndexes(indexes);
      let failures = 0;
      for (const e of events) {
        failNext = true;
        try {
          await projector.apply(e, ctx);
        } catch {
          failures++;
          await projector.apply(e, ctx);
        }
        failNext = false;
      }
      expect(failures).toBeGreaterThan(10);
      expect(await dump(store)).toEqual(await dump(reference));
    });

    it('keeps one facts document per ticket and one totals document per technician', async () => {
      const store = createMemoryReadStore();
      await project(store, scenario());
      expect(await store.collection(TECHNICIAN_TICKET_FACTS).countDocuments({})).toBe(8);
      expect((await store.collection(TECHNICIAN_PERFORMANCE).find({}, { sort: { _id: 1 } })).map((d) => d._id)).toEqual([A, B]);
    });
  });
});
