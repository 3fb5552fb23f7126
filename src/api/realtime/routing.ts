import type { Role } from '../../domain/user';
import { allows } from '../technician-management/permissions';
import { REALTIME_PERMISSIONS as P } from './permissions';

/**
 * socket.io rooms and who is in them. Each socket joins its user's room and its session's room;
 * office roles also join the office room. An event is sent to the rooms of its computed
 * recipients, so no client ever receives what it may not see, and no per-ticket rooms are
 * needed. Rooms are local to the instance; every instance routes its own sockets from its own
 * subscription to the log.
 */
export const TICKETS_ROOM = 'all-tickets';
export const TECHNICIANS_ROOM = 'all-technicians';
export const userRoom = (userId: string): string => `user:${userId}`;
export const sessionRoom = (sessionId: string): string => `session:${sessionId}`;

export interface SocketIdentity {
  userId: string;
  role: Role;
  sessionId: string;
}

export function roomsForSocket(who: SocketIdentity): string[] {
  const rooms = [userRoom(who.userId), sessionRoom(who.sessionId)];
  if (allows(P, 'allTicketEvents', who.role)) rooms.push(TICKETS_ROOM);
  if (allows(P, 'allTechnicianEvents', who.role)) rooms.push(TECHNICIANS_ROOM);
  return rooms;
}

const users = (ids: ReadonlyArray<string | null | undefined>): string[] => [
  ...new Set(ids.filter((id): id is string => typeof id === 'string' && id !== '').map(userRoom)),
];

/**
 * A ticket event goes to the office, the ticket's customer login accounts and the technicians
 * it concerns: the one assigned at the event (for an assignment, also the one it was taken from).
 */
export function ticketEventRooms(technicianIds: ReadonlyArray<string | null>, customerUserIds: readonly string[]): string[] {
  return [TICKETS_ROOM, ...users([...technicianIds, ...customerUserIds])];
}

/** A technician event goes to the office and to the technician themself. */
export function technicianEventRooms(technicianId: string): string[] {
  return [TECHNICIANS_ROOM, userRoom(technicianId)];
}
