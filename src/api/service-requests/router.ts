import express, { Router, type Request } from 'express';
import { submitServiceRequest, transitionServiceRequest, type ServiceRequestTransition } from '../../commands/service-requests';
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/shared/errors';
import type { ServiceRequestAction } from '../../domain/service-request';
import { getServiceRequest, listServiceRequests } from '../../projections/service-requests/queries';
import type { ServiceRequestDoc, ServiceRequestSummary } from '../../projections/service-requests/projector';
import { authenticate } from '../http/authenticate';
import { ifMatch, setEtag } from '../http/conditional';
import { metaFor, requireAuth, type AuthContext } from '../http/context';
import { idempotent } from '../http/idempotency';
import { singleFileUpload } from '../http/uploads';
import { validate } from '../http/validation';
import { fileUrlFor, settle, type ApiDeps } from '../deps';
import { serviceRequestErrorHandler } from './errors';
import { canonicalFields, createServiceRequestBody, listQuery, transitionBodies } from './input';
import { may, type ServiceRequestPermission } from './permissions';
import { parseStatus, presentServiceRequest, presentTimeline } from './presenter';
import { serviceRequestStream } from '../../domain/service-request';

function requirePermission(auth: AuthContext, permission: ServiceRequestPermission): void {
  if (!may(auth.role, permission)) throw new ForbiddenError('This action is unauthorized.');
}

function parseId(raw: string): number {
  if (!/^\d{1,15}$/.test(raw)) throw new NotFoundError('Service request', raw);
  return Number(raw);
}

/**
 * Document 001, the Service Requests contract: GET/POST /api/services, GET /api/services/:id,
 * GET /api/services/:id/timeline, plus the workflow steps the document implies:
 * POST /api/services/:id/{approve,reject,start,complete,cancel}.
 */
export function serviceRequestsRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use(authenticate(deps, 'staff'));

  const visible = async (req: Request, id: number): Promise<ServiceRequestDoc> => {
    const auth = requireAuth(req);
    const doc = await getServiceRequest(deps.readStore, id);
    // Someone who may only see their own requests learns nothing about others' (404, not 403).
    if (!doc || (!may(auth.role, 'viewAll') && doc.requester_id !== auth.userId)) {
      throw new NotFoundError('Service request', String(id));
    }
    return doc;
  };
  const present = (req: Request, doc: ServiceRequestSummary) =>
    presentServiceRequest(doc, doc.photo ? fileUrlFor(deps, req)(doc.photo.fileId) : null);
  const detail = (req: Request, doc: ServiceRequestDoc) => ({ ...present(req, doc), timeline: presentTimeline(doc.timeline) });

  router.get('/', async (req, res) => {
    const auth = requireAuth(req);
    requirePermission(auth, 'create');
    const q = validate(listQuery, req.query);
    const status = q.status ? parseStatus(q.status) : undefined;
    if (status === null) throw new ValidationError({ status: ['The selected status is invalid.'] });
    const perPage = Math.min(q.per_page ?? q.limit ?? 10, q.limit ?? 100);
    const { items, total } = await listServiceRequests(deps.readStore, {
      requesterId: may(auth.role, 'viewAll') ? undefined : auth.userId,
      status,
      search: q.search || undefined,
      sort: q.sort,
      order: q.order,
      skip: (q.page - 1) * perPage,
      limit: perPage,
    });
    res.json({
      data: items.map((d) => present(req, d)),
      pagination: {
        current_page: q.page,
        last_page: Math.max(1, Math.ceil(total / perPage)),
        total,
        per_page: perPage,
      },
    });
  });

  router.post(
    '/',
    (req, _res, next) => {
      requirePermission(requireAuth(req), 'create');
      next();
    },
    singleFileUpload(
      { fileStore: deps.fileStore, ids: deps.commands.ids, clock: deps.commands.clock },
      { field: 'photo', maxBytes: deps.settings.uploadMaxBytes, accept: ['image'] },
    ),
    express.json({ limit: '64kb' }),
    idempotent({ keys: deps.idempotency, fileStore: deps.fileStore, logger: deps.logger }),
    async (req, res) => {
      const auth = requireAuth(req);
      let body;
      try {
        body = validate(createServiceRequestBody, canonicalFields((req.body ?? {}) as Record<string, unknown>));
      } catch (err) {
        if (req.storedFile) await deps.fileStore.delete(req.storedFile.id);
        throw err;
      }
      const photo = req.storedFile
        ? { fileId: req.storedFile.id, filename: req.storedFile.filename, contentType: req.storedFile.contentType, size: req.storedFile.size }
        : null;
      const { requestId, result } = await submitServiceRequest(
        deps.commands,
        {
          requester: { userId: auth.userId, name: auth.user.profile.full_name, department: auth.user.profile.department },
          deviceType: body.device_type,
          brand: body.brand,
          model: body.model,
          serialNumber: body.serial_number,
          serviceType: body.service_type,
          description: body.description,
          photo,
        },
        metaFor(req),
      );
      await settle(deps, req, result.position);
      const doc = await visible(req, requestId);
      setEtag(res, result.revision, serviceRequestStream(doc.id));
      res.setHeader('Location', `/api/services/${requestId}`);
      res.status(201).json({ data: detail(req, doc) });
    },
  );

  router.get('/:id', async (req, res) => {
    const doc = await visible(req, parseId(String(req.params.id)));
    setEtag(res, doc.revision, serviceRequestStream(doc.id));
    res.json({ data: detail(req, doc) });
  });

  router.get('/:id/timeline', async (req, res) => {
    const doc = await visible(req, parseId(String(req.params.id)));
    setEtag(res, doc.revision, serviceRequestStream(doc.id));
    res.json({ data: presentTimeline(doc.timeline) });
  });

  const actions: ServiceRequestAction[] = ['approve', 'reject', 'start', 'complete', 'cancel'];
  for (const action of actions) {
    router.post(`/:id/${action}`, express.json({ limit: '64kb' }), async (req, res) => {
      const auth = requireAuth(req);
      const id = parseId(String(req.params.id));
      if (action !== 'cancel') requirePermission(auth, action);
      await visible(req, id);
      const body = validate(transitionBodies[action], req.body ?? {}) as { note?: string; reason?: string };
      const transition: ServiceRequestTransition =
        action === 'reject'
          ? { action, reason: body.reason! }
          : action === 'cancel'
            ? { action, reason: body.reason || null, byAdministrator: may(auth.role, 'cancelAny') }
            : { action, note: body.note || null };
      const result = await transitionServiceRequest(
        deps.commands,
        id,
        { userId: auth.userId, name: auth.user.profile.full_name, role: auth.role },
        transition,
        metaFor(req),
        { ifMatch: ifMatch(req) },
      );
      await settle(deps, req, result.position);
      const doc = await visible(req, id);
      setEtag(res, result.revision, serviceRequestStream(doc.id));
      res.json({ data: detail(req, doc) });
    });
  }

  router.use(serviceRequestErrorHandler(deps.logger));
  return router;
}
