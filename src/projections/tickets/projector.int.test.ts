import { createMemoryReadStore, type MemoryReadStore } from '../../adapters/read-store/memory/memory-read-store';
import { TICKET_PRIORITIES, TICKET_STATUSES, TICKET_TYPES, type TicketEvent } from '../../domain/ticket';
import type { SqliteReadStore } from '../../adapters/read-store/sqlite/sqlite-read-store';
import type { Doc } from '../../ports/read-store';
import { gatherStatistics, inIndexOrder, openTempSqliteReadStore, project, summarizePlan, type TempSqliteReadStore } from '../../../test/support/sqlite-plans';
import type { ProjectedEvent, ProjectorContext } from '../engine/projector';
import { historyOf, type HistoryEvent } from './history';
import { COMMENT_BUCKET_REVISIONS, TICKET_COMMENTS, TICKETS, ticketsProjector, type TicketCommentsDoc, type TicketDoc } from './projector';
import { commentsById, DEFAULT_TICKET_SORT, slaBreachCandidates, slaWarningCandidates, ticketComment, ticketComments, ticketFilter } from './queries';

/** Given ticket events, then the tickets read model; and the list queries are served by indexes. */

const T0 = Date.parse('2026-01-15T12:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const MGR = { userId: 'u-mgr', role: 'manager' };
const TECH = { userId: 'u-tech', role: 'technician' };

let position = 0;
const revisions = new Map<string, number>();
function ev(e: TicketEvent, timestamp: string, actor = MGR): ProjectedEvent {
  position += 1;
  const ticket = e.data.ticketId;
  const revision = (revisions.get(ticket) ?? -1) + 1;
  revisions.set(ticket, revision);
  return {
    id: `event-${position}`,
    type: e.type,
    streamName: `ticket-${ticket}`,
    revision,
    position,
    data: e.data as unknown as Record<string, unknown>,
    metadata: { actor, timestamp, schemaVersion: 1, prevHash: '', hash: '' },
  };
}

const created = (ticketId: string, n: number, over: Partial<Extract<TicketEvent, { type: 'TicketCreated' }>['data']> = {}) =>
  ev(
    {
      type: 'TicketCreated',
      data: {
        ticketId,
        number: n,
        ticketNumber: `TKT-${String(n).padStart(6, '0')}`,
        customerId: 'c-1',
        type: 'repair',
        priority: 'normal',
        title: 'No internet',
        description: 'Down',
        location: { lat: -6.2, lng: 106.8 },
        scheduledAt: null,
        attachments: [],
        slaDeadline: at(48 * 60),
        createdBy: MGR,
        channel: 'staff',
        createdAt: at(0),
        ...over,
      },
    },
    over.createdAt ?? at(0),
  );

describe('tickets projector', () => {
  let store: MemoryReadStore;
  let ctx: ProjectorContext;
  const apply = async (events: ProjectedEvent[]) => {
    for (const e of events) await ticketsProjector.apply(e, ctx);
  };
  const doc = async (id: string) => (await store.collection<TicketDoc>(TICKETS).findOne({ _id: id }))!;

  beforeEach(async () => {
    store = createMemoryReadStore();
    ctx = { collection: <T extends Doc>(name: string) => store.collection<T>(name) };
    for (const [name, indexes] of Object.entries(ticketsProjector.collections)) await store.collection(name).createIndexes(indexes);
    position = 0;
    revisions.clear();
  });

  it('builds the ticket document, its comments and attachments from the events, and the history derives from the same events', async () => {
    const events = [
      created('t1', 1, { attachments: ['https://f.example.com/a/b/front.jpg'] }),
      ev(
        {
          type: 'TicketUpdated',
          data: {
            ticketId: 't1',
            changes: { priority: 'emergency', slaDeadline: at(240), location: { lat: 1, lng: 2 } },
            previous: { priority: 'normal', slaDeadline: at(48 * 60), location: { lat: -6.2, lng: 106.8 } },
            updatedBy: MGR,
            updatedAt: at(1),
          },
        },
        at(1),
      ),
      ev(
        {
          type: 'TicketAssigned',
          data: {
            ticketId: 't1',
            technicianId: 'u-tech',
            previousTechnicianId: null,
            scheduledAt: at(60),
            notes: 'Go',
            assignedBy: MGR,
            assignedAt: at(2),
            status: 'assigned',
          },
        },
        at(2),
      ),
      ev(
        {
          type: 'TicketStatusChanged',
          data: {
            ticketId: 't1',
            from: 'assigned',
            to: 'in_progress',
            notes: null,
            attachments: [],
            rating: null,
            changedBy: TECH,
            changedAt: at(3),
            technicianId: 'u-tech',
          },
        },
        at(3),
        TECH,
      ),
      ev(
        {
          type: 'TicketCommentAdded',
          data: { ticketId: 't1', commentId: 'cm-1', comment: 'Here', attachments: ['https://f.example.com/x.pdf'], author: TECH, createdAt: at(4) },
        },
        at(4),
        TECH,
      ),
      ev(
        {
          type: 'TicketAttachmentAdded',
          data: {
            ticketId: 't1',
            attachmentId: 'at-1',
            fileId: 'file-1',
            filename: 'signature.png',
            url: 'https://api.example.com/files/file-1',
            fileType: 'signature',
            uploadedBy: TECH,
            uploadedAt: at(5),
          },
        },
        at(5),
        TECH,
      ),
      ev({ type: 'TicketSlaWarningRaised', data: { ticketId: 't1', slaDeadline: at(240), raisedAt: at(180) } }, at(180), {
        userId: 'system',
        role: 'system',
      }),
      ev({ type: 'TicketSlaBreached', data: { ticketId: 't1', slaDeadline: at(240), breachedAt: at(241) } }, at(241), {
        userId: 'system',
        role: 'system',
      }),
      ev(
        {
          type: 'TicketStatusChanged',
          data: {
            ticketId: 't1',
            from: 'in_progress',
            to: 'resolved',
            notes: 'Fixed',
            attachments: [],
            rating: 4,
            changedBy: MGR,
            changedAt: at(300),
            technicianId: 'u-tech',
          },
        },
        at(300),
      ),
    ];
    await apply(events);
    const d = await doc('t1');
    expect(d).toMatchObject({
      id: 't1',
      ticket_number: 'TKT-000001',
      status: 'resolved',
      priority: 'emergency',
      technician_id: 'u-tech',
      location: { lat: 1, lng: 2 },
      scheduled_at: at(60),
      assigned_at: at(2),
      completed_at: at(300),
      rating: 4,
      open: false,
      sla_deadline: at(240),
      sla_warning_raised: true,
      sla_warning_raised_at: at(180),
      overdue: true,
      sla_breached_at: at(241),
      created_at: at(0),
      updated_at: at(300),
      revision: 8,
    });
    // The history is not stored in the document; it is derived from the events when shown.
    expect(d).not.toHaveProperty('history');
    const history = events.flatMap((e) => historyOf(e as unknown as HistoryEvent));
    expect(history.map((h) => [h.action, h.old_value, h.new_value, h.user_id])).toEqual([
      ['created', null, 'new', 'u-mgr'],
      ['priority_changed', 'normal', 'emergency', 'u-mgr'],
      ['sla_deadline_changed', at(48 * 60), at(240), 'u-mgr'],
      ['location_changed', '-6.2,106.8', '1,2', 'u-mgr'],
      ['assigned', null, 'u-tech', 'u-mgr'],
      ['status_changed', 'new', 'assigned', 'u-mgr'],
      ['status_changed', 'assigned', 'in_progress', 'u-tech'],
      ['commented', null, 'Here', 'u-tech'],
      ['attachment_added', null, 'signature.png', 'u-tech'],
      ['sla_warning', null, at(240), 'system'],
      ['sla_breached', null, at(240), 'system'],
      ['status_changed', 'in_progress', 'resolved', 'u-mgr'],
      ['rated', null, '4', 'u-mgr'],
    ]);
    // Comments are documents of their own, read up to the revision of the ticket shown.
    expect(d).not.toHaveProperty('comments');
    const comment = { id: 'cm-1', user_id: 'u-tech', user_role: 'technician', comment: 'Here', attachments: ['https://f.example.com/x.pdf'], created_at: at(4) };
    expect(await ticketComments(store, d)).toEqual([comment]);
    const [bucket] = await store.collection<TicketCommentsDoc>(TICKET_COMMENTS).find({ ticket_id: 't1' });
    const commentedAt = bucket!.comments[0]!.revision;
    expect(await ticketComments(store, { ...d, revision: commentedAt })).toEqual([comment]);
    expect(await ticketComments(store, { ...d, revision: commentedAt - 1 })).toEqual([]);
    expect(await ticketComment(store, d, 'cm-1')).toEqual(comment);
    expect(await ticketComment(store, { ...d, _id: 't-other' }, 'cm-1')).toBeNull();
    expect(d.attachments.map((a) => [a.filename, a.type, a.source, a.file_id])).toEqual([
      ['front.jpg', 'photo', 'ticket', null],
      ['x.pdf', 'document', 'comment', null],
      ['signature.png', 'signature', 'upload', 'file-1'],
    ]);

    // A redelivered event changes nothing, and a rebuild gives the same document (ids included).
    await apply(events.slice(3));
    expect(await doc('t1')).toEqual(d);
    const rebuilt = createMemoryReadStore();
    for (const e of events) await ticketsProjector.apply(e, { collection: <T extends Doc>(n: string) => rebuilt.collection<T>(n) });
    expect(await rebuilt.collection(TICKETS).findOne({ _id: 't1' })).toEqual(d);
    expect(await rebuilt.collection(TICKET_COMMENTS).find({})).toEqual(await store.collection(TICKET_COMMENTS).find({}));
  });

  it('keeps comments in buckets of revisions, read in order up to the revision shown; a redelivered comment is not added twice', async () => {
    const n = COMMENT_BUCKET_REVISIONS * 2 + 5;
    const first = created('t4', 4);
    const comments = Array.from({ length: n }, (_, i) =>
      ev({ type: 'TicketCommentAdded', data: { ticketId: 't4', commentId: `cm-${i}`, comment: `Note ${i}`, attachments: [], author: TECH, createdAt: at(i + 1) } }, at(i + 1), TECH),
    );
    await apply([first, ...comments]);
    await apply(comments.slice(COMMENT_BUCKET_REVISIONS - 2, COMMENT_BUCKET_REVISIONS + 2));
    const buckets = await store.collection<TicketCommentsDoc>(TICKET_COMMENTS).find({ ticket_id: 't4' }, { sort: { bucket: 1 } });
    expect(buckets.map((b) => [b._id, b.comments.length])).toEqual([
      ['t4:0', COMMENT_BUCKET_REVISIONS - 1],
      ['t4:1', COMMENT_BUCKET_REVISIONS],
      ['t4:2', 6],
    ]);
    const d = await doc('t4');
    expect(d.revision).toBe(n);
    expect((await ticketComments(store, d)).map((c) => c.comment)).toEqual(comments.map((_, i) => `Note ${i}`));
    expect((await ticketComments(store, { ...d, revision: COMMENT_BUCKET_REVISIONS + 3 })).map((c) => c.id)).toEqual(
      Array.from({ length: COMMENT_BUCKET_REVISIONS + 3 }, (_, i) => `cm-${i}`),
    );
    expect(await ticketComment(store, d, 'cm-3')).toMatchObject({ id: 'cm-3', comment: 'Note 3' });
    expect(await ticketComment(store, d, 'cm-none')).toBeNull();
  });

  it('reads the comments a document of the first version holds, then those kept apart (an upgrade in progress)', async () => {
    await apply([created('t3', 3)]);
    // What version 1 wrote: the comments inside the ticket.
    const old = { id: 'cm-old', user_id: 'u-mgr', user_role: 'manager', comment: 'Before', attachments: [], created_at: at(1) };
    await store.collection<TicketDoc>(TICKETS).updateOne({ _id: 't3' }, { $set: { comments: [old], revision: 1 } });
    revisions.set('t3', 1);
    await apply([ev({ type: 'TicketCommentAdded', data: { ticketId: 't3', commentId: 'cm-new', comment: 'After', attachments: [], author: TECH, createdAt: at(2) } }, at(2), TECH)]);
    const d = await doc('t3');
    expect((await ticketComments(store, d)).map((c) => c.id)).toEqual(['cm-old', 'cm-new']);
    expect((await ticketComment(store, d, 'cm-old'))?.comment).toBe('Before');
    const found = await commentsById(store, [
      { id: 'cm-old', ticket_id: 't3' },
      { id: 'cm-new', ticket_id: 't3' },
      { id: 'cm-none', ticket_id: 't3' },
    ]);
    expect([...found.keys()].sort()).toEqual(['cm-new', 'cm-old']);
  });

  it('starts warnings and breaches afresh when the deadline moves, and reopening clears the completion', async () => {
    await apply([
      created('t2', 2),
      ev({ type: 'TicketSlaBreached', data: { ticketId: 't2', slaDeadline: at(48 * 60), breachedAt: at(48 * 60) } }, at(48 * 60)),
      ev(
        {
          type: 'TicketUpdated',
          data: {
            ticketId: 't2',
            changes: { priority: 'low', slaDeadline: at(72 * 60) },
            previous: { priority: 'normal', slaDeadline: at(48 * 60) },
            updatedBy: MGR,
            updatedAt: at(49 * 60),
          },
        },
        at(49 * 60),
      ),
    ]);
    expect(await doc('t2')).toMatchObject({ overdue: false, sla_breached_at: null, sla_warning_raised: false, sla_deadline: at(72 * 60) });
  });

  describe('indexes (on the SQLite read store, the embedded default)', () => {
    const N = 3000;
    // One shared, read-only collection of N tickets for the plan checks.
    let sqlite: TempSqliteReadStore;
    let indexed: SqliteReadStore;
    beforeAll(async () => {
      sqlite = openTempSqliteReadStore();
      indexed = sqlite.store;
      const events: ProjectedEvent[] = [];
      for (let i = 1; i <= N; i++) {
        events.push(
          created(`t${i}`, i, {
            createdAt: at(i),
            customerId: `c-${i % 30}`,
            priority: TICKET_PRIORITIES[i % 5]!,
            type: TICKET_TYPES[i % 5]!,
            scheduledAt: i % 3 === 0 ? at(i + 1000) : null,
            slaDeadline: at(i + 60),
          }),
        );
        if (i % 2 === 0) {
          events.push(
            ev(
              {
                type: 'TicketAssigned',
                data: {
                  ticketId: `t${i}`,
                  technicianId: `u-tech-${i % 50}`,
                  previousTechnicianId: null,
                  scheduledAt: null,
                  notes: null,
                  assignedBy: MGR,
                  assignedAt: at(i),
                  status: 'assigned',
                },
              },
              at(i),
            ),
          );
        }
      }
      await project(indexed, [ticketsProjector], events);
      // With statistics, SQLite knows a customer's or a technician's tickets are fewer than a
      // priority's or a type's.
      await gatherStatistics(indexed, TICKETS);
    });
    afterAll(() => sqlite.dispose());

    const page = { sort: DEFAULT_TICKET_SORT, skip: 0, limit: 20 };
    const plan = (filter: Record<string, unknown>, options: Record<string, unknown> = page) => summarizePlan(indexed.collection(TICKETS).explain(filter, options));
    /** A page read in index order: SQLite stops after it (LIMIT) without sorting the matches. */

    it.each([
      ['no filter', {}, 'created_at_-1_number_-1'],
      ['status', { status: 'assigned' }, 'status_1_created_at_-1_number_-1'],
      ['priority', { priority: 'high' }, 'priority_1_created_at_-1_number_-1'],
      ['type', { type: 'upgrade' }, 'type_1_created_at_-1_number_-1'],
      ['technician_id', { technicianId: 'u-tech-4' }, 'technician_id_1_created_at_-1_number_-1_status_1_priority_1_type_1'],
      ['technician_id + priority + type', { technicianId: 'u-tech-4', priority: TICKET_PRIORITIES[4], type: TICKET_TYPES[4] }, 'technician_id_1_created_at_-1_number_-1_status_1_priority_1_type_1'],
      ['technician_id + status', { technicianId: 'u-tech-4', status: 'assigned' }, 'technician_id_1_status_1_created_at_-1_number_-1'],
      ['customer_id', { customerId: 'c-7' }, 'customer_id_1_created_at_-1_number_-1_status_1_priority_1_type_1'],
      ['customer_id + priority', { customerId: 'c-7', priority: TICKET_PRIORITIES[2] }, 'customer_id_1_priority_1_created_at_-1_number_-1'],
      ['customer_id + type', { customerId: 'c-7', type: TICKET_TYPES[2] }, 'customer_id_1_type_1_created_at_-1_number_-1'],
      // Three filters: one of the customer's indexes, as the statistics suggest.
      ['customer_id + status + priority', { customerId: 'c-7', status: 'new', priority: TICKET_PRIORITIES[2] }, expect.stringMatching(/^customer_id_1_/)],
      ['customer_id + status', { customerId: 'c-8', status: 'assigned' }, 'customer_id_1_status_1_created_at_-1_number_-1'],
      ['created range', { createdFrom: at(100), createdTo: at(2000) }, 'created_at_-1_number_-1'],
      ['status + created range', { status: 'new', createdFrom: at(100), createdTo: at(2000) }, 'status_1_created_at_-1_number_-1'],
      ['status + priority', { status: 'new', priority: 'low' }, 'status_1_priority_1_created_at_-1_number_-1'],
    ] as const)('serves the list filtered by %s in index order', async (_name, f, index) => {
      const filter = ticketFilter(f as never)!;
      expect(plan(filter)).toEqual(inIndexOrder(index));
      expect(await indexed.collection(TICKETS).find(filter, page)).toHaveLength(20);
    });

    it.each([
      ['status + priority', { status: 'new', priority: 'low' }, 'status_1_priority_1_created_at_-1_number_-1'],
      ['technician_id + status', { technicianId: 'u-tech-4', status: 'in_progress' }, 'technician_id_1_status_1_created_at_-1_number_-1'],
      ['customer_id + status', { customerId: 'c-8', status: 'closed' }, 'customer_id_1_status_1_created_at_-1_number_-1'],
      ['customer_id + priority', { customerId: 'c-8', priority: 'low' }, 'customer_id_1_priority_1_created_at_-1_number_-1'],
      ['customer_id + priority + type', { customerId: 'c-8', priority: 'low', type: 'repair' }, 'customer_id_1_created_at_-1_number_-1_status_1_priority_1_type_1'],
      ['technician_id + type', { technicianId: 'u-tech-4', type: 'repair' }, 'technician_id_1_created_at_-1_number_-1_status_1_priority_1_type_1'],
    ] as const)('counts a %s page total from the index alone', (_name, f, index) => {
      const filter = ticketFilter(f as never)!;
      const stats = indexed.collection(TICKETS).explainCount(filter);
      expect(stats.sql).toMatch(/^SELECT count\(\*\)/);
      expect(stats.plan).toEqual([expect.stringMatching(new RegExp(`USING COVERING INDEX d\\d+:${index} `))]);
      expect(summarizePlan(stats)).toMatchObject({ exact: true, fullScans: [] });
    });

    it('serves a customer scope ($in) from the customer index: the tickets of the scope, sorted', async () => {
      const filter = ticketFilter({}, { customerIds: ['c-1', 'c-2', 'c-3'] })!;
      // SQLite reads one index range per customer but cannot merge ranges in sort order, so it
      // sorts the scope's tickets (a customer's few, not the collection) before the page.
      expect(plan(filter)).toEqual({ ...inIndexOrder('customer_id_1_created_at_-1_number_-1_status_1_priority_1_type_1'), indexes: [expect.stringMatching(/^customer_id_1_/)], tempSort: true });
      const pageOfScope = await indexed.collection<TicketDoc>(TICKETS).find(filter, page);
      const newestOfScope = Array.from({ length: N }, (_, i) => N - i).filter((n) => [1, 2, 3].includes(n % 30));
      expect(pageOfScope.map((t) => t.number)).toEqual(newestOfScope.slice(0, 20));
    });

    it('narrows a scheduled range through the scheduled_at index', () => {
      const filter = ticketFilter({ scheduledFrom: at(1100), scheduledTo: at(1200) })!;
      // The range's few tickets come from scheduled_at's index, then are sorted for the page.
      expect(plan(filter)).toEqual({ ...inIndexOrder('scheduled_at_1_number_1'), tempSort: true });
    });

    it('finds SLA candidates through the (open, overdue, ..., sla_deadline) indexes', async () => {
      const now = new Date(at(160));
      const sla = { sort: { sla_deadline: 1 }, limit: 1000 };
      expect(plan({ open: true, overdue: false, sla_deadline: { $lte: now.toISOString() } }, sla)).toEqual(inIndexOrder('open_1_overdue_1_sla_deadline_1'));
      expect(await slaBreachCandidates(indexed, now)).toHaveLength(100);
      const warnings = await slaWarningCandidates(indexed, now, 30 * 60_000);
      expect(warnings).toHaveLength(30);
      // sla_warning_raised has no key column: it is checked in code on the index's candidates,
      // which SQL bounds to the deadline range (30 tickets here), read in deadline order.
      const warn = plan({ open: true, overdue: false, sla_warning_raised: false, sla_deadline: { $gt: now.toISOString(), $lte: at(190) } }, sla);
      expect(warn).toEqual({ ...inIndexOrder('open_1_overdue_1_sla_deadline_1'), exact: false });
    });

    it('has a status index for every status value used by the filters', () => {
      for (const status of TICKET_STATUSES) expect(plan({ status })).toEqual(inIndexOrder('status_1_created_at_-1_number_-1'));
    });
  });
});
