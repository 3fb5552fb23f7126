import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { submitServiceRequest, transitionServiceRequest, type ServiceRequestTransition } from '../../commands/service-requests';
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/shared/errors';
import type { ServiceRequestAction } from '../../domain/service-request';
import { getServiceRequest, listServiceRequests } from '../../projections/service-requests/queries';
import type { ServiceRequestDoc, ServiceRequestSummary } from '../../projections/service-requests/projector';
import { authenticate } from '../http/authenticate';
import { ifMatch, setEtag } from '../http/conditional';
import { metaFor, requireAuth, type AuthContext } from '../http/context';
import { idempotent } from '../http/idempotency';
import { jsonWithTexts, PresentedTexts, sendJsonText } from '../http/json-text';
import { singleFileUpload } from '../http/uploads';
import { validate } from '../http/validation';
import { declareRoutes, route } from '../http/route';
import { array, object, ref } from '../openapi/schema';
import { fileUrlFor, settle, type ApiDeps } from '../deps';
import { serviceRequestErrorHandler } from './errors';
import { canonicalFields, createServiceRequestBody, listQuery, transitionBodies } from './input';
import { may, SERVICE_REQUEST_PERMISSIONS as P, type ServiceRequestPermission } from './permissions';
import { parseStatus, presentServiceRequest, presentTimeline } from './presenter';
import { serviceRequestStream } from '../../domain/service-request';
import { ACTION_TEXT, createBody, SERVICE_REQUEST_SCHEMAS, SERVICE_REQUESTS_TAG } from './schemas';

function requirePermission(auth: AuthContext, permission: ServiceRequestPermission): void {
  if (!may(auth.role, permission)) throw new ForbiddenError('This action is unauthorized.');
}

/** Middleware: 403 unless the caller's role has the permission. */
const allowed = (permission: ServiceRequestPermission) => (req: Request, _res: Response, next: NextFunction) => {
  requirePermission(requireAuth(req), permission);
  next();
};

