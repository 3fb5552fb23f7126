/**
 * Fills an SQLite event log with document 002 data through the real command layer (deciders,
 * expected revisions, sequences, reservations, hash chain), with the server down: two brands
 * with a package each, `pelanggan` customers, and `invoicesPerPelanggan` monthly invoices each
 * (the older months mostly paid, some overdue, the newest issued), so the lists have narrow
 * and broad filters (one pelanggan; a whole periode; every Lunas invoice). Used by bench/billing.ts.
 */
import { join } from 'node:path';
import { openSqliteEventStore } from '../src/adapters/event-store/sqlite';
import { registerBrand } from '../src/commands/billing/brands';
import { createInvoice, markInvoiceOverdue, payInvoice } from '../src/commands/billing/invoices';
import { createServicePlan } from '../src/commands/billing/service-plans';
import { systemMeta } from '../src/commands/context';
import { registerCustomer } from '../src/commands/customers';
import type { Clock } from '../src/ports/clock';
import { billingBenchDeps, pool, progressReport } from './preload-kit';

export interface BillingPreloadPlan {
  pelanggan: number;
  invoicesPerPelanggan: number;
  concurrency?: number;
}

export interface BillingPreloadResult {
  events: number;
  seconds: number;
  /** The periods invoiced, oldest first (the newest is the broad `periode` filter). */
  periods: string[];
}

export const BENCH_BRANDS = ['JAKINET', 'ARTA'] as const;

/** The `n` months up to 2026-01, oldest first. */
export function benchPeriods(n: number): string[] {
  return Array.from({ length: n }, (_, i) => new Date(Date.UTC(2026, 0 - (n - 1 - i), 1)).toISOString().slice(0, 7));
}

export async function preloadBilling(dataDir: string, plan: BillingPreloadPlan, onProgress: (line: string) => void): Promise<BillingPreloadResult> {
  const eventStore = openSqliteEventStore({ filename: join(dataDir, 'events.db') });
  // Time moves a little with every command, ending about now (2026-01-20 in business days).
  let t = Date.parse('2026-01-20T03:00:00.000Z') - 30 * 86_400_000;
  const clock: Clock = { now: () => new Date((t += 7)) };
  const deps = billingBenchDeps(eventStore, clock);
  const meta = () => systemMeta(deps.ids, 'bench');
  const concurrency = plan.concurrency ?? 64;
  const started = Date.now();
  const report = progressReport(eventStore, 'preload', onProgress);

  for (const brand of BENCH_BRANDS) {
    await registerBrand(deps, { brandId: brand, name: brand, gateway: { provider: 'simulated' } }, meta());
    await createServicePlan(deps, { brandId: brand, name: `${brand} 50Mbps`, speedMbps: 50, price: 300_000, pppoeProfile: null }, meta());
  }
  const customers: string[] = new Array(plan.pelanggan);
  await pool(plan.pelanggan, concurrency, async (i) => {
    const { customerId } = await registerCustomer(
      deps,
      {
        details: {
          fullName: `Pelanggan Bench ${i}`,
          phone: `0813${String(i).padStart(8, '0')}`,
          email: `bench${i}@pelanggan.example`,
          nationalId: `3171${String(i).padStart(12, '0')}`,
          address: { line: `Jl. ${['Mawar', 'Melati', 'Kenanga', 'Anggrek'][i % 4]} No. ${i}`, line2: null, block: null, unit: null, city: null, province: null, postalCode: null, country: null },
          coordinates: null,
          serviceArea: null,
          servicePackage: null,
          brand: BENCH_BRANDS[i % 2]!,
          installationDate: '2025-01-10',
          customerType: null,
        },
        status: 'active',
        createLogin: false,
      },
      meta(),
    );
    customers[i] = customerId;
    if ((i + 1) % 10_000 === 0) await report(`${i + 1} pelanggan`);
  });
  const periods = benchPeriods(plan.invoicesPerPelanggan);
  const total = plan.pelanggan * periods.length;
  let done = 0;
  await pool(total, concurrency, async (k) => {
    const i = k % plan.pelanggan;
    const p = Math.floor(k / plan.pelanggan);
    const period = periods[p]!;
    const { invoiceId } = await createInvoice(
      deps,
      {
        customerId: customers[i]!,
        brandId: null,
        period,
        issueDate: `${period}-01`,
        dueDate: `${period}-20`,
        items: [{ description: `Internet 50Mbps (${period})`, quantity: 1, unitPrice: 300_000 }],
        issue: true,
        subscriptionId: null,
      },
      meta(),
    );
    const newest = p === periods.length - 1;
    // Older months: 9 in 10 paid (some late), the rest overdue. The newest month: 1 in 3 paid.
    if ((!newest && i % 10 !== 0) || (newest && i % 3 === 0)) {
      await payInvoice(deps, invoiceId, { amount: null, paidAt: `${period}-${i % 7 === 0 ? '25' : '15'}T03:00:00.000Z`, method: 'Manual' }, meta());
    } else if (!newest) {
      await markInvoiceOverdue(deps, invoiceId, meta());
    }
    if (++done % 20_000 === 0) await report(`${done} invoices`);
  });
  const events = await eventStore.headPosition();
  await eventStore.close();
  return { events, seconds: (Date.now() - started) / 1000, periods };
}
