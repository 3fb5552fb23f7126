import { TICKET_CHANNELS, TICKET_PRIORITIES, TICKET_STATUSES, TICKET_TYPES } from '../../../domain/ticket';
import {
  assignBody,
  commentBody,
  createTicketBody,
  customerTicketsQuery,
  listQuery,
  statusBody,
  technicianTicketsQuery,
  updateTicketBody,
} from '../../technician-management/tickets/input';
import { TICKET_PERMISSIONS as P } from '../../technician-management/tickets/permissions';
import { operation, type Area } from '../builder';
import { pagination } from '../components';
import { array, boolean, constant, dateTime, fromZod, integer, nullable, number, object, oneOfValues, queryParameters, ref, string, uuid } from '../schema';
import type { SchemaObject } from '../types';
import { TAGS, tms, uuidPathParam } from '../../technician-management/openapi';

/**
 * Document 000 ticket management (src/api/technician-management/tickets/): router.ts and
 * related-routers.ts; shapes from presenter.ts.
 */

const nullableString = () => nullable(string());

const ticketProperties: Record<string, SchemaObject> = {
  id: uuid(),
  ticket_number: string(),
  customer: ref('TmsTicketCustomer'),
  technician: nullable(ref('TmsTicketTechnician')),
  type: oneOfValues(TICKET_TYPES),
  priority: oneOfValues(TICKET_PRIORITIES),
  status: oneOfValues(TICKET_STATUSES),
  title: string(),
  description: string(),
  location: object({ lat: number(), lng: number() }),
  scheduled_at: nullable(dateTime()),
  completed_at: nullable(dateTime('When it was resolved; cleared by a reopen.')),
  sla_deadline: dateTime(),
  overdue: boolean('The current SLA deadline was breached.'),
  created_at: dateTime(),
  updated_at: dateTime(),
};

const schemas: Record<string, SchemaObject> = {
  TmsTicketCustomer: object({
    id: uuid(),
    full_name: nullableString(),
    phone: nullableString(),
    address: nullableString(),
    service_status: nullable(oneOfValues(['active', 'suspended'], 'The customer’s service (document 002 subscription): `suspended` when cut off for non-payment, so the technician sees why the line is down; null without a current subscription.')),
  }),
  TmsTicketTechnician: object({ id: uuid(), full_name: nullableString(), phone: nullableString() }),
  TmsTicketPerson: {
    oneOf: [
      object({ id: uuid(), full_name: nullableString(), role: string(), avatar: nullableString() }),
      object({ id: { type: 'null' }, full_name: constant('System'), role: constant('system') }, { description: 'The SLA job.' }),
    ],
  },
  TmsTicket: object(ticketProperties, { description: 'A ticket as lists (and socket.io ticket events) show it.' }),
  TmsTicketComment: object({
    id: uuid(),
    user: ref('TmsTicketPerson'),
    comment: string(),
    attachments: array(string(), 'File URLs.'),
    created_at: dateTime(),
    is_internal: boolean('A staff-only note (document 004): never shown to the customer, in any API.'),
  }),
  TmsTicketDetail: object(
    {
      ...ticketProperties,
      rating: nullable(integer('1 to 5.')),
      channel: oneOfValues(TICKET_CHANNELS),
      closed_at: nullable(dateTime()),
      created_by: ref('TmsTicketPerson'),
      attachments: array(
        object({
          id: uuid(),
          filename: string(),
          url: string('Uploaded files: a freshly signed link; others as given.'),
          type: string('photo, document, signature, ...'),
          uploaded_by: string('User id.'),
          uploaded_at: dateTime(),
        }),
      ),
      comments: array(ref('TmsTicketComment')),
      history: array(
        object({
          id: uuid(),
          action: string('created, <field>_changed, assigned, reassigned, status_changed, rated, commented, attachment_added, sla_warning, sla_breached'),
          field: nullable(string('For <field>_changed: the field.')),
          old_value: nullableString(),
          new_value: nullableString(),
          notes: nullableString(),
          user: ref('TmsTicketPerson'),
          created_at: dateTime(),
        }),
        "Derived from the ticket's events, oldest first.",
      ),
    },
    { description: 'A ticket with attachments, comments and history: GET /api/tickets/{id} and every write’s answer.' },
  ),
};

