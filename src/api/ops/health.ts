import { Router, type RequestHandler } from 'express';
import { declareRoutes, route } from '../http/route';
import { PLATFORM_TAG } from '../files/router';
import { ref } from '../openapi/schema';
import type { ApiDeps } from '../deps';

/**
 * GET /health: 200 once the read models have caught up with the log (the server then answers
 * reads that are up to date), 503 before. Reports the stores and every projector's checkpoint.
 * With several instances (MongoDB read store, docs/scaling.md) the instance holding the projection
 * lease is ready when its runner has caught up; a standby is ready once the checkpoints stored in
 * the read store have reached the log head as it was when the standby started. `projections.lease`
 * says which role this instance has and who holds the lease.
 */
export function health(deps: ApiDeps): RequestHandler {
  return async (_req, res) => {
    const ready = deps.sync.ready();
    const projections = deps.sync.status();
    let stores: Record<string, unknown>;
    let storesOk = true;
    try {
      stores = await deps.describeStores();
    } catch (err) {
      storesOk = false;
      stores = { error: err instanceof Error ? err.message : String(err) };
    }
    const faulted = projections.projectors.filter((p) => p.faulted);
    const status = !ready ? 'starting' : !storesOk ? 'unavailable' : faulted.length ? 'degraded' : 'ok';
    // Rebuilds in progress (a new projector version, or an operator's): the version before keeps
    // serving meanwhile, so they do not make the service unready.
    const rebuilds = deps.rebuilds.all().filter((r) => r.state === 'running');
    res.status(ready && storesOk ? 200 : 503).json({ status, stores, projections, rebuilds });
  };
}

/** Until the read models have caught up, every other request gets 503 with Retry-After. */
export function readinessGate(deps: ApiDeps): RequestHandler {
  return (_req, res, next) => {
    if (deps.sync.ready()) return next();
    res.setHeader('Retry-After', '1');
    res.status(503).json({
      success: false,
      message: 'The service is starting; try again shortly',
      error: { code: 'SERVICE_UNAVAILABLE', message: 'The service is starting; try again shortly', details: {} },
    });
  };
}

/** GET /health, declared (its Health schema is declared with /ops, src/api/ops/schemas.ts). Before the readiness gate. */
export function healthRouter(deps: ApiDeps): Router {
  const handler = health(deps);
  return declareRoutes(Router(), [
    route({
      method: 'get',
      path: '/health',
      doc: {
        tag: PLATFORM_TAG,
        auth: false,
        gated: false,
        envelope: 'none',
        errors: 'auth',
        operationId: 'health',
        summary: 'Readiness: 200 once the read models have caught up with the log, 503 before',
        description: 'status: ok, degraded (a projector faulted), starting (catching up; 503) or unavailable (a store cannot be reached; 503).',
        success: [{ status: 200, description: 'Ready.', schema: ref('Health') }],
        extraResponses: { '503': { description: 'Starting, or a store cannot be reached.', content: { 'application/json': { schema: ref('Health') } } } },
      },
      handle: async (req, res) => {
        await handler(req, res, () => undefined);
      },
    }),
  ]);
}
