/**
 * Fills an SQLite event log with document 004 data through the real command layer (deciders,
 * expected revisions, sequences, reservations, hash chain), with the server down. Document 004
 * reads the same aggregates as documents 000 and 002 (src/projections/dotmac-*: customers are
 * CustomerRegistered and the subscriptions' status, service instances are subscriptions, invoices
 * and payments are the Invoice and Payment streams, support tickets are tickets, portal accounts
 * are PortalAccount streams), so this is the 002 preload's shape (bench/billing-preload.ts) with
 * what 004's lists filter on besides:
 *
 *  - two brands with a residential, a business and an enterprise plan each (six catalog entries);
 *  - `customers` customers, registered pending as 004 does, three in four residential, one in
 *    five business, one in twenty enterprise, named `<first> <last> <i>` (five surnames, so a
 *    surname search matches a fifth of them, the number one of them);
 *  - one service instance each (a subscription on its type's plan of its brand): 80% active,
 *    10% suspended, 4% pending (provisioned to start later), 4% terminated, 2% none;
 *  - `invoicesPerCustomer` monthly invoices for every customer whose service was installed (the
 *    months up to 2026-11, 11% tax on the line): the older months nine in ten paid (a payment
 *    each), the rest overdue; the newest one in three paid, the rest pending;
 *  - 20 technicians, and `customers` tickets (one per customer on average) created over the 60
 *    days up to 2026-11-30, with 004 categories (technical half of them, billing a quarter,
 *    general a fifth, sales the rest) and every priority: a fifth each new, assigned, in
 *    progress, resolved and closed; one in twenty of the unfinished ones with its SLA breach;
 *  - two portal accounts with their password changed (so active): the portal reader (customer
 *    `Portal Pembaca`, 24 more months of invoices and 40 more tickets) and the portal writer
 *    (`Portal Penulis`), both with the password PORTAL_PASSWORD.
 *
 * Every command's time comes from the clock of the work it belongs to (AsyncLocalStorage), so
 * registration dates, issue and payment dates and ticket dates are spread as in real use while
 * 64 pipelines run at once. Used by bench/dotmac.ts.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { openSqliteEventStore } from '../src/adapters/event-store/sqlite';
import { createOtplibTotp } from '../src/adapters/otp/otplib-totp';
import { registerBrand } from '../src/commands/billing/brands';
import type { BillingCommandDeps } from '../src/commands/billing/deps';
import { createInvoice, markInvoiceOverdue, payInvoice } from '../src/commands/billing/invoices';
import { createServicePlan } from '../src/commands/billing/service-plans';
import { createSubscription, suspendSubscription, terminateSubscription } from '../src/commands/billing/subscriptions';
import { systemMeta } from '../src/commands/context';
import { registerCustomer } from '../src/commands/customers';
import { changePortalPassword, createPortalAccount, DEFAULT_PORTAL_ACCOUNT_SETTINGS, type PortalCommandDeps } from '../src/commands/portal-accounts';
import { assignTicket, changeTicketStatus, createTicket, recordSlaBreach, type TicketCommandDeps } from '../src/commands/tickets';
import { registerUser } from '../src/commands/users';
import type { CustomerType } from '../src/domain/customer';
import { DEFAULT_SLA_HOURS, DEFAULT_SLA_WARNING_PERCENT, type TicketPriority } from '../src/domain/ticket';
import { typeOfCategory, type TicketCategory } from '../src/domain/ticket/dotmac-vocabulary';
import type { Clock } from '../src/ports/clock';
import { billingBenchDeps, pool, progressReport } from './preload-kit';

export interface DotmacPreloadPlan {
  customers: number;
  invoicesPerCustomer: number;
  concurrency?: number;
}

export interface DotmacPreloadResult {
  events: number;
  seconds: number;
  instances: number;
  invoices: number;
  tickets: number;
}

export const DOTMAC_BRANDS = ['DOTNET', 'FIBERKU'] as const;
export const CUSTOMER_TYPES_BY_SHARE: readonly CustomerType[] = ['residential', 'business', 'enterprise'];
export const SURNAMES = ['Santoso', 'Wijaya', 'Halim', 'Saputra', 'Kusuma'] as const;
const FIRST_NAMES = ['Budi', 'Siti', 'Agus', 'Dewi', 'Rudi', 'Ani', 'Eko', 'Rina'] as const;
export const TECHNICIANS = 20;
/** The residential plan's name (after the brand's): three in four customers' service. */
export const RESIDENTIAL_PLAN = 'Fiber Rumah 50';
/** The portal's customers (a name no other customer has, so a search finds exactly one) and their password. */
export const PORTAL_READER = { fullName: 'Portal Pembaca', search: 'pembaca' } as const;
export const PORTAL_WRITER = { fullName: 'Portal Penulis', search: 'penulis' } as const;
export const PORTAL_PASSWORD = 'Bench-portal-2026!';
/** Tickets of the portal reader besides its share of the others; invoices of months before the others'. */
const READER_TICKETS = 40;
const READER_EXTRA_MONTHS = 24;
/** The preload's "now": every date of it is before this. */
export const PRELOAD_END = Date.parse('2026-12-01T00:00:00.000Z');
const DAY = 86_400_000;
/** Tickets are created over the 60 days before PRELOAD_END. */
export const TICKET_DAYS = 60;

