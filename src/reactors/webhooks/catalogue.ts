import type { CustomerEvent } from '../../domain/customer';
import type { InvoiceEvent } from '../../domain/invoice';
import { fromMinor as toMajor } from '../../api/dotmac/money';
import type { SubscriptionEvent } from '../../domain/subscription';
import { categoryOfType, dotmacTicketPriority, dotmacTicketStatus, type TicketCategory } from '../../domain/ticket/dotmac-vocabulary';
import type { TicketEvent } from '../../domain/ticket';
import type { WebhookEventName } from '../../domain/webhook';
import type { ReadStore } from '../../ports/read-store';
import type { ProjectedEvent } from '../../projections/engine/projector';
import { getPlan } from '../../projections/billing-catalog/queries';
import { getInvoice } from '../../projections/billing-invoices/queries';
import { getLangganan } from '../../projections/billing-customers/queries';
import { getCustomer } from '../../projections/customers/queries';
import { getTicket } from '../../projections/tickets/queries';

/**
 * Document 004's webhook event catalogue, mapped from domain events in ONE place:
 *
 * | webhook event       | domain event(s)                                                    |
 * | ------------------- | ------------------------------------------------------------------ |
 * | customer.created    | CustomerRegistered                                                 |
 * | customer.updated    | CustomerUpdated                                                    |
 * | service.activated   | SubscriptionCreated (active at once), SubscriptionActivated, SubscriptionReactivated |
 * | service.suspended   | SubscriptionSuspended                                              |
 * | invoice.created     | InvoiceCreated                                                     |
 * | invoice.paid        | InvoicePaid                                                        |
 * | ticket.created      | TicketCreated                                                      |
 * | ticket.resolved     | TicketStatusChanged to `resolved`                                  |
 * | payment.failed      | PortalPaymentFailed (a gateway charge refused or failed)           |
 *
 * `data` is written in document 004's words (ids as strings, amounts in major units), built
 * from the event and the read models as of the event (the reactor waits for them). A domain
 * event not listed announces nothing.
 */
export interface Announcement {
  event: WebhookEventName;
  data: Record<string, unknown>;
}

export interface CatalogueContext {
  readStore: ReadStore;
  /** The customer's Portal ID, when it has a portal account. */
  portalIdOf(customerId: string): Promise<string | null>;
}

type Mapper = (event: ProjectedEvent, ctx: CatalogueContext) => Promise<Announcement[]>;

const id = (n: number) => String(n);
const seconds = (iso: string | null | undefined) => (iso ? iso.replace(/\.\d{3}Z$/, 'Z') : null);

async function customerData(ctx: CatalogueContext, customerId: string) {
  const c = await getCustomer(ctx.readStore, customerId);
  if (!c) return null;
  return {
    id: customerId,
    customer_number: c.code,
    portal_id: await ctx.portalIdOf(customerId),
    display_name: c.full_name,
    customer_type: c.customer_type ?? 'residential',
    account_status: c.status,
  };
}

/** 004 names of the canonical customer fields an update changed. */
const CUSTOMER_FIELD_NAMES: Record<string, string> = {
  fullName: 'display_name',
  phone: 'phone',
  email: 'email',
  address: 'address',
  customerType: 'customer_type',
  nationalId: 'national_id',
  serviceArea: 'service_area',
  coordinates: 'coordinates',
  servicePackage: 'service_package',
  brand: 'brand',
  installationDate: 'installation_date',
};

async function serviceData(ctx: CatalogueContext, e: SubscriptionEvent, status: 'active' | 'suspended', reason: string | null, effectiveAt: string) {
  const planId = e.type === 'SubscriptionCreated' ? e.data.planId : ((await getLangganan(ctx.readStore, e.data.subscriptionId))?.paket_layanan_id ?? null);
  const plan = planId !== null ? await getPlan(ctx.readStore, planId) : null;
  return {
    service: {
      id: id(e.data.subscriptionId),
      customer_id: e.data.customerId,
      ...(plan ? { service_id: id(plan.id), plan_name: plan.nama_paket } : {}),
      status,
      reason,
      effective_date: seconds(effectiveAt),
    },
  };
}

