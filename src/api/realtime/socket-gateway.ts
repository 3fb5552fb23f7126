import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { UnauthenticatedError } from '../../domain/shared/errors';
import type { TechnicianEvent } from '../../domain/technician';
import type { TicketEvent } from '../../domain/ticket';
import type { ProjectedEvent } from '../../projections/engine/projector';
import { notificationsCausedBy } from '../../projections/notifications/queries';
import { INVENTORY_NOTIFYING_EVENTS } from '../../projections/notifications/inventory-notifications';
import { findCustomer, getTicket, lookupParties } from '../../projections/tickets/queries';
import { findUserById } from '../../projections/users/queries';
import { bearerToken, resolveAccessToken } from '../http/authenticate';
import { INTERNAL, problemFrom } from '../http/errors';
import type { ApiDeps } from '../deps';
import { presentNotification } from '../technician-management/notifications/presenter';
import { presentTechnician, presentTicket, presentUser } from '../technician-management/tickets/presenter';
import type { LiveFeed } from './live-feed';
import { roomsForSocket, sessionRoom, technicianEventRooms, ticketEventRooms, userRoom, type SocketIdentity } from './routing';

/** What a connected socket carries: who it is and when its session started (ms). */
export interface SocketData extends SocketIdentity {
  sessionStartedAt: number;
}

type GatewaySocket = Socket<Record<string, never>, Record<string, (payload: unknown) => void>, Record<string, never>, SocketData>;

/** The event types the gateway follows on the live feed. */
export const SOCKET_IO_EVENT_TYPES = [
  'TicketCreated',
  'TicketAssigned',
  'TicketStatusChanged',
  'TicketCommentAdded',
  'TicketSlaWarningRaised',
  'TicketSlaBreached',
  'TechnicianLocationUpdated',
  'TechnicianAvailabilityChanged',
  // Inventory notifications (low stock, the daily digest): only `notification:new`.
  ...INVENTORY_NOTIFYING_EVENTS,
  // Connections that are no longer allowed are closed.
  'SessionRevoked',
  'UserDeactivated',
  'UserRoleChanged',
  'UserPasswordChanged',
  'PasswordResetCompleted',
] as const;

const CAUSE_NOTIFICATIONS: ReadonlySet<string> = new Set([
  'TicketAssigned',
  'TicketStatusChanged',
  'TicketCommentAdded',
  'TicketSlaWarningRaised',
  'TicketSlaBreached',
  ...INVENTORY_NOTIFYING_EVENTS,
]);

/** The connect_error a refused client gets: message, and `data: { code, message }` in 000's codes. */
function refusal(err: unknown): Error & { data: { code: string; message: string } } {
  const problem = problemFrom(err) ?? INTERNAL;
  const e = new Error(problem.message) as Error & { data: { code: string; message: string } };
  e.data = { code: problem.code, message: problem.message };
  return e;
}

/**
 * socket.io on the product's HTTP server (same port), with document 000's connection and event
 * names. Clients connect with `auth: { token: 'Bearer <access_token>' }` (with or without
 * `Bearer `; an `Authorization` header also works); the token is checked exactly as HTTP checks
 * it. Events come from the live feed (the event log), never from request handlers.
 */
export class SocketIoGateway {
  private io: Server | null = null;
  private removeConsumer: (() => void) | null = null;

  constructor(
    private readonly deps: ApiDeps,
    private readonly feed: LiveFeed,
  ) {}

  get server(): Server | null {
    return this.io;
  }

  attach(httpServer: HttpServer): void {
    if (this.io) throw new Error('socket.io is already attached');
    const origins = this.deps.settings.corsOrigins;
    const io = new Server<Record<string, never>, Record<string, (payload: unknown) => void>, Record<string, never>, SocketData>(httpServer, {
      serveClient: false,
      cors: {
        origin: (origin, cb) => cb(null, origin === undefined || origins.includes('*') || origins.includes(origin)),
        credentials: true,
      },
    });
    io.use((socket, next) => {
      this.authenticate(socket).then(
        () => next(),
        (err: unknown) => next(refusal(err)),
      );
    });
    io.on('connection', (socket) => {
      void socket.join(roomsForSocket(socket.data));
    });
    this.io = io as unknown as Server;
    this.removeConsumer = this.feed.add({ name: 'socket.io', eventTypes: SOCKET_IO_EVENT_TYPES, handle: (e) => this.handle(e) });
  }

  /** Disconnects every client and stops following the feed; leaves the HTTP server to its owner. */
  async close(): Promise<void> {
    this.removeConsumer?.();
    this.removeConsumer = null;
    const io = this.io;
    this.io = null;
    if (!io) return;
    io.disconnectSockets(true);
    // Not io.close(): that would also close the HTTP server, which drains its own requests.
    io.engine.close();
  }

