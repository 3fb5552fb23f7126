import { Router, type Request, type Response } from 'express';
import { deleteDevice, registerDevice, updateDevice, type DeviceInput } from '../../../commands/devices';
import { NotFoundError } from '../../../domain/shared/errors';
import type { DeviceDoc } from '../../../projections/inventory/documents';
import { deviceCustody, findDevice, findDeviceByNumber, listDevices } from '../../../projections/inventory/queries';
import { settle, type ApiDeps } from '../../deps';
import { ifMatch, setEtag } from '../../http/conditional';
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
import { conditionFromLabel } from '../vocabulary';
import { createDeviceBody, listDevicesQuery, updateDeviceBody } from './input';
import { presentDevice, presentDeviceDetail, presentDeviceSummary, shownByDevice } from './presenter';
import { PresentedTexts } from '../../http/json-text';
import { deviceStream } from '../../../domain/device';

type Body = Partial<Record<keyof typeof createDeviceBody.shape, unknown>>;

/** snake_case body → the device use case's fields (only those given). */
function deviceInput(b: Body): Partial<DeviceInput> {
  const out: Partial<DeviceInput> = {};
  if (b.brand !== undefined) out.brand = b.brand as string;
  if (b.brand_name !== undefined) out.model = b.brand_name as string;
  if (b.serial_number !== undefined) out.serialNumber = b.serial_number as string;
  if (b.asset_code !== undefined) out.assetCode = b.asset_code as string;
  if (b.bribox_id !== undefined) out.briboxId = b.bribox_id as string;
  if (b.condition !== undefined) out.condition = conditionFromLabel(b.condition as 'Baik');
  for (const k of ['spec1', 'spec2', 'spec3', 'spec4', 'spec5'] as const) if (b[k] !== undefined) out[k] = (b[k] as string | null) ?? null;
  if (b.dev_date !== undefined) out.purchaseDate = (b.dev_date as string | null) ?? null;
  if (b.branch_id !== undefined) out.branchId = (b.branch_id as number | null) ?? null;
  return out;
}

/**
 * Document 003 "Device Management", mounted at /api/v1/admin/devices: list (search, condition,
 * page, perPage), detail with the current assignment and the custody history, create, update,
 * delete (ERR_DEVICE_ASSIGNED while someone holds it). Writes are commands on the device's
 * stream; reads come from the devices read model.
 */
