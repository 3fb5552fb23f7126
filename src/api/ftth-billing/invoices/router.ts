import { createHash, timingSafeEqual } from 'node:crypto';
import { Router, type Request } from 'express';
import { applyGatewayCallback, createInvoice, issueInvoice, markInvoiceOverdue, payInvoice, voidInvoice } from '../../../commands/billing/invoices';
import { invoiceStream } from '../../../domain/invoice';
import { DuplicateError, NotFoundError, UnauthenticatedError, ValidationError } from '../../../domain/shared/errors';
import { runReactivations } from '../../../jobs/billing';
import type { InvoiceDoc } from '../../../projections/billing-invoices/projector';
import { findInvoiceByExternalId, getInvoice, listInvoices, paymentsOfInvoice } from '../../../projections/billing-invoices/queries';
import { getPelanggan, getPelangganMany } from '../../../projections/billing-customers/queries';
import { setEventStream } from '../../http/conditional';
import { metaFor } from '../../http/context';
import { idempotent } from '../../http/idempotency';
import { declareRoutes, route } from '../../http/route';
import { ref } from '../../openapi/schema';
import { settle, type ApiDeps } from '../../deps';
import { billingDoc, sendList, listOf, TAGS } from '../envelope';
import { PresentedTexts } from '../../http/json-text';
import { billingErrorHandler } from '../errors';
import type { Guard } from '../guard';
import { BILLING_PERMISSIONS as P } from '../permissions';
import { billingComponents } from '../schemas';
import { createInvoiceBody, invoiceParams, listInvoicesQuery, statusBody, xenditCallbackBody } from './input';
import { presentInvoice, presentInvoiceDetail } from './presenter';
import { INVOICE_LABELS, INVOICE_STATUS_OF } from './vocabulary';

const base = { ...billingDoc, tag: TAGS.invoices };

/** Compares the presented token with the configured one in constant time (digests: equal lengths). */
export function callbackTokenMatches(presented: string | undefined, configured: string | null): boolean {
  if (!configured || presented === undefined) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(configured).digest();
  return timingSafeEqual(a, b);
}

/**
 * Document 002 "Invoice Endpoints" at /api/invoices, and Xendit's callback. Creation and
 * payments (PATCH status to Lunas) honour Idempotency-Key. A payment that settles the last
 * overdue invoice of a suspended customer reactivates its subscription before the answer.
 */