function ticketData(t: { id: string; ticket_number: string; title: string; status: Parameters<typeof dotmacTicketStatus>[0]; priority: Parameters<typeof dotmacTicketPriority>[0]; category: TicketCategory; customer_id: string; created_at: string }) {
  return {
    id: t.id,
    ticket_number: t.ticket_number,
    subject: t.title,
    status: dotmacTicketStatus(t.status),
    priority: dotmacTicketPriority(t.priority),
    category: t.category,
    customer_id: t.customer_id,
    created_date: seconds(t.created_at),
  };
}

export const CATALOGUE: Record<string, Mapper> = {
  async CustomerRegistered(raw, ctx) {
    const e = raw as unknown as CustomerEvent & { type: 'CustomerRegistered' };
    const d = e.data;
    return [
      {
        event: 'customer.created',
        data: {
          customer: {
            id: d.customerId,
            customer_number: d.code,
            portal_id: await ctx.portalIdOf(d.customerId),
            display_name: d.fullName,
            customer_type: d.customerType ?? 'residential',
            account_status: d.status,
          },
        },
      },
    ];
  },
  async CustomerUpdated(raw, ctx) {
    const e = raw as unknown as CustomerEvent & { type: 'CustomerUpdated' };
    const customer = await customerData(ctx, e.data.customerId);
    if (!customer) return [];
    const changed = Object.keys(e.data.changes).map((f) => CUSTOMER_FIELD_NAMES[f] ?? f);
    return [{ event: 'customer.updated', data: { customer, changed_fields: changed } }];
  },
  async SubscriptionCreated(raw, ctx) {
    const e = raw as unknown as SubscriptionEvent & { type: 'SubscriptionCreated' };
    // A service provisioned to start later is pending: activated by SubscriptionActivated.
    if ((e.data as { pending?: boolean }).pending) return [];
    return [{ event: 'service.activated', data: await serviceData(ctx, e, 'active', null, e.data.createdAt) }];
  },
  async SubscriptionActivated(raw, ctx) {
    const e = raw as unknown as SubscriptionEvent & { type: 'SubscriptionActivated' };
    const d = e.data;
    return [{ event: 'service.activated', data: await serviceData(ctx, e, 'active', d.note ?? null, d.effectiveDate ?? d.activatedAt) }];
  },
  async SubscriptionReactivated(raw, ctx) {
    const e = raw as unknown as SubscriptionEvent & { type: 'SubscriptionReactivated' };
    const d = e.data;
    return [{ event: 'service.activated', data: await serviceData(ctx, e, 'active', d.note ?? d.reason, d.effectiveDate ?? d.reactivatedAt) }];
  },
  async SubscriptionSuspended(raw, ctx) {
    const e = raw as unknown as SubscriptionEvent & { type: 'SubscriptionSuspended' };
    const d = e.data;
    return [{ event: 'service.suspended', data: await serviceData(ctx, e, 'suspended', d.note ?? d.reason, d.effectiveDate ?? d.suspendedAt) }];
  },
  async InvoiceCreated(raw) {
    const e = raw as unknown as InvoiceEvent & { type: 'InvoiceCreated' };
    const d = e.data as typeof e.data & { subtotal?: number; tax?: number };
    const money = (n: number) => toMajor(n, d.currency);
    return [
      {
        event: 'invoice.created',
        data: {
          invoice: {
            id: id(d.invoiceId),
            invoice_number: d.number,
            customer_id: d.customerId,
            issue_date: `${d.issueDate}T00:00:00Z`,
            due_date: `${d.dueDate}T00:00:00Z`,
            subtotal: money(d.subtotal ?? d.total),
            tax: money(d.tax ?? 0),
            total: money(d.total),
            currency: d.currency,
          },
        },
      },
    ];
  },
  async InvoicePaid(raw, ctx) {
    const e = raw as unknown as InvoiceEvent & { type: 'InvoicePaid' };
    const d = e.data;
    const invoice = await getInvoice(ctx.readStore, d.invoiceId);
    const currency = invoice?.currency ?? 'IDR';
    return [
      {
        event: 'invoice.paid',
        data: {
          invoice: {
            id: id(d.invoiceId),
            invoice_number: invoice?.nomor_invoice ?? null,
            customer_id: d.customerId,
            total: invoice ? toMajor(invoice.total_harga, currency) : null,
            amount_paid: toMajor(d.paidAmount, currency),
            paid_date: seconds(d.paidAt),
            currency,
          },
          payment: { id: id(d.paymentId) },
        },
      },
    ];
  },
  async TicketCreated(raw) {
    const e = raw as unknown as TicketEvent & { type: 'TicketCreated' };
    const d = e.data as typeof e.data & { category?: TicketCategory };
    return [
      {
        event: 'ticket.created',
        data: {
          ticket: ticketData({
            id: d.ticketId,
            ticket_number: d.ticketNumber,
            title: d.title,
            status: 'new',
            priority: d.priority,
            category: d.category ?? categoryOfType(d.type),
            customer_id: d.customerId,
            created_at: d.createdAt,
          }),
        },
      },
    ];
  },
  async TicketStatusChanged(raw, ctx) {
    const e = raw as unknown as TicketEvent & { type: 'TicketStatusChanged' };
    if (e.data.to !== 'resolved') return [];
    const t = await getTicket(ctx.readStore, e.data.ticketId);
    if (!t) return [];
    const category = (t as { category?: TicketCategory }).category ?? categoryOfType(t.type);
    return [
      {
        event: 'ticket.resolved',
        data: {
          ticket: { ...ticketData({ ...t, status: 'resolved', category }), resolution: e.data.notes, resolved_date: seconds(e.data.changedAt) },
        },
      },
    ];
  },
  async PortalPaymentFailed(raw, ctx) {
    const d = raw.data as { attemptId: string; invoiceId: number; customerId: string; amount: number; currency: string; gateway: string; reason: string; card: { type: string; lastFour: string } | null; failedAt: string };
    const invoice = await getInvoice(ctx.readStore, d.invoiceId);
    return [
      {
        event: 'payment.failed',
        data: {
          payment: {
            id: d.attemptId,
            invoice_id: id(d.invoiceId),
            invoice_number: invoice?.nomor_invoice ?? null,
            customer_id: d.customerId,
            amount: toMajor(d.amount, d.currency),
            currency: d.currency,
            payment_method: d.card?.type ?? null,
            last_four: d.card?.lastFour ?? null,
            reason: d.reason,
            failed_date: seconds(d.failedAt),
          },
        },
      },
    ];
  },
};

