import { AGGREGATES, aggregateOf, foldAggregate, streamPrefix } from './aggregates';
import { domainEvents } from './index';
import { customerStream } from './customer';
import { deviceStream } from './device';
import { invoiceStream } from './invoice';
import { inventoryItemStream, lowStockDigestStream } from './inventory-item';
import { mikrotikServerStream } from './mikrotik-server';
import { mikrotikSyncStream } from './mikrotik-sync';
import { notificationStream } from './notification';
import { paymentStream } from './payment';
import { servicePlanStream } from './service-plan';
import { serviceRequestStream } from './service-request';
import { sessionStream } from './session';
import { subscriptionStream } from './subscription';
import { technicalDataStream } from './technical-data';
import { technicianStream } from './technician';
import { ticketStream } from './ticket';
import { userStream } from './user';
import { brandStream } from './brand';
import { branch } from './branch';
import { category } from './category';

/** Events that belong to no aggregate: a marker stream written once. */
const NOT_AGGREGATE_EVENTS = ['InventoryDemoSeeded'];

describe('the aggregate registry', () => {
  it('folds every registered domain event type in exactly one aggregate', () => {
    const owners = new Map<string, string[]>();
    for (const a of AGGREGATES) for (const e of a.events) owners.set(e.type, [...(owners.get(e.type) ?? []), a.prefix]);
    const types = domainEvents.map((d) => d.type).filter((t) => !NOT_AGGREGATE_EVENTS.includes(t));
    expect(types.filter((t) => !owners.has(t))).toEqual([]);
    expect([...owners].filter(([, prefixes]) => prefixes.length > 1)).toEqual([]);
    // And nothing the registry names is unknown to the event registry.
    expect([...owners.keys()].filter((t) => !types.includes(t))).toEqual([]);
  });

  it('has one entry per stream prefix', () => {
    const prefixes = AGGREGATES.map((a) => a.prefix);
    expect(new Set(prefixes).size).toBe(prefixes.length);
    for (const p of prefixes) expect(p).toMatch(/^[a-z_]+$/);
  });

  it('finds the aggregate of every stream name the domain writes', () => {
    const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
    const streams: Record<string, string> = {
      [userStream(id)]: 'user',
      [sessionStream(id)]: 'session',
      [customerStream(id)]: 'customer',
      [ticketStream(id)]: 'ticket',
      [technicianStream(id)]: 'technician',
      [serviceRequestStream(7)]: 'service_request',
      [notificationStream(id)]: 'notifications',
      [brandStream('JKT')]: 'brand',
      [servicePlanStream(3)]: 'service_plan',
      [subscriptionStream(3)]: 'subscription',
      [technicalDataStream(3)]: 'technical_data',
      [invoiceStream(3)]: 'invoice',
      [paymentStream(3)]: 'payment',
      [mikrotikServerStream(3)]: 'mikrotik_server',
      [mikrotikSyncStream(id)]: 'mikrotik_sync',
      [inventoryItemStream(id)]: 'inventory_item',
      [lowStockDigestStream('2026-01-15')]: 'low_stock_digest',
      [deviceStream(id)]: 'device',
      [branch.stream(4)]: 'branch',
      [category.stream(4)]: 'category',
    };
    for (const [stream, prefix] of Object.entries(streams)) expect([stream, aggregateOf(stream)?.prefix]).toEqual([stream, prefix]);
    expect(streamPrefix('unique-email-abc')).toBe('unique');
    expect(aggregateOf('unique-email-abc')).toBeUndefined();
    expect(aggregateOf('sequence-ticket')).toBeUndefined();
  });

  it("folds with the aggregate's own evolve", () => {
    const ticket = aggregateOf('ticket-1')!;
    const state = foldAggregate(ticket, [
      {
        type: 'TicketCreated',
        data: {
          ticketId: 't1',
          number: 1,
          ticketNumber: 'TKT-1',
          customerId: 'c1',
          type: 'repair',
          priority: 'high',
          title: 'Down',
          description: 'No signal',
          location: { lat: 1, lng: 2 },
          scheduledAt: null,
          attachments: [],
          slaDeadline: '2026-01-15T12:00:00.000Z',
          createdBy: { userId: 'u1', role: 'manager' },
          channel: 'staff',
          createdAt: '2026-01-15T08:00:00.000Z',
        },
      },
    ]) as { exists: boolean; status: string; priority: string };
    expect(state).toMatchObject({ exists: true, status: 'new', priority: 'high' });
    expect(foldAggregate(ticket, [])).toEqual(ticket.initialState());
  });
});