export const customerName = (i: number): string => `${FIRST_NAMES[i % FIRST_NAMES.length]} ${SURNAMES[Math.floor(i / FIRST_NAMES.length) % SURNAMES.length]} ${i}`;

/**
 * A deterministic spread of i over [0, 1000), independent for each salt (murmur3's finaliser of
 * i and the salt), so that e.g. a customer's type and its service's status are not correlated.
 */
function mix(i: number, salt: number): number {
  let h = (i ^ Math.imul(salt + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) % 1000;
}

export function customerTypeOf(i: number): CustomerType {
  const m = mix(i, 1);
  return m < 750 ? 'residential' : m < 950 ? 'business' : 'enterprise';
}

type InstancePlan = 'active' | 'suspended' | 'pending' | 'terminated' | 'none';
function instanceOf(i: number): InstancePlan {
  const m = mix(i, 2);
  return m < 800 ? 'active' : m < 900 ? 'suspended' : m < 940 ? 'pending' : m < 980 ? 'terminated' : 'none';
}

function categoryOf(j: number): TicketCategory {
  const m = mix(j, 3);
  return m < 500 ? 'technical' : m < 750 ? 'billing' : m < 950 ? 'general' : 'sales';
}

const PRIORITIES: readonly TicketPriority[] = ['low', 'normal', 'high', 'critical'];

/** The `n` months before PRELOAD_END, oldest first ("2026-09", "2026-10", "2026-11" for 3). */
export function dotmacPeriods(n: number, before = 0): string[] {
  const end = new Date(PRELOAD_END);
  return Array.from({ length: n }, (_, k) => new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - before - (n - k), 1)).toISOString().slice(0, 7));
}

const lastDay = (period: string): string => {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};

