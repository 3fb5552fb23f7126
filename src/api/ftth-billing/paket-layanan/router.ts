import { Router } from 'express';
import { z } from 'zod';
import { archiveServicePlan, createServicePlan, updateServicePlan } from '../../../commands/billing/service-plans';
import { servicePlanStream } from '../../../domain/service-plan';
import { NotFoundError, ValidationError } from '../../../domain/shared/errors';
import type { PlanDoc } from '../../../projections/billing-catalog/projector';
import { getPlan, listPlans } from '../../../projections/billing-catalog/queries';
import { setEventStream } from '../../http/conditional';
import { metaFor } from '../../http/context';
import { declareRoutes, route } from '../../http/route';
import { ref } from '../../openapi/schema';
import { settle, type ApiDeps } from '../../deps';
import { billingDoc, intId, sendList, listOf, pageQuery, rupiah, TAGS } from '../envelope';
import { PresentedTexts } from '../../http/json-text';
import { billingErrorHandler } from '../errors';
import type { Guard } from '../guard';
import { BILLING_PERMISSIONS as P } from '../permissions';
import { billingComponents } from '../schemas';

const fields = {
  id_brand: z.string().trim().min(1, 'The id brand field is required.').max(32).transform((v) => v.toUpperCase()),
  nama_paket: z.string().trim().min(1, 'The nama paket field is required.').max(100),
  kecepatan: z.number({ error: 'The kecepatan field is required.' }).int('must be a whole number of Mbps').positive('must be above 0').describe('Mbps'),
  harga: rupiah.describe('Integer rupiah per month.'),
  profile_pppoe: z.string().trim().min(1).max(100).nullable().optional().describe('The RouterOS PPPoE profile; default: derived from the package by the Mikrotik sync.'),
};
const createBody = z.object(fields);
const updateBody = z.object(fields).partial().strict();
const params = z.object({ id: intId.describe('The package id.') });
const listQuery = pageQuery.extend({ id_brand: z.string().trim().max(32).optional() });

export function presentPaket(doc: PlanDoc) {
  return {
    id: doc.id,
    id_brand: doc.id_brand,
    nama_paket: doc.nama_paket,
    kecepatan: doc.kecepatan,
    harga: doc.harga,
    profile_pppoe: doc.profile_pppoe,
    created_at: doc.created_at,
    updated_at: doc.updated_at,
  };
}

const base = { ...billingDoc, tag: TAGS.paket };

/** An unknown brand in a body is a field error, not a missing resource. */
async function withBrand<T>(work: Promise<T>, brandId: string | undefined): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof NotFoundError && err.entity === 'Brand') throw new ValidationError({ id_brand: [`The id brand ${brandId} names no brand.`] });
    throw err;
  }
}

/** Service plans (document 002 `paket_layanan`, document 004's service catalog) at /api/paket_layanan. */
export function paketLayananRouter(deps: ApiDeps, guard: Guard): Router {
  const paketTexts = new PresentedTexts(presentPaket);
  const router = Router();
  const load = async (id: number) => {
    const doc = await getPlan(deps.readStore, id);
    if (!doc) throw new NotFoundError('Paket layanan', String(id));
    return doc;
  };
  declareRoutes(
    router,
    [
      route({
        method: 'get',
        path: '/',
        query: listQuery,
        before: guard(P, 'viewCatalog'),
        keep: deps.keptAnswers,
        doc: { ...base, operationId: 'billingPaketList', summary: 'List packages', success: [{ status: 200, description: 'A page.', schema: listOf(ref('BillingPaket')) }], statuses: [403], roles: P.viewCatalog },
        handle: async (_req, res, { query }) => {
          const { items, total } = await listPlans(deps.readStore, { brandId: query.id_brand, skip: query.skip, limit: query.limit });
          sendList(res, paketTexts.page(items), total, query);
        },
      }),
      route({
        method: 'post',
        path: '/',
        body: createBody,
        before: guard(P, 'editCatalog'),
        doc: { ...base, operationId: 'billingPaketCreate', summary: 'Create a package', success: [{ status: 201, description: 'The package.', schema: ref('BillingPaket') }], statuses: [403], roles: P.editCatalog },
        handle: async (req, res, { body }) => {
          const { planId, result } = await withBrand(
            createServicePlan(deps.commands, { brandId: body.id_brand, name: body.nama_paket, speedMbps: body.kecepatan, price: body.harga, pppoeProfile: body.profile_pppoe ?? null }, metaFor(req)),
            body.id_brand,
          );
          await settle(deps, req, result.position);
          res.status(201).json(presentPaket(await load(planId)));
        },
      }),
      route({
        method: 'get',
        path: '/:id',
        params,
        before: guard(P, 'viewCatalog'),
        doc: {
          ...base,
          operationId: 'billingPaketGet',
          summary: 'A package',
          success: [{ status: 200, description: 'The package.', schema: ref('BillingPaket'), headers: ['X-Event-Stream'] }],
          statuses: [403, 404],
          roles: P.viewCatalog,
        },
        handle: async (_req, res, { params: p }) => {
          const doc = await load(p.id);
          setEventStream(res, servicePlanStream(doc.id));
          res.json(presentPaket(doc));
        },
      }),
      route({
        method: 'patch',
        path: '/:id',
        params,
        body: updateBody,
        before: guard(P, 'editCatalog'),
        doc: { ...base, operationId: 'billingPaketUpdate', summary: 'Update a package', success: [{ status: 200, description: 'The package.', schema: ref('BillingPaket') }], statuses: [403, 404], roles: P.editCatalog },
        handle: async (req, res, { params: p, body }) => {
          const result = await withBrand(
            updateServicePlan(
              deps.commands,
              p.id,
              { brandId: body.id_brand, name: body.nama_paket, speedMbps: body.kecepatan, price: body.harga, pppoeProfile: body.profile_pppoe },
              metaFor(req),
            ),
            body.id_brand,
          );
          await settle(deps, req, result.position);
          res.json(presentPaket(await load(p.id)));
        },
      }),
      route({
        method: 'delete',
        path: '/:id',
        params,
        before: guard(P, 'editCatalog'),
        doc: {
          ...base,
          operationId: 'billingPaketDelete',
          summary: 'Remove a package from the catalog (subscriptions on it keep it)',
          success: [],
          extraResponses: { '204': { description: 'Removed.' } },
          statuses: [403, 404],
          roles: P.editCatalog,
        },
        handle: async (req, res, { params: p }) => {
          const result = await archiveServicePlan(deps.commands, p.id, metaFor(req));
          await settle(deps, req, result.position);
          res.status(204).end();
        },
      }),
    ],
    billingComponents,
  );
  router.use(billingErrorHandler(deps.logger));
  return router;
}
