import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { ProjectedEvent } from '../../projections/engine/projector';
import { getPelanggan } from '../../projections/billing-customers/queries';
import { BILLING_NOTIFYING_EVENTS } from '../../projections/notifications/billing-notifications';
import type { NotificationDoc } from '../../projections/notifications/projector';
import { notificationsCausedBy } from '../../projections/notifications/queries';
import { resolveAccessToken } from '../http/authenticate';
import type { ApiDeps } from '../deps';
import type { LiveFeed } from './live-feed';

export const WS_NOTIFICATIONS_PATH = '/ws/notifications';

/** RFC 6455 close codes used here. */
export const POLICY_VIOLATION = 1008;
const GOING_AWAY = 1001;

/** Document 002's WebSocket message. */
export interface WsMessage {
  type: string;
  message: string;
  data: Record<string, unknown>;
  timestamp: string;
}

interface Client {
  ws: WebSocket;
  userId: string;
  sessionId: string;
  alive: boolean;
}

/** Events after which a connection may no longer be allowed: it is closed (1008). */
const REVOKING = ['SessionRevoked', 'UserDeactivated', 'UserRoleChanged', 'UserPasswordChanged', 'PasswordResetCompleted'] as const;

/**
 * Document 002's real-time notifications: a plain WebSocket (`ws`) at
 * `ws://…/ws/notifications?token=<access_token>` on the product's HTTP server. The token is
 * checked exactly as HTTP checks it; an invalid one closes the socket with 1008 (policy
 * violation). Messages are `{ type, message, data, timestamp }`: each billing notification (the
 * one notifications read model) is pushed to its recipient's sockets. Fed from the live feed (the
 * event log, after the read models applied the event), never from a request handler, so every
 * instance feeds its own clients.
 */
export class WsNotificationsGateway {
  private wss: WebSocketServer | null = null;
  private server: HttpServer | null = null;
  private readonly clients = new Set<Client>();
  private removeConsumer: (() => void) | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head);

  constructor(
    private readonly deps: ApiDeps,
    private readonly feed: LiveFeed,
    private readonly options: { heartbeatMs?: number } = {},
  ) {}

  get connections(): number {
    return this.clients.size;
  }

  attach(server: HttpServer): void {
    if (this.wss) throw new Error('the ws gateway is already attached');
    this.wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
    this.server = server;
    server.on('upgrade', this.onUpgrade);
    this.removeConsumer = this.feed.add({ name: 'ws-notifications', eventTypes: [...BILLING_NOTIFYING_EVENTS, ...REVOKING], handle: (e) => this.handle(e) });
    this.heartbeat = setInterval(() => this.ping(), this.options.heartbeatMs ?? 30_000);
    this.heartbeat.unref();
  }

  async close(): Promise<void> {
    this.removeConsumer?.();
    this.removeConsumer = null;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    this.server?.off('upgrade', this.onUpgrade);
    this.server = null;
    for (const c of this.clients) c.ws.close(GOING_AWAY, 'Server shutting down');
    for (const c of this.clients) c.ws.terminate();
    this.clients.clear();
    const wss = this.wss;
    this.wss = null;
    if (wss) await new Promise<void>((r) => wss.close(() => r()));
  }

  /** Only this path; every other upgrade (socket.io) is left to its owner. */
  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== WS_NOTIFICATIONS_PATH || !this.wss) return;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      void this.connected(ws, url.searchParams.get('token'));
    });
  }

  private async connected(ws: WebSocket, token: string | null): Promise<void> {
    ws.on('error', () => ws.terminate());
    try {
      if (!token) throw new Error('missing token');
      const auth = await resolveAccessToken(this.deps, token, 'staff');
      const client: Client = { ws, userId: auth.userId, sessionId: auth.sessionId, alive: true };
      this.clients.add(client);
      ws.on('pong', () => (client.alive = true));
      ws.on('close', () => this.clients.delete(client));
      // Clients only listen; what they send is ignored.
      ws.on('message', () => undefined);
    } catch {
      ws.close(POLICY_VIOLATION, 'Invalid token');
    }
  }

  private ping(): void {
    for (const c of this.clients) {
      if (!c.alive) {
        c.ws.terminate();
        this.clients.delete(c);
        continue;
      }
      c.alive = false;
      c.ws.ping();
    }
  }

  private async handle(event: ProjectedEvent): Promise<void> {
    if ((REVOKING as readonly string[]).includes(event.type)) {
      this.revoke(event);
      return;
    }
    if (this.clients.size === 0) return;
    const notifications = await notificationsCausedBy(this.deps.readStore, event.id);
    if (notifications.length === 0) return;
    const message = await this.messageOf(notifications[0]!);
    for (const n of notifications) {
      const payload = JSON.stringify({ ...message, data: { ...message.data, notification_id: n.id } } satisfies WsMessage);
      for (const c of this.clients) if (c.userId === n.user_id && c.ws.readyState === WebSocket.OPEN) c.ws.send(payload);
    }
  }

  /** The message of a notification; the customer's name is read now (it is not stored with it). */
  private async messageOf(n: NotificationDoc): Promise<WsMessage> {
    const data: Record<string, unknown> = { ...n.data };
    if (typeof data.pelanggan_id === 'number') {
      data.pelanggan_nama = (await getPelanggan(this.deps.readStore, data.pelanggan_id))?.nama ?? null;
    }
    return { type: n.type, message: n.message, data, timestamp: n.created_at };
  }

  private revoke(event: ProjectedEvent): void {
    const d = event.data as { sessionId?: unknown; userId?: unknown };
    for (const c of this.clients) {
      const hit = event.type === 'SessionRevoked' ? c.sessionId === d.sessionId : c.userId === d.userId;
      if (hit) {
        c.ws.close(POLICY_VIOLATION, 'Session is no longer valid');
        this.clients.delete(c);
      }
    }
  }
}