export function invoicesRouter(deps: ApiDeps, guard: Guard): Router {
  // An item shows its pelanggan's name besides the invoice.
  const invoiceTexts = new PresentedTexts(presentInvoice, (d, names) => [names.get(d.pelanggan_id)]);
  const router = Router();
  const idem = idempotent({ keys: deps.idempotency, fileStore: deps.fileStore, logger: deps.logger });

  const names = async (docs: readonly InvoiceDoc[]): Promise<Map<number, string>> =>
    new Map((await getPelangganMany(deps.readStore, docs.map((d) => d.customer_id))).map((p) => [p.id, p.nama]));
  const load = async (id: number): Promise<InvoiceDoc> => {
    const doc = await getInvoice(deps.readStore, id);
    if (!doc) throw new NotFoundError('Invoice', String(id));
    return doc;
  };
  const detail = async (id: number) => {
    const doc = await load(id);
    return presentInvoiceDetail(doc, await names([doc]), await paymentsOfInvoice(deps.readStore, id));
  };
  /** After a payment: reactivation of the customer's suspended subscription, when it owes nothing overdue any more. */
  const reactivate = async (req: Request, customerId: string, invoiceId: number) => {
    const r = await runReactivations({ commands: deps.commands, readStore: deps.readStore, logger: deps.logger }, deps.commands.clock.now(), {
      customerIds: [customerId],
      invoiceId,
      meta: metaFor(req),
    });
    await settle(deps, req, r.position);
  };

  declareRoutes(
    router,
    [
      route({
        method: 'post',
        path: '/xendit-callback',
        body: xenditCallbackBody,
        bodyLimit: '64kb',
        // The token first: nothing of an unauthenticated body is read.
        before: [
          (req, _res, next) => {
            if (!callbackTokenMatches(req.get('x-callback-token'), deps.settings.billing.xenditCallbackToken)) {
              throw new UnauthenticatedError('Invalid callback token', 'invalid');
            }
            next();
          },
        ],
        doc: {
          ...base,
          auth: false,
          operationId: 'billingXenditCallback',
          summary: 'Xendit invoice callback',
          description:
            'Xendit calls this with `x-callback-token` (checked in constant time against XENDIT_CALLBACK_TOKEN; 401 otherwise). The invoice is found by `external_id`; a callback is applied once per `id` (a duplicate answers 200 with `duplicate: true` and changes nothing); PAID pays the invoice with `paid_amount` and `paid_at`, EXPIRED makes an unpaid invoice Jatuh Tempo. Accepted whichever gateway made the link.',
          success: [{ status: 200, description: 'Applied (or recognised as a duplicate).', schema: ref('BillingCallbackResult') }],
          statuses: [401, 404],
        },
        handle: async (req, res, { body }) => {
          const invoice = await findInvoiceByExternalId(deps.readStore, body.external_id);
          if (!invoice) throw new NotFoundError('Invoice', body.external_id);
          const paidAt = body.paid_at && !Number.isNaN(Date.parse(body.paid_at)) ? new Date(body.paid_at).toISOString() : null;
          const outcome = await applyGatewayCallback(
            deps.commands,
            invoice.id,
            {
              gateway: 'xendit',
              callbackId: body.id,
              status: body.status.toUpperCase(),
              paidAmount: body.paid_amount !== undefined ? Math.round(body.paid_amount) : body.amount !== undefined ? Math.round(body.amount) : null,
              paidAt,
              paymentChannel: body.payment_channel ?? body.payment_method ?? null,
            },
            metaFor(req),
          );
          await settle(deps, req, outcome.position);
          if (outcome.paid) await reactivate(req, invoice.customer_id, invoice.id);
          res.json({
            detail: outcome.duplicate ? 'Callback already processed' : 'Callback processed',
            invoice_id: invoice.id,
            status_invoice: INVOICE_LABELS[outcome.invoice.status],
            duplicate: outcome.duplicate,
            outcome: outcome.outcome,
          });
        },
      }),
      route({
        method: 'post',
        path: '/',
        body: createInvoiceBody,
        before: guard(P, 'editInvoices'),
        after: [idem],
        doc: {
          ...base,
          operationId: 'billingInvoiceCreate',
          summary: 'Create an invoice',
          description:
            'Numbered from the brand’s own sequence; totals in integer rupiah. One invoice per pelanggan and periode (409). Issued at once (Menunggu Pembayaran) unless `status_invoice: Draft`; an issued invoice gets a payment link from the brand’s gateway (`payment_link`, `xendit_external_id`).',
          idempotencyKey: true,
          success: [{ status: 201, description: 'The invoice.', schema: ref('BillingInvoiceDetail'), headers: ['Location'] }],
          statuses: [403, 409],
          roles: P.editInvoices,
        },
        handle: async (req, res, { body }) => {
          const pelanggan = await getPelanggan(deps.readStore, body.pelanggan_id);
          if (!pelanggan) throw new ValidationError({ pelanggan_id: ['The pelanggan id names no pelanggan.'] });
          const brandId = body.id_brand ?? pelanggan.id_brand;
          if (!brandId) throw new ValidationError({ id_brand: ['The pelanggan has no brand: give id_brand.'] });
          let created;
          try {
            created = await createInvoice(
              deps.commands,
              {
                customerId: pelanggan._id,
                brandId,
                period: body.periode,
                dueDate: body.tanggal_jatuh_tempo,
                items: body.items.map((i) => ({ description: i.deskripsi, quantity: i.jumlah, unitPrice: i.harga })),
                issue: body.status_invoice === 'Menunggu Pembayaran',
                subscriptionId: pelanggan.langganan_id,
              },
              metaFor(req),
            );
          } catch (err) {
            if (err instanceof NotFoundError && err.entity === 'Brand') throw new ValidationError({ id_brand: [`The id brand ${brandId} names no brand.`] });
            if (err instanceof DuplicateError && err.field === 'periode') throw new DuplicateError('periode', `${body.periode} for pelanggan ${body.pelanggan_id}`);
            throw err;
          }
          await settle(deps, req, created.position);
          res.setHeader('Location', `/api/invoices/${created.invoiceId}`);
          res.status(201).json(await detail(created.invoiceId));
        },
      }),
      route({
        method: 'get',
        path: '/',
        query: listInvoicesQuery,
        before: guard(P, 'viewInvoices'),
        keep: deps.keptAnswers,
        doc: {
          ...base,
          operationId: 'billingInvoiceList',
          summary: 'List invoices',
          description: 'Newest first; filters combine.',
          success: [{ status: 200, description: 'A page.', schema: listOf(ref('BillingInvoice')) }],
          statuses: [403],
          roles: P.viewInvoices,
        },
        handle: async (_req, res, { query }) => {
          const { items, total } = await listInvoices(deps.readStore, {
            pelangganId: query.pelanggan_id,
            status: query.status_invoice ? INVOICE_STATUS_OF[query.status_invoice] : undefined,
            periode: query.periode,
            skip: query.skip,
            limit: query.limit,
          });
          const n = await names(items);
          sendList(res, invoiceTexts.page(items, n), total, query);
        },
      }),
      route({
        method: 'get',
        path: '/:invoice_id',
        params: invoiceParams,
        before: guard(P, 'viewInvoices'),
        doc: {
          ...base,
          operationId: 'billingInvoiceGet',
          summary: 'An invoice, with its payments',
          success: [{ status: 200, description: 'The invoice.', schema: ref('BillingInvoiceDetail'), headers: ['X-Event-Stream'] }],
          statuses: [403, 404],
          roles: P.viewInvoices,
        },
        handle: async (_req, res, { params }) => {
          const body = await detail(params.invoice_id);
          // The stream, without an ETag: the read model's revision does not follow every invoice event (InvoiceSent).
          setEventStream(res, invoiceStream(body.id));
          res.json(body);
        },
      }),
      route({
        method: 'patch',
        path: '/:invoice_id/status',
        params: invoiceParams,
        body: statusBody,
        before: guard(P, 'editInvoices'),
        after: [idem],
        doc: {
          ...base,
          operationId: 'billingInvoiceStatus',
          summary: 'Change an invoice’s status (allowed transitions only)',
          description:
            'Draft → Menunggu Pembayaran; Menunggu Pembayaran or Jatuh Tempo → Lunas (records a payment: `paid_amount`, default what is left; `paid_at`, default now); Menunggu Pembayaran → Jatuh Tempo once past due; anything unpaid → Dibatalkan. Any other step is 422 INVALID_STATE_TRANSITION. Send Lunas with an Idempotency-Key to make a retry safe.',
          idempotencyKey: true,
          success: [{ status: 200, description: 'The invoice.', schema: ref('BillingInvoiceDetail') }],
          statuses: [403, 404],
          roles: P.editInvoices,
        },
        handle: async (req, res, { params, body }) => {
          const doc = await load(params.invoice_id);
          const meta = metaFor(req);
          let position: number | null;
          switch (body.status_invoice) {
            case 'Menunggu Pembayaran':
              position = (await issueInvoice(deps.commands, doc.id, meta)).position;
              break;
            case 'Jatuh Tempo':
              position = (await markInvoiceOverdue(deps.commands, doc.id, meta)).position;
              break;
            case 'Dibatalkan':
              position = (await voidInvoice(deps.commands, doc.id, body.alasan ?? null, meta)).position;
              break;
            case 'Lunas': {
              const paid = await payInvoice(
                deps.commands,
                doc.id,
                { amount: body.paid_amount ?? null, paidAt: body.paid_at ? new Date(body.paid_at).toISOString() : null, method: body.metode_pembayaran ?? 'Manual' },
                meta,
              );
              position = paid.position;
              await settle(deps, req, position);
              if (paid.paid) await reactivate(req, doc.customer_id, doc.id);
              break;
            }
          }
          await settle(deps, req, position);
          res.json(await detail(doc.id));
        },
      }),
    ],
    billingComponents,
  );
  router.use(billingErrorHandler(deps.logger));
  return router;
}
