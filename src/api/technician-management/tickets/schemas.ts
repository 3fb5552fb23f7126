import { TICKET_CHANNELS, TICKET_PRIORITIES, TICKET_STATUSES, TICKET_TYPES } from '../../../domain/ticket';
import { array, boolean, constant, dateTime, integer, nullable, number, object, oneOfValues, ref, string, uuid } from '../../openapi/schema';
import type { SchemaObject } from '../../openapi/types';

/** The OpenAPI side of document 000's tickets (router.ts, related-routers.ts); shapes from presenter.ts. */

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

/** The OpenAPI schemas of what presenter.ts writes. */
export const TICKET_SCHEMAS: Record<string, SchemaObject> = {
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
