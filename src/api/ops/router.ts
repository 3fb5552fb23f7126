import { Router } from 'express';
import { z } from 'zod';
import { ForbiddenError, NotFoundError } from '../../domain/shared/errors';
import type { RecordedEvent } from '../../ports/event-store';
import { verifyChain } from '../../ports/hash-chain';
import { withoutBookkeeping } from '../../projections/engine/projector';
import { projectorLags } from '../../projections/engine/projector-lag';
import { authenticate } from '../http/authenticate';
import { documentErrorHandler } from '../http/errors';
import { requireAuth } from '../http/context';
import { declareRoutes, route } from '../http/route';
import { redactSecrets } from '../http/secrets';
import { array, boolean, integer, object, ref, string } from '../openapi/schema';
import type { ApiDeps } from '../deps';
import { OPS_SCHEMAS, runnerOptional, runnerStatus } from './schemas';

export const OPS_TAG = 'Operations';

/**
 * Operations for operators and analysts (super_admin only), in document 000's envelope, mounted
 * at /api/v1/ops and, as before, at /ops (the same router):
 *  GET  /projections                   runner position, every projector's checkpoint, lag, rebuild and comparison
 *  POST /projections/:name/rebuild     rebuild from position zero beside the live one, then swap (202)
 *  GET  /projections/:name/rebuild     progress of that rebuild
 *  POST /projections/:name/compare     replay into scratch collections and compare with the live ones (202)
 *  GET  /projections/:name/compare     progress and outcome of that comparison
 *  GET  /streams/:stream               every event of a stream, with metadata and hashes (secrets redacted)
 *  GET  /streams/:stream/verify        recompute the stream's hash chain
 *  GET  /read-models/:collection/:id   one read-model document
 * Auditors use /api/v1/audit (src/api/audit/) instead.
 */

/**
 * An event as stored, but for its secrets (password hashes, token ids, sealed credentials: see
 * secrets.ts), replaced by `[redacted]` and named in `redacted`. The hashes in the metadata are
 * those of the stored event; `/verify` checks the chain on the server over what is stored.
 */
function presentEvent(event: RecordedEvent): RecordedEvent & { redacted: string[] } {
  const { value, redacted } = redactSecrets(event.data);
  return { ...event, data: value, redacted: redacted.map((path) => `data.${path}`) };
}

const base = { tag: OPS_TAG, errors: 'tms' as const, envelope: 'tms' as const, auth: true, roles: ['super_admin'] as const };
const nameParams = z.object({ name: z.string().min(1).max(100).describe('A projector name (see GET /projections).') });
const streamParams = z.object({ stream: z.string().min(1).max(200).describe('A stream name, e.g. ticket-<id>.') });
const asOfQuery = z.object({
  as_of_revision: z.coerce
    .number({ error: 'The as of revision must be a non-negative integer.' })
    .int('The as of revision must be a non-negative integer.')
    .min(0, 'The as of revision must be a non-negative integer.')
    .optional(),
});