const base = { tag: SERVICE_REQUESTS_TAG, errors: 'serviceRequests' as const, envelope: 'none' as const, auth: true };
/** `:id`, the integer id (REQ-001 is 1); anything else names nothing (404). */
const idParams = z.object({
  id: z
    .string()
    .regex(/^\d{1,15}$/)
    .transform(Number)
    .describe('The request id (REQ-001 is 1).'),
});
const detailAnswer = object({ data: ref('ServiceRequestDetail') });

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
  /** List items without a photo, made once per version; one with a photo has a link signed for this request. */
  const itemTexts = new PresentedTexts((doc: ServiceRequestSummary) => presentServiceRequest(doc, null));

  const actions: ServiceRequestAction[] = ['approve', 'reject', 'start', 'complete', 'cancel'];
  declareRoutes(
    router,
    [
      route({
        method: 'get',
        path: '/',
        query: listQuery,
        before: [allowed('create')],
        // Items with a photo carry a link signed for the hour: such a page is made each time (fileUrlFor).
        keep: deps.keptAnswers,
        doc: {
          ...base,
          operationId: 'serviceRequestList',
          summary: 'List service requests',
          description: 'Newest first by default. Without `viewAll` a caller sees only their own requests.',
          queryDescriptions: {
            per_page: 'Items per page (default 10).',
            limit: 'Caps the page size.',
            status: 'A status code (in_progress), label (In Progress) or timeline label (Proses); unknown is 422.',
            search: 'Code, serial number, device, brand, model, description or requester.',
            order: 'asc or desc (any case; default desc).',
          },
          success: [
            {
              status: 200,
              description: 'A page of requests.',
              schema: object({ data: array(ref('ServiceRequest')), pagination: ref('ServiceRequestPagination') }),
            },
          ],
          statuses: [403],
          roles: P.create,
          rolesNote: `everyone's: ${P.viewAll.join(', ')}`,
        },
        handle: async (req, res, { query: q }) => {
          const auth = requireAuth(req);
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
          const page = {
            data: items.map((d) => (d.photo ? present(req, d) : itemTexts.textOf(d))),
            pagination: {
              current_page: q.page,
              last_page: Math.max(1, Math.ceil(total / perPage)),
              total,
              per_page: perPage,
            },
          };
          sendJsonText(res, 200, jsonWithTexts(page));
        },
      }),
      route({
        method: 'post',
        path: '/',
        before: [
          allowed('create'),
          singleFileUpload(
            { fileStore: deps.fileStore, ids: deps.commands.ids, clock: deps.commands.clock },
            { field: 'photo', maxBytes: deps.settings.uploadMaxBytes, accept: ['image'] },
          ),
          express.json({ limit: '64kb' }),
        ],
        after: [idempotent({ keys: deps.idempotency, fileStore: deps.fileStore, logger: deps.logger })],
        doc: {
          ...base,
          operationId: 'serviceRequestCreate',
          summary: 'Submit a service request (multipart with an optional photo, or JSON)',
          idempotencyKey: true,
          // Read by the handler: every alias of the Field Mapping table, the first one present wins.
          bodyDescription: 'Every alias of the Field Mapping table is accepted; the first one present wins.',
          multipart: { schema: createBody(true), encoding: { photo: { contentType: 'image/jpeg, image/png, image/gif, image/webp' } } },
          json: createBody(false),
          success: [{ status: 201, description: 'Submitted.', schema: detailAnswer, headers: ['ETag', 'Location'] }],
          statuses: [403, 409, 422],
          roles: P.create,
        },
        handle: async (req, res) => {
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
      }),
      route({
        method: 'get',
        path: '/:id',
        params: idParams,
        entity: 'Service request',
        doc: {
          ...base,
          operationId: 'serviceRequestGet',
          summary: 'A service request with its timeline',
          description: "Someone else's request is 404 for a caller without `viewAll`.",
          success: [{ status: 200, description: 'The request.', schema: detailAnswer, headers: ['ETag'] }],
          statuses: [404],
        },
        handle: async (req, res, { params: { id } }) => {
          const doc = await visible(req, id);
          setEtag(res, doc.revision, serviceRequestStream(doc.id));
          res.json({ data: detail(req, doc) });
        },
      }),
      route({
        method: 'get',
        path: '/:id/timeline',
        params: idParams,
        entity: 'Service request',
        doc: {
          ...base,
          operationId: 'serviceRequestTimeline',
          summary: 'The timeline of a service request',
          success: [{ status: 200, description: 'The timeline, oldest first.', schema: object({ data: array(ref('ServiceRequestTimelineEntry')) }), headers: ['ETag'] }],
          statuses: [404],
        },
        handle: async (req, res, { params: { id } }) => {
          const doc = await visible(req, id);
          setEtag(res, doc.revision, serviceRequestStream(doc.id));
          res.json({ data: presentTimeline(doc.timeline) });
        },
      }),
      ...actions.map((action) =>
        route({
          method: 'post',
          path: `/:id/${action}`,
          params: idParams,
          entity: 'Service request',
          body: transitionBodies[action],
          bodyLimit: '64kb',
          before: action === 'cancel' ? [] : [allowed(action)],
          doc: {
            ...base,
            operationId: `serviceRequest${action[0]!.toUpperCase()}${action.slice(1)}`,
            summary: ACTION_TEXT[action].summary,
            description: `${ACTION_TEXT[action].description} A step the current status does not allow is 422 with \`current_status\` and \`allowed_actions\`. An extension of document 001 (its timeline implies the workflow).`,
            ifMatch: true,
            bodyRequired: false,
            success: [{ status: 200, description: 'The request after the step.', schema: detailAnswer, headers: ['ETag'] }],
            statuses: [403, 404, 409],
            ...(action === 'cancel' ? {} : { roles: P[action] }),
          },
          handle: async (req, res, { params: { id }, body: parsed }) => {
            const auth = requireAuth(req);
            await visible(req, id);
            const body = parsed as { note?: string; reason?: string };
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
          },
        }),
      ),
    ],
    {
      tags: [
        {
          name: SERVICE_REQUESTS_TAG,
          description: 'Document 001, device repair requests with an approval timeline (docs/api/001-service-requests.md). Bare `{ data }` bodies; errors `{ message, errors }`.',
        },
      ],
      schemas: SERVICE_REQUEST_SCHEMAS,
    },
  );

  router.use(serviceRequestErrorHandler(deps.logger));
  return router;
}
