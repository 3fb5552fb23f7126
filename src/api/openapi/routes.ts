import type { Express } from 'express';

/**
 * Every method and path an Express 5 application answers through a route, recovered from the
 * router itself: `router.listRoutes()` (router 2.3, Express 5's router) lists a router's routes
 * and mounted routers with the path they were registered with, and is followed into every
 * mounted router. Plain middleware (static files, the readiness gate) is not a route and is not
 * listed. Paths come back in OpenAPI form: the mount paths joined, `:id` as `{id}`, no trailing
 * slash.
 */

export interface RegisteredRoute {
  method: string;
  path: string;
}

interface RouteInfo {
  path: string | RegExp;
  methods?: string[];
  router?: unknown;
}

interface ListableRouter {
  listRoutes(): RouteInfo[];
}

function isListable(router: unknown): router is ListableRouter {
  return (
    (typeof router === 'function' || (typeof router === 'object' && router !== null)) &&
    typeof (router as { listRoutes?: unknown }).listRoutes === 'function'
  );
}

/** Express path syntax → OpenAPI; anything beyond plain segments and `:name` is refused. */
export function toOpenApiPath(expressPath: string): string {
  const joined = `/${expressPath}`.replace(/\/{2,}/g, '/');
  const trimmed = joined.length > 1 ? joined.replace(/\/$/, '') : joined;
  return trimmed
    .split('/')
    .map((segment) => {
      const param = /^:([A-Za-z_][A-Za-z0-9_]*)$/.exec(segment);
      if (param) return `{${param[1]}}`;
      if (/[:*?{}()[\]+]/.test(segment)) throw new Error(`route path ${expressPath} uses syntax this listing does not translate`);
      return segment;
    })
    .join('/');
}

function walk(router: ListableRouter, prefix: string, out: RegisteredRoute[]): void {
  for (const entry of router.listRoutes()) {
    if (typeof entry.path !== 'string') throw new Error(`a route or router is mounted at a RegExp (${String(entry.path)})`);
    const path = `${prefix}/${entry.path}`;
    if (entry.router !== undefined) {
      if (!isListable(entry.router)) throw new Error(`the router mounted at ${path} cannot list its routes`);
      walk(entry.router, path, out);
      continue;
    }
    const methods = entry.methods ?? [];
    for (const method of methods) {
      // HEAD is answered automatically for every GET route.
      if (method === 'HEAD' && methods.includes('GET')) continue;
      out.push({ method, path: toOpenApiPath(path) });
    }
  }
}

export function registeredRoutes(app: Express): RegisteredRoute[] {
  const router: unknown = (app as unknown as { router: unknown }).router;
  if (!isListable(router)) throw new Error('this Express has no router.listRoutes() (router >= 2.3 is needed)');
  const out: RegisteredRoute[] = [];
  walk(router, '', out);
  return out;
}
