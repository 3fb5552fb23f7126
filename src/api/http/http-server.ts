import { createServer, type RequestListener, type Server } from 'node:http';

/**
 * The HTTP server with its limits for slow and oversize clients set on purpose rather than left
 * to Node's defaults (docs/configuration.md, "HTTP server"):
 *  - headers: the complete request headers must arrive within `headersTimeoutMs` (a client that
 *    trickles them, "slowloris", is answered 408 and disconnected), and be at most
 *    `maxHeaderBytes` (431 beyond);
 *  - request: the whole request, body included, must arrive within `requestTimeoutMs` (408 and
 *    disconnected; an upload cut off this way leaves no file, see uploads.ts);
 *  - idle: a connection on which nothing moves for `idleTimeoutMs` while a request is open is
 *    closed (socket.io's WebSocket connections are exempt: ws clears the timer on upgrade);
 *  - keep-alive: an idle connection between requests is kept `keepAliveTimeoutMs`; longer than a
 *    load balancer's own idle timeout (nginx and most balancers: 60 s), so the balancer is the side
 *    that closes, never this server in the middle of the balancer reusing the connection.
 * Node checks the header and request deadlines on a timer, every `connectionsCheckingInterval`;
 * it runs often enough here that a deadline is enforced within a quarter of it (at most a second late).
 */

export interface HttpServerLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  idleTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxHeaderBytes: number;
}

/** How often Node looks for connections past their header or request deadline. */
export function deadlineCheckInterval(limits: Pick<HttpServerLimits, 'headersTimeoutMs' | 'requestTimeoutMs'>): number {
  const shortest = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  return Math.max(50, Math.min(1000, Math.floor(shortest / 4)));
}

export function createHttpServer(handler: RequestListener, limits: HttpServerLimits): Server {
  const server = createServer(
    {
      maxHeaderSize: limits.maxHeaderBytes,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: deadlineCheckInterval(limits),
    },
    handler,
  );
  // With no 'timeout' listener, Node destroys the idle socket itself.
  server.setTimeout(limits.idleTimeoutMs);
  return server;
}

/**
 * For shutdown, after `server.close()`: closes every connection that is idle now, and from then
 * on each one as soon as its request in flight is answered, instead of keeping it alive for
 * `keepAliveTimeoutMs` (which would hold the shutdown that long). Returns the stop function.
 */
export function closeIdleUntilClosed(server: Server, everyMs = 50): () => void {
  server.closeIdleConnections();
  const timer = setInterval(() => server.closeIdleConnections(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
