import { deciderSpec } from '../../../test/support/decider-spec';
import { IllegalStateError, ValidationError } from '../shared/errors';
import { ticketDecider, type TicketCommand } from './decider';
import type { TicketEvent } from './events';
import { DEFAULT_SLA_HOURS } from './sla';

/** Document 004's support steps on the Ticket: the SLA set in hours at assignment, and closing with a resolution. */
const spec = deciderSpec(ticketDecider);
const T0 = '2026-01-15T12:00:00.000Z';
const later = (hours: number) => new Date(Date.parse(T0) + hours * 3_600_000).toISOString();
const support = { userId: 'u-support', role: 'customer_service' };
const created: TicketEvent = {
  type: 'TicketCreated',
  data: {
    ticketId: 't-1',
    number: 1,
    ticketNumber: 'TKT-000001',
    customerId: 'c-1',
    type: 'maintenance',
    priority: 'normal',
    title: 'Invoice question',
    description: 'Charged twice',
    location: { lat: 0, lng: 0 },
    scheduledAt: null,
    attachments: [],
    slaDeadline: later(48),
    createdBy: support,
    channel: 'staff',
    createdAt: T0,
    category: 'billing',
  },
};
const move = (from: 'new' | 'in_progress' | 'resolved' | 'assigned', to: 'in_progress' | 'resolved' | 'closed', rating: number | null = null): TicketEvent => ({
  type: 'TicketStatusChanged',
  data: {
    ticketId: 't-1',
    from,
    to,
    notes: 'Refunded the duplicate charge',
    attachments: [],
    rating,
    changedBy: support,
    changedAt: later(2),
    technicianId: null,
    resolutionCategory: 'billing_adjustment',
    followUpRequired: false,
  },
});
const close: TicketCommand = { type: 'CloseTicket', resolution: 'Refunded the duplicate charge', resolutionCategory: 'billing_adjustment', satisfaction: 5, followUpRequired: false, by: support, now: later(2) };

describe('SLA hours (004 assign)', () => {
  it('sets the deadline to the creation time plus the hours given', () => {
    spec
      .given([created])
      .when({ type: 'UpdateTicket', changes: { slaHours: 24 }, slaHours: DEFAULT_SLA_HOURS, by: support, now: later(1) })
      .then([{ type: 'TicketUpdated', data: { ticketId: 't-1', changes: { slaDeadline: later(24) }, previous: { slaDeadline: later(48) }, updatedBy: support, updatedAt: later(1) } }]);
  });
  it('wins over the deadline of a priority changed with it', () => {
    spec
      .given([created])
      .when({ type: 'UpdateTicket', changes: { priority: 'high', slaHours: 12 }, slaHours: DEFAULT_SLA_HOURS, by: support, now: later(1) })
      .then([
        { type: 'TicketUpdated', data: { ticketId: 't-1', changes: { priority: 'high', slaDeadline: later(12) }, previous: { priority: 'normal', slaDeadline: later(48) }, updatedBy: support, updatedAt: later(1) } },
      ]);
  });
  it('changes nothing when the deadline is already that, and refuses hours out of range', () => {
    spec.given([created]).when({ type: 'UpdateTicket', changes: { slaHours: 48 }, slaHours: DEFAULT_SLA_HOURS, by: support, now: later(1) }).thenNothing();
    spec.given([created]).when({ type: 'UpdateTicket', changes: { slaHours: 0 }, slaHours: DEFAULT_SLA_HOURS, by: support, now: later(1) }).thenThrows(ValidationError);
  });
});

describe('closing with a resolution (004)', () => {
  it('resolves and closes an open ticket, the satisfaction as the closing rating', () => {
    spec.given([created]).when(close).then([move('new', 'resolved'), move('resolved', 'closed', 5)]);
    spec.given([created, move('new', 'in_progress')]).when(close).then([move('in_progress', 'resolved'), move('resolved', 'closed', 5)]);
  });
  it('only closes a resolved ticket', () => {
    spec.given([created, move('new', 'resolved')]).when(close).then([move('resolved', 'closed', 5)]);
  });
  it('refuses a closed ticket and a satisfaction outside 1..5', () => {
    spec.given([created, move('new', 'resolved'), move('resolved', 'closed', 5)]).when(close).thenThrows(IllegalStateError);
    spec.given([created]).when({ ...close, satisfaction: 6 } as TicketCommand).thenThrows(ValidationError);
  });
});
