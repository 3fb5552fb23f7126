/**
 * Fills an SQLite event log through the real command layer (deciders, expected revisions,
 * sequences, reservations, hash chain), with the server down: service requests, technicians,
 * customers, and tickets that go through assignment, work, comments and resolution, so the log
 * looks like months of use. Used by bench/run.ts.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { openSqliteEventStore } from '../src/adapters/event-store/sqlite';
import { createScryptPasswordHasher } from '../src/adapters/crypto/scrypt-password-hasher';
import type { AuthDeps } from '../src/commands/auth';
import { systemMeta } from '../src/commands/context';
import { registerCustomer } from '../src/commands/customers';
import { submitServiceRequest } from '../src/commands/service-requests';
import { systemEvents } from '../src/commands/system-events';
import { addTicketComment, assignTicket, changeTicketStatus, createTicket, type TicketCommandDeps } from '../src/commands/tickets';
import { registerUser } from '../src/commands/users';
import { createEventRegistry } from '../src/domain';
import { DEFAULT_SLA_HOURS, DEFAULT_SLA_WARNING_PERCENT, TICKET_PRIORITIES, TICKET_TYPES } from '../src/domain/ticket';
import type { Clock } from '../src/ports/clock';
import { pool, progressReport } from './preload-kit';

export interface PreloadPlan {
  serviceRequests: number;
  technicians: number;
  customers: number;
  tickets: number;
  /** Further tickets of one customer, all new and high: the skewed queue where a list must still
   * cost its page, not its tens of thousands of matches (issue 10's case). */
  skewedTickets?: number;
  /** Concurrent command pipelines. */
  concurrency?: number;
}

export interface PreloadResult {
  events: number;
  seconds: number;
}

/** The login of the preload's technician number i (0-based). */
export const technicianLogin = (i: number) => ({ email: `tech${i}@bench.example`, password: 'bench-password' });