export function ticketsArea(): Area {
  const base = { ...tms, tag: TAGS.tickets };
  const id = uuidPathParam('ticket');
  const ticket = object({ ticket: ref('TmsTicketDetail') });
  const list = object({ tickets: array(ref('TmsTicket')), pagination });
  const dateBound = 'A date (YYYY-MM-DD, the whole UTC day) or an ISO-8601 timestamp.';
  const write = { pathParams: id, ifMatch: true, statuses: [403, 404, 409] };
  return {
    tag: {
      name: TAGS.tickets,
      description: 'Document 000, tickets with SLA, assignment, status workflow and comments (docs/api/000-tickets.md). A ticket outside the caller’s scope is 404.',
    },
    schemas,
    operations: [
      operation({
        ...base,
        method: 'get',
        path: '/api/tickets',
        operationId: 'ticketList',
        summary: 'List tickets',
        description: 'Newest first. Office roles see every ticket, a technician the tickets assigned to them, a customer their own.',
        query: queryParameters(listQuery, {
          created_from: dateBound,
          created_to: `${dateBound} Must be after created_from.`,
          scheduled_from: dateBound,
          scheduled_to: `${dateBound} Must be after scheduled_from.`,
        }),
        success: [{ status: 200, description: 'A page of tickets.', schema: list }],
        statuses: [403],
        roles: P.view,
      }),
      operation({
        ...base,
        method: 'post',
        path: '/api/tickets',
        operationId: 'ticketCreate',
        summary: 'Create a ticket',
        description: 'The SLA deadline follows the priority.',
        idempotencyKey: true,
        body: { required: true, json: fromZod(createTicketBody) },
        success: [{ status: 201, description: 'Created.', schema: ticket, headers: ['ETag', 'Location'] }],
        statuses: [403, 404, 409],
        roles: P.create,
        rolesNote: 'a customer: for their own customer record',
      }),
      operation({
        ...base,
        method: 'get',
        path: '/api/tickets/{id}',
        operationId: 'ticketGet',
        summary: 'A ticket with attachments, comments and history',
        pathParams: id,
        success: [{ status: 200, description: 'The ticket.', schema: ticket, headers: ['ETag'] }],
        statuses: [403, 404],
        roles: P.view,
      }),
      operation({
        ...base,
        ...write,
        method: 'put',
        path: '/api/tickets/{id}',
        operationId: 'ticketUpdate',
        summary: 'Change title, description, priority, type, location or scheduled_at',
        description:
          'At least one field. status, technician_id, customer_id, ticket_number and sla_deadline are refused (422 naming where they change). A change to nothing appends nothing and keeps the ETag.',
        body: { required: true, json: fromZod(updateTicketBody) },
        success: [{ status: 200, description: 'The ticket after the change.', schema: ticket, headers: ['ETag'] }],
        roles: P.update,
      }),
      operation({
        ...base,
        ...write,
        method: 'post',
        path: '/api/tickets/{id}/assign',
        operationId: 'ticketAssign',
        summary: 'Assign or reassign the ticket to a technician',
        description: 'An assignment the ticket’s state does not allow is 422 INVALID_STATE_TRANSITION.',
        body: { required: true, json: fromZod(assignBody) },
        success: [{ status: 200, description: 'The ticket after the assignment.', schema: ticket, headers: ['ETag'] }],
        roles: P.assign,
      }),
      operation({
        ...base,
        ...write,
        method: 'put',
        path: '/api/tickets/{id}/status',
        operationId: 'ticketChangeStatus',
        summary: 'Move the ticket along its workflow',
        description: `A step the workflow does not allow is 422 INVALID_STATE_TRANSITION (details: current, allowed). A rating needs one of: ${P.rate.join(', ')}.`,
        body: { required: true, json: fromZod(statusBody) },
        success: [{ status: 200, description: 'The ticket after the change.', schema: ticket, headers: ['ETag'] }],
        roles: P.changeStatus,
        rolesNote: 'a technician: their own tickets',
      }),
      operation({
        ...base,
        ...write,
        method: 'post',
        path: '/api/tickets/{id}/comments',
        operationId: 'ticketComment',
        summary: 'Add a comment',
        description: '`is_internal: true` makes it a staff-only note: the customer never sees it (not in this API, the portal, notifications or the history); a customer cannot write one (403).',
        body: { required: true, json: fromZod(commentBody) },
        success: [{ status: 201, description: 'The comment.', schema: object({ comment: ref('TmsTicketComment') }), headers: ['ETag', 'Location'] }],
        roles: P.comment,
        rolesNote: 'on tickets the caller can see',
      }),
      operation({
        ...base,
        method: 'get',
        path: '/api/customers/{id}/tickets',
        operationId: 'customerTickets',
        summary: 'A customer’s tickets',
        pathParams: uuidPathParam('customer'),
        query: queryParameters(customerTicketsQuery),
        success: [{ status: 200, description: 'A page of the customer’s tickets.', schema: list }],
        statuses: [403, 404],
        roles: P.view,
        rolesNote: 'a customer: their own record; a technician: the tickets assigned to them',
      }),
      operation({
        ...base,
        method: 'get',
        path: '/api/technicians/{id}/tickets',
        operationId: 'technicianTickets',
        summary: 'A technician’s tickets',
        pathParams: uuidPathParam('technician (user)'),
        query: queryParameters(technicianTicketsQuery, {
          date_from: `${dateBound} Bounds created_at.`,
          date_to: `${dateBound} Bounds created_at; after date_from.`,
        }),
        success: [{ status: 200, description: 'A page of the technician’s tickets.', schema: list }],
        statuses: [403, 404],
        roles: P.viewTechnicianTickets,
        rolesNote: 'a technician: their own',
      }),
    ],
  };
}
