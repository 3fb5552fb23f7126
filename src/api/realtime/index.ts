import type { Server as HttpServer } from 'node:http';
import type { EventRegistry } from '../../domain/shared/events';
import type { EventStore } from '../../ports/event-store';
import type { ApiDeps } from '../deps';
import { LiveFeed } from './live-feed';
import { SocketIoGateway } from './socket-gateway';
import { WsNotificationsGateway } from './ws-gateway';

export * from './live-feed';
export * from './routing';
export * from './socket-gateway';
export * from './ws-gateway';

/**
 * Real-time delivery, built by the composition root: the live feed (one subscription to the
 * log for this instance) and the gateways fed from it. socket.io (document 000) is attached to
 * the HTTP server by `attach`; a further gateway (plain `ws` at /ws/notifications for document
 * 002) adds itself to `feed` the same way.
 */
export interface Realtime {
  feed: LiveFeed;
  socketIo: SocketIoGateway;
  /** Plain `ws` at /ws/notifications (document 002). */
  ws: WsNotificationsGateway;
  /** Attaches socket.io to the HTTP server (before it listens). */
  attach(server: HttpServer): void;
  /** Starts following the log from its head (after the projections started). */
  start(): Promise<void>;
  /** Disconnects every client and stops the feed (before the HTTP server drains). */
  close(): Promise<void>;
}

export function createRealtime(options: { deps: ApiDeps; eventStore: EventStore; registry: EventRegistry }): Realtime {
  const { deps } = options;
  const feed = new LiveFeed({
    eventStore: options.eventStore,
    registry: options.registry,
    sync: deps.sync,
    logger: deps.logger.child({ component: 'realtime' }),
    waitTimeoutMs: deps.settings.readYourWritesTimeoutMs,
  });
  const socketIo = new SocketIoGateway(deps, feed);
  const ws = new WsNotificationsGateway(deps, feed);
  return {
    feed,
    socketIo,
    ws,
    attach: (server) => {
      socketIo.attach(server);
      ws.attach(server);
    },
    start: () => feed.start(),
    async close() {
      await ws.close();
      await socketIo.close();
      await feed.stop();
    },
  };
}
