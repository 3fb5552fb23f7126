import type { RequestHandler } from 'express';

/**
 * A path segment that is not valid percent-encoding (`/api/customers/%ED%A0%80`,
 * `/api/technicians/%E0%A4%A/performance`) cannot name anything. Express's router would throw a
 * URIError when it decodes it as a route parameter, and throw it from whichever router tried the
 * path first, whatever the method: with several documents sharing a prefix (000 and 002 both
 * under /api/notifications), the answer would come in the wrong document's format.
 *
 * So before any router sees the request, the `%` of such a segment are escaped (`%ED%A0%80`
 * becomes `%25ED%25A0%2580`, which decodes to the text the client sent). Routing then goes as for
 * any other unknown id: the route that owns the method and path answers, in its own document's
 * format, as it answers a value that names nothing (404). Valid escapes, the query string and
 * paths without a `%` are left exactly as they are. Mounted once, first, in http-app.ts: every
 * router, present and future, is covered. (problemFrom still maps the router's URIError to 400,
 * should one ever be raised.)
 */

function decodes(segment: string): boolean {
  try {
    decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
}

/** The path with each undecodable segment escaped; the same string when there is none. */
export function escapeUndecodableSegments(path: string): string {
  if (!path.includes('%')) return path;
  return path
    .split('/')
    .map((segment) => (decodes(segment) ? segment : segment.replace(/%/g, '%25')))
    .join('/');
}

export function escapeUndecodablePaths(): RequestHandler {
  return (req, _res, next) => {
    const q = req.url.indexOf('?');
    const path = q < 0 ? req.url : req.url.slice(0, q);
    const escaped = escapeUndecodableSegments(path);
    if (escaped !== path) req.url = q < 0 ? escaped : escaped + req.url.slice(q);
    next();
  };
}
