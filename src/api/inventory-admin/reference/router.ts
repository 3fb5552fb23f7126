import { Router, type Request, type Response } from 'express';
import { createNamedRecord, updateNamedRecord, type NamedKind } from '../../../commands/reference-data';
import { NotFoundError } from '../../../domain/shared/errors';
import { findNamed, listNamed } from '../../../projections/inventory/queries';
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
import { namedBody, namedUpdateBody } from './input';
import { presentNamed } from './presenter';

const NAMES: Record<NamedKind, { op: string; what: string; schema: string }> = {
  main_branch: { op: 'MainBranch', what: 'main branch', schema: 'InventoryMainBranch' },
  department: { op: 'Department', what: 'department', schema: 'InventoryDepartment' },
  parent_category: { op: 'ParentCategory', what: 'parent category', schema: 'InventoryParentCategory' },
};

/**
 * The records document 003's ids point at that are only a name: main branches
 * (/api/v1/admin/main-branches: a branch's mainBranch), departments (/departments: a user's
 * department) and parent categories (/parent-categories: a bribox's category). GET every one,
 * POST `{ name }`, PUT /{id} `{ name }`; admin only.
 */
export function namedRecordsRouter(deps: ApiDeps, kind: NamedKind): Router {
  const router = Router();
  const n = NAMES[kind];
  const idempotency = idempotent({ keys: deps.idempotency, fileStore: deps.fileStore, logger: deps.logger });
  const answer = async (req: Request, res: Response, id: number, position: number | null, status = 200) => {
    await settle(deps, req, position);
    const doc = await findNamed(deps.readStore, kind, id);
    if (!doc) throw new NotFoundError(n.what, String(id));
    data(res, presentNamed(kind, doc), status);
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
          operationId: `inventory${n.op}List`,
          summary: `Every ${n.what}`,
          success: [{ status: 200, description: `The ${n.what} records, by id.`, schema: dataOf(array(ref(n.schema))) }],
          statuses: ALWAYS,
          roles: P.viewReference,
        },
        handle: async (_req, res) => {
          data(res, (await listNamed(deps.readStore, kind)).map((d) => presentNamed(kind, d)));
        },
      }),
      route({
        method: 'post',
        path: '/',
        body: namedBody,
        before: [permit(P, 'manageReference')],
        after: [idempotency],
        doc: {
          ...base,
          operationId: `inventory${n.op}Create`,
          summary: `Create a ${n.what}`,
          idempotencyKey: true,
          success: [{ status: 201, description: 'Created.', schema: dataOf(ref(n.schema)) }],
          statuses: ALWAYS,
          roles: P.manageReference,
        },
        handle: async (req, res, { body }) => {
          const created = await createNamedRecord(deps.commands, kind, body.name, metaFor(req));
          await answer(req, res, created.id, created.position, 201);
        },
      }),
      route({
        method: 'put',
        path: '/:id',
        params: idParams,
        body: namedUpdateBody,
        before: [permit(P, 'manageReference')],
        doc: {
          ...base,
          operationId: `inventory${n.op}Update`,
          summary: `Rename a ${n.what}`,
          success: [{ status: 200, description: 'Updated.', schema: dataOf(ref(n.schema)) }],
          statuses: [...ALWAYS, 404],
          roles: P.manageReference,
        },
        handle: async (req, res, { params, body }) => {
          const result = await updateNamedRecord(deps.commands, kind, params.id, { name: body.name }, metaFor(req));
          await answer(req, res, params.id, result.position);
        },
      }),
    ],
    components,
  );
  return router;
}
