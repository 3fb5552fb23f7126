import { Router, type Request, type Response } from 'express';
import { changeTechnician, type TechnicianChange } from '../../../commands/technicians';
import { ForbiddenError, NotFoundError } from '../../../domain/shared/errors';
import { technicianStream } from '../../../domain/technician';
import { findPerformance, findPerformanceDocs, findTechnician, listTechnicians, performanceFigures } from '../../../projections/technicians/queries';
import type { TechnicianPerformanceDoc } from '../../../projections/technicians/performance-projector';
import type { TechnicianDoc } from '../../../projections/technicians/profile-projector';
import { authenticate } from '../../http/authenticate';
import { ifMatch, setEtag } from '../../http/conditional';
import { metaFor, requireAuth } from '../../http/context';
import { declareRoutes, route } from '../../http/route';
import { pagination as paginationSchema } from '../../openapi/components';
import { array, object, ref } from '../../openapi/schema';
import { settle, type ApiDeps } from '../../deps';
import { ok, okWithTexts, pageOf, pagination } from '../envelope';
import { PresentedTexts } from '../../http/json-text';
import { tmsErrorHandler } from '../errors';
import { TAGS, tms, uuidParams } from '../openapi';
import { allows, permit } from '../permissions';
import { availabilityBody, listQuery, locationBody, skillsBody } from './input';
import { TECHNICIAN_PERMISSIONS as P } from './permissions';
import { presentTechnician, TECHNICIAN_SCHEMAS } from './presenter';

const base = { ...tms, tag: TAGS.technicians };
const technicianParams = uuidParams('technician (user)');
const technicianAnswer = object({ technician: ref('TmsTechnician') });
const write = { ifMatch: true, statuses: [403, 404, 409] };

/**
 * Document 000 "Technician Management", mounted at /api/technicians: the list, a technician,
 * their location, availability and performance, plus PUT /:id for skills and service areas
 * (an extension: the document has no way to set them). GET /:id/tickets belongs to the tickets
 * area; it is not matched here and falls through to that router.
 */