  private async authenticate(socket: GatewaySocket): Promise<void> {
    const given = socket.handshake.auth?.token ?? socket.handshake.headers.authorization;
    const raw = typeof given === 'string' ? given.trim() : '';
    const token = /^Bearer\s/i.test(raw) ? bearerToken(raw) : raw;
    if (!token) throw new UnauthenticatedError('Unauthenticated', 'missing');
    const auth = await resolveAccessToken(this.deps, token, 'staff');
    const claims = this.deps.tokens.verifyAccess(token, 'staff');
    socket.data = { userId: auth.userId, role: auth.role, sessionId: auth.sessionId, sessionStartedAt: claims.sst };
  }

  private emit(rooms: string[], name: string, payload: unknown): void {
    if (rooms.length > 0) this.io?.to(rooms).emit(name, payload);
  }

  private async handle(event: ProjectedEvent): Promise<void> {
    // No client connected: nothing to send and no connection to close, so no read model is read
    // to build a payload nobody receives (a ticket create cost 2% more for it).
    if (!this.io || this.io.engine.clientsCount === 0) return;
    const e = event as ProjectedEvent & (TicketEvent | TechnicianEvent);
    switch (e.type) {
      case 'TicketCreated':
        await this.ticketEvent(e.data.ticketId, [], e.data.createdBy.userId, (ticket, parties) => [
          'ticket:created',
          { ticket, created_by: presentUser(e.data.createdBy.userId, e.data.createdBy.role, parties) },
        ]);
        break;
      case 'TicketAssigned':
        await this.ticketEvent(e.data.ticketId, [e.data.technicianId, e.data.previousTechnicianId], e.data.technicianId, (ticket, parties) => [
          'ticket:assigned',
          { ticket, technician: presentTechnician(e.data.technicianId, parties) },
        ]);
        break;
      case 'TicketStatusChanged':
        await this.ticketEvent(e.data.ticketId, [e.data.technicianId], null, (ticket) => [
          'ticket:status_changed',
          { ticket, old_status: e.data.from, new_status: e.data.to },
        ]);
        break;
      case 'TechnicianLocationUpdated':
        this.emit(technicianEventRooms(e.data.technicianId), 'technician:location_updated', {
          technician_id: e.data.technicianId,
          location: { lat: e.data.lat, lng: e.data.lng },
          timestamp: e.data.updatedAt,
        });
        break;
      case 'TechnicianAvailabilityChanged':
        this.emit(technicianEventRooms(e.data.technicianId), 'technician:availability_changed', {
          technician_id: e.data.technicianId,
          is_available: e.data.isAvailable,
        });
        break;
      default:
        break;
    }
    if (CAUSE_NOTIFICATIONS.has(event.type)) {
      for (const n of await notificationsCausedBy(this.deps.readStore, event.id)) {
        this.emit([userRoom(n.user_id)], 'notification:new', { notification: presentNotification(n) });
      }
    }
    await this.closeRevoked(event);
  }

  /**
   * A ticket event: the ticket as the tickets list shows it (read model at or after the event),
   * to the office, the ticket's customer login account and the technicians the event concerns.
   */
  private async ticketEvent(
    ticketId: string,
    technicianIds: ReadonlyArray<string | null>,
    extraUserId: string | null,
    build: (ticket: ReturnType<typeof presentTicket>, parties: Awaited<ReturnType<typeof lookupParties>>) => [string, unknown],
  ): Promise<void> {
    const doc = await getTicket(this.deps.readStore, ticketId);
    if (!doc) return;
    const [customer, parties] = await Promise.all([
      findCustomer(this.deps.readStore, doc.customer_id),
      lookupParties(
        this.deps.readStore,
        [doc.customer_id],
        [doc.technician_id, extraUserId].filter((id): id is string => typeof id === 'string'),
      ),
    ]);
    const customerUsers = typeof customer?.user_id === 'string' ? [customer.user_id] : [];
    const [name, payload] = build(presentTicket(doc, parties), parties);
    this.emit(ticketEventRooms(technicianIds, customerUsers), name, payload);
  }

  /** Sessions revoked, users deactivated or given another role, passwords changed: disconnect. */
  private async closeRevoked(event: ProjectedEvent): Promise<void> {
    const io = this.io;
    if (!io) return;
    const d = event.data as { sessionId?: string; userId?: string };
    switch (event.type) {
      case 'SessionRevoked':
        if (d.sessionId) io.in(sessionRoom(d.sessionId)).disconnectSockets(true);
        return;
      case 'UserDeactivated':
      case 'UserRoleChanged':
        // A new role means other rooms: the client reconnects and joins the right ones.
        if (d.userId) io.in(userRoom(d.userId)).disconnectSockets(true);
        return;
      case 'UserPasswordChanged':
      case 'PasswordResetCompleted': {
        if (!d.userId) return;
        // Sessions started before the change are no longer valid (as HTTP has it).
        const user = await findUserById(this.deps.readStore, d.userId);
        const validAfter = Date.parse(user?.sessions_valid_after ?? event.metadata.timestamp);
        for (const s of await io.in(userRoom(d.userId)).fetchSockets()) {
          if ((s.data as SocketData).sessionStartedAt < validAfter) s.disconnect(true);
        }
        return;
      }
      default:
        return;
    }
  }
}