export async function preloadDotmac(dataDir: string, plan: DotmacPreloadPlan, onProgress: (line: string) => void): Promise<DotmacPreloadResult> {
  const eventStore = openSqliteEventStore({ filename: join(dataDir, 'events.db') });
  // Each piece of work runs at a time of its own (`at`): a customer's registration, an invoice's
  // issue or payment, a ticket's life. Each read of the clock moves that time on by a second.
  const times = new AsyncLocalStorage<{ t: number }>();
  let fallback = PRELOAD_END - 500 * DAY;
  const clock: Clock = {
    now: () => {
      const at = times.getStore();
      return new Date(at ? (at.t += 1000) : (fallback += 1000));
    },
  };
  const at = <T>(time: number, work: () => Promise<T>): Promise<T> => times.run({ t: time }, work);
  const deps: BillingCommandDeps & TicketCommandDeps & PortalCommandDeps = {
    ...billingBenchDeps(eventStore, clock),
    sla: { hours: DEFAULT_SLA_HOURS, warningPercent: DEFAULT_SLA_WARNING_PERCENT },
    totp: createOtplibTotp(),
    portal: DEFAULT_PORTAL_ACCOUNT_SETTINGS,
  };
  const meta = () => systemMeta(deps.ids, 'bench');
  const admin = { userId: 'bench-admin', role: 'super_admin' };
  const concurrency = plan.concurrency ?? 64;
  const started = Date.now();
  const report = progressReport(eventStore, 'preload', onProgress);

  // The catalog: per brand a plan for each customer type.
  const plans = new Map<string, number>();
  const PRICES: Record<CustomerType, { name: string; speed: number; price: number }> = {
    residential: { name: RESIDENTIAL_PLAN, speed: 50, price: 300_000 },
    business: { name: 'Fiber Bisnis 200', speed: 200, price: 750_000 },
    enterprise: { name: 'Dedicated 1G', speed: 1000, price: 2_500_000 },
  };
  await at(PRELOAD_END - 500 * DAY, async () => {
    for (const brand of DOTMAC_BRANDS) {
      await registerBrand(deps, { brandId: brand, name: brand, gateway: { provider: 'simulated' } }, meta());
      for (const type of CUSTOMER_TYPES_BY_SHARE) {
        const p = PRICES[type];
        const { planId } = await createServicePlan(
          deps,
          {
            brandId: brand,
            name: `${brand} ${p.name}`,
            speedMbps: p.speed,
            price: p.price,
            pppoeProfile: null,
            serviceType: 'internet',
            description: null,
            setupFee: 0,
            uploadMbps: p.speed,
            dataLimitGb: null,
            staticIp: type !== 'residential',
            availability: { residential: type === 'residential', business: type !== 'residential', enterprise: type !== 'residential' },
          },
          meta(),
        );
        plans.set(`${brand}/${type}`, planId);
      }
    }
  });

  const technicians: string[] = [];
  await at(PRELOAD_END - 450 * DAY, () =>
    pool(TECHNICIANS, 4, async (i) => {
      const { userId } = await registerUser(
        deps,
        { email: `dotmac-tech${i}@bench.example`, password: 'bench-password', role: 'technician', profile: { full_name: `Teknisi DotMac ${i}`, phone: `0812${i}` } },
        meta(),
      );
      technicians.push(userId);
    }),
  );

  // Customers with their service instance, registered over 200 days from 400 days before the end.
  const n = plan.customers;
  const customers: string[] = new Array(n);
  const subscriptions: Array<number | null> = new Array(n).fill(null);
  let instances = 0;
  const register = async (i: number, fullName: string, email: string, forced?: InstancePlan) => {
    const type = customerTypeOf(i);
    const brand = DOTMAC_BRANDS[i % DOTMAC_BRANDS.length]!;
    const registeredAt = PRELOAD_END - 400 * DAY + Math.floor((i * 200 * DAY) / Math.max(1, n));
    await at(registeredAt, async () => {
      const { customerId } = await registerCustomer(
        deps,
        {
          details: {
            fullName,
            phone: `0813${String(i).padStart(8, '0')}`,
            email,
            nationalId: null,
            address: { line: `Jl. ${['Mawar', 'Melati', 'Kenanga', 'Anggrek'][i % 4]} No. ${i}`, line2: null, block: null, unit: null, city: ['Jakarta', 'Depok', 'Bekasi', 'Bogor'][i % 4]!, province: null, postalCode: null, country: 'ID' },
            coordinates: { lat: -6.2, lng: 106.8 },
            serviceArea: null,
            servicePackage: null,
            brand,
            installationDate: null,
            customerType: type,
            serviceAddress: null,
          },
          status: 'pending',
          createLogin: false,
        },
        meta(),
      );
      customers[i] = customerId;
      const instance = forced ?? instanceOf(i);
      if (instance === 'none') return;
      instances++;
      const installed = new Date(registeredAt + 7 * DAY).toISOString().slice(0, 10);
      const { subscriptionId } = await createSubscription(
        deps,
        {
          customerId,
          terms: { planId: plans.get(`${brand}/${type}`)!, dueDate: installed, paymentMethod: 'Manual' },
          provisioning: { pending: instance === 'pending', installationDate: installed, configuration: type === 'residential' ? {} : { static_ip: true }, notes: null },
        },
        meta(),
      );
      if (instance !== 'pending') subscriptions[i] = subscriptionId;
      if (instance === 'suspended') await suspendSubscription(deps, subscriptionId, { reason: 'manual', invoiceId: null, details: { note: 'Bench: suspended' } }, meta());
      if (instance === 'terminated') await terminateSubscription(deps, subscriptionId, 'Pindah rumah', meta());
    });
  };
  await pool(n, concurrency, async (i) => {
    await register(i, customerName(i), `dotmac${i}@pelanggan.example`);
    if ((i + 1) % 10_000 === 0) await report(`${i + 1} customers`);
  });
  // The two portal customers come after the others (customer numbers n + 1 and n + 2).
  const portalCustomer = async (k: number, fullName: string) => {
    const i = n + k;
    customers.push('');
    subscriptions.push(null);
    await register(i, fullName, `portal${k}-${i}@pelanggan.example`, 'active');
    const customerId = customers[i]!;
    await at(PRELOAD_END - 150 * DAY, async () => {
      const account = await createPortalAccount(deps, { customerId, temporaryPassword: 'temporary-1' }, meta());
      await changePortalPassword(
        deps,
        { portalAccountId: account.portalAccountId, sessionId: randomUUID(), currentPassword: 'temporary-1', newPassword: PORTAL_PASSWORD, confirmPassword: PORTAL_PASSWORD, email: null },
        meta(),
      );
    });
    return i;
  };
  const reader = await portalCustomer(0, PORTAL_READER.fullName);
  await portalCustomer(1, PORTAL_WRITER.fullName);
  await report(`${n} customers and their service instances, 2 portal accounts`);

  // Monthly invoices of every customer with an installed service.
  const periods = dotmacPeriods(plan.invoicesPerCustomer);
  const billed = subscriptions.flatMap((s, i) => (s === null ? [] : [i]));
  const jobs: Array<{ i: number; period: string; newest: boolean }> = [];
  for (const [p, period] of periods.entries()) for (const i of billed) jobs.push({ i, period, newest: p === periods.length - 1 });
  if (subscriptions[reader] !== null) for (const period of dotmacPeriods(READER_EXTRA_MONTHS, periods.length)) jobs.push({ i: reader, period, newest: false });
  let done = 0;
  await pool(jobs.length, concurrency, async (k) => {
    const { i, period, newest } = jobs[k]!;
    const type = customerTypeOf(i);
    const issued = Date.parse(`${period}-01T02:00:00.000Z`);
    const { invoiceId } = await at(issued, () =>
      createInvoice(
        deps,
        {
          customerId: customers[i]!,
          brandId: null,
          period,
          issueDate: `${period}-01`,
          dueDate: `${period}-20`,
          items: [
            {
              description: `${PRICES[type].name} (${period})`,
              quantity: 1,
              unitPrice: PRICES[type].price,
              taxRatePpm: 110_000,
              serviceId: subscriptions[i]!,
              servicePeriod: `${period}-01 to ${lastDay(period)}`,
            },
          ],
          issue: true,
          subscriptionId: subscriptions[i]!,
        },
        meta(),
      ),
    );
    const m = mix(k, 4);
    if ((!newest && m < 900) || (newest && m < 333)) {
      const paidAt = `${period}-${m % 7 === 0 ? '25' : '15'}T03:00:00.000Z`;
      await at(Date.parse(paidAt), () => payInvoice(deps, invoiceId, { amount: null, paidAt, method: 'Manual' }, meta()));
    } else if (!newest) {
      await at(Date.parse(`${period}-25T03:00:00.000Z`), () => markInvoiceOverdue(deps, invoiceId, meta()));
    }
    if (++done % 20_000 === 0) await report(`${done} invoices`);
  });
  await report(`${jobs.length} invoices`);

  // Tickets over the last 60 days: a fifth each new, assigned, in progress, resolved, closed.
  const tickets = n + READER_TICKETS;
  const from = PRELOAD_END - TICKET_DAYS * DAY;
  done = 0;
  await pool(tickets, concurrency, async (j) => {
    const i = j < n ? (j * 7919) % n : reader;
    const category = categoryOf(j);
    const created = from + Math.floor((j * (TICKET_DAYS - 1) * DAY) / tickets);
    await at(created, async () => {
      const { ticketId } = await createTicket(
        deps,
        {
          customerId: customers[i]!,
          type: typeOfCategory(category),
          priority: PRIORITIES[mix(j, 5) % PRIORITIES.length]!,
          title: `Gangguan ${j}`,
          description: 'Koneksi putus-putus sejak kemarin malam',
          location: { lat: -6.2, lng: 106.8 },
          scheduledAt: null,
          attachments: [],
          channel: j % 3 === 0 ? 'portal' : 'staff',
          category,
          serviceId: subscriptions[i] ?? null,
        },
        admin,
        meta(),
      );
      const stage = j % 5;
      const technician = { userId: technicians[j % technicians.length]!, role: 'technician' };
      if (stage >= 1) await assignTicket(deps, ticketId, { technicianId: technician.userId, scheduledAt: null, notes: null }, admin, meta());
      if (stage >= 2) await changeTicketStatus(deps, ticketId, { status: 'in_progress', notes: null, attachments: [], rating: null }, technician, meta());
      if (stage >= 3) await changeTicketStatus(deps, ticketId, { status: 'resolved', notes: 'Selesai', attachments: [], rating: null }, technician, meta());
      if (stage >= 4) await changeTicketStatus(deps, ticketId, { status: 'closed', notes: null, attachments: [], rating: 3 + (j % 3) }, admin, meta());
      if (stage <= 2 && mix(j, 6) < 50) await recordSlaBreach(deps, ticketId, new Date(created + 10 * DAY), meta());
    });
    if (++done % 20_000 === 0) await report(`${done} tickets`);
  });
  const events = await eventStore.headPosition();
  await eventStore.close();
  return { events, seconds: (Date.now() - started) / 1000, instances, invoices: jobs.length, tickets };
}

/** A customer near the middle whose service is active (so it has every month's invoice): the narrow filters' customer. */
export function billedCustomer(customers: number): number {
  for (let i = Math.floor(customers / 2); i < customers; i++) if (instanceOf(i) === 'active') return i;
  return 0;
}
