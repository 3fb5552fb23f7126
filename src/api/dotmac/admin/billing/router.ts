import type { Router } from 'express';
import { createDotmacInvoice } from '../../../../commands/billing/dotmac-invoices';
import { voidInvoice } from '../../../../commands/billing/invoices';
import { refundPayment } from '../../../../commands/billing/refunds';
import { handleCommand } from '../../../../commands/handle-command';
import { invoiceDecider, invoiceStream, type NewItem } from '../../../../domain/invoice';
import { IllegalStateError, NotFoundError, ValidationError, type FieldErrors } from '../../../../domain/shared/errors';
import { getAdminInvoice, getPayment, listAdminInvoices, listPayments } from '../../../../projections/dotmac-billing/queries';
import { getDotmacCustomer } from '../../../../projections/dotmac-customers/queries';
import { getDotmacInvoice } from '../../../../projections/dotmac-invoices/queries';
import { getLangganan } from '../../../../projections/billing-customers/queries';
import { settle, type ApiDeps } from '../../../deps';
import { metaFor } from '../../../http/context';
import { idempotent } from '../../../http/idempotency';
import { declareRoutes, route } from '../../../http/route';
import { array, dateTime, nullable, number, object, oneOfValues, ref, string, uuid } from '../../../openapi/schema';
import { ok, okWithTexts, paginationOf } from '../../envelope';
import { invoicePdfBuffer } from '../../invoice-pdf';
import { fromMinor, minorDigits, toMinor } from '../../money';
import { ALWAYS, DOTMAC_COMPONENTS, dotmacDoc, dotmacSuccess, money } from '../../openapi';
import { INVOICE_STATUS_004, INVOICE_STATUS_FROM_004, INVOICE_STATUSES_004 } from '../../vocabulary';
import { permit } from '../permissions';
import { ADMIN_TAGS, adminRouter, closeAdminRouter, latest, rolesDoc } from '../shared';
import { createInvoiceBody, invoiceParams, invoicesQuery, PAYMENT_STATUSES, paymentParams, paymentsQuery, REFUND_METHODS, refundBody, sendInvoiceBody, voidInvoiceBody } from './input';
import { presentInvoice, presentPayment, presentRefund } from './presenter';
import { PresentedTexts } from '../../../http/json-text';

const components = {
  ...DOTMAC_COMPONENTS,
  tags: [
    {
      name: ADMIN_TAGS.invoices,
      description:
        'Document 004 "Invoices Management": the same invoices as document 002 (and the portal). Lines are taxed one by one in integer minor units, rounded half up (docs/api/004-admin.md, "Tax"). Statuses: draft, pending (issued), paid, overdue, cancelled (void), refunded (paid, then refunded in full).',
    },
    { name: ADMIN_TAGS.payments, description: 'Document 004 "Payments Management": every payment, and refunds (partial or full, never more than was paid; the invoice follows).' },
  ],
  schemas: {
    ...DOTMAC_COMPONENTS.schemas,
    DotmacAdminInvoice: object({
      id: string('The invoice id ("42").'),
      invoice_number: string(),
      customer_id: uuid(),
      status: oneOfValues(INVOICE_STATUSES_004),
      issue_date: dateTime(),
      due_date: dateTime(),
      paid_date: nullable(dateTime()),
      subtotal: money(),
      tax: money(),
      total: money(),
      amount_paid: money('What stays paid (refunds taken off).'),
      amount_refunded: money(),
      amount_due: money('What is left to pay on a pending or overdue invoice.'),
      currency: string(),
      notes: nullable(string()),
      line_items: array(
        object({
          service_id: nullable(string()),
          description: string(),
          service_period: nullable(string()),
          quantity: { type: 'integer' },
          unit_price: money(),
          tax_rate: nullable(number()),
          tax: money(),
          total: money('quantity × unit_price, before tax.'),
        }),
      ),
      sent_at: nullable(dateTime()),
      created_at: dateTime(),
    }),
    DotmacAdminPayment: object({
      id: string(),
      invoice_id: string(),
      invoice_number: string(),
      customer_id: uuid(),
      amount: money(),
      amount_refunded: money(),
      currency: string(),
      payment_method: string(),
      payment_date: dateTime(),
      status: oneOfValues(PAYMENT_STATUSES),
      transaction_id: nullable(string()),
      last_four: nullable(string()),
      refunds: array(ref('DotmacRefund')),
    }),
    DotmacRefund: object({ id: uuid(), amount: money(), reason: nullable(string()), refund_method: oneOfValues(REFUND_METHODS), refunded_at: dateTime() }),
  },
};

