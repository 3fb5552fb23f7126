import { Router, type Request } from 'express';
import { z } from 'zod';
import { createSubscription, reactivateSubscription, suspendSubscription, terminateSubscription, updateSubscription } from '../../../commands/billing/subscriptions';
import { DuplicateError, NotFoundError, ValidationError } from '../../../domain/shared/errors';
import { subscriptionStream, type SubscriptionStatus } from '../../../domain/subscription';
import type { LanggananDoc } from '../../../projections/billing-customers/projector';
import { getLangganan, getPelanggan, listLangganan } from '../../../projections/billing-customers/queries';
import { SUBSCRIPTION_LABELS } from '../../../projections/billing-customers/vocabulary';
import { setEventStream } from '../../http/conditional';
import { metaFor } from '../../http/context';
import { declareRoutes, route } from '../../http/route';
import { ref } from '../../openapi/schema';
import { settle, type ApiDeps } from '../../deps';
import { billingDoc, calendarDate, intId, sendList, listOf, pageQuery, TAGS } from '../envelope';
import { PresentedTexts } from '../../http/json-text';
import { billingErrorHandler } from '../errors';
import type { Guard } from '../guard';
import { BILLING_PERMISSIONS as P } from '../permissions';
import { billingComponents } from '../schemas';

const STATUS_OF: Record<string, SubscriptionStatus> = { Aktif: 'active', Suspended: 'suspended', Berhenti: 'terminated' };
const statusLabel = z.enum(['Aktif', 'Suspended', 'Berhenti'], { error: 'The status must be Aktif, Suspended or Berhenti.' });

const createBody = z.object({
  pelanggan_id: z.number({ error: 'The pelanggan id field is required.' }).int().positive(),
  paket_layanan_id: z.number({ error: 'The paket layanan id field is required.' }).int().positive(),
  tgl_jatuh_tempo: calendarDate.describe('The next due date; its day of month is the billing day.'),
  metode_pembayaran: z.string().trim().min(1, 'The metode pembayaran field is required.').max(50).default('Manual'),
});
const updateBody = z
  .object({
    paket_layanan_id: z.number().int().positive().optional(),
    tgl_jatuh_tempo: calendarDate.optional(),
    metode_pembayaran: z.string().trim().min(1).max(50).optional(),
    status: statusLabel.optional().describe('Suspended suspends, Aktif reactivates, Berhenti ends the subscription.'),
  })
  .strict();
const params = z.object({ id: intId.describe('The subscription id.') });
const listQuery = pageQuery.extend({ pelanggan_id: z.coerce.number().int().positive().optional(), status: statusLabel.optional() });

export function presentLangganan(doc: LanggananDoc) {
  return {
    id: doc.id,
    pelanggan_id: doc.pelanggan_id,
    paket_layanan_id: doc.paket_layanan_id,
    status: SUBSCRIPTION_LABELS[doc.status],
    tgl_jatuh_tempo: doc.tgl_jatuh_tempo,
    metode_pembayaran: doc.metode_pembayaran,
    alasan_status: doc.status_reason,
    created_at: doc.created_at,
    updated_at: doc.updated_at,
  };
}

const base = { ...billingDoc, tag: TAGS.langganan };

/** References in a body that name nothing are field errors. */
async function referencing<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof NotFoundError && err.entity === 'Service plan') throw new ValidationError({ paket_layanan_id: ['The paket layanan id names no package.'] });
    if (err instanceof DuplicateError && err.field === 'customer_subscription') throw new DuplicateError('pelanggan_id', 'a current subscription');
    throw err;
  }
}

/**
 * Subscriptions (document 002 `langganan`, document 004's service instances) at /api/langganan.
 * A customer has at most one current subscription; its package is the customer's harga_layanan.
 * DELETE ends it (Berhenti): it stays listed, as history of what the customer had.
 */