export async function preload(dataDir: string, plan: PreloadPlan, onProgress: (line: string) => void): Promise<PreloadResult> {
  const eventStore = openSqliteEventStore({ filename: join(dataDir, 'events.db') });
  // A clock that moves a little with every command, so timestamps spread over time as in real use.
  let t = Date.now() - 120 * 86_400_000;
  const clock: Clock = { now: () => new Date((t += 97)) };
  const deps: AuthDeps & TicketCommandDeps = {
    eventStore,
    registry: createEventRegistry(systemEvents),
    clock,
    ids: { uuid: randomUUID },
    // Cheap hashes for the generated accounts (the parameters travel with each hash).
    passwords: createScryptPasswordHasher({ cost: 2 ** 10 }),
    mailer: { send: async () => undefined },
    refreshTtlSeconds: 86_400,
    publicUrl: 'http://localhost',
    sla: { hours: DEFAULT_SLA_HOURS, warningPercent: DEFAULT_SLA_WARNING_PERCENT },
  };
  const meta = () => systemMeta(deps.ids, 'bench');
  const admin = { userId: 'bench-admin', role: 'super_admin' };
  const concurrency = plan.concurrency ?? 64;
  const started = Date.now();
  const report = progressReport(eventStore, 'preload', onProgress);

  await pool(plan.serviceRequests, concurrency, async (i) => {
    await submitServiceRequest(
      deps,
      {
        requester: { userId: `bench-user-${i % 50}`, name: `Bench User ${i % 50}`, department: 'IT' },
        deviceType: i % 2 ? 'Laptop' : 'Printer',
        brand: 'Lenovo',
        model: 'V14',
        serialNumber: `PRE-${i}`,
        serviceType: ['Hardware', 'Software', 'Network', 'Maintenance'][i % 4]!,
        description: 'Preloaded request for the benchmark',
        photo: null,
      },
      meta(),
    );
  });
  await report(`${plan.serviceRequests} service requests`);

  const technicians: string[] = [];
  await pool(plan.technicians, 8, async (i) => {
    const { userId } = await registerUser(
      deps,
      { ...technicianLogin(i), role: 'technician', profile: { full_name: `Teknisi ${i}`, phone: `0812${i}` } },
      meta(),
    );
    technicians.push(userId);
  });
  const customers: string[] = [];
  await pool(plan.customers, concurrency, async (i) => {
    const { customerId } = await registerCustomer(
      deps,
      {
        details: {
          fullName: `Pelanggan ${i}`,
          phone: `0813${String(i).padStart(8, '0')}`,
          email: `customer${i}@bench.example`,
          nationalId: null,
          address: { line: `Jl. Benchmark ${i}`, line2: null, block: null, unit: null, city: 'Jakarta', province: null, postalCode: null, country: 'ID' },
          coordinates: { lat: -6.2, lng: 106.8 },
          serviceArea: ['Jakarta Selatan', 'Jakarta Barat', 'Depok', 'Bekasi'][i % 4]!,
          servicePackage: 'Internet 50Mbps',
          brand: null,
          installationDate: null,
          customerType: null,
        },
        createLogin: true,
      },
      meta(),
    );
    customers.push(customerId);
  });
  await report(`${plan.technicians} technicians, ${plan.customers} customers`);

  let done = 0;
  await pool(plan.tickets, concurrency, async (i) => {
    const { ticketId } = await createTicket(
      deps,
      {
        customerId: customers[i % customers.length]!,
        type: TICKET_TYPES[i % TICKET_TYPES.length]!,
        priority: TICKET_PRIORITIES[i % TICKET_PRIORITIES.length]!,
        title: `Gangguan ${i}`,
        description: 'Koneksi putus-putus sejak kemarin malam',
        location: { lat: -6.2, lng: 106.8 },
        scheduledAt: null,
        attachments: [],
        channel: 'staff',
      },
      admin,
      meta(),
    );
    const technician = { userId: technicians[i % technicians.length]!, role: 'technician' };
    // About three in four tickets get worked on; most of those are finished.
    if (i % 4 !== 3) {
      await assignTicket(deps, ticketId, { technicianId: technician.userId, scheduledAt: null, notes: null }, admin, meta());
      await changeTicketStatus(deps, ticketId, { status: 'in_progress', notes: null, attachments: [], rating: null }, technician, meta());
      for (let c = 0; c < 6; c++) {
        await addTicketComment(deps, ticketId, { comment: `Update ${c}: pengecekan ONT dan kabel drop`, attachments: [] }, technician, meta());
      }
      if (i % 4 === 2) {
        // Waiting on the customer, then back at work: left in progress.
        await changeTicketStatus(deps, ticketId, { status: 'pending', notes: 'Menunggu pelanggan', attachments: [], rating: null }, technician, meta());
        await changeTicketStatus(deps, ticketId, { status: 'in_progress', notes: null, attachments: [], rating: null }, technician, meta());
      }
      if (i % 4 !== 2) {
        await changeTicketStatus(deps, ticketId, { status: 'resolved', notes: 'Selesai', attachments: [], rating: null }, technician, meta());
        await changeTicketStatus(deps, ticketId, { status: 'closed', notes: null, attachments: [], rating: 3 + (i % 3) }, admin, meta());
      }
    }
    if (++done % 10_000 === 0) await report(`${done} tickets`);
  });
  const skewed = plan.skewedTickets ?? 0;
  if (skewed > 0) {
    const customerId = customers[0]!;
    await pool(skewed, concurrency, async (i) => {
      await createTicket(
        deps,
        {
          customerId,
          type: 'repair',
          priority: 'high',
          title: `Antrian ${i}`,
          description: 'Banyak pelanggan satu gedung',
          location: { lat: -6.2, lng: 106.8 },
          scheduledAt: null,
          attachments: [],
          channel: 'staff',
        },
        admin,
        meta(),
      );
    });
    await report(`${skewed} tickets of one customer`);
  }
  const events = await eventStore.headPosition();
  await eventStore.close();
  return { events, seconds: (Date.now() - started) / 1000 };
}
