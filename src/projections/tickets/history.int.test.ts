import { createMemoryEventStore } from '../../adapters/event-store/memory';
import { EventRegistry } from '../../domain/shared/events';
import { ticketStream, type TicketEvent } from '../../domain/ticket';
import type { EventStore, JsonObject } from '../../ports/event-store';
import { spyOnStreamReads, type StreamRead } from '../../../test/support/event-store-spy';
import { HeldHistories } from './held-histories';
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

  describe('with held histories', () => {
    /** Each readStream of the history: from which revision, how many events it got. */
    let reads: StreamRead[];
    let spied: EventStore;
    beforeEach(() => {
      ({ store: spied, reads } = spyOnStreamReads(store));
    });
    const whole = (revision: number) => readTicketHistory({ eventStore: store, registry }, 't1', revision);

    it('derives each event once: later reads read only the events after the last one held', async () => {
      const histories = new HeldHistories();
      const deps = { eventStore: spied, registry, histories };
      expect(await readTicketHistory(deps, 't1', 1)).toEqual(await whole(1));
      expect(await readTicketHistory(deps, 't1', 2)).toEqual(await whole(2));
      // An earlier revision (a read model behind the log) is cut from what is held.
      expect(await readTicketHistory(deps, 't1', 0)).toEqual(await whole(0));
      expect(await readTicketHistory(deps, 't1', 2)).toEqual(await whole(2));
      expect(reads.map((r) => [r.fromRevision, r.got])).toEqual([
        [0, 2],
        [2, 1],
      ]);
      expect(histories.entryCount).toBe(4);
    });

    it('folds in events appended later, and two reads at once hold each entry once', async () => {
      const histories = new HeldHistories();
      const deps = { eventStore: spied, registry, histories };
      await readTicketHistory(deps, 't1', 0);
      await store.appendToStream(ticketStream('t1'), [
        {
          id: '00000000-0000-4000-8000-000000000009',
          type: 'TicketCommentAdded',
          data: { ticketId: 't1', commentId: 'cm-2', comment: 'Fixed', attachments: [], author: TECH, createdAt: at(9) },
          metadata: { timestamp: at(9), schemaVersion: 1, actor: TECH },
        },
      ]);
      const [a, b] = await Promise.all([readTicketHistory(deps, 't1', 3), readTicketHistory(deps, 't1', 3)]);
      expect(a).toEqual(await whole(3));
      expect(b).toEqual(a);
      expect(a.map((h) => h.action)).toEqual(['created', 'assigned', 'status_changed', 'commented', 'commented']);
      expect(histories.entryCount).toBe(5);
    });

    const entry = (id: string) => [{ id, action: 'commented', field: null, old_value: null, new_value: 'x', notes: null, user_id: 'u', user_role: 'technician', created_at: at(0) }];
    /** A ticket's two events, one entry each. */
    const twoEvents = (t: string) => [entry(`${t}-0`), entry(`${t}-1`)];

    it('holds at most so many entries, forgetting a ticket picked at random, never the one just added', () => {
      let pick = 0;
      const histories = new HeldHistories(20, () => pick);
      for (let i = 0; i < 10; i++) histories.extend(`t${i}`, 0, twoEvents(`t${i}`));
      expect(histories.entryCount).toBe(20);
      // Over the bound: the ticket the random number points at (the first) is forgotten.
      histories.extend('t10', 0, twoEvents('t10'));
      expect(histories.entryCount).toBe(20);
      expect(histories.upTo('t0', 1)).toBeUndefined();
      expect(histories.upTo('t10', 1)?.map((e) => e.id)).toEqual(['t10-0', 't10-1']);
      // Pointing at the ticket just added: the next one is forgotten instead.
      pick = 0.999;
      histories.extend('t11', 0, twoEvents('t11'));
      expect(histories.upTo('t11', 1)).toBeDefined();
      expect(histories.upTo('t10', 1)).toBeUndefined();
      expect(histories.entryCount).toBe(20);
      // A ticket with more than a tenth of the bound is not held at all.
      histories.extend('big', 0, [entry('b0'), entry('b1'), entry('b2')]);
      expect(histories.upTo('big', 0)).toBeUndefined();
      // A tail that does not follow what is held is ignored.
      histories.extend('t11', 5, [entry('late')]);
      expect(histories.revisionOf('t11')).toBe(1);
    });

    it('still reuses most of what it holds when more tickets than it holds are shown in turn', () => {
      // A fixed sequence of pseudo-random numbers.
      let seed = 7;
      const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
      const histories = new HeldHistories(20, random);
      let reused = 0;
      for (let round = 0; round < 20; round++) {
        // 12 tickets of 2 entries (24), shown one after the other: 10 fit.
        for (let i = 0; i < 12; i++) {
          if (histories.upTo(`t${i}`, 1) !== undefined) reused++;
          else histories.extend(`t${i}`, 0, twoEvents(`t${i}`));
        }
      }
      // The least recently shown would have been forgotten every time: nothing reused.
      expect(reused).toBeGreaterThan(0.5 * 12 * 19);
    });
  });
});
