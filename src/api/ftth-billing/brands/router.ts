import { Router } from 'express';
import { z } from 'zod';
import { deleteBrand, registerBrand, updateBrand } from '../../../commands/billing/brands';
import { brandStream, PAYMENT_PROVIDERS } from '../../../domain/brand';
import { DuplicateError, IllegalStateError, NotFoundError } from '../../../domain/shared/errors';
import type { BrandDoc } from '../../../projections/billing-catalog/projector';
import { getBrand, listBrands } from '../../../projections/billing-catalog/queries';
import { setEventStream } from '../../http/conditional';
import { metaFor } from '../../http/context';
import { declareRoutes, route } from '../../http/route';
import { ref } from '../../openapi/schema';
import { settle, type ApiDeps } from '../../deps';
import { billingDoc, sendList, listOf, pageQuery, TAGS } from '../envelope';
import { PresentedTexts } from '../../http/json-text';
import { billingErrorHandler } from '../errors';
import type { Guard } from '../guard';
import { BILLING_PERMISSIONS as P } from '../permissions';
import { billingComponents } from '../schemas';

const gateway = z.object({
  provider: z.enum(PAYMENT_PROVIDERS).default('simulated').describe('Who makes the payment links of this brand’s invoices.'),
  api_key: z.string().min(1).max(500).nullable().optional().describe('The gateway’s secret key (write-only: sealed at rest, never returned); null: the configured default.'),
  invoice_duration_seconds: z.number().int().positive().max(365 * 86_400).nullable().optional().describe('How long a payment link is valid; default: until the due date.'),
});
const createBody = z.object({
  id_brand: z.string().trim().regex(/^[A-Za-z0-9_-]{1,32}$/, 'The id brand must be 1 to 32 letters, digits, _ or -.'),
  nama_brand: z.string().trim().min(1, 'The nama brand field is required.').max(100),
  payment_gateway: gateway.optional(),
});
const updateBody = z
  .object({
    nama_brand: z.string().trim().min(1).max(100).optional(),
    payment_gateway: gateway.partial().extend({ provider: z.enum(PAYMENT_PROVIDERS).optional() }).optional(),
  })
  .strict();
const params = z.object({ id_brand: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/).transform((v) => v.toUpperCase()).describe('The brand id, e.g. JAKINET.') });

export function presentBrand(doc: BrandDoc) {
  return { id_brand: doc.id_brand, nama_brand: doc.nama_brand, payment_gateway: doc.payment_gateway, created_at: doc.created_at, updated_at: doc.updated_at };
}

const base = { ...billingDoc, tag: TAGS.brands };

/** Brands with their payment gateway settings, at /api/brands (admin writes; gateway keys sealed). */
export function brandsRouter(deps: ApiDeps, guard: Guard): Router {
  const brandTexts = new PresentedTexts(presentBrand);
  const router = Router();
  const load = async (id: string) => {
    const doc = await getBrand(deps.readStore, id);
    if (!doc) throw new NotFoundError('Brand', id);
    return doc;
  };
  declareRoutes(
    router,
    [
      route({
        method: 'get',
        path: '/',
        query: pageQuery,
        before: guard(P, 'viewCatalog'),
        keep: deps.keptAnswers,
        doc: { ...base, operationId: 'billingBrandList', summary: 'List brands', success: [{ status: 200, description: 'A page.', schema: listOf(ref('BillingBrand')) }], statuses: [403], roles: P.viewCatalog },
        handle: async (_req, res, { query }) => {
          const { items, total } = await listBrands(deps.readStore, query);
          sendList(res, brandTexts.page(items), total, query);
        },
      }),
      route({
        method: 'post',
        path: '/',
        body: createBody,
        before: guard(P, 'editCatalog'),
        doc: { ...base, operationId: 'billingBrandCreate', summary: 'Create a brand', success: [{ status: 201, description: 'The brand.', schema: ref('BillingBrand') }], statuses: [403, 409], roles: P.editCatalog },
        handle: async (req, res, { body }) => {
          const g = body.payment_gateway ?? { provider: 'simulated' as const };
          try {
            const result = await registerBrand(
              deps.commands,
              { brandId: body.id_brand, name: body.nama_brand, gateway: { provider: g.provider, apiKey: g.api_key ?? null, invoiceDurationSeconds: g.invoice_duration_seconds ?? null } },
              metaFor(req),
            );
            await settle(deps, req, result.position);
          } catch (err) {
            if (err instanceof IllegalStateError) throw new DuplicateError('id_brand', body.id_brand);
            throw err;
          }
          res.status(201).json(presentBrand(await load(body.id_brand)));
        },
      }),
      route({
        method: 'get',
        path: '/:id_brand',
        params,
        before: guard(P, 'viewCatalog'),
        doc: {
          ...base,
          operationId: 'billingBrandGet',
          summary: 'A brand',
          success: [{ status: 200, description: 'The brand.', schema: ref('BillingBrand'), headers: ['X-Event-Stream'] }],
          statuses: [403, 404],
          roles: P.viewCatalog,
        },
        handle: async (_req, res, { params: p }) => {
          const doc = await load(p.id_brand);
          // The brand id as the read model keeps it (normalised, like the stream's name).
          setEventStream(res, brandStream(doc.id_brand));
          res.json(presentBrand(doc));
        },
      }),
      route({
        method: 'patch',
        path: '/:id_brand',
        params,
        body: updateBody,
        before: guard(P, 'editCatalog'),
        doc: { ...base, operationId: 'billingBrandUpdate', summary: 'Update a brand', success: [{ status: 200, description: 'The brand.', schema: ref('BillingBrand') }], statuses: [403, 404], roles: P.editCatalog },
        handle: async (req, res, { params: p, body }) => {
          const g = body.payment_gateway;
          const result = await updateBrand(
            deps.commands,
            p.id_brand,
            { name: body.nama_brand, gateway: g ? { provider: g.provider, apiKey: g.api_key, invoiceDurationSeconds: g.invoice_duration_seconds } : undefined },
            metaFor(req),
          );
          await settle(deps, req, result.position);
          res.json(presentBrand(await load(p.id_brand)));
        },
      }),
      route({
        method: 'delete',
        path: '/:id_brand',
        params,
        before: guard(P, 'editCatalog'),
        doc: { ...base, operationId: 'billingBrandDelete', summary: 'Delete a brand', success: [], extraResponses: { '204': { description: 'Deleted.' } }, statuses: [403, 404], roles: P.editCatalog },
        handle: async (req, res, { params: p }) => {
          const result = await deleteBrand(deps.commands, p.id_brand, metaFor(req));
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
