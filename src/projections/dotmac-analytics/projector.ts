import type { CustomerEvent } from '../../domain/customer';
import type { InvoiceEvent } from '../../domain/invoice';
import type { PaymentEvent } from '../../domain/payment';
import type { SubscriptionEvent } from '../../domain/subscription';
import type { TicketEvent } from '../../domain/ticket';
import { categoryOfType } from '../../domain/ticket/dotmac-vocabulary';
import type { Doc } from '../../ports/read-store';
import { applyOnce, type ProjectedEvent, type Projector } from '../engine/projector';

export const ANALYTICS_DAILY = 'dotmac_analytics_daily';
/** What a later event needs to know about its subject (a ticket's category, a service's plan). */
export const ANALYTICS_SUBJECTS = 'dotmac_analytics_subjects';

/**
 * Document 004's analytics from maintained counters, never from scanning the records: one
 * document per UTC day (`_id` YYYY-MM-DD) of what happened that day, counted as the events
 * arrive (each event applied once: the day's `_pos`). A dashboard or report reads at most a
 * few hundred day documents; the KPIs that are totals are counts on indexed read models.
 *
 * - customers: registered (by customer type) and closed;
 * - services: activated (activations, reactivations, services active at once), suspended,
 *   terminated, each by catalog entry (`plan:<id>`);
 * - tickets: created, resolved and closed by category; closing ratings (sum and count); SLA breaches;
 * - revenue, per currency in minor units: payments received (by payment method), refunds,
 *   invoiced (invoice totals at creation).
 */
export interface DailyCounters extends Doc {
  date: string;
  customers?: { new?: number; closed?: number; by_type?: Record<string, number> };
  services?: { activated?: Record<string, number>; suspended?: Record<string, number>; terminated?: Record<string, number> };
  tickets?: {
    created?: Record<string, number>;
    resolved?: Record<string, number>;
    closed?: Record<string, number>;
    rating_sum?: number;
    rating_count?: number;
    sla_breaches?: number;
  };
  revenue?: Record<string, { payments?: number; refunds?: number; invoiced?: number; by_method?: Record<string, number> }>;
}

interface SubjectDoc extends Doc {
  kind: 'ticket' | 'service';
  category?: string;
  plan_id?: number;
}

const day = (iso: string) => iso.slice(0, 10);
/** A counter key: letters, digits, _ only (a safe dotted path). */
const key = (s: string) => s.replace(/[^A-Za-z0-9_]/g, '_');

export const dotmacAnalyticsProjector: Projector = {
  name: 'dotmac_analytics',
  handles: [
    'CustomerRegistered',
    'CustomerClosed',
    'SubscriptionCreated',
    'SubscriptionActivated',
    'SubscriptionReactivated',
    'SubscriptionSuspended',
    'SubscriptionTerminated',
    'SubscriptionUpdated',
    'TicketCreated',
    'TicketUpdated',
    'TicketStatusChanged',
    'TicketSlaBreached',
    'InvoiceCreated',
    'PaymentReceived',
    'PaymentRefunded',
  ],
  collections: {
    [ANALYTICS_DAILY]: [{ keys: { date: 1 } }],
    [ANALYTICS_SUBJECTS]: [],
  },
  async apply(raw, ctx) {
    const event = raw as ProjectedEvent & (CustomerEvent | SubscriptionEvent | TicketEvent | InvoiceEvent | PaymentEvent);
    const daily = ctx.collection<DailyCounters>(ANALYTICS_DAILY);
    const subjects = ctx.collection<SubjectDoc>(ANALYTICS_SUBJECTS);
    const count = (at: string, inc: Record<string, number>) => applyOnce(daily, day(at), event.position, { $inc: inc, $setOnInsert: { date: day(at) } }, { upsert: true });
    const plan = async (subscriptionId: number) => (await subjects.findOne({ _id: `service:${subscriptionId}` }))?.plan_id ?? 0;
    const category = async (ticketId: string) => (await subjects.findOne({ _id: `ticket:${ticketId}` }))?.category ?? 'general';
    switch (event.type) {
      case 'CustomerRegistered':
        await count(event.data.registeredAt, { 'customers.new': 1, [`customers.by_type.${key(event.data.customerType ?? 'residential')}`]: 1 });
        return;
      case 'CustomerClosed':
        await count(event.data.closedAt, { 'customers.closed': 1 });
        return;
      case 'SubscriptionCreated': {
        const d = event.data;
        await applyOnce(subjects, `service:${d.subscriptionId}`, event.position, { $set: { kind: 'service', plan_id: d.planId } }, { upsert: true });
        if (!d.pending) await count(d.createdAt, { [`services.activated.plan_${d.planId}`]: 1 });
        return;
      }
      case 'SubscriptionUpdated':
        if (event.data.changes.planId !== undefined) await applyOnce(subjects, `service:${event.data.subscriptionId}`, event.position, { $set: { plan_id: event.data.changes.planId } });
        return;
      case 'SubscriptionActivated':
        await count(event.data.activatedAt, { [`services.activated.plan_${await plan(event.data.subscriptionId)}`]: 1 });
        return;
      case 'SubscriptionReactivated':
        await count(event.data.reactivatedAt, { [`services.activated.plan_${await plan(event.data.subscriptionId)}`]: 1 });
        return;
      case 'SubscriptionSuspended':
        await count(event.data.suspendedAt, { [`services.suspended.plan_${await plan(event.data.subscriptionId)}`]: 1 });
        return;
      case 'SubscriptionTerminated':
        await count(event.data.terminatedAt, { [`services.terminated.plan_${await plan(event.data.subscriptionId)}`]: 1 });
        return;
      case 'TicketCreated': {
        const d = event.data;
        const c = d.category ?? categoryOfType(d.type);
        await applyOnce(subjects, `ticket:${d.ticketId}`, event.position, { $set: { kind: 'ticket', category: c } }, { upsert: true });
        await count(d.createdAt, { [`tickets.created.${c}`]: 1 });
        return;
      }
      case 'TicketUpdated':
        // A category derived from the type follows it; one given stays (the subject keeps what the ticket shows).
        if (event.data.changes.type !== undefined && event.data.previous.type !== undefined) {
          const current = await category(event.data.ticketId);
          if (current === categoryOfType(event.data.previous.type)) await applyOnce(subjects, `ticket:${event.data.ticketId}`, event.position, { $set: { category: categoryOfType(event.data.changes.type) } });
        }
        return;
      case 'TicketStatusChanged': {
        const d = event.data;
        if (d.to !== 'resolved' && d.to !== 'closed') return;
        const c = await category(d.ticketId);
        const inc: Record<string, number> = { [`tickets.${d.to}.${c}`]: 1 };
        if (d.to === 'closed' && d.rating !== null) Object.assign(inc, { 'tickets.rating_sum': d.rating, 'tickets.rating_count': 1 });
        await count(d.changedAt, inc);
        return;
      }
      case 'TicketSlaBreached':
        await count(event.data.breachedAt, { 'tickets.sla_breaches': 1 });
        return;
      case 'InvoiceCreated':
        await count(event.data.createdAt, { [`revenue.${key(event.data.currency)}.invoiced`]: event.data.total });
        return;
      case 'PaymentReceived': {
        const d = event.data;
        await count(d.paidAt, { [`revenue.${key(d.currency)}.payments`]: d.amount, [`revenue.${key(d.currency)}.by_method.${key(d.method)}`]: d.amount });
        return;
      }
      case 'PaymentRefunded':
        await count(event.data.refundedAt, { [`revenue.${key(event.data.currency)}.refunds`]: event.data.amount });
        return;
      default:
        return;
    }
  },
};
