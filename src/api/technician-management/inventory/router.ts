import { Router, type Request, type Response } from 'express';
import { assignEquipment, createItem, recordStockMovement, returnDeviceEquipment, returnEquipment, updateItem } from '../../../commands/inventory-items';
import { ForbiddenError, NotFoundError } from '../../../domain/shared/errors';
import type { EquipmentAssignmentDoc } from '../../../projections/inventory/documents';
import { findEquipmentAssignment, findItem, itemsByIds, listEquipmentAssignments, listItems } from '../../../projections/inventory/queries';
import { settle, type ApiDeps } from '../../deps';
import { authenticate } from '../../http/authenticate';
import { ifMatch, setEtag } from '../../http/conditional';
import { metaFor, requireAuth } from '../../http/context';
import { idempotent } from '../../http/idempotency';
import { declareRoutes, route } from '../../http/route';
import { pagination as paginationSchema } from '../../openapi/components';
import { array, object, ref } from '../../openapi/schema';
import { tms } from '../openapi';
import { ok, okWithTexts, pageOf, pagination } from '../envelope';
import { PresentedTexts } from '../../http/json-text';
import { allows, permit } from '../permissions';
import { inventoryErrorHandler } from './errors';
import { createAssignmentBody, createItemBody, listAssignmentsQuery, listItemsQuery, movementBody, returnBody, updateItemBody, uuidParams } from './input';
import { INVENTORY_PERMISSIONS as P } from './permissions';
import { INVENTORY_SCHEMAS, presentAssignment, presentItem } from './presenter';
import { inventoryItemStream } from '../../../domain/inventory-item';

const TAG = '000 · Inventory';
const base = { ...tms, tag: TAG };
const components = {
  tags: [
    {
      name: TAG,
      description:
        'Document 000, inventory items (stock) and equipment assignments (docs/api/000-inventory.md). The same inventory as document 003: devices are named by serial number here; a device assigned through document 003 is listed here too.',
    },
  ],
  schemas: INVENTORY_SCHEMAS,
};

/**
 * Document 000 "Inventory Management Endpoints", mounted at /api/inventory: items (list with
 * category, search and low_stock; create; update, where a new stock_quantity is an adjustment;
 * stock movements), and equipment assignments (list by technician_id, ticket_id and status;
 * create, with serial numbers for serialised equipment; return, with the condition). Writes are
 * commands on the item's (and the devices') streams; reads come from the inventory read models.
 */
