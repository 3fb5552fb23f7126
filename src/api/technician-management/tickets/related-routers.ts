import { Router, type Request, type Response } from 'express';
import { ForbiddenError, NotFoundError } from '../../../domain/shared/errors';
import { findCustomer, listCustomerTickets, listTechnicianTickets } from '../../../projections/tickets/queries';
import { findUserById } from '../../../projections/users/queries';
import { authenticate } from '../../http/authenticate';
import { requireAuth } from '../../http/context';
import { validate } from '../../http/validation';
import type { ApiDeps } from '../../deps';
import { ok, pageOf, pagination } from '../envelope';
import { uuidParam } from '../../http/conditional';
import { tmsErrorHandler } from '../errors';
import { allows, permit } from '../permissions';
import { presentPage, scopeOf } from './access';
import { customerTicketsQuery, parseTechnicianTicketsQuery } from './input';
import { TICKET_PERMISSIONS as P } from './permissions';

const idOf = (req: Request, entity: string): string => uuidParam(req, entity);

/**
 * GET /api/customers/:id/tickets, answered from the tickets read model. Mounted at /customers
 * before the customers area's router and defining only this route, with authentication on the
 * route itself, so every other /customers request falls through untouched.
 */
export function customerTicketsRouter(deps: ApiDeps): Router {
  const router = Router();
  router.get(
    '/:id/tickets',
    authenticate(deps, 'staff'),
    permit(P, 'view'),
    async (req: Request, res: Response) => {
      const auth = requireAuth(req);
      const customerId = idOf(req, 'Customer');
      const q = validate(customerTicketsQuery, req.query);
      const scope = await scopeOf(deps, auth);
      // A customer sees only their own record's tickets (403 otherwise, as for the record itself).
      if (scope.customerIds && !scope.customerIds.includes(customerId)) {
        throw new ForbiddenError("You may only view your own customer record's tickets");
      }
      if (!(await findCustomer(deps.readStore, customerId))) throw new NotFoundError('Customer', customerId);
      const page = pageOf(q);
      const { items, total } = await listCustomerTickets(deps.readStore, customerId, { status: q.status }, page, scope);
      ok(res, { tickets: await presentPage(deps, items), pagination: pagination(page, total) });
    },
    tmsErrorHandler(deps.logger),
  );
  return router;
}

/**
 * GET /api/technicians/:id/tickets (status, date_from, date_to on created_at), answered from
 * the tickets read model; mounted at /technicians like customerTicketsRouter.
 */
export function technicianTicketsRouter(deps: ApiDeps): Router {
  const router = Router();
  router.get(
    '/:id/tickets',
    authenticate(deps, 'staff'),
    permit(P, 'viewTechnicianTickets'),
    async (req: Request, res: Response) => {
      const auth = requireAuth(req);
      const technicianId = idOf(req, 'Technician');
      if (!allows(P, 'viewAll', auth.role) && technicianId !== auth.userId) {
        throw new ForbiddenError("You may only view your own tickets");
      }
      const q = parseTechnicianTicketsQuery(req);
      const user = await findUserById(deps.readStore, technicianId);
      if (!user || user.role !== 'technician') throw new NotFoundError('Technician', technicianId);
      const page = pageOf(q);
      const { items, total } = await listTechnicianTickets(
        deps.readStore,
        technicianId,
        { status: q.status, createdFrom: q.date_from, createdTo: q.date_to },
        page,
      );
      ok(res, { tickets: await presentPage(deps, items), pagination: pagination(page, total) });
    },
    tmsErrorHandler(deps.logger),
  );
  return router;
}