/** Document 004 "Billing Module APIs", mounted at /api/v1/billing. */
export function billingRouter(deps: ApiDeps): Router {
  const invoiceTexts = new PresentedTexts(presentInvoice);
  const paymentTexts = new PresentedTexts(presentPayment);
  const router = adminRouter(deps);
  const idempotency = idempotent({ keys: deps.idempotency, fileStore: deps.fileStore, logger: deps.logger });
  const currency = () => deps.commands.billing.currency;

  const invoiceOf = async (id: number) => {
    const doc = await getAdminInvoice(deps.readStore, id);
    if (!doc) throw new NotFoundError('Invoice', String(id));
    return doc;
  };
  const paymentOf = async (id: number) => {
    const doc = await getPayment(deps.readStore, id);
    if (!doc) throw new NotFoundError('Payment', String(id));
    return doc;
  };
  const inMinor = (amount: number, field: string, cur = currency()): number => {
    const minor = toMinor(amount, cur);
    if (minor === null) throw new ValidationError({ [field]: [`The amount has more decimals than ${cur} has.`] });
    return minor;
  };

  declareRoutes(
    router,
    [
      route({
        method: 'get',
        path: '/invoices',
        query: invoicesQuery,
        before: [permit('invoices.list')],
        keep: deps.keptAnswers,
        doc: {
          ...dotmacDoc,
          tag: ADMIN_TAGS.invoices,
          ...rolesDoc('invoices.list'),
          operationId: 'dotmacInvoiceList',
          summary: 'List all invoices with filtering and search',
          description:
            'Newest issue date first. `customer_id`; `status` (pending, paid, overdue, cancelled, draft, refunded); `date_from`/`date_to` (issue date, inclusive); `amount_min`/`amount_max` (the total, in the billing currency, inclusive); `limit`, `offset`.',
          success: [dotmacSuccess(200, 'A page of invoices.', object({ invoices: array(ref('DotmacAdminInvoice')) }), { paginated: true })],
          statuses: [403, 422, ...ALWAYS],
        },
        handle: async (req, res, { query }) => {
          const { items, total } = await listAdminInvoices(deps.readStore, {
            customerId: query.customer_id,
            status: query.status ? INVOICE_STATUS_FROM_004[query.status] : undefined,
            from: query.date_from,
            to: query.date_to,
            minTotal: query.amount_min === undefined ? undefined : Math.ceil(query.amount_min * 10 ** minorDigits(currency())),
            maxTotal: query.amount_max === undefined ? undefined : Math.floor(query.amount_max * 10 ** minorDigits(currency())),
            skip: query.offset,
            limit: query.limit,
          });
          okWithTexts(deps, req, res, { invoices: invoiceTexts.page(items) }, { pagination: paginationOf(query, total) });
        },
      }),
      route({
        method: 'post',
        path: '/invoices',
        body: createInvoiceBody,
        bodyLimit: '128kb',
        before: [permit('invoices.create')],
        after: [idempotency],
        doc: {
          ...dotmacDoc,
          tag: ADMIN_TAGS.invoices,
          ...rolesDoc('invoices.create'),
          operationId: 'dotmacInvoiceCreate',
          summary: 'Create a new invoice',
          description:
            'Issued at once (status pending) for the customer, numbered from its brand\'s sequence. Each line: `quantity` × `unit_price` (in the billing currency, as many decimals as it has), taxed at `tax_rate` (a fraction, 0.08 = 8 %, up to 6 decimals) in integer minor units rounded half up; the invoice\'s tax is the sum of its lines\' taxes. `service_id` names one of the customer\'s service instances. Announced as `invoice.created` to webhooks. Send an Idempotency-Key to make a retry safe.',
          idempotencyKey: true,
          success: [dotmacSuccess(201, 'Created.', object({ invoice: ref('DotmacAdminInvoice') }))],
          statuses: [403, 404, 409, 422, ...ALWAYS],
        },
        handle: async (req, res, { body }) => {
          const customer = await getDotmacCustomer(deps.readStore, body.customer_id);
          if (!customer) throw new ValidationError({ customer_id: ['The customer does not exist.'] });
          const errors: FieldErrors = {};
          const items: NewItem[] = [];
          for (const [i, line] of body.line_items.entries()) {
            const unitPrice = toMinor(line.unit_price, currency());
            if (unitPrice === null) (errors[`line_items.${i}.unit_price`] ??= []).push(`The unit price has more decimals than ${currency()} has.`);
            if (line.service_id !== undefined) {
              const service = await getLangganan(deps.readStore, line.service_id);
              if (!service || service.customer_id !== body.customer_id) (errors[`line_items.${i}.service_id`] ??= []).push("The service_id is not one of the customer's service instances.");
            }
            items.push({
              description: line.description,
              quantity: line.quantity,
              unitPrice: unitPrice ?? 0,
              ...(line.tax_rate !== undefined ? { taxRatePpm: Math.round(line.tax_rate * 1_000_000) } : {}),
              serviceId: line.service_id ?? null,
              servicePeriod: line.service_period ?? null,
            });
          }
          if (Object.keys(errors).length) throw new ValidationError(errors);
          const created = await createDotmacInvoice(deps.commands, { customerId: body.customer_id, dueDate: body.due_date, items, notes: body.notes ?? null }, metaFor(req));
          await settle(deps, req, created.position);
          ok(deps, req, res, { invoice: presentInvoice(await invoiceOf(created.invoiceId)) }, { status: 201, message: 'Invoice created successfully' });
        },
      }),
      route({
        method: 'post',
        path: '/invoices/:invoice_id/send',
        params: invoiceParams,
        body: sendInvoiceBody,
        bodyLimit: '16kb',
        before: [permit('invoices.send')],
        doc: {
          bodyRequired: false,
          ...dotmacDoc,
          tag: ADMIN_TAGS.invoices,
          ...rolesDoc('invoices.send'),
          operationId: 'dotmacInvoiceSend',
          summary: 'Send the invoice to the customer by email, its PDF attached',
          description:
            "To the customer's email (or `email`), with `invoice-<number>.pdf` attached (the same PDF as the portal's download) and `message` above the summary. Recorded on the invoice (`sent_at`). A draft or cancelled invoice is not sent (409).",
          success: [dotmacSuccess(200, 'Sent.', object({ invoice: ref('DotmacAdminInvoice'), sent_to: string() }))],
          statuses: [403, 404, 409, 422, ...ALWAYS],
        },
        handle: async (req, res, { params, body }) => {
          const invoice = await invoiceOf(params.invoice_id);
          const [customer, full] = await Promise.all([getDotmacCustomer(deps.readStore, invoice.customer_id), getDotmacInvoice(deps.readStore, params.invoice_id)]);
          const to = body.email ?? customer?.email ?? null;
          if (!to) throw new ValidationError({ email: ['The customer has no email: give one.'] });
          if (!full) throw new NotFoundError('Invoice', String(params.invoice_id));
          // Refused before anything is mailed when the invoice may not be sent (draft, cancelled).
          if (invoice.status === 'draft' || invoice.status === 'void') {
            throw new IllegalStateError(`A ${INVOICE_STATUS_004[invoice.status]} invoice is not sent`, INVOICE_STATUS_004[invoice.status], ['pending', 'overdue', 'paid', 'refunded']);
          }
          const address = customer ? [customer.address.street, customer.address.city, customer.address.state, customer.address.postal_code, customer.address.country].filter(Boolean).join(', ') : null;
          const pdf = await invoicePdfBuffer(full, {
            seller: full.brand_id,
            customer: { name: customer?.display_name ?? '', number: customer?.customer_number ?? '', address, email: to },
            generatedAt: deps.commands.clock.now(),
          });
          const m = (n: number) => `${invoice.currency} ${fromMinor(n, invoice.currency)}`;
          await deps.commands.mailer.send({
            to,
            subject: `Invoice ${invoice.number}`,
            text: [
              body.message,
              `Invoice ${invoice.number}, issued ${invoice.issue_date}, due ${invoice.due_date}.`,
              `Total: ${m(invoice.total)}. Due now: ${m(['issued', 'overdue'].includes(invoice.status) ? Math.max(0, invoice.total - invoice.paid_amount) : 0)}.`,
              'The invoice is attached as a PDF.',
            ]
              .filter(Boolean)
              .join('\n\n'),
            attachments: [{ filename: `invoice-${invoice.number}.pdf`, contentType: 'application/pdf', content: pdf }],
          });
          const recorded = await handleCommand(deps.commands, invoiceDecider, invoiceStream(params.invoice_id), { type: 'RecordInvoiceSent', to, now: deps.commands.clock.now().toISOString() }, metaFor(req));
          await settle(deps, req, recorded.position);
          ok(deps, req, res, { invoice: presentInvoice(await invoiceOf(params.invoice_id)), sent_to: to }, { message: `Invoice sent to ${to}` });
        },
      }),
      route({
        method: 'post',
        path: '/invoices/:invoice_id/void',
        params: invoiceParams,
        body: voidInvoiceBody,
        bodyLimit: '16kb',
        before: [permit('invoices.void')],
        doc: {
          bodyRequired: false,
          ...dotmacDoc,
          tag: ADMIN_TAGS.invoices,
          ...rolesDoc('invoices.void'),
          operationId: 'dotmacInvoiceVoid',
          summary: 'Void an invoice (admin only)',
          description:
            'A draft, pending or overdue invoice with nothing paid on it becomes cancelled. A paid invoice is never voided: it is refunded (POST /api/v1/billing/payments/{id}/refund); one with a partial payment is refunded first. Either is 409 INVALID_STATE_TRANSITION with `details.current` and `details.allowed`. Voiding a cancelled invoice changes nothing.',
          success: [dotmacSuccess(200, 'Voided.', object({ invoice: ref('DotmacAdminInvoice') }))],
          statuses: [403, 404, 409, ...ALWAYS],
        },
        handle: async (req, res, { params, body }) => {
          await invoiceOf(params.invoice_id);
          const result = await voidInvoice(deps.commands, params.invoice_id, body.reason ?? null, metaFor(req));
          await settle(deps, req, result.position);
          ok(deps, req, res, { invoice: presentInvoice(await invoiceOf(params.invoice_id)) }, { message: 'Invoice voided' });
        },
      }),
      route({
        method: 'get',
        path: '/payments',
        query: paymentsQuery,
        before: [permit('payments.list')],
        keep: deps.keptAnswers,
        doc: {
          ...dotmacDoc,
          tag: ADMIN_TAGS.payments,
          ...rolesDoc('payments.list'),
          operationId: 'dotmacPaymentList',
          summary: 'List all payments with filtering',
          description: 'Newest first. `customer_id`, `invoice_id`, `status` (completed, partially_refunded, refunded, unapplied: received after the invoice stopped taking money, owed back), `limit`, `offset`.',
          success: [dotmacSuccess(200, 'A page of payments.', object({ payments: array(ref('DotmacAdminPayment')) }), { paginated: true })],
          statuses: [403, 422, ...ALWAYS],
        },
        handle: async (req, res, { query }) => {
          const { items, total } = await listPayments(deps.readStore, { customerId: query.customer_id, invoiceId: query.invoice_id, status: query.status, skip: query.offset, limit: query.limit });
          okWithTexts(deps, req, res, { payments: paymentTexts.page(items) }, { pagination: paginationOf(query, total) });
        },
      }),
      route({
        method: 'post',
        path: '/payments/:payment_id/refund',
        params: paymentParams,
        body: refundBody,
        bodyLimit: '16kb',
        before: [permit('payments.refund')],
        after: [idempotency],
        doc: {
          ...dotmacDoc,
          tag: ADMIN_TAGS.payments,
          ...rolesDoc('payments.refund'),
          operationId: 'dotmacPaymentRefund',
          summary: 'Process payment refund',
          description:
            'Refunds `amount` (in the payment\'s currency) of the payment, in part or in full: never more than what is left of it (422). Recorded as events on the payment and on its invoice, whose status follows (a paid invoice refunded in full becomes refunded; a partial refund leaves it paid with less paid on it). `refund_method` records how the money goes back (the product records the refund; it does not move money through a gateway). Send an Idempotency-Key to make a retry safe.',
          idempotencyKey: true,
          success: [
            dotmacSuccess(200, 'Refunded.', object({ refund: ref('DotmacRefund'), payment: ref('DotmacAdminPayment'), invoice: nullable(ref('DotmacAdminInvoice')) })),
          ],
          statuses: [403, 404, 409, 422, ...ALWAYS],
        },
        handle: async (req, res, { params, body }) => {
          const payment = await paymentOf(params.payment_id);
          const outcome = await refundPayment(
            deps.commands,
            params.payment_id,
            { amount: inMinor(body.amount, 'amount', payment.currency), reason: body.reason ?? null, method: body.refund_method },
            metaFor(req),
          );
          await settle(deps, req, latest(outcome.position));
          const after = await paymentOf(params.payment_id);
          const refund = after.refunds.find((r) => r.id === outcome.refundId);
          if (!refund) throw new NotFoundError('Refund', outcome.refundId);
          const invoice = outcome.invoice ? await invoiceOf(payment.invoice_id) : null;
          ok(deps, req, res, { refund: presentRefund(refund, after.currency), payment: presentPayment(after), invoice: invoice ? presentInvoice(invoice) : null }, { message: 'Refund processed' });
        },
      }),
    ],
    components,
  );
  return closeAdminRouter(router, deps);
}
