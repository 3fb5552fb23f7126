import type { RequestHandler } from 'express';
import { toOpenApiPath } from '../openapi/routes';
import type { Metrics } from './metrics';

/**
 * Counts every answer and times it, labelled by the route template that answered
 * (`/api/tickets/{id}`, as the OpenAPI document names it, never the path with its ids), so the
 * number of series stays bounded. An answer given before a route matched (a 401 from a router's
 * authentication, a 404 for no route) is labelled with the router's mount path and `/*`, or
 * `unmatched`.
 */
export function httpMetrics(metrics: Metrics): RequestHandler {
  const templates = new Map<string, string>();
  const templateOf = (baseUrl: string, routePath: string | undefined): string => {
    if (routePath === undefined) return baseUrl ? `${baseUrl}/*` : 'unmatched';
    const key = `${baseUrl}\0${routePath}`;
    let template = templates.get(key);
    if (template === undefined) {
      try {
        template = toOpenApiPath(`${baseUrl}/${routePath}`);
      } catch {
        template = `${baseUrl}/*`;
      }
      templates.set(key, template);
    }
    return template;
  };
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const route = templateOf(req.baseUrl, typeof req.route?.path === 'string' ? req.route.path : undefined);
      const labels = { method: req.method, route, status: String(res.statusCode) };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
}
