import { deciderSpec } from '../../../test/support/decider-spec';
import { IllegalStateError, NotFoundError, ValidationError } from '../shared/errors';
import {
  ALLOWED_TRANSITIONS,
  ticketDecider,
  type TechnicianCandidate,
  type TicketCommand,
} from './decider';
import { TICKET_STATUSES, type TicketEvent, type TicketStatus } from './events';
import { DEFAULT_SLA_HOURS, maxWarningWindowMs, slaDeadline, slaWarningAt } from './sla';

const spec = deciderSpec(ticketDecider);
const T0 = '2026-01-15T12:00:00.000Z';
const later = (hours: number) => new Date(Date.parse(T0) + hours * 3_600_000).toISOString();
const now = later(1);
const cs = { userId: 'u-cs', role: 'customer_service' };
const mgr = { userId: 'u-mgr', role: 'manager' };
const tech = { userId: 'u-tech', role: 'technician' };
const tech2 = 'u-tech-2';
const activeTech = (userId = tech.userId): TechnicianCandidate => ({ userId, exists: true, role: 'technician', isActive: true });

const created: TicketEvent = {
  type: 'TicketCreated',
  data: {
    ticketId: 't-1',
    number: 1,
    ticketNumber: 'TKT-000001',
    customerId: 'c-1',
    type: 'repair',
    priority: 'high',
    title: 'No internet',
    description: 'ONT red light',
    location: { lat: -6.2, lng: 106.8 },
    scheduledAt: null,
    attachments: ['https://files.example.com/a.jpg'],
    slaDeadline: later(24),
    createdBy: cs,
    channel: 'staff',
    createdAt: T0,
  },
};
const assigned: TicketEvent = {
  type: 'TicketAssigned',
  data: {
    ticketId: 't-1',
    technicianId: tech.userId,
    previousTechnicianId: null,
    scheduledAt: null,
    notes: null,
    assignedBy: mgr,
    assignedAt: now,
    status: 'assigned',
  },
};
const statusChange = (from: TicketStatus, to: TicketStatus, extra: { rating?: number | null } = {}): TicketEvent => ({
  type: 'TicketStatusChanged',
  data: {
    ticketId: 't-1',
    from,
    to,
    notes: null,
    attachments: [],
    rating: extra.rating ?? null,
    changedBy: tech,
    changedAt: now,
    technicianId: tech.userId,
  },
});

/** A history that leaves the ticket in each status. */
const historyFor: Record<TicketStatus, TicketEvent[]> = {
  new: [created],
  assigned: [created, assigned],
  in_progress: [created, assigned, statusChange('assigned', 'in_progress')],
  pending: [created, assigned, statusChange('assigned', 'in_progress'), statusChange('in_progress', 'pending')],
  resolved: [created, assigned, statusChange('assigned', 'in_progress'), statusChange('in_progress', 'resolved')],
  closed: [
    created,
    assigned,
    statusChange('assigned', 'in_progress'),
    statusChange('in_progress', 'resolved'),
    statusChange('resolved', 'closed'),
  ],
};

const changeTo = (to: TicketStatus, rating: number | null = null): TicketCommand => ({
  type: 'ChangeTicketStatus',
  to,
  notes: null,
  attachments: [],
  rating,
  by: tech,
  now,
});