/** The domain event types the webhook reactor subscribes to. */
export const WEBHOOK_SOURCE_EVENTS: readonly string[] = Object.keys(CATALOGUE);

/** Which webhook events a domain event type can announce (so a payload is only built when someone listens). */
export const ANNOUNCES: Record<string, readonly WebhookEventName[]> = {
  CustomerRegistered: ['customer.created'],
  CustomerUpdated: ['customer.updated'],
  SubscriptionCreated: ['service.activated'],
  SubscriptionActivated: ['service.activated'],
  SubscriptionReactivated: ['service.activated'],
  SubscriptionSuspended: ['service.suspended'],
  InvoiceCreated: ['invoice.created'],
  InvoicePaid: ['invoice.paid'],
  TicketCreated: ['ticket.created'],
  TicketStatusChanged: ['ticket.resolved'],
  PortalPaymentFailed: ['payment.failed'],
};

export async function announcementsOf(event: ProjectedEvent, ctx: CatalogueContext): Promise<Announcement[]> {
  const map = CATALOGUE[event.type];
  return map ? map(event, ctx) : [];
}

/** The body of one message, as document 004's "Webhook Payload Format" has it. */
export function payloadOf(a: Announcement, event: ProjectedEvent, webhookId: string, tenantId: string): Record<string, unknown> {
  return { event: a.event, timestamp: seconds(event.metadata.timestamp), tenant_id: tenantId, data: a.data, webhook_id: webhookId };
}