export function devicesRouter(deps: ApiDeps): Router {
  const deviceTexts = new PresentedTexts(presentDevice, shownByDevice);
  const router = Router();
  const idempotency = idempotent({ keys: deps.idempotency, fileStore: deps.fileStore, logger: deps.logger });

  const byNumber = async (id: number): Promise<DeviceDoc> => {
    const doc = await findDeviceByNumber(deps.readStore, id);
    if (!doc) throw new NotFoundError('Device', String(id));
    return doc;
  };
  const answerSummary = async (req: Request, res: Response, deviceId: string, position: number | null, status = 200) => {
    await settle(deps, req, position);
    const doc = await findDevice(deps.readStore, deviceId);
    if (!doc) throw new NotFoundError('Device', deviceId);
    setEtag(res, doc.revision, deviceStream(doc._id));
    data(res, presentDeviceSummary(doc), status);
  };

  declareRoutes(
    router,
    [
      route({
        method: 'get',
        path: '/',
        query: listDevicesQuery,
        before: [permit(P, 'viewDevices')],
        keep: deps.keptAnswers,
        doc: {
          ...base,
          operationId: 'inventoryDeviceList',
          summary: 'Search and list devices',
          description: 'Newest first (highest deviceId). `search` matches words of brand and model, and the beginning of the serial number or asset code.',
          queryDescriptions: { search: 'Word-prefix search (brand, model, serial number, asset code).', condition: 'Baik, Rusak or Perlu Pengecekan.' },
          success: [{ status: 200, description: 'A page of devices.', schema: pageSchema('InventoryDevice') }],
          statuses: ALWAYS,
          roles: P.viewDevices,
        },
        handle: async (_req, res, { query }) => {
          const { items, total } = await listDevices(deps.readStore, {
            search: query.search,
            condition: query.condition ? conditionFromLabel(query.condition) : undefined,
            ...pageOf(query),
          });
          const l = await lookups(deps.readStore, {
            userIds: items.flatMap((d) => [d.current?.user_id, d.created_by, d.updated_by]),
            categoryIds: items.map((d) => d.category_id),
          });
          paged(res, deviceTexts.page(items, l), query, total);
        },
      }),
      route({
        method: 'post',
        path: '/',
        body: createDeviceBody,
        before: [permit(P, 'manageDevices')],
        after: [idempotency],
        doc: {
          ...base,
          operationId: 'inventoryDeviceCreate',
          summary: 'Create a device',
          description: 'serial_number and asset_code are unique (422 on the field when taken); bribox_id must name a category. `branch_id` (optional, not in the document) is where the device is.',
          idempotencyKey: true,
          success: [{ status: 201, description: 'Created.', schema: dataOf(ref('InventoryDeviceSummary')), headers: ['ETag'] }],
          statuses: ALWAYS,
          roles: P.manageDevices,
        },
        handle: async (req, res, { body }) => {
          const input = { spec1: null, spec2: null, spec3: null, spec4: null, spec5: null, purchaseDate: null, branchId: null, ...deviceInput(body) } as DeviceInput;
          const { deviceId, result } = await registerDevice(deps.commands, input, metaFor(req));
          await answerSummary(req, res, deviceId, result.position, 201);
        },
      }),
      route({
        method: 'get',
        path: '/:id',
        params: idParams,
        before: [permit(P, 'viewDevices')],
        doc: {
          ...base,
          operationId: 'inventoryDeviceGet',
          summary: 'A device with its current assignment and its assignment history',
          description: 'The history is the custody of the device derived from its events: every returned assignment, who held it, from when to when, for which ticket, and how it came back.',
          success: [{ status: 200, description: 'The device.', schema: dataOf(ref('InventoryDeviceDetail')), headers: ['ETag'] }],
          statuses: [...ALWAYS, 404],
          roles: P.viewDevices,
        },
        handle: async (_req, res, { params }) => {
          const doc = await byNumber(params.id);
          const history = await deviceCustody(deps.readStore, doc._id);
          const l = await lookups(deps.readStore, {
            userIds: [doc.created_by, doc.updated_by, doc.current?.user_id, ...history.map((a) => a.user_id)],
            branchIds: [doc.current?.branch_id],
            categoryIds: [doc.category_id],
          });
          setEtag(res, doc.revision, deviceStream(doc._id));
          data(res, presentDeviceDetail(doc, history, l));
        },
      }),
      route({
        method: 'put',
        path: '/:id',
        params: idParams,
        body: updateDeviceBody,
        before: [permit(P, 'manageDevices')],
        doc: {
          ...base,
          operationId: 'inventoryDeviceUpdate',
          summary: 'Update a device',
          description: 'Every field optional. The category of an assigned device cannot change (400 ERR_DEVICE_ASSIGNED).',
          ifMatch: true,
          success: [{ status: 200, description: 'Updated.', schema: dataOf(ref('InventoryDeviceSummary')), headers: ['ETag'] }],
          statuses: [...ALWAYS, 400, 404],
          roles: P.manageDevices,
        },
        handle: async (req, res, { params, body }) => {
          const doc = await byNumber(params.id);
          const result = await updateDevice(deps.commands, doc._id, deviceInput(body), metaFor(req), { ifMatch: ifMatch(req) });
          await answerSummary(req, res, doc._id, result.position);
        },
      }),
      route({
        method: 'delete',
        path: '/:id',
        params: idParams,
        before: [permit(P, 'manageDevices')],
        doc: {
          ...base,
          operationId: 'inventoryDeviceDelete',
          summary: 'Delete a device',
          description: 'Refused with 400 ERR_DEVICE_ASSIGNED while the device is assigned. Its events (and custody history) stay in its stream.',
          success: [{ status: 200, description: 'Deleted.', schema: ref('InventoryDeleted') }],
          statuses: [...ALWAYS, 400, 404],
          roles: P.manageDevices,
        },
        handle: async (req, res, { params }) => {
          const doc = await byNumber(params.id);
          const result = await deleteDevice(deps.commands, doc._id, metaFor(req));
          await settle(deps, req, result.position);
          res.json({ message: 'Device deleted successfully.', errorCode: null });
        },
      }),
    ],
    components,
  );
  return router;
}
