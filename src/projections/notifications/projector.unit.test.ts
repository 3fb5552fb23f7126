import { createMemoryReadStore, type MemoryReadStore } from '../../adapters/read-store/memory/memory-read-store';
import { createEventRegistry } from '../../domain';
import type { Doc } from '../../ports/read-store';
import { inIndexOrder, openTempSqliteReadStore, project, summarizePlan, type TempSqliteReadStore } from '../../../test/support/sqlite-plans';
import type { ProjectedEvent, Projector, ProjectorContext } from '../engine/projector';
import { MOBILE_COMMENTS, MOBILE_TICKET_LINKS, mobileSyncProjector, type MobileTicketLinkDoc } from './mobile-sync-projector';
import { commentsChanged, ticketLinksChanged } from './mobile-sync-queries';
import { NOTIFICATIONS, notificationId, notificationsProjector, type NotificationDoc } from './projector';
import { ticketsProjector } from '../tickets/projector';
import { countUnread, listNotifications, notificationsCausedBy, notificationsChanged } from './queries';

/**
 * Given events, then the notifications documents (who gets what, read marks, idempotency and
 * a rebuild equal to the live documents), and the mobile sync links. Event data is checked
 * against the registered schemas, so the fixtures are events the commands could append.
 */

const registry = createEventRegistry();
const T0 = Date.parse('2026-01-15T12:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

const MGR = 'u-mgr';
const SUP = 'u-sup';
const SUP_OFF = 'u-sup-off';
const ADMIN = 'u-admin';
const CS = 'u-cs';
const TECH1 = 'u-tech1';
const TECH2 = 'u-tech2';
const CUST = 'u-cust';
const T1 = 't-1';
const C1 = 'c-1';
const actorOf = (userId: string, role: string) => ({ userId, role });

let position = 0;
let minute = 0;
function ev(type: string, data: Record<string, unknown>, stream: string): ProjectedEvent {
  position += 1;
  minute += 1;
  return {
    id: `event-${position}`,
    type,
    streamName: stream,
    revision: 0,
    position,
    data: registry.validate(type, data),
    metadata: { timestamp: at(minute), schemaVersion: 1, prevHash: '', hash: '' },
  };
}
const user = (userId: string, role: string, extra: Record<string, unknown> = {}) =>
  ev(
    'UserRegistered',
    {
      userId,
      number: position + 1,
      email: `${userId}@example.com`,
      role,
      passwordHash: 'x',
      profile: { full_name: `Name of ${userId}`, phone: null, avatar: null, department: null },
      registeredAt: at(minute),
      ...extra,
    },
    `user-${userId}`,
  );
const customer = () =>
  ev(
    'CustomerRegistered',
    {
      customerId: C1,
      number: 1,
      code: 'CUST-000001',
      userId: CUST,
      status: 'active',
      fullName: 'Budi',
      phone: '0812',
      email: 'budi@example.com',
      nationalId: null,
      address: { line: 'Jl. 1', line2: null, block: null, unit: null, city: null, province: null, postalCode: null, country: null },
      coordinates: null,
      serviceArea: null,
      servicePackage: null,
      brand: null,
      installationDate: null,
      customerType: null,
      registeredAt: at(minute),
    },
    `customer-${C1}`,
  );
const ticket = (type: string, data: Record<string, unknown>) => ev(type, { ticketId: T1, ...data }, `ticket-${T1}`);
const created = () =>
  ticket('TicketCreated', {
    number: 1,
    ticketNumber: 'TKT-000001',
    customerId: C1,
    type: 'repair',
    priority: 'normal',
    title: 'Internet mati',
    description: 'LOS merah',
    location: { lat: -6.2, lng: 106.8 },
    scheduledAt: null,
    attachments: [],
    slaDeadline: at(48 * 60),
    createdBy: actorOf(CS, 'customer_service'),
    channel: 'staff',
    createdAt: at(minute),
  });
const assigned = (technicianId: string, previousTechnicianId: string | null) =>
  ticket('TicketAssigned', {
    technicianId,
    previousTechnicianId,
    scheduledAt: null,
    notes: null,
    assignedBy: actorOf(MGR, 'manager'),
    assignedAt: at(minute),
    status: 'assigned',
  });
const status = (from: string, to: string, by: { userId: string; role: string }, technicianId: string | null) =>
  ticket('TicketStatusChanged', {
    from,
    to,
    notes: null,
    attachments: [],
    rating: null,
    changedBy: by,
    changedAt: at(minute),
    technicianId,
  });
const comment = (commentId: string, by: { userId: string; role: string }, text: string) =>
  ticket('TicketCommentAdded', { commentId, comment: text, attachments: [], author: by, createdAt: at(minute) });

describe('notifications projector', () => {
  let store: MemoryReadStore;
  let ctx: ProjectorContext;
  // The tickets read model too: mobile sync reads what comments say from there.
  const projectors: Projector[] = [notificationsProjector, mobileSyncProjector, ticketsProjector];
  const apply = async (events: ProjectedEvent[], target: MemoryReadStore = store) => {
    const c: ProjectorContext = { collection: <T extends Doc>(name: string) => target.collection<T>(name) };
    for (const e of events) {
      for (const p of projectors) if (p.handles.includes(e.type)) await p.apply(e, c);
    }
  };
  const prepare = async (s: MemoryReadStore) => {
    for (const p of projectors) for (const [name, indexes] of Object.entries(p.collections)) await s.collection(name).createIndexes(indexes);
  };
  const of = async (userId: string) =>
    (await store.collection<NotificationDoc>(NOTIFICATIONS).find({ user_id: userId }, { sort: { source_position: 1 } })).map(
      (n) => `${n.type}${n.is_read ? ' (read)' : ''}`,
    );
  const dump = async (s: MemoryReadStore) => {
    const out: Record<string, Doc[]> = {};
    for (const p of projectors) for (const name of Object.keys(p.collections)) out[name] = await s.collection(name).find({}, { sort: { _id: 1 } });
    return out;
  };

  let people: ProjectedEvent[];
  beforeEach(async () => {
    position = 0;
    minute = 0;
    store = createMemoryReadStore();
    ctx = { collection: <T extends Doc>(name: string) => store.collection<T>(name) };
    await prepare(store);
    people = [
      user(MGR, 'manager'),
      user(SUP, 'supervisor'),
      user(SUP_OFF, 'supervisor'),
      ev('UserDeactivated', { userId: SUP_OFF, reason: null, deactivatedAt: at(minute) }, `user-${SUP_OFF}`),
      user(ADMIN, 'super_admin'),
      user(CS, 'customer_service'),
      user(TECH1, 'technician'),
      user(TECH2, 'technician'),
      user(CUST, 'customer', { customerId: C1 }),
      customer(),
    ];
    void ctx;
  });

  it('notifies the assigned technician, and the previous one on a reassignment', async () => {
    await apply([...people, created(), assigned(TECH1, null)]);
    expect(await of(TECH1)).toEqual(['ticket_assigned']);
    expect(await of(MGR)).toEqual([]); // the actor
    expect(await of(CS)).toEqual([]);
    await apply([assigned(TECH2, TECH1)]);
    expect(await of(TECH1)).toEqual(['ticket_assigned', 'ticket_unassigned']);
    expect(await of(TECH2)).toEqual(['ticket_assigned']);
    const [n] = await store.collection<NotificationDoc>(NOTIFICATIONS).find({ user_id: TECH2 });
    expect(n).toMatchObject({
      type: 'ticket_assigned',
      title: 'New ticket assigned',
      message: 'TKT-000001 "Internet mati" has been assigned to you.',
      data: { ticket_id: T1, ticket_number: 'TKT-000001', assigned_by: MGR, previous_technician_id: TECH1 },
      is_read: false,
      read_at: null,
    });
  });

  it('tells the technician, the customer and the creator about a status change, never the actor', async () => {
    await apply([...people, created(), assigned(TECH1, null), status('assigned', 'in_progress', actorOf(TECH1, 'technician'), TECH1)]);
    expect(await of(TECH1)).toEqual(['ticket_assigned']);
    expect(await of(CUST)).toEqual(['ticket_status_changed']);
    expect(await of(CS)).toEqual(['ticket_status_changed']);
    expect(await of(MGR)).toEqual([]);
    await apply([status('in_progress', 'resolved', actorOf(MGR, 'manager'), TECH1)]);
    expect(await of(TECH1)).toEqual(['ticket_assigned', 'ticket_status_changed']);
    const [n] = await store.collection<NotificationDoc>(NOTIFICATIONS).find({ user_id: CUST }, { sort: { source_position: -1 }, limit: 1 });
    expect(n!.message).toBe('TKT-000001 "Internet mati" is now resolved (was in progress).');
    expect(n!.data).toMatchObject({ old_status: 'in_progress', new_status: 'resolved', changed_by: MGR });
  });

  it('tells the technician, the customer and the creator about a comment, minus the author', async () => {
    await apply([...people, created(), assigned(TECH1, null), comment('cm-1', actorOf(CUST, 'customer'), 'Masih mati   sampai sekarang')]);
    expect(await of(TECH1)).toEqual(['ticket_assigned', 'ticket_comment']);
    expect(await of(CS)).toEqual(['ticket_comment']);
    expect(await of(CUST)).toEqual([]);
    const [n] = await store.collection<NotificationDoc>(NOTIFICATIONS).find({ user_id: CS });
    expect(n).toMatchObject({ title: 'New comment on TKT-000001', message: 'Name of u-cust: Masih mati sampai sekarang' });
    expect(n!.data).toEqual({ ticket_id: T1, ticket_number: 'TKT-000001', comment_id: 'cm-1', author_id: CUST });
  });

  it('tells the technician and the active supervisors and managers about SLA warnings and breaches', async () => {
    await apply([
      ...people,
      created(),
      assigned(TECH1, null),
      ticket('TicketSlaWarningRaised', { slaDeadline: at(48 * 60), raisedAt: at(40 * 60) }),
      ticket('TicketSlaBreached', { slaDeadline: at(48 * 60), breachedAt: at(48 * 60) }),
    ]);
    for (const u of [TECH1]) expect(await of(u)).toEqual(['ticket_assigned', 'sla_warning', 'sla_breached']);
    for (const u of [MGR, SUP]) expect(await of(u)).toEqual(['sla_warning', 'sla_breached']);
    for (const u of [SUP_OFF, ADMIN, CS, CUST, TECH2]) expect(await of(u)).toEqual([]);
  });

  it('follows role changes, deactivations and title changes from the events', async () => {
    await apply([
      ...people,
      created(),
      ticket('TicketUpdated', {
        changes: { title: 'Wifi lemot' },
        previous: { title: 'Internet mati' },
        updatedBy: actorOf(CS, 'customer_service'),
        updatedAt: at(minute),
      }),
      ev('UserRoleChanged', { userId: CS, previousRole: 'customer_service', role: 'supervisor', changedAt: at(minute) }, `user-${CS}`),
      ev('UserDeactivated', { userId: CUST, reason: null, deactivatedAt: at(minute) }, `user-${CUST}`),
      assigned(TECH1, null),
      ticket('TicketSlaWarningRaised', { slaDeadline: at(48 * 60), raisedAt: at(40 * 60) }),
    ]);
    expect(await of(CS)).toEqual(['sla_warning']); // a supervisor now
    const [n] = await store.collection<NotificationDoc>(NOTIFICATIONS).find({ user_id: TECH1, type: 'ticket_assigned' });
    expect(n!.message).toContain('"Wifi lemot"');
    await apply([status('assigned', 'in_progress', actorOf(TECH1, 'technician'), TECH1)]);
    expect(await of(CUST)).toEqual([]); // deactivated
  });

  it('derives ids from the event and the recipient, and marks read by NotificationRead', async () => {
    const events = [...people, created()];
    const assign = assigned(TECH1, null);
    await apply([...events, assign]);
    const id = notificationId(assign.id, TECH1);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect((await notificationsCausedBy(store, assign.id)).map((n) => n._id)).toEqual([id]);
    const read = ev('NotificationRead', { userId: TECH1, notificationId: id, readAt: at(minute) }, `notifications-${TECH1}`);
    await apply([read]);
    const doc = await store.collection<NotificationDoc>(NOTIFICATIONS).findOne({ _id: id });
    expect(doc).toMatchObject({ is_read: true, read_at: read.data.readAt, changed_at: read.metadata.timestamp, _pos: read.position });
  });

  it('marks all read only up to the position the command ran at', async () => {
    await apply([...people, created(), assigned(TECH1, null), comment('cm-1', actorOf(TECH1, 'technician'), 'On my way')]);
    const upTo = position;
    await apply([comment('cm-2', actorOf(TECH1, 'technician'), 'Arrived')]); // after the command ran
    await apply([ev('AllNotificationsRead', { userId: CS, readAt: at(minute), upToPosition: upTo }, `notifications-${CS}`)]);
    expect(await of(CS)).toEqual(['ticket_comment (read)', 'ticket_comment']);
    expect(await countUnread(store, CS)).toBe(1);
    expect(await of(CUST)).toEqual(['ticket_comment', 'ticket_comment']); // another user's
  });

  it('lists a user\'s notifications newest first with the unread count, filtered by is_read and type', async () => {
    await apply([...people, created(), assigned(TECH1, null), status('assigned', 'in_progress', actorOf(MGR, 'manager'), TECH1)]);
    const all = await listNotifications(store, { userId: TECH1, skip: 0, limit: 20 });
    expect(all.items.map((n) => n.type)).toEqual(['ticket_status_changed', 'ticket_assigned']);
    expect(all).toMatchObject({ total: 2, unread: 2 });
    const typed = await listNotifications(store, { userId: TECH1, type: 'ticket_assigned', skip: 0, limit: 20 });
    expect(typed.items.map((n) => n.type)).toEqual(['ticket_assigned']);
    const read = await listNotifications(store, { userId: TECH1, isRead: true, skip: 0, limit: 20 });
    expect(read.total).toBe(0);
  });

  it('is idempotent: a redelivered event changes nothing', async () => {
    const events = [
      ...people,
      created(),
      assigned(TECH1, null),
      comment('cm-1', actorOf(CUST, 'customer'), 'Halo'),
      assigned(TECH2, TECH1),
      ticket('TicketSlaBreached', { slaDeadline: at(48 * 60), breachedAt: at(48 * 60) }),
    ];
    await apply(events);
    const read = ev('AllNotificationsRead', { userId: TECH1, readAt: at(minute), upToPosition: position }, `notifications-${TECH1}`);
    await apply([read]);
    const once = await dump(store);
    await apply([...events, read]);
    expect(await dump(store)).toEqual(once);
  });

  it('rebuilds from position zero into documents equal to the live ones', async () => {
    const events = [
      ...people,
      created(),
      assigned(TECH1, null),
      status('assigned', 'in_progress', actorOf(TECH1, 'technician'), TECH1),
      comment('cm-1', actorOf(CUST, 'customer'), 'Halo'),
      assigned(TECH2, TECH1),
      ticket('TicketSlaWarningRaised', { slaDeadline: at(48 * 60), raisedAt: at(40 * 60) }),
    ];
    // Live: events arrive one by one, some twice (a redelivery after a dropped subscription).
    for (const e of events) await apply([e, e]);
    const read = ev('AllNotificationsRead', { userId: TECH1, readAt: at(minute), upToPosition: position }, `notifications-${TECH1}`);
    await apply([read]);
    const rebuilt = createMemoryReadStore();
    await prepare(rebuilt);
    await apply([...events, read], rebuilt);
    expect(await dump(rebuilt)).toEqual(await dump(store));
  });

  describe('indexes (on the SQLite read store, the embedded default)', () => {
    // 300 notifications of 3 users, half read, over 3 types.
    let sqlite: TempSqliteReadStore;
    const notifications = () => sqlite.store.collection<NotificationDoc>(NOTIFICATIONS);
    beforeAll(async () => {
      sqlite = openTempSqliteReadStore();
      await project(sqlite.store, projectors, []);
      const docs: NotificationDoc[] = [];
      for (let i = 1; i <= 300; i++) {
        docs.push({
          _id: `n-${i}`,
          id: `n-${i}`,
          user_id: `u-${i % 3}`,
          type: (['ticket_assigned', 'ticket_comment', 'sla_warning'] as const)[i % 5 % 3]!,
          title: 't',
          message: 'm',
          data: {},
          is_read: i % 2 === 0,
          read_at: null,
          created_at: at(i),
          changed_at: at(i),
          source_event_id: `e-${i}`,
          source_position: i,
          _pos: i,
        });
      }
      await notifications().insertMany(docs);
    });
    afterAll(() => sqlite.dispose());
    const page = { sort: { created_at: -1, source_position: -1 } as const, skip: 0, limit: 10 };
    it.each([
      ['user', { user_id: 'u-1' }, 'user_id_1_created_at_-1_source_position_-1'],
      ['user + is_read', { user_id: 'u-1', is_read: false }, 'user_id_1_is_read_1_created_at_-1_source_position_-1'],
      ['user + type', { user_id: 'u-1', type: 'sla_warning' }, 'user_id_1_type_1_created_at_-1_source_position_-1_is_read_1'],
      // Both filters: one of the two indexes, the other field checked by SQL on its entries.
      ['user + is_read + type', { user_id: 'u-1', is_read: true, type: 'ticket_comment' }, expect.stringMatching(/^user_id_1_(is_read|type)_1_created_at_-1_source_position_-1/)],
    ])('serves the list by %s in index order', async (_name, filter, index) => {
      expect(summarizePlan(notifications().explain(filter, page))).toEqual(inIndexOrder(index));
      expect(await notifications().find(filter, page)).toHaveLength(10);
    });
    it('counts unread and finds a sync range through indexes', async () => {
      expect(summarizePlan(notifications().explainCount({ user_id: 'u-2', is_read: false }))).toMatchObject({
        exact: true,
        indexes: ['user_id_1_is_read_1_created_at_-1_source_position_-1'],
        fullScans: [],
      });
      for (const filter of [{ user_id: 'u-2', type: 'sla_warning' }, { user_id: 'u-2', type: 'sla_warning', is_read: false }]) {
        const count = notifications().explainCount(filter);
        expect(count.plan).toEqual([expect.stringMatching(/USING COVERING INDEX d\d+:user_id_1_type_1_created_at_-1_source_position_-1_is_read_1 /)]);
        expect(summarizePlan(count)).toMatchObject({ exact: true, fullScans: [] });
      }
      const range = { user_id: 'u-2', _pos: { $gt: 100, $lte: 130 } };
      expect(summarizePlan(notifications().explain(range))).toMatchObject({ exact: true, indexes: ['user_id_1__pos_1'], fullScans: [] });
      expect(await notifications().countDocuments(range)).toBe(10);
      expect(summarizePlan(notifications().explain({ source_event_id: 'e-7' }))).toMatchObject({ exact: true, indexes: ['source_event_id_1'], fullScans: [] });
    });
  });

  describe('mobile sync links', () => {
    it('records what changed for each technician, and the tickets taken away from them', async () => {
      const links = async (technicianId: string, range: { after?: number; since?: string; upTo: number }) =>
        (await ticketLinksChanged(store, technicianId, range)).map((l) => `${l.ticket_id}:${l.assigned ? 'assigned' : 'removed'}`);
      // Each sync asks right after its changes, as a device would.
      await apply([...people, created()]);
      const p0 = position;
      expect(await links(TECH1, { upTo: p0 })).toEqual([]);
      await apply([assigned(TECH1, null)]);
      const p1 = position;
      expect(await links(TECH1, { after: p0, upTo: p1 })).toEqual([`${T1}:assigned`]);
      await apply([comment('cm-1', actorOf(CUST, 'customer'), 'Halo'), status('assigned', 'in_progress', actorOf(TECH1, 'technician'), TECH1)]);
      const p2 = position;
      expect(await links(TECH1, { after: p1, upTo: p2 })).toEqual([`${T1}:assigned`]);
      expect((await commentsChanged(store, TECH1, { after: p1, upTo: p2 })).map((c) => [c.id, c.comment])).toEqual([['cm-1', 'Halo']]);
      expect(await links(TECH1, { after: p2, upTo: p2 })).toEqual([]);
      await apply([assigned(TECH2, TECH1)]);
      const p3 = position;
      expect(await links(TECH1, { after: p2, upTo: p3 })).toEqual([`${T1}:removed`]);
      expect(await links(TECH2, { after: p2, upTo: p3 })).toEqual([`${T1}:assigned`]);
      expect(await links(TECH2, { upTo: p3 })).toEqual([`${T1}:assigned`]);
      expect(await commentsChanged(store, TECH2, { upTo: p3 })).toEqual([]);
      // Changes after the last sync are not in its range; they are in the next one.
      await apply([comment('cm-2', actorOf(TECH2, 'technician'), 'OTW')]);
      expect(await links(TECH2, { after: p2, upTo: p3 })).toEqual([]);
      expect(await links(TECH2, { after: p3, upTo: position })).toEqual([`${T1}:assigned`]);
      expect(await commentsChanged(store, TECH2, { after: p3, upTo: position })).toEqual([
        expect.objectContaining({ id: 'cm-2', ticket_id: T1, user_id: TECH2, user_role: 'technician', comment: 'OTW' }),
      ]);
      // By time: changes later than the given time.
      const since = (await store.collection<MobileTicketLinkDoc>(MOBILE_TICKET_LINKS).findOne({ _id: `${TECH1}:${T1}` }))!.changed_at;
      expect(await links(TECH1, { since, upTo: position })).toEqual([]);
      expect(await links(TECH2, { since, upTo: position })).toEqual([`${T1}:assigned`]);
      expect(await store.collection(MOBILE_COMMENTS).countDocuments({})).toBe(2);
    });

    it('gives the notifications that changed between two positions', async () => {
      await apply([...people, created(), assigned(TECH1, null)]);
      const p1 = position;
      const [n] = await notificationsChanged(store, TECH1, { upTo: p1 });
      expect(n!.type).toBe('ticket_assigned');
      await apply([ev('NotificationRead', { userId: TECH1, notificationId: n!._id, readAt: at(minute) }, `notifications-${TECH1}`)]);
      const p2 = position;
      expect((await notificationsChanged(store, TECH1, { after: p1, upTo: p2 })).map((x) => x.is_read)).toEqual([true]);
      expect(await notificationsChanged(store, TECH1, { after: p2, upTo: p2 })).toEqual([]);
    });
  });
});
