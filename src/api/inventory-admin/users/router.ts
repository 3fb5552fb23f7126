import { Router } from 'express';
import { listPeople } from '../../../projections/inventory/queries';
import type { ApiDeps } from '../../deps';
import { declareRoutes, route } from '../../http/route';
import { permit } from '../../technician-management/permissions';
import { pageOf, paged } from '../envelope';
import { lookups } from '../lookups';
import { ALWAYS, base, components } from '../openapi';
import { INVENTORY_ADMIN_PERMISSIONS as P } from '../permissions';
import { pageOf as pageSchema } from '../schemas';
import { listUsersQuery } from './input';
import { presentUser, shownByUser } from './presenter';
import { PresentedTexts } from '../../http/json-text';

/**
 * Document 003 "Users Management", mounted at /api/v1/admin/users: the staff users (everyone but
 * customers' logins) with their employee fields, by user id; their employee fields are set
 * through document 000's POST/PUT /api/users (`profile.pn`, `position`, `department_id`, `branch_id`).
 */
export function inventoryUsersRouter(deps: ApiDeps): Router {
  const userTexts = new PresentedTexts(presentUser, shownByUser);
  const router = Router();
  declareRoutes(
    router,
    [
      route({
        method: 'get',
        path: '/',
        query: listUsersQuery,
        before: [permit(P, 'viewUsers')],
        keep: deps.keptAnswers,
        doc: {
          ...base,
          operationId: 'inventoryUserList',
          summary: 'List users',
          description: 'Staff users by userId (the integer id users carry for every document), with the number of devices each holds now.',
          queryDescriptions: { search: 'Words of the name, or the beginning of the personnel number (pn).' },
          success: [{ status: 200, description: 'A page of users.', schema: pageSchema('InventoryUser') }],
          statuses: ALWAYS,
          roles: P.viewUsers,
        },
        handle: async (_req, res, { query }) => {
          const { items, total } = await listPeople(deps.readStore, { search: query.search, departmentId: query.departmentId, branchId: query.branchId, ...pageOf(query) });
          const l = await lookups(deps.readStore, { userIds: items.map((p) => p._id), departments: true });
          paged(res, userTexts.page(items, l), query, total);
        },
      }),
    ],
    components,
  );
  return router;
}
