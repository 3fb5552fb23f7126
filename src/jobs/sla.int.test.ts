import { systemMeta } from '../commands/context';
import { assignTicket, changeTicketStatus, createTicket, type TicketCommandDeps } from '../commands/tickets';
import { ticketStream, type TicketPriority } from '../domain/ticket';
import { getTicket } from '../projections/tickets/queries';
import { startTestApp, type TestApp } from '../../test/support/test-app';
import { runSlaJob, type SlaJobResult } from './sla';

const T0 = '2026-01-15T12:00:00.000Z';
const HOUR = 3_600_000;

describe('SLA job', () => {
  let t: TestApp;
  let commands: TicketCommandDeps;
  let customerId: string;
  const meta = () => systemMeta(commands.ids, 'test');
  const actor = { userId: 'u-fixture', role: 'manager' };

  beforeEach(async () => {
    t = await startTestApp();
    commands = t.app.deps.commands;
    const admin = await t.user('super_admin');
    const res = await t.http
      .post('/api/customers')
      .set({ Authorization: `Bearer ${admin.token}` })
      .send({
        full_name: 'Budi',
        phone: '0812000000',
        email: 'budi@example.com',
        address: 'Jl. Merdeka 1',
        coordinates: { lat: -6.2, lng: 106.8 },
        service_area: 'Jakarta',
      });
    customerId = res.body.data.customer.id;
  });
  afterEach(async () => {
    await t.stop();
  });

  const open = async (priority: TicketPriority) => {
    const { ticketId, result } = await createTicket(
      commands,
      {
        customerId,
        type: 'repair',
        priority,
        title: `${priority} ticket`,
        description: 'x',
        location: { lat: 0, lng: 0 },
        scheduledAt: null,
        attachments: [],
        channel: 'staff',
      },
      actor,
      meta(),
    );
    await t.app.runner.waitFor(result.position!, 5000);
    return ticketId;
  };
  const deps = () => ({ commands, readStore: t.app.deps.readStore, logger: t.app.deps.logger });
  /** Runs the job at the clock's time and waits for the read model to see what it appended. */
  const run = async (): Promise<SlaJobResult> => {
    const result = await runSlaJob(deps(), t.clock.now());
    if (result.position !== null) await t.app.runner.waitFor(result.position, 5000);
    return result;
  };
  const slaEvents = async (ticketId: string) =>
    (await t.eventStore.readStream(ticketStream(ticketId)))
      .filter((e) => e.type.startsWith('TicketSla'))
      .map((e) => [e.type, e.data.slaDeadline, e.metadata.actor?.userId]);
  const at = (hours: number) => new Date(Date.parse(T0) + hours * HOUR).toISOString();

  it('raises each warning, then each breach, exactly once', async () => {
    const emergency = await open('emergency'); // deadline +4h, warning from +3h
    const high = await open('high'); // deadline +24h, warning from +18h
    const low = await open('low'); // deadline +72h, warning from +54h

    t.clock.advance(2 * HOUR);
    expect(await run()).toMatchObject({ warned: [], breached: [] });

    t.clock.set(at(3));
    expect(await run()).toMatchObject({ warned: [emergency], breached: [] });
    expect(await run()).toMatchObject({ warned: [], breached: [], skipped: 0 });

    t.clock.set(at(4));
    expect(await run()).toMatchObject({ warned: [], breached: [emergency] });
    expect(await run()).toMatchObject({ warned: [], breached: [] });

    t.clock.set(at(18));
    expect(await run()).toMatchObject({ warned: [high], breached: [] });
    t.clock.set(at(80));
    // Past the low ticket's whole warning window: only its breach is recorded.
    const late = await run();
    expect(late.breached.sort()).toEqual([high, low].sort());
    expect(late.warned).toEqual([]);
    expect(await run()).toMatchObject({ warned: [], breached: [] });

    expect(await slaEvents(emergency)).toEqual([
      ['TicketSlaWarningRaised', at(4), 'system'],
      ['TicketSlaBreached', at(4), 'system'],
    ]);
    expect(await slaEvents(high)).toEqual([
      ['TicketSlaWarningRaised', at(24), 'system'],
      ['TicketSlaBreached', at(24), 'system'],
    ]);
    expect(await slaEvents(low)).toEqual([['TicketSlaBreached', at(72), 'system']]);
    const doc = await getTicket(t.app.deps.readStore, emergency);
    expect(doc).toMatchObject({ overdue: true, sla_warning_raised: true, sla_breached_at: at(4), sla_warning_raised_at: at(3) });
  });

  it('leaves resolved tickets alone and picks up a reopened one', async () => {
    const technician = await t.user('technician');
    const ticketId = await open('emergency');
    await assignTicket(commands, ticketId, { technicianId: technician.userId, scheduledAt: null, notes: null }, actor, meta());
    await changeTicketStatus(commands, ticketId, { status: 'in_progress', notes: null, attachments: [], rating: null }, actor, meta());
    const resolved = await changeTicketStatus(
      commands,
      ticketId,
      { status: 'resolved', notes: null, attachments: [], rating: null },
      actor,
      meta(),
    );
    await t.app.runner.waitFor(resolved.position!, 5000);
    t.clock.set(at(5));
    expect(await run()).toMatchObject({ warned: [], breached: [] });
    expect(await slaEvents(ticketId)).toEqual([]);

    const reopened = await changeTicketStatus(
      commands,
      ticketId,
      { status: 'in_progress', notes: null, attachments: [], rating: null },
      actor,
      meta(),
    );
    await t.app.runner.waitFor(reopened.position!, 5000);
    expect(await run()).toMatchObject({ breached: [ticketId] });
  });

  it('appends each event once when two runs overlap (the decider refuses the duplicate)', async () => {
    const ids = [await open('emergency'), await open('critical')];
    t.clock.set(at(9));
    const [a, b] = await Promise.all([runSlaJob(deps(), t.clock.now()), runSlaJob(deps(), t.clock.now())]);
    expect([...a.breached, ...b.breached].sort()).toEqual([...ids].sort());
    expect(a.skipped + b.skipped).toBe(2);
    expect(a.failed + b.failed).toBe(0);
    for (const id of ids) expect(await slaEvents(id)).toHaveLength(1);
  });
});
