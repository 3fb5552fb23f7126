import type { Doc } from '../../ports/read-store';
import { startTestApp, type TestApp } from '../../../test/support/test-app';
import { rebuildProjector } from '../engine/rebuild';
import type { Projector } from '../engine/projector';
import { technicianPerformanceProjector } from './performance-projector';
import { technicianProfileProjector } from './profile-projector';

/**
 * A rebuild from position zero must give exactly the live read models (documents and their
 * bookkeeping), for both technician projectors, on the whole product.
 */
describe('technician projections rebuild', () => {
  let t: TestApp;
  afterEach(async () => {
    await t.stop();
  });

  const dump = async (p: Projector): Promise<Record<string, Doc[]>> => {
    const out: Record<string, Doc[]> = {};
    for (const name of Object.keys(p.collections)) out[name] = await t.app.deps.readStore.collection(name).find({}, { sort: { _id: 1 } });
    return out;
  };

  it('rebuilds into identical collections', async () => {
    t = await startTestApp();
    const manager = await t.user('manager');
    const tech = await t.user('technician', { full_name: 'Budi' });
    const other = await t.user('technician', { full_name: 'Andi' });
    const put = (path: string, body: object) =>
      t.http.put(`/api/technicians${path}`).set({ Authorization: `Bearer ${manager.token}` }).send(body);
    expect((await put(`/${tech.userId}`, { skills: ['Fiber'], service_areas: ['Depok'] })).status).toBe(200);
    expect((await put(`/${tech.userId}/location`, { lat: 1, lng: 2 })).status).toBe(200);
    expect((await put(`/${other.userId}/availability`, { is_available: false, reason: 'Leave' })).status).toBe(200);

    const ticket = 'aaaaaaaa-0000-4000-8000-000000000001';
    const by = { userId: manager.userId, role: 'manager' };
    const status = (from: string, to: string, changedAt: string, rating: number | null) => ({
      ticketId: ticket,
      from,
      to,
      notes: null,
      attachments: [],
      rating,
      changedBy: by,
      changedAt,
      technicianId: tech.userId,
    });
    const assigned = (technicianId: string, previousTechnicianId: string | null, assignedAt: string) => ({
      ticketId: ticket,
      technicianId,
      previousTechnicianId,
      scheduledAt: null,
      notes: null,
      assignedBy: by,
      assignedAt,
      status: 'assigned',
    });
    const events: Array<[string, Record<string, unknown>]> = [
      [
        'TicketCreated',
        {
          ticketId: ticket,
          number: 1,
          ticketNumber: 'TKT-000001',
          customerId: 'bbbbbbbb-0000-4000-8000-000000000001',
          type: 'repair',
          priority: 'normal',
          title: 'No internet',
          description: 'Down',
          location: { lat: -6.2, lng: 106.8 },
          scheduledAt: null,
          attachments: [],
          slaDeadline: '2026-01-16T08:00:00.000Z',
          createdBy: by,
          channel: 'staff',
          createdAt: '2026-01-15T08:00:00.000Z',
        },
      ],
      ['TicketAssigned', assigned(other.userId, null, '2026-01-15T09:00:00.000Z')],
      ['TicketAssigned', assigned(tech.userId, other.userId, '2026-01-15T10:00:00.000Z')],
      ['TicketStatusChanged', status('assigned', 'in_progress', '2026-01-15T11:00:00.000Z', null)],
      ['TicketStatusChanged', status('in_progress', 'resolved', '2026-01-15T12:00:00.000Z', 4)],
    ];
    // Appended as the ticket commands append them (checked against the ticket schemas once registered).
    const registry = t.app.deps.commands.registry;
    const appended = await t.eventStore.appendToStream(
      `ticket-${ticket}`,
      events.map(([type, data]) => ({
        id: t.app.deps.commands.ids.uuid(),
        type,
        data: registry.has(type) ? registry.validate(type, data) : data,
        metadata: { timestamp: '2026-01-15T12:00:00.000Z', schemaVersion: 1 },
      })),
      { expectedRevision: 'no_stream' },
    );
    await t.app.runner.waitFor(appended.position, 5000);

    for (const projector of [technicianProfileProjector, technicianPerformanceProjector]) {
      const live = await dump(projector);
      expect(Object.values(live).every((docs) => docs.length > 0)).toBe(true);
      const result = await rebuildProjector({
        eventStore: t.eventStore,
        readStore: t.app.deps.readStore,
        runner: t.app.runner,
        projector,
      });
      expect(result).toMatchObject({ state: 'done', error: null });
      expect(await dump(projector)).toEqual(live);
    }
    const perf = await t.http.get(`/api/technicians/${tech.userId}/performance`).set({ Authorization: `Bearer ${manager.token}` });
    expect(perf.body.data.performance).toMatchObject({ total_tickets: 1, completed_tickets: 1, average_completion_time: 2, average_rating: 4 });
  });
});