export function techniciansRouter(deps: ApiDeps): Router {
  // A list item shows the technician's document and their running totals (performance).
  const technicianTexts = new PresentedTexts(
    (doc: TechnicianDoc, totals: ReadonlyMap<string, TechnicianPerformanceDoc>) => presentTechnician(doc, performanceFigures(totals.get(doc.id))),
    (doc, totals) => [totals.get(doc.id)],
  );
  const router = Router();
  router.use(authenticate(deps, 'staff'));

  /** A technician reads only themself unless their role may read everyone (403 otherwise). */
  const requireReadable = (req: Request, id: string): void => {
    const auth = requireAuth(req);
    if (!allows(P, 'viewAll', auth.role) && id !== auth.userId) {
      throw new ForbiddenError('You may only view your own technician profile');
    }
  };
  const requireManageable = (req: Request, id: string): void => {
    const auth = requireAuth(req);
    if (!allows(P, 'manageOthers', auth.role) && id !== auth.userId) {
      throw new ForbiddenError('You may only update your own location and availability');
    }
  };
  const load = async (id: string): Promise<TechnicianDoc> => {
    const doc = await findTechnician(deps.readStore, id);
    if (!doc) throw new NotFoundError('Technician', id);
    return doc;
  };
  const present = async (doc: TechnicianDoc) => presentTechnician(doc, await findPerformance(deps.readStore, doc.id));
  const change = async (req: Request, res: Response, id: string, c: TechnicianChange) => {
    const result = await changeTechnician(deps.commands, id, c, metaFor(req), { ifMatch: ifMatch(req) });
    await settle(deps, req, result.position);
    const doc = await load(id);
    setEtag(res, result.revision, technicianStream(id));
    ok(res, { technician: await present(doc) });
  };

  declareRoutes(
    router,
    [
      route({
        method: 'get',
        path: '/',
        query: listQuery,
        before: [permit(P, 'list')],
        keep: deps.keptAnswers,
        doc: {
          ...base,
          operationId: 'technicianList',
          summary: 'List technicians',
          queryDescriptions: {
            is_available: 'true/false (or 1/0).',
            service_area: 'Case-insensitive.',
            skills: 'Comma-separated; a technician with every skill named matches (case-insensitive).',
          },
          success: [{ status: 200, description: 'A page of technicians.', schema: object({ technicians: array(ref('TmsTechnician')), pagination: paginationSchema }) }],
          statuses: [403],
          roles: P.list,
          rolesNote: 'a technician sees only themself',
        },
        handle: async (req, res, { query: q }) => {
          const auth = requireAuth(req);
          const page = pageOf(q);
          const { items, total } = await listTechnicians(deps.readStore, {
            onlyId: allows(P, 'viewAll', auth.role) ? undefined : auth.userId,
            isAvailable: q.is_available,
            serviceArea: q.service_area || undefined,
            skills: q.skills,
            skip: page.skip,
            limit: page.limit,
          });
          const totals = await findPerformanceDocs(
            deps.readStore,
            items.map((d) => d.id),
          );
          okWithTexts(res, { technicians: technicianTexts.page(items, totals), pagination: pagination(page, total) });
        },
      }),
      route({
        method: 'get',
        path: '/:id',
        params: technicianParams,
        entity: 'Technician',
        before: [permit(P, 'view')],
        doc: {
          ...base,
          operationId: 'technicianGet',
          summary: 'A technician',
          success: [{ status: 200, description: 'The technician.', schema: technicianAnswer, headers: ['ETag'] }],
          statuses: [403, 404],
          roles: P.view,
          rolesNote: 'a technician: their own id',
        },
        handle: async (req, res, { params: { id } }) => {
          requireReadable(req, id);
          const doc = await load(id);
          setEtag(res, doc.revision, technicianStream(id));
          ok(res, { technician: await present(doc) });
        },
      }),
      route({
        method: 'get',
        path: '/:id/performance',
        params: technicianParams,
        entity: 'Technician',
        before: [permit(P, 'performance')],
        doc: {
          ...base,
          operationId: 'technicianPerformance',
          summary: 'A technician’s performance figures',
          success: [{ status: 200, description: 'The figures.', schema: object({ performance: ref('TmsTechnicianPerformance') }) }],
          statuses: [403, 404],
          roles: P.performance,
          rolesNote: 'a technician: their own id',
        },
        handle: async (req, res, { params: { id } }) => {
          requireReadable(req, id);
          await load(id);
          ok(res, { performance: await findPerformance(deps.readStore, id) });
        },
      }),
      route({
        method: 'put',
        path: '/:id/location',
        params: technicianParams,
        entity: 'Technician',
        body: locationBody,
        bodyLimit: '16kb',
        before: [permit(P, 'updateLocation')],
        doc: {
          ...base,
          ...write,
          operationId: 'technicianUpdateLocation',
          summary: 'Update the current location',
          success: [{ status: 200, description: 'The technician after the change.', schema: technicianAnswer, headers: ['ETag'] }],
          roles: P.updateLocation,
          rolesNote: `a technician: their own id; others: ${P.manageOthers.join(', ')}`,
        },
        handle: async (req, res, { params: { id }, body }) => {
          requireManageable(req, id);
          await change(req, res, id, { type: 'UpdateTechnicianLocation', lat: body.lat, lng: body.lng });
        },
      }),
      route({
        method: 'put',
        path: '/:id/availability',
        params: technicianParams,
        entity: 'Technician',
        body: availabilityBody,
        bodyLimit: '16kb',
        before: [permit(P, 'updateAvailability')],
        doc: {
          ...base,
          ...write,
          operationId: 'technicianUpdateAvailability',
          summary: 'Update availability',
          description: 'The reason is required when is_available is false (422).',
          success: [{ status: 200, description: 'The technician after the change.', schema: technicianAnswer, headers: ['ETag'] }],
          roles: P.updateAvailability,
          rolesNote: `a technician: their own id; others: ${P.manageOthers.join(', ')}`,
        },
        handle: async (req, res, { params: { id }, body }) => {
          requireManageable(req, id);
          await change(req, res, id, { type: 'ChangeTechnicianAvailability', isAvailable: body.is_available, reason: body.reason ?? null });
        },
      }),
      route({
        method: 'put',
        path: '/:id',
        params: technicianParams,
        entity: 'Technician',
        body: skillsBody,
        bodyLimit: '16kb',
        before: [permit(P, 'updateSkills')],
        doc: {
          ...base,
          ...write,
          operationId: 'technicianUpdateSkills',
          summary: 'Replace skills and service areas (extension)',
          description: 'Not in document 000, which has no way to set them. At least one of the two lists.',
          success: [{ status: 200, description: 'The technician after the change.', schema: technicianAnswer, headers: ['ETag'] }],
          roles: P.updateSkills,
        },
        handle: async (req, res, { params: { id }, body }) => {
          await change(req, res, id, { type: 'UpdateTechnicianSkills', skills: body.skills, serviceAreas: body.service_areas });
        },
      }),
    ],
    {
      tags: [
        {
          name: TAGS.technicians,
          description: 'Document 000, technicians: location, availability, skills and performance (docs/api/000-technicians.md). The tickets of a technician are under 000 · Tickets.',
        },
      ],
      schemas: TECHNICIAN_SCHEMAS,
    },
  );

  router.use(tmsErrorHandler(deps.logger));
  return router;
}
