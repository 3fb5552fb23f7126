import { Router, type Request, type Response } from 'express';
import { createCategory, updateCategory } from '../../../commands/reference-data';
import type { CategoryDetails } from '../../../domain/category';
import { NotFoundError } from '../../../domain/shared/errors';
import { CATEGORIES, findCategoryByBriboxId, listCategories, PARENT_CATEGORIES, referencesByIds } from '../../../projections/inventory/queries';
import type { CategoryDoc, NamedDoc } from '../../../projections/inventory/reference-projector';
import { settle, type ApiDeps } from '../../deps';
import { metaFor } from '../../http/context';
import { idempotent } from '../../http/idempotency';
import { declareRoutes, route } from '../../http/route';
import { array, ref } from '../../openapi/schema';
import { permit } from '../../technician-management/permissions';
import { data } from '../envelope';
import { ALWAYS, base, components } from '../openapi';
import { INVENTORY_ADMIN_PERMISSIONS as P } from '../permissions';
import { dataOf } from '../schemas';
import { briboxParams, createCategoryBody, updateCategoryBody } from './input';
import { presentCategory } from './presenter';

const detailsOf = (b: Partial<{ bribox_id: string; name: string; description: string | null; category_id: number | null }>): Partial<CategoryDetails> => {
  const out: Partial<CategoryDetails> = {};
  if (b.bribox_id !== undefined) out.briboxId = b.bribox_id;
  if (b.name !== undefined) out.name = b.name;
  if (b.description !== undefined) out.description = b.description ?? null;
  if (b.category_id !== undefined) out.parentCategoryId = b.category_id ?? null;
  return out;
};

/**
 * Document 003 "Device Categories" (GET /api/v1/admin/categories, the briboxes), and their
 * management for admins: POST, and PUT /{briboxId}, with `bribox_id` (unique), `name`,
 * `description` and `category_id` (the parent category, optional).
 */
export function categoriesRouter(deps: ApiDeps): Router {
  const router = Router();
  const idempotency = idempotent({ keys: deps.idempotency, fileStore: deps.fileStore, logger: deps.logger });
  const answer = async (req: Request, res: Response, id: number, position: number | null, status = 200) => {
    await settle(deps, req, position);
    const doc = await deps.readStore.collection<CategoryDoc>(CATEGORIES).findOne({ _id: String(id) });
    if (!doc) throw new NotFoundError('Category', String(id));
    const parents = await referencesByIds<NamedDoc>(deps.readStore, PARENT_CATEGORIES, [doc.parent_category_id]);
    data(res, presentCategory(doc, parents), status);
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
          operationId: 'inventoryCategoryList',
          summary: 'Every device category (bribox)',
          description: 'By briboxId.',
          success: [{ status: 200, description: 'The categories.', schema: dataOf(array(ref('InventoryCategory'))) }],
          statuses: ALWAYS,
          roles: P.viewReference,
        },
        handle: async (_req, res) => {
          const categories = await listCategories(deps.readStore);
          const parents = await referencesByIds<NamedDoc>(deps.readStore, PARENT_CATEGORIES, categories.map((c) => c.parent_category_id));
          data(res, categories.map((c) => presentCategory(c, parents)));
        },
      }),
      route({
        method: 'post',
        path: '/',
        body: createCategoryBody,
        before: [permit(P, 'manageReference')],
        after: [idempotency],
        doc: {
          ...base,
          operationId: 'inventoryCategoryCreate',
          summary: 'Create a device category',
          description: 'bribox_id is unique (422 when taken); category_id must name a parent category when given.',
          idempotencyKey: true,
          success: [{ status: 201, description: 'Created.', schema: dataOf(ref('InventoryCategory')) }],
          statuses: ALWAYS,
          roles: P.manageReference,
        },
        handle: async (req, res, { body }) => {
          const created = await createCategory(deps.commands, { description: null, parentCategoryId: null, ...detailsOf(body) } as CategoryDetails, metaFor(req));
          await answer(req, res, created.id, created.position, 201);
        },
      }),
      route({
        method: 'put',
        path: '/:briboxId',
        params: briboxParams,
        body: updateCategoryBody,
        before: [permit(P, 'manageReference')],
        doc: {
          ...base,
          operationId: 'inventoryCategoryUpdate',
          summary: 'Update a device category',
          description: 'A new bribox_id is reserved (422 when taken); the devices of the category keep it.',
          success: [{ status: 200, description: 'Updated.', schema: dataOf(ref('InventoryCategory')) }],
          statuses: [...ALWAYS, 404],
          roles: P.manageReference,
        },
        handle: async (req, res, { params, body }) => {
          const doc = await findCategoryByBriboxId(deps.readStore, params.briboxId);
          if (!doc) throw new NotFoundError('Category', params.briboxId);
          const result = await updateCategory(deps.commands, doc.id, detailsOf(body), metaFor(req));
          await answer(req, res, doc.id, result.position);
        },
      }),
    ],
    components,
  );
  return router;
}