export function langgananRouter(deps: ApiDeps, guard: Guard): Router {
  const langgananTexts = new PresentedTexts(presentLangganan);
  const router = Router();
  const load = async (id: number) => {
    const doc = await getLangganan(deps.readStore, id);
    if (!doc) throw new NotFoundError('Langganan', String(id));
    return doc;
  };
  const changeStatus = async (req: Request, doc: LanggananDoc, status: SubscriptionStatus) => {
    const meta = metaFor(req);
    if (status === 'terminated') return terminateSubscription(deps.commands, doc.id, 'ended through document 002', meta);
    if (status === 'suspended') return suspendSubscription(deps.commands, doc.id, { reason: 'manual', invoiceId: null }, meta);
    return reactivateSubscription(deps.commands, doc.id, { reason: 'manual', invoiceId: null }, meta);
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
        doc: { ...base, operationId: 'billingLanggananList', summary: 'List subscriptions', success: [{ status: 200, description: 'A page.', schema: listOf(ref('BillingLangganan')) }], statuses: [403], roles: P.viewCatalog },
        handle: async (_req, res, { query }) => {
          const { items, total } = await listLangganan(deps.readStore, { pelangganId: query.pelanggan_id, status: query.status ? STATUS_OF[query.status] : undefined, skip: query.skip, limit: query.limit });
          sendList(res, langgananTexts.page(items), total, query);
        },
      }),
      route({
        method: 'post',
        path: '/',
        body: createBody,
        before: guard(P, 'editCatalog'),
        doc: {
          ...base,
          operationId: 'billingLanggananCreate',
          summary: 'Subscribe a pelanggan to a package',
          description: 'Active at once. A pelanggan with a current subscription is 409.',
          success: [{ status: 201, description: 'The subscription.', schema: ref('BillingLangganan') }],
          statuses: [403, 409],
          roles: P.editCatalog,
        },
        handle: async (req, res, { body }) => {
          const pelanggan = await getPelanggan(deps.readStore, body.pelanggan_id);
          if (!pelanggan) throw new ValidationError({ pelanggan_id: ['The pelanggan id names no pelanggan.'] });
          const { subscriptionId, result } = await referencing(
            createSubscription(
              deps.commands,
              { customerId: pelanggan._id, terms: { planId: body.paket_layanan_id, dueDate: body.tgl_jatuh_tempo, paymentMethod: body.metode_pembayaran } },
              metaFor(req),
            ),
          );
          await settle(deps, req, result.position);
          res.status(201).json(presentLangganan(await load(subscriptionId)));
        },
      }),
      route({
        method: 'get',
        path: '/:id',
        params,
        before: guard(P, 'viewCatalog'),
        doc: {
          ...base,
          operationId: 'billingLanggananGet',
          summary: 'A subscription',
          success: [{ status: 200, description: 'The subscription.', schema: ref('BillingLangganan'), headers: ['X-Event-Stream'] }],
          statuses: [403, 404],
          roles: P.viewCatalog,
        },
        handle: async (_req, res, { params: p }) => {
          const doc = await load(p.id);
          setEventStream(res, subscriptionStream(doc.id));
          res.json(presentLangganan(doc));
        },
      }),
      route({
        method: 'patch',
        path: '/:id',
        params,
        body: updateBody,
        before: guard(P, 'editCatalog'),
        doc: {
          ...base,
          operationId: 'billingLanggananUpdate',
          summary: 'Change a subscription’s package, due date, payment method or status',
          success: [{ status: 200, description: 'The subscription.', schema: ref('BillingLangganan') }],
          statuses: [403, 404],
          roles: P.editCatalog,
        },
        handle: async (req, res, { params: p, body }) => {
          const doc = await load(p.id);
          let position: number | null = null;
          const { status, ...terms } = body;
          if (terms.paket_layanan_id !== undefined || terms.tgl_jatuh_tempo !== undefined || terms.metode_pembayaran !== undefined) {
            const r = await referencing(
              updateSubscription(deps.commands, doc.id, { planId: terms.paket_layanan_id, dueDate: terms.tgl_jatuh_tempo, paymentMethod: terms.metode_pembayaran }, metaFor(req)),
            );
            position = r.position ?? position;
          }
          if (status !== undefined) position = (await changeStatus(req, doc, STATUS_OF[status]!)).position ?? position;
          await settle(deps, req, position);
          res.json(presentLangganan(await load(p.id)));
        },
      }),
      route({
        method: 'delete',
        path: '/:id',
        params,
        before: guard(P, 'editCatalog'),
        doc: { ...base, operationId: 'billingLanggananDelete', summary: 'End a subscription (Berhenti)', success: [], extraResponses: { '204': { description: 'Ended.' } }, statuses: [403, 404], roles: P.editCatalog },
        handle: async (req, res, { params: p }) => {
          const result = await changeStatus(req, await load(p.id), 'terminated');
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
