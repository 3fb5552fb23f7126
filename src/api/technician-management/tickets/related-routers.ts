import { Router } from 'express';
import { ForbiddenError, NotFoundError } from '../../../domain/shared/errors';
import { findCustomer, listCustomerTickets, listTechnicianTickets } from '../../../projections/tickets/queries';
import { findUserById } from '../../../projections/users/queries';
import { authenticate } from '../../http/authenticate';
import { requireAuth } from '../../http/context';
import { declareRoutes, route } from '../../http/route';
import type { ApiDeps } from '../../deps';
import { okWithTexts, pageOf, pagination } from '../envelope';
import { tmsErrorHandler } from '../errors';
import { TAGS, tms, uuidParams } from '../openapi';
import { allows, permit } from '../permissions';
import { presentPage, scopeOf, type TicketTexts } from './access';
import { checkRange, customerTicketsQuery, technicianTicketsQuery } from './input';
import { TICKET_PERMISSIONS as P } from './permissions';
import { DATE_BOUND, ticketList } from './router';

const base = { ...tms, tag: TAGS.tickets };

/**
 * GET /api/customers/:id/tickets, answered from the tickets read model. Mounted at /customers
 * before the customers area's router and defining only this route, with authentication on the
 * route itself, so every other /customers request falls through untouched.
 */
export function customerTicketsRouter(deps: ApiDeps, texts: TicketTexts): Router {
  const router = Router();
  declareRoutes(router, [
    route({
      method: 'get',
      path: '/:id/tickets',
      params: uuidParams('customer'),
      entity: 'Customer',
      query: customerTicketsQuery,
      before: [authenticate(deps, 'staff'), permit(P, 'view')],
      keep: deps.keptAnswers,
      doc: {
        ...base,
        operationId: 'customerTickets',
        summary: 'A customer’s tickets',
        success: [{ status: 200, description: 'A page of the customer’s tickets.', schema: ticketList }],
        statuses: [403, 404],
        roles: P.view,
        rolesNote: 'a customer: their own record; a technician: the tickets assigned to them',
      },
      handle: async (req, res, { params: { id: customerId }, query: q }) => {
        const auth = requireAuth(req);
        const scope = await scopeOf(deps, auth);
        // A customer sees only their own record's tickets (403 otherwise, as for the record itself).
        if (scope.customerIds && !scope.customerIds.includes(customerId)) {
          throw new ForbiddenError("You may only view your own customer record's tickets");
        }
        if (!(await findCustomer(deps.readStore, customerId))) throw new NotFoundError('Customer', customerId);
        const page = pageOf(q);
        const { items, total } = await listCustomerTickets(deps.readStore, customerId, { status: q.status }, page, scope);
        okWithTexts(res, { tickets: await presentPage(deps, texts, items), pagination: pagination(page, total) });
      },
    }),
  ]);
  // Errors of this route only: other /customers requests never reach a handler here.
  router.use('/:id/tickets', tmsErrorHandler(deps.logger));
  return router;
}

/**
 * GET /api/technicians/:id/tickets (status, date_from, date_to on created_at), answered from
 * the tickets read model; mounted at /technicians like customerTicketsRouter.
 */
export function technicianTicketsRouter(deps: ApiDeps, texts: TicketTexts): Router {
  const router = Router();
  declareRoutes(router, [
    route({
      method: 'get',
      path: '/:id/tickets',
      params: uuidParams('technician (user)'),
      entity: 'Technician',
      query: technicianTicketsQuery,
      before: [authenticate(deps, 'staff'), permit(P, 'viewTechnicianTickets')],
      keep: deps.keptAnswers,
      doc: {
        ...base,
        operationId: 'technicianTickets',
        summary: 'A technician’s tickets',
        queryDescriptions: {
          date_from: `${DATE_BOUND} Bounds created_at.`,
          date_to: `${DATE_BOUND} Bounds created_at; after date_from.`,
        },
        success: [{ status: 200, description: 'A page of the technician’s tickets.', schema: ticketList }],
        statuses: [403, 404],
        roles: P.viewTechnicianTickets,
        rolesNote: 'a technician: their own',
      },
      handle: async (req, res, { params: { id: technicianId }, query: q }) => {
        const auth = requireAuth(req);
        if (!allows(P, 'viewAll', auth.role) && technicianId !== auth.userId) {
          throw new ForbiddenError('You may only view your own tickets');
        }
        checkRange(q, 'date_from', 'date_to');
        const user = await findUserById(deps.readStore, technicianId);
        if (!user || user.role !== 'technician') throw new NotFoundError('Technician', technicianId);
        const page = pageOf(q);
        const { items, total } = await listTechnicianTickets(deps.readStore, technicianId, { status: q.status, createdFrom: q.date_from, createdTo: q.date_to }, page);
        okWithTexts(res, { tickets: await presentPage(deps, texts, items), pagination: pagination(page, total) });
      },
    }),
  ]);
  router.use('/:id/tickets', tmsErrorHandler(deps.logger));
  return router;
}