export function opsRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use(authenticate(deps, 'staff'));
  router.use((req, _res, next) => {
    if (requireAuth(req).role !== 'super_admin') throw new ForbiddenError('Only a super admin may use the operations API');
    next();
  });
  const store = deps.commands.eventStore;

  declareRoutes(
    router,
    [
      route({
        method: 'get',
        path: '/projections',
        doc: {
          ...base,
          operationId: 'opsProjections',
          summary: "Projection runner position; every projector's checkpoint, lag, rebuild and comparison",
          success: [
            {
              status: 200,
              description: 'The runner status, and per projector its lag behind the log (`lags`).',
              schema: object(
                {
                  head: integer('The log head.'),
                  ...runnerStatus,
                  lags: array(ref('OpsProjectorLag')),
                  rebuilds: array(ref('OpsRebuildProgress')),
                  comparisons: array(ref('OpsCompareProgress')),
                },
                { optional: runnerOptional },
              ),
            },
          ],
          statuses: [403],
        },
        handle: async (_req, res) => {
          const head = await store.headPosition();
          const status = deps.sync.status();
          const lags = await projectorLags(store, status, deps.commands.clock.now().getTime());
          res.json({ success: true, data: { head, ...status, lags, rebuilds: deps.rebuilds.all(), comparisons: deps.comparisons.all() } });
        },
      }),
      route({
        method: 'post',
        path: '/projections/:name/rebuild',
        params: nameParams,
        doc: {
          ...base,
          operationId: 'opsRebuildStart',
          summary: 'Rebuild a projection from position zero beside the live one, then swap (no downtime)',
          description:
            'Replays the log into fresh collections while the live ones keep serving, catches up with the head, pauses the runner for the last few events and swaps the new collections in in one transaction. Starting one that runs answers that one.',
          success: [{ status: 202, description: 'Started.', schema: object({ rebuild: ref('OpsRebuildProgress') }) }],
          statuses: [403, 404],
        },
        handle: (_req, res, { params: { name } }) => {
          const started = deps.rebuilds.start(name);
          if (!started) throw new NotFoundError('Projection', name);
          started.done.catch(() => undefined);
          res.status(202).json({ success: true, data: { rebuild: started.progress } });
        },
      }),
      route({
        method: 'get',
        path: '/projections/:name/rebuild',
        params: nameParams,
        doc: {
          ...base,
          operationId: 'opsRebuildStatus',
          summary: 'Progress of a rebuild',
          success: [{ status: 200, description: 'The progress.', schema: object({ rebuild: ref('OpsRebuildProgress') }) }],
          statuses: [403, 404],
        },
        handle: (_req, res, { params: { name } }) => {
          const progress = deps.rebuilds.status(name);
          if (!progress) throw new NotFoundError('Rebuild', name);
          res.json({ success: true, data: { rebuild: progress } });
        },
      }),
      route({
        method: 'post',
        path: '/projections/:name/compare',
        params: nameParams,
        doc: {
          ...base,
          operationId: 'opsCompareStart',
          summary: 'Check that a rebuild equals the live read model, document for document',
          description: 'Replays the projector from position zero into scratch collections up to the position the live documents reflect, compares every document, and drops the scratch collections. The live ones keep serving and are not written.',
          success: [{ status: 202, description: 'Started.', schema: object({ comparison: ref('OpsCompareProgress') }) }],
          statuses: [403, 404],
        },
        handle: (_req, res, { params: { name } }) => {
          const started = deps.comparisons.start(name);
          if (!started) throw new NotFoundError('Projection', name);
          started.done.catch(() => undefined);
          res.status(202).json({ success: true, data: { comparison: started.progress } });
        },
      }),
      route({
        method: 'get',
        path: '/projections/:name/compare',
        params: nameParams,
        doc: {
          ...base,
          operationId: 'opsCompareStatus',
          summary: 'Progress and outcome of a comparison',
          success: [{ status: 200, description: 'The progress (`state`: equal or different once finished).', schema: object({ comparison: ref('OpsCompareProgress') }) }],
          statuses: [403, 404],
        },
        handle: (_req, res, { params: { name } }) => {
          const progress = deps.comparisons.status(name);
          if (!progress) throw new NotFoundError('Comparison', name);
          res.json({ success: true, data: { comparison: progress } });
        },
      }),
      route({
        method: 'get',
        path: '/streams/:stream',
        params: streamParams,
        query: asOfQuery,
        doc: {
          ...base,
          operationId: 'opsStream',
          summary: 'Every event of a stream, with metadata and hashes',
          queryDescriptions: { as_of_revision: 'Only events up to this revision (a non-negative integer; 422 otherwise).' },
          success: [
            {
              status: 200,
              description: 'The stream.',
              schema: object({ stream: string(), revision: integer('The last revision.'), events: array(ref('OpsRecordedEvent')) }),
            },
          ],
          statuses: [403, 404],
        },
        handle: async (_req, res, { params: { stream }, query }) => {
          const events = await store.readStream(stream);
          if (events.length === 0) throw new NotFoundError('Stream', stream);
          const asOf = query.as_of_revision;
          const shown = (asOf === undefined ? events : events.filter((e) => e.revision <= asOf)).map(presentEvent);
          res.json({ success: true, data: { stream, revision: events[events.length - 1]!.revision, events: shown } });
        },
      }),
      route({
        method: 'get',
        path: '/streams/:stream/verify',
        params: streamParams,
        doc: {
          ...base,
          operationId: 'opsStreamVerify',
          summary: 'Recompute the hash chain of a stream',
          success: [
            {
              status: 200,
              description: 'The verification.',
              schema: object({
                verification: object(
                  { streamName: string(), valid: boolean(), eventCount: integer(), lastHash: string(), brokenAt: object({ revision: integer(), reason: string() }) },
                  { optional: ['brokenAt'] },
                ),
              }),
            },
          ],
          statuses: [403, 404],
        },
        handle: async (_req, res, { params: { stream } }) => {
          const events = await store.readStream(stream);
          if (events.length === 0) throw new NotFoundError('Stream', stream);
          res.json({ success: true, data: { verification: verifyChain(stream, events) } });
        },
      }),
      route({
        method: 'get',
        path: '/read-models/:collection/:id',
        params: z.object({
          collection: z.string().min(1).max(200).describe('A read model collection (tickets, users, ...).'),
          id: z.string().min(1).max(500).describe('The document’s _id.'),
        }),
        doc: {
          ...base,
          operationId: 'opsReadModelDocument',
          summary: 'One read model document, without bookkeeping fields',
          success: [{ status: 200, description: 'The document.', schema: object({ document: { type: 'object' } }) }],
          statuses: [403, 404],
        },
        handle: async (_req, res, { params }) => {
          const doc = await deps.readStore.collection(params.collection).findOne({ _id: params.id });
          if (!doc) throw new NotFoundError('Document', params.id);
          res.json({ success: true, data: { document: redactSecrets(withoutBookkeeping(doc)).value } });
        },
      }),
    ],
    {
      tags: [{ name: OPS_TAG, description: 'For operators and analysts (super_admin only), in document 000’s envelope. Also at /ops/*. Auditors: see Audit.' }],
      schemas: OPS_SCHEMAS,
    },
  );

  router.use(
    documentErrorHandler(deps.logger, (p) => ({
      success: false,
      error: { code: p.code, message: p.message, details: p.fields ?? p.details ?? {} },
    })),
  );
  return router;
}