export function inventoryRouter(deps: ApiDeps): Router {
  const itemTexts = new PresentedTexts(presentItem);
  const router = Router();
  router.use(authenticate(deps, 'staff'));
  const idempotency = idempotent({ keys: deps.idempotency, fileStore: deps.fileStore, logger: deps.logger });

  const answerItem = async (req: Request, res: Response, itemId: string, position: number | null, status = 200) => {
    await settle(deps, req, position);
    const doc = await findItem(deps.readStore, itemId);
    if (!doc) throw new NotFoundError('Item', itemId);
    setEtag(res, doc.revision, inventoryItemStream(doc._id));
    ok(res, { item: presentItem(doc) }, status);
  };
  const answerAssignment = async (req: Request, res: Response, id: string, position: number | null, status = 200) => {
    await settle(deps, req, position);
    const doc = await findEquipmentAssignment(deps.readStore, id);
    if (!doc) throw new NotFoundError('Assignment', id);
    ok(res, { assignment: presentAssignment(doc, await itemsByIds(deps.readStore, doc.item_id ? [doc.item_id] : [])) }, status);
  };
  const loadAssignment = async (id: string): Promise<EquipmentAssignmentDoc> => {
    const doc = await findEquipmentAssignment(deps.readStore, id);
    if (!doc) throw new NotFoundError('Assignment', id);
    return doc;
  };

  declareRoutes(
    router,
    [
      route({
        method: 'get',
        path: '/items',
        query: listItemsQuery,
        before: [permit(P, 'viewItems')],
        keep: deps.keptAnswers,
        doc: {
          ...base,
          operationId: 'inventoryItemList',
          summary: 'List inventory items',
          description: 'Newest first. `category` is case-insensitive; `search` is a word-prefix search on the name and the beginning of the SKU.',
          queryDescriptions: { low_stock: 'true: only items at or below their minimum level; false: only the others.' },
          success: [{ status: 200, description: 'A page of items.', schema: object({ items: array(ref('TmsInventoryItem')), pagination: paginationSchema }) }],
          statuses: [403],
          roles: P.viewItems,
        },
        handle: async (_req, res, { query }) => {
          const page = pageOf(query);
          const { items, total } = await listItems(deps.readStore, { category: query.category, search: query.search, lowStock: query.low_stock, ...page });
          okWithTexts(res, { items: itemTexts.page(items), pagination: pagination(page, total) });
        },
      }),
      route({
        method: 'post',
        path: '/items',
        body: createItemBody,
        before: [permit(P, 'manageItems')],
        after: [idempotency],
        doc: {
          ...base,
          operationId: 'inventoryItemCreate',
          summary: 'Add an inventory item',
          description: 'The SKU is unique (409 DUPLICATE_ENTRY on sku). The initial stock is recorded as stock received; at or below the minimum, the inventory managers are told.',
          idempotencyKey: true,
          success: [{ status: 201, description: 'Created.', schema: object({ item: ref('TmsInventoryItem') }), headers: ['ETag', 'Location'] }],
          statuses: [403, 409],
          roles: P.manageItems,
        },
        handle: async (req, res, { body }) => {
          const { itemId, result } = await createItem(
            deps.commands,
            {
              name: body.name,
              category: body.category,
              sku: body.sku,
              description: body.description ?? null,
              unitPriceMinor: body.unit_price,
              minStockLevel: body.min_stock_level,
              stockQuantity: body.stock_quantity,
            },
            metaFor(req),
          );
          res.setHeader('Location', `${req.baseUrl}/items/${itemId}`);
          await answerItem(req, res, itemId, result.position, 201);
        },
      }),
      route({
        method: 'get',
        path: '/items/:id',
        params: uuidParams,
        before: [permit(P, 'viewItems')],
        doc: {
          ...base,
          operationId: 'inventoryItemGet',
          summary: 'One inventory item',
          success: [{ status: 200, description: 'The item.', schema: object({ item: ref('TmsInventoryItem') }), headers: ['ETag'] }],
          statuses: [403, 404],
          roles: P.viewItems,
        },
        handle: async (_req, res, { params }) => {
          const doc = await findItem(deps.readStore, params.id);
          if (!doc) throw new NotFoundError('Item', params.id);
          setEtag(res, doc.revision, inventoryItemStream(doc._id));
          ok(res, { item: presentItem(doc) });
        },
      }),
      route({
        method: 'put',
        path: '/items/:id',
        params: uuidParams,
        body: updateItemBody,
        before: [permit(P, 'manageItems')],
        doc: {
          ...base,
          operationId: 'inventoryItemUpdate',
          summary: 'Update an inventory item',
          description: 'Any field of the create body. A stock_quantity different from the current one is a counted quantity, recorded as an adjustment with adjustment_reason.',
          ifMatch: true,
          success: [{ status: 200, description: 'Updated.', schema: object({ item: ref('TmsInventoryItem') }), headers: ['ETag'] }],
          statuses: [403, 404, 409],
          roles: P.manageItems,
        },
        handle: async (req, res, { params, body }) => {
          const result = await updateItem(
            deps.commands,
            params.id,
            {
              name: body.name,
              category: body.category,
              sku: body.sku,
              description: body.description,
              unitPriceMinor: body.unit_price,
              minStockLevel: body.min_stock_level,
              stockQuantity: body.stock_quantity,
              reason: body.adjustment_reason ?? null,
            },
            metaFor(req),
            { ifMatch: ifMatch(req) },
          );
          await answerItem(req, res, params.id, result.position);
        },
      }),
      route({
        method: 'post',
        path: '/items/:id/movements',
        params: uuidParams,
        body: movementBody,
        before: [permit(P, 'manageItems')],
        after: [idempotency],
        doc: {
          ...base,
          operationId: 'inventoryItemMovement',
          summary: 'Record stock received, counted or written off',
          description:
            'Not in document 000: how stock arrives and leaves other than through assignments. received and written_off take a positive quantity, adjusted a signed change; stock never goes below zero (422 INSUFFICIENT_STOCK).',
          idempotencyKey: true,
          success: [{ status: 201, description: 'Recorded; the item as it is now.', schema: object({ item: ref('TmsInventoryItem') }), headers: ['ETag'] }],
          statuses: [403, 404],
          roles: P.manageItems,
        },
        handle: async (req, res, { params, body }) => {
          const result = await recordStockMovement(deps.commands, params.id, { movement: body.type, quantity: body.quantity, reason: body.reason }, metaFor(req));
          await answerItem(req, res, params.id, result.position, 201);
        },
      }),
      route({
        method: 'get',
        path: '/assignments',
        query: listAssignmentsQuery,
        before: [permit(P, 'viewAssignments')],
        keep: deps.keptAnswers,
        doc: {
          ...base,
          operationId: 'inventoryAssignmentList000',
          summary: 'List equipment assignments',
          description:
            'Newest first: stock handed over (with the serial numbers of its devices) and devices assigned on their own through document 003. A technician sees only their own (another technician_id is 403). `serial_number` (not in the document) lists one device\'s custody.',
          success: [{ status: 200, description: 'A page of assignments.', schema: object({ assignments: array(ref('TmsEquipmentAssignment')), pagination: paginationSchema }) }],
          statuses: [403],
          roles: P.viewAssignments,
          rolesNote: 'a technician: their own',
        },
        handle: async (req, res, { query }) => {
          const auth = requireAuth(req);
          let technicianId = query.technician_id;
          if (!allows(P, 'viewAllAssignments', auth.role)) {
            if (technicianId !== undefined && technicianId !== auth.userId) throw new ForbiddenError('You may only view your own equipment assignments');
            technicianId = auth.userId;
          }
          const page = pageOf(query);
          const { items, total } = await listEquipmentAssignments(deps.readStore, {
            technicianId,
            ticketId: query.ticket_id,
            status: query.status,
            serialNumber: query.serial_number,
            ...page,
          });
          const itemDocs = await itemsByIds(deps.readStore, items.flatMap((a) => (a.item_id ? [a.item_id] : [])));
          okWithTexts(res, { assignments: items.map((a) => presentAssignment(a, itemDocs)), pagination: pagination(page, total) });
        },
      }),
      route({
        method: 'post',
        path: '/assignments',
        body: createAssignmentBody,
        before: [permit(P, 'assign')],
        after: [idempotency],
        doc: {
          ...base,
          operationId: 'inventoryAssignmentCreate000',
          summary: 'Assign equipment to a technician for a ticket',
          description:
            'Takes `quantity` from the item\'s stock (422 INSUFFICIENT_STOCK when there is not that much; simultaneous assignments never take it below zero). With serial_numbers (as many as the quantity), the named devices are handed over too (409 DEVICE_ALREADY_ASSIGNED if one is held; nothing is taken then).',
          idempotencyKey: true,
          success: [{ status: 201, description: 'Assigned.', schema: object({ assignment: ref('TmsEquipmentAssignment') }), headers: ['Location'] }],
          statuses: [403, 409],
          roles: P.assign,
        },
        handle: async (req, res, { body }) => {
          const { assignmentId, position } = await assignEquipment(
            deps.commands,
            {
              itemId: body.item_id,
              technicianId: body.technician_id,
              ticketId: body.ticket_id,
              quantity: body.quantity,
              serialNumbers: body.serial_numbers ?? [],
              notes: body.notes ?? null,
            },
            metaFor(req),
          );
          res.setHeader('Location', `${req.baseUrl}/assignments/${assignmentId}`);
          await answerAssignment(req, res, assignmentId, position, 201);
        },
      }),
      route({
        method: 'put',
        path: '/assignments/:id/return',
        params: uuidParams,
        body: returnBody,
        before: [permit(P, 'returnEquipment')],
        doc: {
          ...base,
          operationId: 'inventoryAssignmentReturn000',
          summary: 'Return assigned equipment',
          description:
            'quantity_returned (at most what was assigned; serialised equipment is returned whole) and the condition: good goes back to available stock, damaged or lost does not; devices come back in that condition (damaged: their condition becomes damaged; lost: they leave the inventory). A second return is 409 ALREADY_RETURNED.',
          success: [{ status: 200, description: 'Returned.', schema: object({ assignment: ref('TmsEquipmentAssignment') }) }],
          statuses: [403, 404, 409],
          roles: P.returnEquipment,
          rolesNote: 'a technician: their own',
        },
        handle: async (req, res, { params, body }) => {
          const auth = requireAuth(req);
          const doc = await loadAssignment(params.id);
          if (!allows(P, 'returnAnyEquipment', auth.role) && doc.technician_id !== auth.userId) {
            throw new ForbiddenError('You may only return your own equipment');
          }
          const input = { quantityReturned: body.quantity_returned, condition: body.condition, notes: body.notes ?? null };
          const { position } =
            doc.kind === 'stock'
              ? await returnEquipment(deps.commands, doc.item_id!, doc._id, input, metaFor(req))
              : await returnDeviceEquipment(deps.commands, doc.device_id!, doc._id, input, metaFor(req));
          await answerAssignment(req, res, doc._id, position);
        },
      }),
    ],
    components,
  );
  router.use(inventoryErrorHandler(deps.logger));
  return router;
}
