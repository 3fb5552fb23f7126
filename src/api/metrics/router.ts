import { createHash, timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import { bearerToken } from '../http/authenticate';
import { declareRoutes, route } from '../http/route';
import type { Metrics } from './metrics';

export const METRICS_TAG = 'Metrics';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time comparison of a presented token with the configured one (digests of equal length). */
export function tokenMatches(presented: string | null, expected: string): boolean {
  if (presented === null) return false;
  return timingSafeEqual(digest(presented), digest(expected));
}

/**
 * GET /metrics, Prometheus text format, for the scraper: only with `Authorization: Bearer
 * <METRICS_TOKEN>` (401 otherwise), and 404 when METRICS_TOKEN is not set (metrics are off).
 * Answered while the service starts too (the readiness gate comes after it), so a start's
 * catch-up can be watched.
 */
export function metricsRouter(metrics: Metrics, token: string | undefined): Router {
  const router = Router();
  const problem = (code: string, message: string) => ({ success: false, message, error: { code, message, details: {} } });
  declareRoutes(
    router,
    [
      route({
        method: 'get',
        path: '/metrics',
        doc: {
          tag: METRICS_TAG,
          operationId: 'metrics',
          summary: 'Live operations for Prometheus: requests, durations, projection lag, events appended, subscription reconnects',
          description:
            'Needs `Authorization: Bearer <METRICS_TOKEN>` (that token, not a user’s access token); 401 without it, 404 when METRICS_TOKEN is not configured. docs/operations.md lists the metrics.',
          auth: false,
          gated: false,
          envelope: 'none',
          errors: 'auth',
          success: [{ status: 200, description: 'The metrics.', otherContent: { 'text/plain; version=0.0.4': { schema: { type: 'string' } } } }],
          extraResponses: {
            '401': { description: 'No bearer token, or not METRICS_TOKEN.', content: { 'application/json': { schema: { $ref: '#/components/schemas/AuthError' } } } },
            '404': { description: 'METRICS_TOKEN is not set: metrics are off.', content: { 'application/json': { schema: { $ref: '#/components/schemas/AuthError' } } } },
          },
        },
        handle: async (req, res) => {
          if (!token) {
            res.status(404).json(problem('RESOURCE_NOT_FOUND', 'Not found'));
            return;
          }
          if (!tokenMatches(bearerToken(req.get('authorization')), token)) {
            res.setHeader('WWW-Authenticate', 'Bearer');
            res.status(401).json(problem('UNAUTHORIZED', 'Unauthenticated'));
            return;
          }
          res.setHeader('Content-Type', metrics.registry.contentType);
          res.setHeader('Cache-Control', 'no-store');
          res.send(await metrics.registry.metrics());
        },
      }),
    ],
    { tags: [{ name: METRICS_TAG, description: 'Prometheus metrics, behind METRICS_TOKEN.' }] },
  );
  return router;
}
