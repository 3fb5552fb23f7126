import { TICKET_STATUSES } from '../../domain/ticket';
import { OFFICE_ROLES } from '../technician-management/permissions';
import { boolean, dateTime, number, object, oneOfValues, ref, uuid } from './schema';
import type { OpenApiDocument, SocketIoEvent } from './types';

/**
 * Document 000's socket.io events (src/api/realtime/socket-gateway.ts, rooms in routing.ts).
 * OpenAPI cannot describe socket.io, so they go in the `x-socket-io` extension (with payload
 * schemas pointing at the same components as the HTTP answers) and in `info.description`.
 */

const office = OFFICE_ROLES.join(', ');

const EVENTS: SocketIoEvent[] = [
  {
    name: 'ticket:created',
    summary: 'A ticket was created.',
    recipients: `office roles (${office}); the ticket customer's login account`,
    payload: object({ ticket: ref('TmsTicket'), created_by: ref('TmsTicketPerson') }),
  },
  {
    name: 'ticket:assigned',
    summary: 'A ticket was assigned or reassigned.',
    recipients: "office roles; the new technician; the previous technician on a reassignment; the customer's account",
    payload: object({ ticket: ref('TmsTicket'), technician: ref('TmsTicketTechnician') }),
  },
  {
    name: 'ticket:status_changed',
    summary: 'A ticket moved along its workflow.',
    recipients: "office roles; the technician assigned at the change; the customer's account",
    payload: object({ ticket: ref('TmsTicket'), old_status: oneOfValues(TICKET_STATUSES), new_status: oneOfValues(TICKET_STATUSES) }),
  },
  {
    name: 'technician:location_updated',
    summary: 'A technician reported a location.',
    recipients: 'office roles; the technician themself',
    payload: object({ technician_id: uuid(), location: object({ lat: number(), lng: number() }), timestamp: dateTime() }),
  },
  {
    name: 'technician:availability_changed',
    summary: 'A technician became available or unavailable.',
    recipients: 'office roles; the technician themself',
    payload: object({ technician_id: uuid(), is_available: boolean() }),
  },
  {
    name: 'notification:new',
    summary: 'A notification for the connected user.',
    recipients: 'only its recipient',
    payload: object({ notification: ref('TmsNotification') }),
  },
];

const AUTH =
  "io(url, { auth: { token: 'Bearer <access_token>' } }) on this server's port, default path /socket.io (the token with or without `Bearer `, or an Authorization header). A refused connection gets connect_error with data { code, message } (UNAUTHORIZED, TOKEN_EXPIRED). Logout, deactivation, a role change and a password change disconnect the sockets concerned.";

export function socketIo(): OpenApiDocument['x-socket-io'] {
  return { path: '/socket.io', auth: AUTH, events: EVENTS.map((e) => ({ ...e })) };
}

/** The same, as Markdown for info.description. */
export function socketIoMarkdown(): string {
  const rows = EVENTS.map((e) => `| \`${e.name}\` | ${e.summary} | ${e.recipients} |`);
  return [
    '## socket.io events (document 000)',
    '',
    AUTH,
    '',
    '| event | what | sent to |',
    '| --- | --- | --- |',
    ...rows,
    '',
    'Payload schemas are in the `x-socket-io` extension of this document. Events come from the event log after the read models applied them (docs/api/000-notifications-realtime-mobile.md).',
  ].join('\n');
}
