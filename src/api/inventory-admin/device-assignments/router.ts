import { Router, type Request } from 'express';
import { assignDevice, returnDevice, updateDeviceAssignment } from '../../../commands/devices';
import { NotFoundError, ValidationError } from '../../../domain/shared/errors';
import type { DeviceAssignmentDoc } from '../../../projections/inventory/documents';
import {
  findDeviceAssignment,
  findDeviceAssignmentByNumber,
  findDeviceByNumber,
  findPersonByNumber,
  listDeviceAssignments,
} from '../../../projections/inventory/queries';
import { settle, type ApiDeps } from '../../deps';
import { metaFor } from '../../http/context';
import { idempotent } from '../../http/idempotency';
import { declareRoutes, route } from '../../http/route';
import { ref } from '../../openapi/schema';
import { permit } from '../../technician-management/permissions';
import { data, idParams, pageOf, paged } from '../envelope';
import { lookups } from '../lookups';
import { ALWAYS, base, components } from '../openapi';
import { INVENTORY_ADMIN_PERMISSIONS as P } from '../permissions';
import { dataOf, pageOf as pageSchema } from '../schemas';
import { usageFromLabel } from '../vocabulary';
import { createAssignmentBody, listAssignmentsQuery, returnBody, updateAssignmentBody } from './input';
import { presentAssignment, presentCreated, presentUpdated, shownByAssignment } from './presenter';
import { PresentedTexts } from '../../http/json-text';

/**
 * Document 003 "Device Assignments Management", mounted at /api/v1/admin/device-assignments:
 * list (search, status, branchId, activeOnly), create (ERR_DEVICE_ALREADY_ASSIGNED, a date in the
 * future refused, one active device per category and holder), update (a returned_date returns
 * it), return (ERR_DEVICE_ALREADY_RETURNED the second time). Custody is decided on the device's
 * stream: of simultaneous assignments of one device exactly one is recorded.
 */
