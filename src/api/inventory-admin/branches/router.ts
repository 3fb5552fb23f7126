import { Router, type Request, type Response } from 'express';
import { createBranch, updateBranch } from '../../../commands/reference-data';
import type { BranchDetails } from '../../../domain/branch';
import { NotFoundError } from '../../../domain/shared/errors';
import { findBranch, listBranches, MAIN_BRANCHES, referencesByIds } from '../../../projections/inventory/queries';
import type { NamedDoc } from '../../../projections/inventory/reference-projector';
import { settle, type ApiDeps } from '../../deps';
import { metaFor } from '../../http/context';
import { idempotent } from '../../http/idempotency';
import { declareRoutes, route } from '../../http/route';
import { array, ref } from '../../openapi/schema';
import { permit } from '../../technician-management/permissions';
import { data, idParams } from '../envelope';
import { ALWAYS, base, components } from '../openapi';
import { INVENTORY_ADMIN_PERMISSIONS as P } from '../permissions';
import { dataOf } from '../schemas';
import { createBranchBody, updateBranchBody } from './input';
import { presentBranch } from './presenter';

const detailsOf = (b: Partial<{ unit_name: string; branch_code: string; address: string | null; main_branch_id: number | null }>): Partial<BranchDetails> => {
  const out: Partial<BranchDetails> = {};
  if (b.unit_name !== undefined) out.unitName = b.unit_name;
  if (b.branch_code !== undefined) out.branchCode = b.branch_code;
  if (b.address !== undefined) out.address = b.address ?? null;
  if (b.main_branch_id !== undefined) out.mainBranchId = b.main_branch_id ?? null;
  return out;
};

/**
 * Document 003 "Branches List" (GET /api/v1/admin/branches), and the branches' management for
 * admins: POST and PUT /{id} with `unit_name`, `branch_code` (unique), `address`, `main_branch_id`.
 */
export function branchesRouter(deps: ApiDeps): Router {
  const router = Router();
  const idempotency = idempotent({ keys: deps.idempotency, fileStore: deps.fileStore, logger: deps.logger });
  const answer = async (req: Request, res: Response, id: number, position: number | null, status = 200) => {
    await settle(deps, req, position);
    const doc = await findBranch(deps.readStore, id);
    if (!doc) throw new NotFoundError('Branch', String(id));
    const mains = await referencesByIds<NamedDoc>(deps.readStore, MAIN_BRANCHES, [doc.main_branch_id]);
    data(res, presentBranch(doc, mains), status);
  };

  declareRoutes(
    router,
    [
      route({
        method: 'get',
        path: '/',
        before: [permit(P, 'viewReference')],
        doc: {
          ...base,
          operationId: 'inventoryBranchList',
          summary: 'Every branch',
          description: 'By branchId.',
          success: [{ status: 200, description: 'The branches.', schema: dataOf(array(ref('InventoryBranch'))) }],
          statuses: ALWAYS,
          roles: P.viewReference,
        },
        handle: async (_req, res) => {
          const branches = await listBranches(deps.readStore);
          const mains = await referencesByIds<NamedDoc>(deps.readStore, MAIN_BRANCHES, branches.map((b) => b.main_branch_id));
          data(res, branches.map((b) => presentBranch(b, mains)));
        },
      }),
      route({
        method: 'post',
        path: '/',
        body: createBranchBody,
        before: [permit(P, 'manageReference')],
        after: [idempotency],
        doc: {
          ...base,
          operationId: 'inventoryBranchCreate',
          summary: 'Create a branch',
          description: 'branch_code is unique (422 when taken); main_branch_id must name a main branch when given.',
          idempotencyKey: true,
          success: [{ status: 201, description: 'Created.', schema: dataOf(ref('InventoryBranch')) }],
          statuses: ALWAYS,
          roles: P.manageReference,
        },
        handle: async (req, res, { body }) => {
          const created = await createBranch(deps.commands, { address: null, mainBranchId: null, ...detailsOf(body) } as BranchDetails, metaFor(req));
          await answer(req, res, created.id, created.position, 201);
        },
      }),
      route({
        method: 'put',
        path: '/:id',
        params: idParams,
        body: updateBranchBody,
        before: [permit(P, 'manageReference')],
        doc: {
          ...base,
          operationId: 'inventoryBranchUpdate',
          summary: 'Update a branch',
          success: [{ status: 200, description: 'Updated.', schema: dataOf(ref('InventoryBranch')) }],
          statuses: [...ALWAYS, 404],
          roles: P.manageReference,
        },
        handle: async (req, res, { params, body }) => {
          const result = await updateBranch(deps.commands, params.id, detailsOf(body), metaFor(req));
          await answer(req, res, params.id, result.position);
        },
      }),
    ],
    components,
  );
  return router;
}