describe('Ticket decider', () => {
  describe('creation', () => {
    const create: TicketCommand = {
      type: 'CreateTicket',
      ticketId: 't-1',
      number: 1,
      ticketNumber: 'TKT-000001',
      customerId: 'c-1',
      customerExists: true,
      ticketType: 'repair',
      priority: 'high',
      title: 'No internet',
      description: 'ONT red light',
      location: { lat: -6.2, lng: 106.8 },
      scheduledAt: null,
      attachments: ['https://files.example.com/a.jpg'],
      createdBy: cs,
      channel: 'staff',
      slaHours: DEFAULT_SLA_HOURS,
      now: T0,
    };

    it('creates a ticket with its SLA deadline from the priority table', () => {
      spec.given([]).when(create).then([created]);
    });

    it('refuses a customer that does not exist (422 on customer_id)', () => {
      spec
        .given([])
        .when({ ...create, customerExists: false })
        .thenThrows(ValidationError, (e) => expect(Object.keys(e.fields)).toEqual(['customer_id']));
    });

    it('refuses to create the same ticket twice', () => {
      spec.given([created]).when(create).thenThrows(IllegalStateError);
    });

    it('answers NotFound for any other command on a ticket that does not exist', () => {
      spec.given([]).when(changeTo('in_progress')).thenThrows(NotFoundError);
      spec.given([]).when({ type: 'RecordSlaBreach', now }).thenThrows(NotFoundError);
    });
  });

  describe('SLA computation', () => {
    it.each([
      ['emergency', 4],
      ['critical', 8],
      ['high', 24],
      ['normal', 48],
      ['low', 72],
    ] as const)('%s tickets are due %i hours after creation by default', (priority, hours) => {
      expect(slaDeadline(T0, priority, DEFAULT_SLA_HOURS)).toBe(later(hours));
    });

    it('uses the configured table', () => {
      expect(slaDeadline(T0, 'low', { ...DEFAULT_SLA_HOURS, low: 0.5 })).toBe('2026-01-15T12:30:00.000Z');
    });

    it('warns when the configured share of the SLA time is left', () => {
      expect(slaWarningAt(T0, later(24), 25)).toBe(later(18));
      expect(slaWarningAt(T0, later(4), 25)).toBe(later(3));
      expect(maxWarningWindowMs({ hours: DEFAULT_SLA_HOURS, warningPercent: 25 })).toBe(18 * 3_600_000);
    });
  });

  describe('status workflow', () => {
    const legal: Array<[TicketStatus, TicketStatus]> = [];
    const illegal: Array<[TicketStatus, TicketStatus]> = [];
    for (const from of TICKET_STATUSES) {
      for (const to of TICKET_STATUSES) (ALLOWED_TRANSITIONS[from].includes(to) ? legal : illegal).push([from, to]);
    }

    it('has exactly the documented transitions', () => {
      expect(legal).toEqual([
        ['assigned', 'in_progress'],
        ['in_progress', 'pending'],
        ['in_progress', 'resolved'],
        ['pending', 'in_progress'],
        ['pending', 'resolved'],
        ['resolved', 'in_progress'],
        ['resolved', 'closed'],
      ]);
      expect(illegal).toHaveLength(36 - 7);
    });

    it.each(legal)('moves a %s ticket to %s', (from, to) => {
      spec.given(historyFor[from]).when(changeTo(to)).then([statusChange(from, to)]);
    });

    it.each(illegal)('refuses to move a %s ticket to %s, naming the allowed statuses', (from, to) => {
      spec
        .given(historyFor[from])
        .when(changeTo(to))
        .thenThrows(IllegalStateError, (e) => {
          expect(e.current).toBe(from);
          expect(e.allowed).toEqual(ALLOWED_TRANSITIONS[from]);
        });
    });

    it('records notes, attachments and the technician with the change', () => {
      spec
        .given(historyFor.in_progress)
        .when({ ...changeTo('resolved'), notes: 'Replaced ONT', attachments: ['https://f/x.jpg'] } as TicketCommand)
        .then([
          {
            type: 'TicketStatusChanged',
            data: {
              ...(statusChange('in_progress', 'resolved').data as object),
              notes: 'Replaced ONT',
              attachments: ['https://f/x.jpg'],
            } as never,
          },
        ]);
    });

    it('accepts a rating when resolving or closing', () => {
      spec.given(historyFor.in_progress).when(changeTo('resolved', 5)).then([statusChange('in_progress', 'resolved', { rating: 5 })]);
      spec.given(historyFor.resolved).when(changeTo('closed', 4)).then([statusChange('resolved', 'closed', { rating: 4 })]);
    });

    it('refuses a rating with any other status, or out of range', () => {
      spec
        .given(historyFor.assigned)
        .when(changeTo('in_progress', 3))
        .thenThrows(ValidationError, (e) => expect(Object.keys(e.fields)).toEqual(['rating']));
      spec.given(historyFor.in_progress).when(changeTo('resolved', 6)).thenThrows(ValidationError);
      spec.given(historyFor.in_progress).when(changeTo('resolved', 0)).thenThrows(ValidationError);
      spec.given(historyFor.in_progress).when(changeTo('resolved', 2.5)).thenThrows(ValidationError);
    });
  });

  describe('assignment', () => {
    const assign = (technician: TechnicianCandidate = activeTech(), extra: Partial<{ scheduledAt: string; notes: string }> = {}) =>
      ({
        type: 'AssignTicket',
        technician,
        scheduledAt: extra.scheduledAt ?? null,
        notes: extra.notes ?? null,
        by: mgr,
        now,
      }) as TicketCommand;

    it('assigns a new ticket, which moves it to assigned', () => {
      spec.given([created]).when(assign()).then([assigned]);
    });

    it('records the schedule and notes given with the assignment', () => {
      spec
        .given([created])
        .when(assign(activeTech(), { scheduledAt: later(3), notes: 'Bring ladder' }))
        .then([{ ...assigned, data: { ...assigned.data, scheduledAt: later(3), notes: 'Bring ladder' } } as TicketEvent]);
    });

    it.each(['assigned', 'in_progress', 'pending'] as const)(
      'reassigns a %s ticket, recording the previous technician and keeping the status',
      (status) => {
        spec
          .given(historyFor[status])
          .when(assign(activeTech(tech2)))
          .then([
            {
              type: 'TicketAssigned',
              data: { ...(assigned.data as object), technicianId: tech2, previousTechnicianId: tech.userId, status } as never,
            },
          ]);
      },
    );

    it.each(['resolved', 'closed'] as const)('refuses to assign a %s ticket', (status) => {
      spec
        .given(historyFor[status])
        .when(assign(activeTech(tech2)))
        .thenThrows(IllegalStateError, (e) => expect(e.current).toBe(status));
    });

    it.each([
      ['a user that does not exist', { userId: 'x', exists: false, role: 'customer', isActive: false }],
      ['a user who is not a technician', { userId: 'x', exists: true, role: 'supervisor', isActive: true }],
      ['an inactive technician', { userId: 'x', exists: true, role: 'technician', isActive: false }],
    ])('refuses %s (422 on technician_id)', (_label, candidate) => {
      spec
        .given([created])
        .when(assign(candidate))
        .thenThrows(ValidationError, (e) => expect(Object.keys(e.fields)).toEqual(['technician_id']));
    });

    it('refuses to assign the technician it is already assigned to', () => {
      spec.given(historyFor.assigned).when(assign()).thenThrows(ValidationError);
    });
  });

  describe('updates', () => {
    const update = (changes: Record<string, unknown>): TicketCommand =>
      ({ type: 'UpdateTicket', changes, slaHours: DEFAULT_SLA_HOURS, by: mgr, now }) as TicketCommand;

    it('records only the fields that changed, with their previous values', () => {
      spec
        .given([created])
        .when(update({ title: 'No internet at all', description: 'ONT red light', location: { lat: -6.2, lng: 106.8 } }))
        .then([
          {
            type: 'TicketUpdated',
            data: {
              ticketId: 't-1',
              changes: { title: 'No internet at all' },
              previous: { title: 'No internet' },
              updatedBy: mgr,
              updatedAt: now,
            },
          },
        ]);
    });

    it('recomputes the SLA deadline from the creation time when the priority changes', () => {
      spec
        .given([created])
        .when(update({ priority: 'emergency' }))
        .then([
          {
            type: 'TicketUpdated',
            data: {
              ticketId: 't-1',
              changes: { priority: 'emergency', slaDeadline: later(4) },
              previous: { priority: 'high', slaDeadline: later(24) },
              updatedBy: mgr,
              updatedAt: now,
            },
          },
        ]);
    });

    it('changes type, location and schedule (null clears it)', () => {
      const withSchedule: TicketEvent[] = [{ ...created, data: { ...created.data, scheduledAt: later(5) } } as TicketEvent];
      spec
        .given(withSchedule)
        .when(update({ type: 'maintenance', location: { lat: 1, lng: 2 }, scheduledAt: null }))
        .then([
          {
            type: 'TicketUpdated',
            data: {
              ticketId: 't-1',
              changes: { type: 'maintenance', location: { lat: 1, lng: 2 }, scheduledAt: null },
              previous: { type: 'repair', location: { lat: -6.2, lng: 106.8 }, scheduledAt: later(5) },
              updatedBy: mgr,
              updatedAt: now,
            },
          },
        ]);
    });

    it('appends nothing when nothing changes', () => {
      spec.given([created]).when(update({ title: 'No internet', priority: 'high' })).thenNothing();
    });

    it('refuses to change a closed ticket', () => {
      spec.given(historyFor.closed).when(update({ title: 'x' })).thenThrows(IllegalStateError);
    });
  });

  describe('comments and attachments', () => {
    const comment: TicketCommand = { type: 'AddTicketComment', commentId: 'cm-1', comment: 'On my way', attachments: [], by: tech, now };
    const attach: TicketCommand = {
      type: 'AddTicketAttachment',
      attachmentId: 'at-1',
      fileId: 'f-1',
      filename: 'after.jpg',
      url: 'https://files.example.com/after.jpg',
      fileType: 'photo',
      by: tech,
      now,
    };

    it.each(['new', 'assigned', 'in_progress', 'pending', 'resolved'] as const)('adds a comment to a %s ticket', (status) => {
      spec
        .given(historyFor[status])
        .when(comment)
        .then([
          {
            type: 'TicketCommentAdded',
            data: { ticketId: 't-1', commentId: 'cm-1', comment: 'On my way', attachments: [], author: tech, createdAt: now },
          },
        ]);
    });

    it('adds an attachment', () => {
      spec
        .given(historyFor.in_progress)
        .when(attach)
        .then([
          {
            type: 'TicketAttachmentAdded',
            data: {
              ticketId: 't-1',
              attachmentId: 'at-1',
              fileId: 'f-1',
              filename: 'after.jpg',
              url: 'https://files.example.com/after.jpg',
              fileType: 'photo',
              uploadedBy: tech,
              uploadedAt: now,
            },
          },
        ]);
    });

    it('refuses comments and attachments on a closed ticket', () => {
      spec.given(historyFor.closed).when(comment).thenThrows(IllegalStateError);
      spec.given(historyFor.closed).when(attach).thenThrows(IllegalStateError);
    });
  });

  describe('SLA warning and breach', () => {
    // created at T0 with priority high: deadline T0 + 24h, warning due at T0 + 18h (25% left).
    const warn = (at: string): TicketCommand => ({ type: 'RaiseSlaWarning', warningPercent: 25, now: at });
    const breach = (at: string): TicketCommand => ({ type: 'RecordSlaBreach', now: at });
    const warned: TicketEvent = { type: 'TicketSlaWarningRaised', data: { ticketId: 't-1', slaDeadline: later(24), raisedAt: later(18) } };
    const breached: TicketEvent = { type: 'TicketSlaBreached', data: { ticketId: 't-1', slaDeadline: later(24), breachedAt: later(24) } };

    it('raises the warning once the warning window has started, and only once', () => {
      spec.given([created]).when(warn(later(17.9))).thenThrows(IllegalStateError);
      spec.given([created]).when(warn(later(18))).then([warned]);
      spec.given([created, warned]).when(warn(later(19))).thenThrows(IllegalStateError);
    });

    it('records the breach once the deadline has passed, and only once', () => {
      spec.given([created, warned]).when(breach(later(23.9))).thenThrows(IllegalStateError);
      spec.given([created, warned]).when(breach(later(24))).then([breached]);
      spec.given([created, warned, breached]).when(breach(later(25))).thenThrows(IllegalStateError);
    });

    it('does not warn after the deadline or after the breach', () => {
      spec.given([created]).when(warn(later(24))).thenThrows(IllegalStateError);
      spec.given([created, breached]).when(warn(later(25))).thenThrows(IllegalStateError);
    });

    it('records a breach without an earlier warning', () => {
      spec.given([created]).when(breach(later(30))).then([{ ...breached, data: { ...breached.data, breachedAt: later(30) } } as TicketEvent]);
    });

    it.each(['resolved', 'closed'] as const)('tracks no SLA on a %s ticket', (status) => {
      spec.given(historyFor[status]).when(warn(later(18))).thenThrows(IllegalStateError);
      spec.given(historyFor[status]).when(breach(later(30))).thenThrows(IllegalStateError);
    });

    it('tracks the SLA again when a resolved ticket is reopened', () => {
      spec
        .given([...historyFor.resolved, statusChange('resolved', 'in_progress')])
        .when(breach(later(30)))
        .then([{ ...breached, data: { ...breached.data, breachedAt: later(30) } } as TicketEvent]);
    });

    it('tracks a new deadline after a priority change, even when the old one was breached', () => {
      const reprioritised: TicketEvent = {
        type: 'TicketUpdated',
        data: {
          ticketId: 't-1',
          changes: { priority: 'low', slaDeadline: later(72) },
          previous: { priority: 'high', slaDeadline: later(24) },
          updatedBy: mgr,
          updatedAt: later(25),
        },
      };
      spec.given([created, breached, reprioritised]).when(breach(later(30))).thenThrows(IllegalStateError);
      spec
        .given([created, breached, reprioritised])
        .when(warn(later(54)))
        .then([{ type: 'TicketSlaWarningRaised', data: { ticketId: 't-1', slaDeadline: later(72), raisedAt: later(54) } }]);
    });
  });
});
