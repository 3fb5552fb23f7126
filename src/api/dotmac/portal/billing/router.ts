import { Router, type Request } from 'express';
import { businessDate } from '../../../../commands/billing/dates';
import { payInvoiceFromPortal } from '../../../../commands/portal-payments';
import { NotFoundError, ValidationError } from '../../../../domain/shared/errors';
import { runReactivations } from '../../../../jobs/billing';
import { getBrand } from '../../../../projections/billing-catalog/queries';
import { getCustomer } from '../../../../projections/customers/queries';
import { customerInvoiceFigures, getCustomerInvoice, listCustomerInvoices } from '../../../../projections/dotmac-invoices/queries';
import { subscriptionsOfCustomer } from '../../../../projections/portal-services/queries';
import { cardsOfPayments, paymentById, paymentMethodsOf, paymentsPageOf } from '../../../../projections/portal-payments/queries';
import { metaFor } from '../../../http/context';
import { idempotent } from '../../../http/idempotency';
import { declareRoutes, route } from '../../../http/route';
import { array, boolean, dateTime, integer, nullable, number, object, oneOfValues, string } from '../../../openapi/schema';
import { settle, type ApiDeps } from '../../../deps';
import { dateAsDateTime, ok, okWithTexts, paginationOf } from '../../envelope';
import { keptWhile } from '../../../http/kept-answers';
import { renderInvoicePdf } from '../../invoice-pdf';
import { fromMinor, toMinor } from '../../money';
import { ALWAYS, DOTMAC_COMPONENTS, dotmacDoc, dotmacFileSuccess, dotmacSuccess, PORTAL_TAGS } from '../../openapi';
import { authenticatePortal, requirePortal } from '../../portal-auth';
import { INVOICE_STATUS_FROM_004, INVOICE_STATUSES_004 } from '../../vocabulary';
import { invoiceParams, invoicesQuery, paymentBody, paymentsQuery } from './input';
import { amountDue, presentInvoice, presentPayment, presentPaymentMethod } from './presenter';
import { PresentedTexts } from '../../../http/json-text';

const base = { ...dotmacDoc, tag: PORTAL_TAGS.billing };

const moneyNote = 'Money is in the currency\'s major unit (59.99; whole rupiah for IDR), `currency` beside it.';

const components = {
  ...DOTMAC_COMPONENTS,
  tags: [
    {
      name: PORTAL_TAGS.billing,
      description: `Document 004 portal billing: the signed-in customer's own invoices (document 002's invoices: issued → pending, void → cancelled), their PDF, payments with saved payment methods, and paying an invoice by card through the payment gateway. ${moneyNote} Another customer's invoice is 404.`,
    },
  ],
  schemas: {
    ...DOTMAC_COMPONENTS.schemas,
    DotmacPortalInvoice: object({
      id: string(),
      invoice_number: string(),
      status: oneOfValues(INVOICE_STATUSES_004),
      issue_date: dateTime(),
      due_date: dateTime(),
      paid_date: nullable(dateTime()),
      subtotal: number(),
      tax: number(),
      total: number(),
      amount_paid: number('What stays paid after refunds.'),
      amount_due: number(),
      currency: string(),
      line_items: array(
        object({
          description: string(),
          service_period: string('YYYY-MM-DD to YYYY-MM-DD'),
          quantity: integer(),
          unit_price: number(),
          tax_rate: nullable(number('0.08 for 8%; null: untaxed.')),
          tax: number(),
          total: number('quantity × unit price, before tax.'),
        }),
      ),
    }),
    DotmacPortalPayment: object({
      id: string(),
      invoice_id: string(),
      invoice_number: string(),
      amount: number(),
      refunded_amount: number(),
      currency: string(),
      payment_method: string('credit_card, debit_card, a gateway channel, or manual (recorded by staff).'),
      payment_date: dateTime(),
      status: oneOfValues(['completed', 'partially_refunded', 'refunded', 'unapplied']),
      transaction_id: nullable(string()),
      last_four: nullable(string()),
    }),
  },
};

/** A file name without anything a header or a file system could misread. */
const safeName = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_');

