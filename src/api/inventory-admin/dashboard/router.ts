import { Router } from 'express';
import { deviceCounters, devicesPerBranch, recentActivity } from '../../../projections/inventory/queries';
import type { ApiDeps } from '../../deps';
import { declareRoutes, route } from '../../http/route';
import { ref } from '../../openapi/schema';
import { permit } from '../../technician-management/permissions';
import { data } from '../envelope';
import { lookups } from '../lookups';
import { ALWAYS, base, components } from '../openapi';
import { INVENTORY_ADMIN_PERMISSIONS as P } from '../permissions';
import { dataOf } from '../schemas';
import { ACTIVITY_LOG_LENGTH, dashboardQuery } from './input';
import { presentCharts, presentKpis } from './presenter';

/**
 * Document 003 "KPI Dashboard" and "Chart Data", mounted at /api/v1/admin/dashboard: figures
 * read from counters the inventory projection maintains (one document per branch and one for
 * all), never counted by scanning; the activity log from entries derived from device and
 * assignment events. `branchId` narrows all of it to one branch.
 */
export function dashboardRouter(deps: ApiDeps): Router {
  const router = Router();
  declareRoutes(
    router,
    [
      route({
        method: 'get',
        path: '/kpis',
        query: dashboardQuery,
        before: [permit(P, 'dashboard')],
        doc: {
          ...base,
          operationId: 'inventoryKpis',
          summary: 'Key figures and the latest activity',
          description:
            'totalDevices = inUse + available + damaged: damaged is every device in condition Rusak, inUse the others someone holds, available the others no one holds. activityLog: the latest 20 device and assignment events (type device-created, device-updated, device-asigned (the document\'s spelling), assignment-updated, device-returned, assignment-cancelled, device-deleted), date and time in INVENTORY_TIMEZONE.',
          success: [{ status: 200, description: 'The KPIs.', schema: dataOf(ref('InventoryKpis')) }],
          statuses: ALWAYS,
          roles: P.dashboard,
        },
        handle: async (_req, res, { query }) => {
          const [figures, activity] = await Promise.all([
            deviceCounters(deps.readStore, query.branchId),
            recentActivity(deps.readStore, ACTIVITY_LOG_LENGTH, query.branchId),
          ]);
          const l = await lookups(deps.readStore, { userIds: activity.flatMap((a) => [a.actor_user_id, a.holder_user_id]) });
          data(res, presentKpis(figures, activity, l, deps.commands.inventory.timeZone));
        },
      }),
      route({
        method: 'get',
        path: '/charts',
        query: dashboardQuery,
        before: [permit(P, 'dashboard')],
        doc: {
          ...base,
          operationId: 'inventoryCharts',
          summary: 'Devices by condition and by branch',
          description: 'devicesPerBranch lists branches with devices, most first; devices at no branch are "Tanpa Cabang" (branchId null).',
          success: [{ status: 200, description: 'The chart data.', schema: dataOf(ref('InventoryCharts')) }],
          statuses: ALWAYS,
          roles: P.dashboard,
        },
        handle: async (_req, res, { query }) => {
          const [figures, perBranch] = await Promise.all([deviceCounters(deps.readStore, query.branchId), devicesPerBranch(deps.readStore, query.branchId)]);
          const l = await lookups(deps.readStore, { branchIds: perBranch.map((b) => b.branch_id) });
          data(res, presentCharts(figures, perBranch, l));
        },
      }),
    ],
    components,
  );
  return router;
}
