import { Router } from 'express';
import { z } from 'zod';
import { recordTechnicalData, updateTechnicalData } from '../../../commands/billing/technical-data';
import { NotFoundError, ValidationError } from '../../../domain/shared/errors';
import { technicalDataStream, VLAN_MAX, VLAN_MIN } from '../../../domain/technical-data';
import { getDataTeknis, getDataTeknisOfPelanggan, getPelanggan } from '../../../projections/billing-customers/queries';
import { setEventStream } from '../../http/conditional';
import { metaFor } from '../../http/context';
import { declareRoutes, route } from '../../http/route';
import { ref } from '../../openapi/schema';
import { settle, type ApiDeps } from '../../deps';
import { billingDoc, intId, TAGS } from '../envelope';
import { billingErrorHandler } from '../errors';
import type { Guard } from '../guard';
import { BILLING_PERMISSIONS as P } from '../permissions';
import { billingComponents } from '../schemas';
import { presentDataTeknis } from './presenter';
import { mikrotikSyncForPelanggan } from '../../../projections/mikrotik-sync/queries';
import type { DataTeknisDoc } from '../../../projections/billing-customers/projector';

const optionalText = (max: number) => z.string().trim().max(max).nullable().optional().transform((v) => (v === '' ? null : v));
const fields = {
  ip_pelanggan: z.string().trim().nullable().optional().describe('IPv4, unique per Mikrotik server.'),
  vlan: z.number().int('The vlan must be a whole number.').min(VLAN_MIN, `The vlan must be between ${VLAN_MIN} and ${VLAN_MAX}.`).max(VLAN_MAX, `The vlan must be between ${VLAN_MIN} and ${VLAN_MAX}.`).nullable().optional(),
  sn_ont: optionalText(64),
  port_odp: optionalText(64),
  port_olt: optionalText(64),
  username_pppoe: z.string().trim().min(1).max(64).optional().describe('Default: the customer’s code (CUST-000123).'),
  password_pppoe: z.string().min(1).max(128).nullable().optional().describe('Write-only: sealed at rest, never returned.'),
  mikrotik_server_id: z.number().int().positive().nullable().optional().describe('The Mikrotik server (an id of /api/mikrotik_servers).'),
};
const createBody = z.object({ pelanggan_id: z.number({ error: 'The pelanggan id field is required.' }).int().positive(), ...fields });
const updateBody = z.object(fields).strict();

const base = { ...billingDoc, tag: TAGS.dataTeknis };

/**
 * Document 002 "Data Teknis Endpoints" at /api/data_teknis: one record per pelanggan; the
 * address is unique per Mikrotik server (409), the VLAN in 1–4094, the PPPoE password sealed.
 */
export function dataTeknisRouter(deps: ApiDeps, guard: Guard): Router {
  const router = Router();
  const present = async (doc: DataTeknisDoc) => presentDataTeknis(doc, await mikrotikSyncForPelanggan(deps.readStore, doc.pelanggan_id));
  const byId = async (id: number) => {
    const doc = await getDataTeknis(deps.readStore, id);
    if (!doc) throw new NotFoundError('Data teknis', String(id));
    return doc;
  };
  declareRoutes(
    router,
    [
      route({
        method: 'post',
        path: '/',
        body: createBody,
        before: guard(P, 'editDataTeknis'),
        doc: {
          ...base,
          operationId: 'billingDataTeknisCreate',
          summary: 'Record a pelanggan’s technical data',
          success: [{ status: 201, description: 'The technical data.', schema: ref('BillingDataTeknis') }],
          statuses: [403, 409],
          roles: P.editDataTeknis,
        },
        handle: async (req, res, { body }) => {
          const pelanggan = await getPelanggan(deps.readStore, body.pelanggan_id);
          if (!pelanggan) throw new ValidationError({ pelanggan_id: ['The pelanggan id names no pelanggan.'] });
          const { technicalDataId, result } = await recordTechnicalData(
            deps.commands,
            {
              customerId: pelanggan._id,
              mikrotikServerId: body.mikrotik_server_id ?? null,
              ip: body.ip_pelanggan ?? null,
              vlan: body.vlan ?? null,
              pppoeUsername: body.username_pppoe ?? null,
              pppoePassword: body.password_pppoe ?? null,
              ontSerial: body.sn_ont ?? null,
              odpPort: body.port_odp ?? null,
              oltPort: body.port_olt ?? null,
            },
            metaFor(req),
          );
          await settle(deps, req, result.position);
          res.status(201).json(await present(await byId(technicalDataId)));
        },
      }),
      route({
        method: 'get',
        path: '/pelanggan/:pelanggan_id',
        params: z.object({ pelanggan_id: intId.describe('The pelanggan id.') }),
        before: guard(P, 'viewDataTeknis'),
        doc: {
          ...base,
          operationId: 'billingDataTeknisOfPelanggan',
          summary: 'A pelanggan’s technical data',
          description: 'X-Event-Stream names the technical data’s own stream (`technical_data-<id>`, the id of PATCH /api/data_teknis/{data_teknis_id}), not the pelanggan’s.',
          success: [{ status: 200, description: 'The technical data.', schema: ref('BillingDataTeknis'), headers: ['X-Event-Stream'] }],
          statuses: [403, 404],
          roles: P.viewDataTeknis,
        },
        handle: async (_req, res, { params }) => {
          const doc = await getDataTeknisOfPelanggan(deps.readStore, params.pelanggan_id);
          if (!doc) throw new NotFoundError('Data teknis', String(params.pelanggan_id));
          const body = await present(doc);
          setEventStream(res, technicalDataStream(doc.id));
          res.json(body);
        },
      }),
      route({
        method: 'patch',
        path: '/:data_teknis_id',
        params: z.object({ data_teknis_id: intId.describe('The technical data id.') }),
        body: updateBody,
        before: guard(P, 'editDataTeknis'),
        doc: {
          ...base,
          operationId: 'billingDataTeknisUpdate',
          summary: 'Update technical data (the fields sent)',
          success: [{ status: 200, description: 'The technical data.', schema: ref('BillingDataTeknis') }],
          statuses: [403, 404, 409],
          roles: P.editDataTeknis,
        },
        handle: async (req, res, { params, body }) => {
          await byId(params.data_teknis_id);
          const result = await updateTechnicalData(
            deps.commands,
            params.data_teknis_id,
            {
              mikrotikServerId: body.mikrotik_server_id,
              ip: body.ip_pelanggan,
              vlan: body.vlan,
              pppoeUsername: body.username_pppoe,
              pppoePassword: body.password_pppoe,
              ontSerial: body.sn_ont,
              odpPort: body.port_odp,
              oltPort: body.port_olt,
            },
            metaFor(req),
          );
          await settle(deps, req, result.position);
          res.json(await present(await byId(params.data_teknis_id)));
        },
      }),
    ],
    billingComponents,
  );
  router.use(billingErrorHandler(deps.logger));
  return router;
}