export function deviceAssignmentsRouter(deps: ApiDeps): Router {
  const assignmentTexts = new PresentedTexts(presentAssignment, shownByAssignment);
  const router = Router();
  const idempotency = idempotent({ keys: deps.idempotency, fileStore: deps.fileStore, logger: deps.logger });

  const byNumber = async (id: number): Promise<DeviceAssignmentDoc> => {
    const doc = await findDeviceAssignmentByNumber(deps.readStore, id);
    if (!doc) throw new NotFoundError('Assignment', String(id));
    return doc;
  };
  const reread = async (req: Request, id: string, position: number | null): Promise<DeviceAssignmentDoc> => {
    await settle(deps, req, position);
    const doc = await findDeviceAssignment(deps.readStore, id);
    if (!doc) throw new NotFoundError('Assignment', id);
    return doc;
  };

  declareRoutes(
    router,
    [
      route({
        method: 'get',
        path: '/',
        query: listAssignmentsQuery,
        before: [permit(P, 'viewAssignments')],
        keep: deps.keptAnswers,
        doc: {
          ...base,
          operationId: 'inventoryAssignmentList',
          summary: 'List device assignments',
          description: 'Newest first (highest assignmentId). `search` matches the device (brand, model, serial number, asset code) and the holder (name, pn).',
          queryDescriptions: { status: 'Digunakan, Tidak Digunakan or Cadangan.', activeOnly: 'true: only assignments not yet returned.' },
          success: [{ status: 200, description: 'A page of assignments.', schema: pageSchema('InventoryAssignment') }],
          statuses: ALWAYS,
          roles: P.viewAssignments,
        },
        handle: async (_req, res, { query }) => {
          const { items, total } = await listDeviceAssignments(deps.readStore, {
            search: query.search,
            usage: query.status ? usageFromLabel(query.status) : undefined,
            branchId: query.branchId,
            activeOnly: query.activeOnly,
            ...pageOf(query),
          });
          const l = await lookups(deps.readStore, {
            userIds: items.flatMap((a) => [a.user_id, a.created_by]),
            branchIds: items.map((a) => a.branch_id),
            departments: true,
          });
          paged(res, assignmentTexts.page(items, l), query, total);
        },
      }),
      route({
        method: 'post',
        path: '/',
        body: createAssignmentBody,
        before: [permit(P, 'manageAssignments')],
        after: [idempotency],
        doc: {
          ...base,
          operationId: 'inventoryAssignmentCreate',
          summary: 'Assign a device to a user',
          description:
            'The device must exist and be free (400 ERR_DEVICE_ALREADY_ASSIGNED); the user must be an active staff user; assigned_date may not be in the future; a user holds at most one active device per category (400 ERR_USER_ALREADY_HOLDS_CATEGORY). The assignment is at the user\'s branch.',
          idempotencyKey: true,
          success: [{ status: 201, description: 'Assigned.', schema: dataOf(ref('InventoryAssignmentCreated')) }],
          statuses: [...ALWAYS, 400, 409],
          roles: P.manageAssignments,
        },
        handle: async (req, res, { body }) => {
          const [device, person] = await Promise.all([findDeviceByNumber(deps.readStore, body.device_id), findPersonByNumber(deps.readStore, body.user_id)]);
          const invalid: Record<string, string[]> = {};
          if (!device) invalid.device_id = ['The selected device id is invalid.'];
          if (!person || !person.staff || !person.is_active) invalid.user_id = ['The selected user id is invalid.'];
          if (Object.keys(invalid).length > 0) throw new ValidationError(invalid);
          const { assignmentId, result } = await assignDevice(
            deps.commands,
            device!._id,
            {
              holderUserId: person!._id,
              assignedDate: body.assigned_date,
              usage: usageFromLabel(body.status),
              notes: body.notes ?? null,
              ticketId: null,
              handoverId: null,
              holderField: 'user_id',
            },
            metaFor(req),
          );
          data(res, presentCreated(await reread(req, assignmentId, result.position)), 201);
        },
      }),
      route({
        method: 'put',
        path: '/:id',
        params: idParams,
        body: updateAssignmentBody,
        before: [permit(P, 'manageAssignments')],
        doc: {
          ...base,
          operationId: 'inventoryAssignmentUpdate',
          summary: 'Update a device assignment',
          description: 'status and notes of an active assignment; a returned_date returns it (on or after assigned_date, not in the future). A returned assignment is 400 ERR_DEVICE_ALREADY_RETURNED.',
          success: [{ status: 200, description: 'Updated.', schema: dataOf(ref('InventoryAssignmentUpdated')) }],
          statuses: [...ALWAYS, 400, 404, 409],
          roles: P.manageAssignments,
        },
        handle: async (req, res, { params, body }) => {
          const doc = await byNumber(params.id);
          const result = await updateDeviceAssignment(
            deps.commands,
            doc.device_id,
            doc._id,
            { usage: body.status ? usageFromLabel(body.status) : undefined, notes: body.notes, returnedDate: body.returned_date },
            metaFor(req),
          );
          data(res, presentUpdated(await reread(req, doc._id, result.position)));
        },
      }),
      route({
        method: 'post',
        path: '/:id/return',
        params: idParams,
        body: returnBody,
        before: [permit(P, 'manageAssignments')],
        doc: {
          ...base,
          bodyRequired: false,
          operationId: 'inventoryAssignmentReturn',
          summary: 'Return a device',
          description: 'returned_date defaults to today (in INVENTORY_TIMEZONE); a second return is 400 ERR_DEVICE_ALREADY_RETURNED.',
          success: [{ status: 200, description: 'Returned.', schema: dataOf(ref('InventoryAssignmentReturned')) }],
          statuses: [...ALWAYS, 400, 404, 409],
          roles: P.manageAssignments,
        },
        handle: async (req, res, { params, body }) => {
          const doc = await byNumber(params.id);
          const result = await returnDevice(
            deps.commands,
            doc.device_id,
            doc._id,
            { returnedDate: body.returned_date, notes: body.return_notes ?? null, condition: null },
            metaFor(req),
          );
          const now = await reread(req, doc._id, result.position);
          data(res, { assignmentId: now.number, returnedDate: now.returned_date, message: 'Device returned successfully.' });
        },
      }),
    ],
    components,
  );
  return router;
}
