import { createMemoryEventStore } from '../../adapters/event-store/memory';
import { EventRegistry } from '../../domain/shared/events';
import { ticketStream, type TicketEvent } from '../../domain/ticket';
import type { EventStore, JsonObject } from '../../ports/event-store';
import { readTicketHistory } from './history';

/** Given a ticket's stream, when its history is read up to a revision, then exactly those events' entries. */

const MGR = { userId: 'u-mgr', role: 'manager' };
const TECH = { userId: 'u-tech', role: 'technician' };
const at = (m: number) => new Date(Date.UTC(2026, 0, 15, 12, m)).toISOString();

const events: TicketEvent[] = [
  {
    type: 'TicketCreated',
    data: {
      ticketId: 't1',
      number: 1,
      ticketNumber: 'TKT-000001',
      customerId: 'c-1',
      type: 'repair',
      priority: 'normal',
      title: 'No internet',
      description: 'Down',
      location: { lat: -6.2, lng: 106.8 },
      scheduledAt: null,
      attachments: [],
      slaDeadline: at(600),
      createdBy: MGR,
      channel: 'staff',
      createdAt: at(0),
    },
  },
  {
    type: 'TicketAssigned',
    data: { ticketId: 't1', technicianId: 'u-tech', previousTechnicianId: null, scheduledAt: null, notes: null, assignedBy: MGR, assignedAt: at(1), status: 'assigned' },
  },
  { type: 'TicketCommentAdded', data: { ticketId: 't1', commentId: 'cm-1', comment: 'On my way', attachments: [], author: TECH, createdAt: at(2) } },
];

describe('readTicketHistory', () => {
  let store: EventStore;
  beforeEach(async () => {
    store = createMemoryEventStore();
    await store.appendToStream(
      ticketStream('t1'),
      events.map((e, i) => ({
        id: `00000000-0000-4000-8000-00000000000${i}`,
        type: e.type,
        // The comment is stored in an older shape (schema 0: `text`), as an old log would hold it.
        data: (e.type === 'TicketCommentAdded' ? { ...e.data, comment: undefined, text: e.data.comment } : e.data) as unknown as JsonObject,
        metadata: { timestamp: at(i), schemaVersion: e.type === 'TicketCommentAdded' ? 0 : 1, actor: e.type === 'TicketCommentAdded' ? TECH : MGR },
      })),
    );
  });

  // A registry whose only upcaster turns the old comment shape into the current one.
  const registry = {
    upcast: (type: string, version: number, data: Record<string, unknown>) =>
      type === 'TicketCommentAdded' && version === 0 ? { ...data, comment: data.text } : data,
  } satisfies Pick<EventRegistry, 'upcast'>;

  it('reads the whole stream, upcast, into entries', async () => {
    const history = await readTicketHistory({ eventStore: store, registry }, 't1', 2);
    expect(history.map((h) => [h.action, h.old_value, h.new_value, h.user_id, h.created_at])).toEqual([
      ['created', null, 'new', 'u-mgr', at(0)],
      ['assigned', null, 'u-tech', 'u-mgr', at(1)],
      ['status_changed', 'new', 'assigned', 'u-mgr', at(1)],
      ['commented', null, 'On my way', 'u-tech', at(2)],
    ]);
    // Entry ids derive from the event ids: the same history every time.
    expect(await readTicketHistory({ eventStore: store, registry }, 't1', 2)).toEqual(history);
  });

  it('stops at the revision the read model shows, so history and document agree', async () => {
    const history = await readTicketHistory({ eventStore: store, registry }, 't1', 1);
    expect(history.map((h) => h.action)).toEqual(['created', 'assigned', 'status_changed']);
  });
});