/** Document 004 "Portal Billing", mounted at /api/portal/v1/billing. */
export function portalBillingRouter(deps: ApiDeps): Router {
  const invoiceTexts = new PresentedTexts(presentInvoice);
  const router = Router();
  const signedIn = authenticatePortal(deps);
  const today = () => businessDate(deps.commands.clock.now(), deps.commands.billing.timeZone);

  /** The list's summary over every invoice the customer sees. */
  const summaryOf = async (customerId: string, day: string) => {
    const figures = await customerInvoiceFigures(deps.readStore, customerId);
    const currency = figures[0]?.currency ?? deps.commands.billing.currency;
    const owed = figures.filter((i) => amountDue(i) > 0);
    let next = owed.map((i) => i.due_date).sort()[0] ?? null;
    if (!next) {
      const active = await subscriptionsOfCustomer(deps.readStore, customerId, ['active']);
      next = active.map((s) => s.tgl_jatuh_tempo).filter((d) => d >= day).sort()[0] ?? null;
    }
    const since = `${String(Number(day.slice(0, 4)) - 1)}${day.slice(4, 7)}`;
    const months = new Map<string, number>();
    for (const i of figures) {
      if (i.status === 'void' || i.issue_date.slice(0, 7) <= since) continue;
      months.set(i.issue_date.slice(0, 7), (months.get(i.issue_date.slice(0, 7)) ?? 0) + i.total);
    }
    const average = months.size ? [...months.values()].reduce((a, b) => a + b, 0) / months.size : 0;
    return {
      total_outstanding: fromMinor(owed.reduce((sum, i) => sum + amountDue(i), 0), currency),
      next_due_date: dateAsDateTime(next),
      average_monthly: fromMinor(Math.round(average), currency),
      currency,
    };
  };

  const ownInvoice = async (req: Request, invoiceId: number) => {
    const invoice = await getCustomerInvoice(deps.readStore, requirePortal(req).customerId, invoiceId);
    if (!invoice) throw new NotFoundError('Invoice', String(invoiceId));
    return invoice;
  };

  declareRoutes(
    router,
    [
      route({
        method: 'get',
        path: '/invoices',
        query: invoicesQuery,
        before: [signedIn],
        keep: deps.keptAnswers,
        doc: {
          ...base,
          operationId: 'portalInvoiceList',
          summary: "The customer's invoices, newest first, with the summary",
          description:
            '`status`: pending, paid, overdue, cancelled, refunded. `start_date`/`end_date`: issue dates, inclusive. Drafts are not shown (not the customer\'s yet). `summary` covers every invoice, not the page: what is outstanding, the next due date (of an unpaid invoice, else of the service), the average per month over the last 12 months.',
          success: [
            dotmacSuccess(
              200,
              'A page of invoices.',
              object({
                invoices: array({ $ref: '#/components/schemas/DotmacPortalInvoice' }),
                total: integer(),
                summary: object({ total_outstanding: number(), next_due_date: nullable(dateTime()), average_monthly: number(), currency: string() }),
              }),
              { paginated: true },
            ),
          ],
          statuses: [...ALWAYS],
        },
        handle: async (req, res, { query }) => {
          const portal = requirePortal(req);
          // The summary counts from the business day: a kept answer holds until the day changes.
          const day = today();
          keptWhile(req, () => today() === day);
          const [page, summary] = await Promise.all([
            listCustomerInvoices(deps.readStore, {
              customerId: portal.customerId,
              statuses: query.status ? [INVOICE_STATUS_FROM_004[query.status]] : undefined,
              from: query.start_date,
              to: query.end_date,
              skip: query.offset,
              limit: query.limit,
            }),
            summaryOf(portal.customerId, day),
          ]);
          okWithTexts(deps, req, res, { invoices: invoiceTexts.page(page.items), total: page.total, summary }, { pagination: paginationOf(query, page.total) });
        },
      }),
      route({
        method: 'get',
        path: '/invoices/:invoice_id/pdf',
        params: invoiceParams,
        before: [signedIn],
        doc: {
          ...base,
          operationId: 'portalInvoicePdf',
          summary: 'One of the customer\'s invoices as a PDF',
          success: [
            dotmacFileSuccess('The invoice (`Content-Disposition: attachment; filename="invoice-<number>.pdf"`).', 'application/pdf', {
              'Content-Disposition': { description: 'attachment; filename="invoice-<number>.pdf"', schema: { type: 'string' } },
            }),
          ],
          statuses: [404, ...ALWAYS],
        },
        handle: async (req, res, { params }) => {
          const portal = requirePortal(req);
          const invoice = await ownInvoice(req, params.invoice_id);
          const [customer, brand] = await Promise.all([getCustomer(deps.readStore, portal.customerId), getBrand(deps.readStore, invoice.brand_id)]);
          res.setHeader('Content-Type', 'application/pdf');
          res.setHeader('Content-Disposition', `attachment; filename="invoice-${safeName(invoice.number)}.pdf"`);
          await renderInvoicePdf(
            invoice,
            {
              seller: brand?.nama_brand ?? invoice.brand_id,
              customer: {
                name: customer?.full_name ?? '',
                number: customer?.code ?? '',
                address: customer ? [customer.address, customer.address_parts.city, customer.address_parts.postal_code].filter(Boolean).join(', ') : null,
                email: customer?.email ?? null,
              },
              generatedAt: deps.commands.clock.now(),
            },
            res,
          );
        },
      }),
      route({
        method: 'get',
        path: '/payments',
        query: paymentsQuery,
        before: [signedIn],
        keep: deps.keptAnswers,
        doc: {
          ...base,
          operationId: 'portalPaymentList',
          summary: "The customer's payments, newest first, and saved payment methods",
          description: `Every payment of the customer's invoices, however it was made (a card in the portal, a gateway link, recorded by staff). Saved payment methods keep only the gateway's token (their id), type, brand, last four digits and expiry. ${moneyNote}`,
          success: [
            dotmacSuccess(
              200,
              'A page of payments and the saved methods.',
              object({
                payments: array({ $ref: '#/components/schemas/DotmacPortalPayment' }),
                total: integer(),
                payment_methods: array(object({ id: string(), type: string(), last_four: string(), brand: string(), expires: string('MM/YY'), is_default: boolean() })),
              }),
              { paginated: true },
            ),
          ],
          statuses: [...ALWAYS],
        },
        handle: async (req, res, { query }) => {
          const portal = requirePortal(req);
          const customer = await getCustomer(deps.readStore, portal.customerId);
          if (!customer) throw new NotFoundError('Customer', portal.customerId);
          const [page, methods] = await Promise.all([
            paymentsPageOf(deps.readStore, customer.number, { skip: query.offset, limit: query.limit }),
            paymentMethodsOf(deps.readStore, portal.customerId),
          ]);
          const cards = new Map((await cardsOfPayments(deps.readStore, page.items.map((p) => p.id))).map((c) => [c.payment_id, c]));
          okWithTexts(
            deps,
            req,
            res,
            { payments: page.items.map((p) => presentPayment(p, cards.get(p.id))), total: page.total, payment_methods: methods.map(presentPaymentMethod) },
            { pagination: paginationOf(query, page.total) },
          );
        },
      }),
      route({
        method: 'post',
        path: '/payments',
        body: paymentBody,
        bodyLimit: '16kb',
        before: [signedIn],
        after: [idempotent({ keys: deps.idempotency, fileStore: deps.fileStore, logger: deps.logger })],
        doc: {
          ...base,
          operationId: 'portalPaymentCreate',
          summary: 'Pay one of the customer\'s invoices by card',
          description:
            '`payment_method_id`: a saved method\'s id or a token the gateway gave the browser (pm_…); the card itself never reaches this backend. The `amount` must equal what is outstanding (unless PORTAL_PARTIAL_PAYMENTS allows less; never more): 422 otherwise. A declined card is 422 PAYMENT_FAILED (and a `payment.failed` webhook); an unreachable gateway 502 SERVICE_UNAVAILABLE (retry with the same Idempotency-Key: it charges once). A paid, cancelled or refunded invoice is 409; one payment of an invoice at a time (409 while another runs). Send an Idempotency-Key: a retried payment charges once and answers the first answer again. `save_payment_method` keeps the method for next time.',
          idempotencyKey: true,
          success: [
            dotmacSuccess(
              201,
              'Paid.',
              object({
                payment: { $ref: '#/components/schemas/DotmacPortalPayment' },
                invoice: object({ id: string(), invoice_number: string(), status: oneOfValues(INVOICE_STATUSES_004), amount_due: number() }),
              }),
            ),
          ],
          statuses: [404, 409, 502, ...ALWAYS],
        },
        handle: async (req, res, { body }) => {
          const portal = requirePortal(req);
          const invoice = await ownInvoice(req, body.invoice_id);
          const amount = toMinor(body.amount, invoice.currency);
          if (amount === null) throw new ValidationError({ amount: [`The amount may have at most the decimals of ${invoice.currency}.`] });
          const paid = await payInvoiceFromPortal(
            deps.commands,
            {
              customerId: portal.customerId,
              invoiceId: invoice.id,
              amount,
              paymentMethodToken: body.payment_method_id,
              savePaymentMethod: body.save_payment_method,
              idempotencyKey: req.get('idempotency-key') ?? null,
            },
            metaFor(req),
          );
          await settle(deps, req, paid.position);
          if (paid.invoicePaid) {
            const r = await runReactivations({ commands: deps.commands, readStore: deps.readStore, logger: deps.logger }, deps.commands.clock.now(), {
              customerIds: [portal.customerId],
              invoiceId: invoice.id,
              meta: metaFor(req),
            });
            await settle(deps, req, r.position);
          }
          const [after, payment] = await Promise.all([ownInvoice(req, invoice.id), paymentById(deps.readStore, paid.paymentId)]);
          if (!payment) throw new NotFoundError('Payment', String(paid.paymentId));
          const [card] = await cardsOfPayments(deps.readStore, [payment.id]);
          const presented = presentInvoice(after);
          ok(
            deps,
            req,
            res,
            {
              payment: presentPayment(payment, card),
              invoice: { id: presented.id, invoice_number: presented.invoice_number, status: presented.status, amount_due: presented.amount_due },
            },
            { status: 201, message: 'Payment successful' },
          );
        },
      }),
    ],
    components,
  );
  return router;
}
