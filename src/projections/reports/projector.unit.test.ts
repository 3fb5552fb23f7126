import { createMemoryReadStore, type MemoryReadStore } from '../../adapters/read-store/memory/memory-read-store';
import type { Collection, Doc } from '../../ports/read-store';
import { withoutBookkeeping, type ProjectedEvent, type ProjectorContext } from '../engine/projector';
import { bucketCount, bucketsOf, performanceReport } from './queries';
import { isoWeekOf } from './facts';
import {
  REPORT_DAILY,
  REPORT_TECHNICIAN_DAILY,
  REPORT_TOTALS,
  reportsProjector as projector,
  TOTALS_ID,
} from './projector';

/**
 * Given ticket events, then the report counters. Events go straight into the projector as the
 * runner would feed them (log order, increasing positions).
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
    metadata: { timestamp: '2026-01-01T00:00:00.000Z', schemaVersion: 1, prevHash: '', hash: '' },
  };
}
const created = (t: string, createdAt: string, priority: string, slaDeadline: string) =>
  ev('TicketCreated', t, {
    number: 1,
    ticketNumber: 'TKT-000001',
    customerId: 'c1',
    type: 'repair',
    priority,
    title: 'No internet',
    description: 'Down',
    location: { lat: -6.2, lng: 106.8 },
    scheduledAt: null,
    attachments: [],
    slaDeadline,
    createdBy: MGR,
    channel: 'staff',
    createdAt,
  });
const assigned = (t: string, technicianId: string, assignedAt: string, previousTechnicianId: string | null = null) =>
  ev('TicketAssigned', t, { technicianId, previousTechnicianId, scheduledAt: null, notes: null, assignedBy: MGR, assignedAt, status: 'assigned' });
const status = (t: string, from: string, to: string, changedAt: string, rating: number | null = null) =>
  ev('TicketStatusChanged', t, { from, to, notes: null, attachments: [], rating, changedBy: MGR, changedAt, technicianId: null });
const updated = (t: string, changes: Record<string, unknown>, updatedAt: string) =>
  ev('TicketUpdated', t, { changes, previous: {}, updatedBy: MGR, updatedAt });

function scenario(): ProjectedEvent[] {
  position = 0;
  return [
    // t1 → A: created 01-10, 4 h from assignment, on time, rated 5, closed.
    created('t1', '2026-01-10T08:00:00.000Z', 'high', '2026-01-11T08:00:00.000Z'),
    assigned('t1', A, '2026-01-10T09:00:00.000Z'),
    status('t1', 'assigned', 'in_progress', '2026-01-10T10:00:00.000Z'),
    status('t1', 'in_progress', 'resolved', '2026-01-10T13:00:00.000Z', 5),
    status('t1', 'resolved', 'closed', '2026-01-10T14:00:00.000Z'),
    // t2 → A: went pending, late, rated 3, completed 01-14.
    created('t2', '2026-01-12T08:00:00.000Z', 'normal', '2026-01-14T08:00:00.000Z'),
    assigned('t2', A, '2026-01-12T08:00:00.000Z'),
    status('t2', 'assigned', 'in_progress', '2026-01-12T09:00:00.000Z'),
    status('t2', 'in_progress', 'pending', '2026-01-12T10:00:00.000Z'),
    status('t2', 'pending', 'resolved', '2026-01-14T18:00:00.000Z', 3),
    // t3: reassigned from A to B, resolved 01-14 rated 2, reopened: counts as open, nowhere completed.
    created('t3', '2026-01-14T09:00:00.000Z', 'normal', '2026-01-16T09:00:00.000Z'),
    assigned('t3', A, '2026-01-14T09:30:00.000Z'),
    assigned('t3', B, '2026-01-14T09:45:00.000Z', A),
    status('t3', 'assigned', 'in_progress', '2026-01-14T10:00:00.000Z'),
    status('t3', 'in_progress', 'resolved', '2026-01-14T11:00:00.000Z', 2),
    status('t3', 'resolved', 'in_progress', '2026-01-14T12:00:00.000Z'),
    // t4: new, priority raised to emergency.
    created('t4', '2026-01-15T06:00:00.000Z', 'low', '2026-01-18T06:00:00.000Z'),
    updated('t4', { priority: 'emergency', slaDeadline: '2026-01-15T10:00:00.000Z' }, '2026-01-15T06:30:00.000Z'),
    // t5 → B: completed 01-15, 2 h, on time, no rating.
    created('t5', '2026-01-15T07:00:00.000Z', 'critical', '2026-01-15T15:00:00.000Z'),
    assigned('t5', B, '2026-01-15T07:00:00.000Z'),
    status('t5', 'assigned', 'in_progress', '2026-01-15T08:00:00.000Z'),
    status('t5', 'in_progress', 'resolved', '2026-01-15T09:00:00.000Z'),
  ];
}

async function project(store: MemoryReadStore, events: readonly ProjectedEvent[]): Promise<void> {
  const ctx: ProjectorContext = { collection: (name) => store.collection(name) };
  for (const e of events) await projector.apply(e, ctx);
}

async function dump(store: MemoryReadStore): Promise<Record<string, Doc[]>> {
  const out: Record<string, Doc[]> = {};
  for (const name of Object.keys(projector.collections)) out[name] = await store.collection(name).find({}, { sort: { _id: 1 } });
  return out;
}

const clean = (d: Doc | null) => (d ? withoutBookkeeping(d) : null);

describe('reports projector', () => {
  it('counts tickets by status and priority, completions and ratings', async () => {
    const store = createMemoryReadStore();
    await project(store, scenario());
    expect(clean(await store.collection(REPORT_TOTALS).findOne({ _id: TOTALS_ID }))).toEqual({
      _id: TOTALS_ID,
      total: 5,
      status: { new: 1, assigned: 0, in_progress: 1, pending: 0, resolved: 2, closed: 1 },
      priority: { high: 1, normal: 2, low: 0, emergency: 1, critical: 1 },
      completed: 3,
      rating_sum: 8,
      rated: 2,
    });
  });

  it('counts tickets created and completed per UTC day, with calendar keys for every period', async () => {
    const store = createMemoryReadStore();
    await project(store, scenario());
    const days = (await store.collection(REPORT_DAILY).find({}, { sort: { _id: 1 } })).map((d) => clean(d));
    expect(days).toEqual([
      { _id: '2026-01-10', date: '2026-01-10', week: '2026-W02', month: '2026-01', year: '2026', created: 1, completed: 1, rating_sum: 5, rated: 1 },
      { _id: '2026-01-12', date: '2026-01-12', week: '2026-W03', month: '2026-01', year: '2026', created: 1 },
      // t3's completion came and went: its counters are back to zero.
      { _id: '2026-01-14', date: '2026-01-14', week: '2026-W03', month: '2026-01', year: '2026', created: 1, completed: 1, rating_sum: 3, rated: 1 },
      { _id: '2026-01-15', date: '2026-01-15', week: '2026-W03', month: '2026-01', year: '2026', created: 2, completed: 1 },
    ]);
  });

  it('keeps the technician-performance contribution of each completed ticket per technician and day', async () => {
    const store = createMemoryReadStore();
    await project(store, scenario());
    const docs = (await store.collection(REPORT_TECHNICIAN_DAILY).find({}, { sort: { _id: 1 } })).map((d) => clean(d));
    expect(docs).toEqual([
      expect.objectContaining({
        _id: `${A}:2026-01-10`,
        technician_id: A,
        completed: 1,
        completion_ms: 4 * 3_600_000,
        timed: 1,
        rating_sum: 5,
        rated: 1,
        on_time: 1,
        sla_tracked: 1,
        first_call: 1,
      }),
      expect.objectContaining({ _id: `${A}:2026-01-14`, completed: 1, completion_ms: 58 * 3_600_000, sla_tracked: 1, rated: 1 }),
      expect.objectContaining({ _id: `${B}:2026-01-14`, completed: 0, completion_ms: 0, rated: 0, rating_sum: 0 }),
      expect.objectContaining({ _id: `${B}:2026-01-15`, completed: 1, completion_ms: 2 * 3_600_000, on_time: 1, first_call: 1 }),
    ]);
    // Counters never moved are absent (read as 0).
    expect(docs[1]!.first_call ?? 0).toBe(0);
    expect(docs[1]!.on_time ?? 0).toBe(0);
    expect(docs[3]!.rated ?? 0).toBe(0);
  });

  it('is idempotent: redelivering every event changes nothing', async () => {
    const once = createMemoryReadStore();
    await project(once, scenario());
    const twice = createMemoryReadStore();
    const events = scenario();
    await project(twice, events);
    await project(twice, events);
    expect(await dump(twice)).toEqual(await dump(once));
  });

  it('finishes an event that failed after moving some of its counters', async () => {
    const events = scenario();
    const expected = createMemoryReadStore();
    await project(expected, events);

    const store = createMemoryReadStore();
    const last = events[events.length - 1]!;
    await project(store, events.slice(0, -1));
    // The last event (t5 resolved) moves three counter documents, then writes the facts: let the
    // first counter write through and fail the rest, as if the process died there.
    let writes = 0;
    const failing: ProjectorContext = {
      collection: <T extends Doc>(name: string): Collection<T> =>
        new Proxy(store.collection<T>(name), {
          get(target, prop, receiver) {
            if (prop === 'updateOne' && writes++ >= 1) return () => Promise.reject(new Error('crash'));
            return Reflect.get(target, prop, receiver);
          },
        }),
    };
    await expect(projector.apply(last, failing)).rejects.toThrow('crash');
    expect(writes).toBe(2);
    expect(await dump(store)).not.toEqual(await dump(expected));
    await project(store, [last]);
    expect(await dump(store)).toEqual(await dump(expected));
  });

  it('answers the performance report per period and technician from the per-day counters', async () => {
    const store = createMemoryReadStore();
    await project(store, scenario());
    const report = await performanceReport(store, { period: 'weekly', from: '2026-01-05', to: '2026-01-18' });
    expect(report.periods.map((p) => [p.period, p.start, p.end, p.totals.tickets_completed])).toEqual([
      ['2026-W02', '2026-01-05', '2026-01-11', 1],
      ['2026-W03', '2026-01-12', '2026-01-18', 2],
    ]);
    expect(report.summary).toEqual({
      tickets_completed: 3,
      average_completion_time: round2((4 + 58 + 2) / 3),
      on_time_rate: round2((2 / 3) * 100),
      average_rating: 4,
      first_call_resolution: round2((2 / 3) * 100),
      rated_tickets: 2,
    });
    const onlyB = await performanceReport(store, { period: 'daily', from: '2026-01-14', to: '2026-01-15', technicianId: B });
    expect(onlyB.periods.map((p) => [p.period, p.totals.tickets_completed])).toEqual([
      ['2026-01-14', 0],
      ['2026-01-15', 1],
    ]);
    expect(onlyB.technicians).toEqual([expect.objectContaining({ technician: { id: B, full_name: null, employee_id: null }, tickets_completed: 1 })]);
  });
  it.each([
    ['2025-12-15', '2026-01-31'],
    ['2026-01-01', '2026-01-31'],
    ['2026-01-11', '2026-01-14'],
    ['2026-01-10', '2026-02-27'],
  ])('answers monthly and yearly reports from monthly documents and partial months from daily ones (%s to %s)', async (from, to) => {
    const store = createMemoryReadStore();
    await project(store, scenario());
    const daily = await performanceReport(store, { period: 'daily', from, to });
    for (const period of ['monthly', 'yearly'] as const) {
      const report = await performanceReport(store, { period, from, to });
      for (const bucket of report.periods) {
        const days = daily.periods.filter((d) => d.period >= bucket.start && d.period <= bucket.end);
        expect(bucket.totals.tickets_completed).toBe(days.reduce((sum, d) => sum + d.totals.tickets_completed, 0));
        expect(bucket.totals.rated_tickets).toBe(days.reduce((sum, d) => sum + d.totals.rated_tickets, 0));
      }
      expect(report.summary).toEqual(daily.summary);
    }
  });
});

const round2 = (n: number) => Math.round(n * 100) / 100;

describe('calendar buckets', () => {
  it.each([
    ['2026-01-01', '2026-W01'],
    ['2025-12-29', '2026-W01'],
    ['2025-12-28', '2025-W52'],
    ['2021-01-03', '2020-W53'],
    ['2024-12-30', '2025-W01'],
  ])('puts %s in ISO week %s', (day, week) => {
    expect(isoWeekOf(day)).toBe(week);
  });

  it('clips buckets to the range and counts them without building them', () => {
    expect(bucketsOf('monthly', '2025-11-15', '2026-01-10')).toEqual([
      { period: '2025-11', start: '2025-11-15', end: '2025-11-30' },
      { period: '2025-12', start: '2025-12-01', end: '2025-12-31' },
      { period: '2026-01', start: '2026-01-01', end: '2026-01-10' },
    ]);
    expect(bucketsOf('yearly', '2024-02-29', '2025-01-01').map((b) => b.period)).toEqual(['2024', '2025']);
    for (const period of ['daily', 'weekly', 'monthly', 'yearly'] as const) {
      expect(bucketCount(period, '2023-12-31', '2026-01-15')).toBe(bucketsOf(period, '2023-12-31', '2026-01-15').length);
    }
  });
});
