import { Router } from 'express';
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/shared/errors';
import type { RecordedEvent } from '../../ports/event-store';
import { verifyChain } from '../../ports/hash-chain';
import { withoutBookkeeping } from '../../projections/engine/projector';
import { authenticate } from '../http/authenticate';
import { documentErrorHandler } from '../http/errors';
import { requireAuth } from '../http/context';
import { redactSecrets } from '../http/secrets';
import type { ApiDeps } from '../deps';

/**
 * Operations for auditors and analysts (super_admin only), in document 000's envelope:
 *  GET  /ops/projections                   runner position, checkpoints, faults, rebuild progress
 *  POST /ops/projections/:name/rebuild     rebuild from position zero beside the live one, then swap (202)
 *  GET  /ops/projections/:name/rebuild     progress of that rebuild
 *  GET  /ops/streams/:stream               every event of a stream, with metadata and hashes (secrets redacted)
 *  GET  /ops/streams/:stream/verify        recompute the stream's hash chain
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

export function opsRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use(authenticate(deps, 'staff'));
  router.use((req, _res, next) => {
    if (requireAuth(req).role !== 'super_admin') throw new ForbiddenError('Only a super admin may use the operations API');
    next();
  });

  router.get('/projections', async (_req, res) => {
    const head = await deps.commands.eventStore.headPosition();
    res.json({ success: true, data: { head, ...deps.sync.status(), rebuilds: deps.rebuilds.all() } });
  });

  router.post('/projections/:name/rebuild', (req, res) => {
    const started = deps.rebuilds.start(String(req.params.name));
    if (!started) throw new NotFoundError('Projection', String(req.params.name));
    started.done.catch(() => undefined);
    res.status(202).json({ success: true, data: { rebuild: started.progress } });
  });

  router.get('/projections/:name/rebuild', (req, res) => {
    const progress = deps.rebuilds.status(String(req.params.name));
    if (!progress) throw new NotFoundError('Rebuild', String(req.params.name));
    res.json({ success: true, data: { rebuild: progress } });
  });

  router.get('/streams/:stream', async (req, res) => {
    const stream = String(req.params.stream);
    const events = await deps.commands.eventStore.readStream(stream);
    if (events.length === 0) throw new NotFoundError('Stream', stream);
    const asOf = typeof req.query.as_of_revision === 'string' ? Number(req.query.as_of_revision) : undefined;
    if (asOf !== undefined && (!Number.isInteger(asOf) || asOf < 0)) {
      throw new ValidationError({ as_of_revision: ['The as of revision must be a non-negative integer.'] });
    }
    const shown = (asOf === undefined ? events : events.filter((e) => e.revision <= asOf)).map(presentEvent);
    res.json({ success: true, data: { stream, revision: events[events.length - 1]!.revision, events: shown } });
  });

  router.get('/streams/:stream/verify', async (req, res) => {
    const stream = String(req.params.stream);
    const events = await deps.commands.eventStore.readStream(stream);
    if (events.length === 0) throw new NotFoundError('Stream', stream);
    res.json({ success: true, data: { verification: verifyChain(stream, events) } });
  });

  router.get('/read-models/:collection/:id', async (req, res) => {
    const doc = await deps.readStore.collection(String(req.params.collection)).findOne({ _id: String(req.params.id) });
    if (!doc) throw new NotFoundError('Document', String(req.params.id));
    res.json({ success: true, data: { document: redactSecrets(withoutBookkeeping(doc)).value } });
  });

  router.use(
    documentErrorHandler(deps.logger, (p) => ({
      success: false,
      error: { code: p.code, message: p.message, details: p.fields ?? p.details ?? {} },
    })),
  );
  return router;
}
