import { createMemoryReadStore } from '../../adapters/read-store/memory/memory-read-store';
import { createEventRegistry } from '../../domain';
import { systemEvents } from '../../commands/system-events';
import { reactorEvents } from '../../reactors';
import type { ProjectedEvent } from '../engine/projector';
import { auditIndexProjector } from './projector';
import { eventsByLookupId, streamsOfCustomer } from './queries';

let position = 0;
function event(stream: string, revision: number, type: string, data: Record<string, unknown>, ids: { requestId?: string; correlationId?: string }): ProjectedEvent {
  position += 10;
  return {
    id: `e-${position}`,
    type,
    streamName: stream,
    revision,
    position,
    data,
    metadata: { actor: null, ...ids, timestamp: '2026-01-15T08:00:00.000Z', schemaVersion: 1, prevHash: '', hash: 'h' },
  };
}

describe('the audit index projector', () => {
  it('follows every event type the application registers', () => {
    const registered = createEventRegistry([...systemEvents, ...reactorEvents]).types();
    expect(registered.filter((t) => !auditIndexProjector.handles.includes(t))).toEqual([]);
  });

  it('finds events by request or correlation id across streams, in log order, once each', async () => {
    const store = createMemoryReadStore();
    const ctx = { collection: store.collection.bind(store) };
    await store.collection('audit_events').createIndexes(auditIndexProjector.collections.audit_events!);
    const events = [
      event('sequence-ticket', 0, 'SequenceNumberAllocated', { sequence: 'ticket' }, { requestId: 'req-1', correlationId: 'req-1' }),
      event('ticket-a', 0, 'TicketCreated', { customerId: 'c1' }, { requestId: 'req-1', correlationId: 'req-1' }),
      event('ticket-a', 1, 'TicketCommentAdded', {}, { requestId: 'req-2', correlationId: 'flow-9' }),
      event('notifications-u', 0, 'NotificationsMarkedRead', {}, { requestId: 'job:1', correlationId: 'flow-9' }),
    ];
    for (const e of events) await auditIndexProjector.apply(e, ctx);
    await auditIndexProjector.apply(events[1]!, ctx); // redelivered: nothing changes
    const byRequest = await eventsByLookupId(store, 'req-1', { skip: 0, limit: 10 });
    expect(byRequest.total).toBe(2);
    expect(byRequest.items.map((d) => [d.stream, d.revision])).toEqual([
      ['sequence-ticket', 0],
      ['ticket-a', 0],
    ]);
    const byCorrelation = await eventsByLookupId(store, 'flow-9', { skip: 0, limit: 10 });
    expect(byCorrelation.items.map((d) => d.stream)).toEqual(['ticket-a', 'notifications-u']);
    expect((await eventsByLookupId(store, 'flow-9', { skip: 1, limit: 10 })).items.map((d) => d.stream)).toEqual(['notifications-u']);
    expect(await eventsByLookupId(store, 'nothing', { skip: 0, limit: 10 })).toEqual({ items: [], total: 0 });
  });

  it("links every stream whose events name a customer to that customer, in the order they first did", async () => {
    const store = createMemoryReadStore();
    const ctx = { collection: store.collection.bind(store) };
    const ids = { requestId: 'r', correlationId: 'r' };
    for (const e of [
      event('customer-c1', 0, 'CustomerRegistered', { customerId: 'c1' }, ids),
      event('ticket-a', 0, 'TicketCreated', { customerId: 'c1' }, ids),
      event('customer-c2', 0, 'CustomerRegistered', { customerId: 'c2' }, ids),
      event('invoice-1', 0, 'InvoiceCreated', { customerId: 'c1' }, ids),
      event('invoice-1', 1, 'InvoiceIssued', { customerId: 'c1' }, ids),
      event('device-x', 0, 'DeviceRegistered', { serial: 'S' }, ids),
    ]) await auditIndexProjector.apply(e, ctx);
    expect(await streamsOfCustomer(store, 'c1')).toEqual(['customer-c1', 'ticket-a', 'invoice-1']);
    expect(await streamsOfCustomer(store, 'c2')).toEqual(['customer-c2']);
    expect(await streamsOfCustomer(store, 'c3')).toEqual([]);
  });
});
