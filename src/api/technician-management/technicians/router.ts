import express, { Router, type Request } from 'express';
import { changeTechnician, type TechnicianChange } from '../../../commands/technicians';
import { ForbiddenError, NotFoundError } from '../../../domain/shared/errors';
import { findPerformance, findPerformances, findTechnician, listTechnicians } from '../../../projections/technicians/queries';
import type { TechnicianDoc } from '../../../projections/technicians/profile-projector';
import { authenticate } from '../../http/authenticate';
import { ifMatch, setEtag, uuidParam } from '../../http/conditional';
import { metaFor, requireAuth } from '../../http/context';
import { validate } from '../../http/validation';
import { settle, type ApiDeps } from '../../deps';
import { ok, pageOf, pagination } from '../envelope';
import { tmsErrorHandler } from '../errors';
import { allows, permit } from '../permissions';
import { availabilityBody, listQuery, locationBody, skillsBody } from './input';
import { TECHNICIAN_PERMISSIONS as P } from './permissions';
import { presentTechnician } from './presenter';
import { technicianStream } from '../../../domain/technician';

const technicianId = (req: Request): string => uuidParam(req, 'Technician');

const json = express.json({ limit: '16kb' });

/**
 * Document 000 "Technician Management", mounted at /api/technicians: the list, a technician,
 * their location, availability and performance, plus PUT /:id for skills and service areas
 * (an extension: the document has no way to set them). GET /:id/tickets belongs to the tickets
 * area; it is not matched here and falls through to that router.
 */
export function techniciansRouter(deps: ApiDeps): Router {
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

  router.get('/', permit(P, 'list'), async (req, res) => {
    const auth = requireAuth(req);
    const q = validate(listQuery, req.query);
    const page = pageOf(q);
    const { items, total } = await listTechnicians(deps.readStore, {
      onlyId: allows(P, 'viewAll', auth.role) ? undefined : auth.userId,
      isAvailable: q.is_available,
      serviceArea: q.service_area || undefined,
      skills: q.skills,
      skip: page.skip,
      limit: page.limit,
    });
    const performance = await findPerformances(
      deps.readStore,
      items.map((d) => d.id),
    );
    ok(res, {
      technicians: items.map((d) => presentTechnician(d, performance.get(d.id)!)),
      pagination: pagination(page, total),
    });
  });

  router.get('/:id', permit(P, 'view'), async (req, res) => {
    const id = technicianId(req);
    requireReadable(req, id);
    const doc = await load(id);
    setEtag(res, doc.revision, technicianStream(id));
    ok(res, { technician: await present(doc) });
  });

  router.get('/:id/performance', permit(P, 'performance'), async (req, res) => {
    const id = technicianId(req);
    requireReadable(req, id);
    await load(id);
    ok(res, { performance: await findPerformance(deps.readStore, id) });
  });

  const write = async (req: Request, res: express.Response, id: string, change: TechnicianChange) => {
    const result = await changeTechnician(deps.commands, id, change, metaFor(req), { ifMatch: ifMatch(req) });
    await settle(deps, req, result.position);
    const doc = await load(id);
    setEtag(res, result.revision, technicianStream(id));
    ok(res, { technician: await present(doc) });
  };

  router.put('/:id/location', permit(P, 'updateLocation'), json, async (req, res) => {
    const id = technicianId(req);
    requireManageable(req, id);
    const body = validate(locationBody, req.body ?? {});
    await write(req, res, id, { type: 'UpdateTechnicianLocation', lat: body.lat, lng: body.lng });
  });

  router.put('/:id/availability', permit(P, 'updateAvailability'), json, async (req, res) => {
    const id = technicianId(req);
    requireManageable(req, id);
    const body = validate(availabilityBody, req.body ?? {});
    await write(req, res, id, { type: 'ChangeTechnicianAvailability', isAvailable: body.is_available, reason: body.reason ?? null });
  });

  router.put('/:id', permit(P, 'updateSkills'), json, async (req, res) => {
    const id = technicianId(req);
    const body = validate(skillsBody, req.body ?? {});
    await write(req, res, id, { type: 'UpdateTechnicianSkills', skills: body.skills, serviceAreas: body.service_areas });
  });

  router.use(tmsErrorHandler(deps.logger));
  return router;
}
