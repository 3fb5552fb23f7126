/**
 * Figures for the reports on the embedded SQLite read store (a script, not a test). Build, then run:
 *   npm run build && node dist/bench/reports.js [tickets=100000]
 *
 * Feeds the tickets, technicians, technician-performance and reports projectors directly with
 * synthetic ticket events (no event store, no HTTP): `tickets` tickets over about a year, 200
 * technicians, 5,000 customers; then times the queries behind GET /api/reports/*.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { openSqliteReadStore } from '../src/adapters/read-store/sqlite/sqlite-read-store';
import { writeTicketsCsv } from '../src/api/technician-management/reports/csv';
import { writeTicketsPdf } from '../src/api/technician-management/reports/pdf';
import type { ProjectedEvent, Projector, ProjectorContext } from '../src/projections/engine/projector';
import { technicianPerformanceProjector, technicianProfileProjector } from '../src/projections/technicians';
import { ticketsProjector } from '../src/projections/tickets/projector';
import { CUSTOMERS } from '../src/projections/tickets/queries';
import { reportsProjector } from '../src/projections/reports/projector';
import { dashboard, performanceReport, ticketReport } from '../src/projections/reports/queries';

const N = Number(process.argv[2] ?? 100_000);
const TECHS = 200;
const CUSTOMER_COUNT = 5_000;
const HOUR = 3_600_000;
const START = Date.parse('2025-01-15T00:00:00.000Z');
const NOW = new Date('2026-01-15T12:00:00.000Z');
const PRIORITIES = ['low', 'normal', 'high', 'critical', 'emergency'];
const SLA: Record<string, number> = { emergency: 4, critical: 8, high: 24, normal: 48, low: 72 };
const TYPES = ['new_installation', 'repair', 'maintenance', 'upgrade', 'disconnection'];
const MGR = { userId: 'mgr', role: 'manager' };

const uuid = (prefix: string, i: number) => `${prefix}-0000-4000-8000-${String(i).padStart(12, '0')}`;
const iso = (ms: number) => new Date(ms).toISOString();

let position = 0;
function ev(type: string, stream: string, data: Record<string, unknown>, at: string): ProjectedEvent {
  position++;
  return { id: `e${position}`, type, streamName: stream, revision: 0, position, data, metadata: { timestamp: at, schemaVersion: 1, prevHash: '', hash: '' } };
}

function* ticketEvents(i: number): Generator<ProjectedEvent> {
  const id = uuid('7a000000', i);
  const stream = `ticket-${id}`;
  const created = START + Math.floor((i / N) * (NOW.getTime() - START - 2 * HOUR));
  const priority = PRIORITIES[i % PRIORITIES.length]!;
  const base = { ticketId: id };
  yield ev(
    'TicketCreated',
    stream,
    {
      ...base,
      number: i + 1,
      ticketNumber: `TKT-${String(i + 1).padStart(6, '0')}`,
      customerId: uuid('c0000000', i % CUSTOMER_COUNT),
      type: TYPES[(i * 7) % TYPES.length],
      priority,
      title: `No signal at site ${i}`,
      description: 'Customer reports intermittent loss of signal; ONU LOS light blinking red.',
      location: { lat: -6.2, lng: 106.8 },
      scheduledAt: null,
      attachments: [],
      slaDeadline: iso(created + SLA[priority]! * HOUR),
      createdBy: MGR,
      channel: 'staff',
      createdAt: iso(created),
    },
    iso(created),
  );
  if (i % 10 === 0) return; // 10 % never assigned
  const tech = uuid('7e000000', i % TECHS);
  yield ev('TicketAssigned', stream, { ...base, technicianId: tech, previousTechnicianId: null, scheduledAt: null, notes: null, assignedBy: MGR, assignedAt: iso(created + HOUR), status: 'assigned' }, iso(created + HOUR));
  const status = (from: string, to: string, at: number, rating: number | null = null) =>
    ev('TicketStatusChanged', stream, { ...base, from, to, notes: null, attachments: [], rating, changedBy: MGR, changedAt: iso(at), technicianId: tech }, iso(at));
  if (i % 10 === 1) return; // assigned only
  yield status('assigned', 'in_progress', created + 2 * HOUR);
  if (i % 10 === 2) return; // in progress
  if (i % 10 === 3) {
    yield status('in_progress', 'pending', created + 3 * HOUR);
    return;
  }
  yield status('in_progress', 'resolved', created + (2 + (i % 30)) * HOUR, i % 3 === 0 ? null : 1 + (i % 5));
  if (i % 2 === 0) yield status('resolved', 'closed', created + 40 * HOUR);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'isp-reports-bench-'));
  const store = openSqliteReadStore({ filename: join(dir, 'read-models.db') });
  const projectors: Projector[] = [technicianProfileProjector, ticketsProjector, technicianPerformanceProjector, reportsProjector];
  for (const p of projectors) for (const [name, indexes] of Object.entries(p.collections)) await store.collection(name).createIndexes(indexes);
  const ctx: ProjectorContext = { collection: (name) => store.collection(name) };
  const byType = new Map<string, Projector[]>();
  for (const p of projectors) for (const t of p.handles) byType.set(t, [...(byType.get(t) ?? []), p]);
  const feed = async (e: ProjectedEvent) => {
    for (const p of byType.get(e.type) ?? []) await p.apply(e, ctx);
  };

  const loadStart = Date.now();
  for (let t = 0; t < TECHS; t++) {
    const userId = uuid('7e000000', t);
    await feed(
      ev('UserRegistered', `user-${userId}`, { userId, number: t + 1, email: `t${t}@x.io`, role: 'technician', profile: { full_name: `Technician ${t}`, phone: null, avatar: null, department: null }, registeredAt: iso(START) }, iso(START)),
    );
  }
  await store.collection(CUSTOMERS).insertMany(
    Array.from({ length: CUSTOMER_COUNT }, (_, c) => ({ _id: uuid('c0000000', c), full_name: `Pelanggan ${c}`, phone: '0812', address: 'Jl. Contoh' })),
  );
  let events = 0;
  // As the projection runner does: batches of events, one read-store transaction each.
  for (let i = 0; i < N; i += 500) {
    await store.transaction(
      async () => {
        for (let j = i; j < Math.min(N, i + 500); j++) {
          for (const e of ticketEvents(j)) {
            await feed(e);
            events++;
          }
        }
      },
      { bulk: true },
    );
  }
  const loadMs = Date.now() - loadStart;
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(`SQLite read store: ${N.toLocaleString('en-US')} tickets, ${events.toLocaleString('en-US')} ticket events, ${TECHS} technicians`);
  out(`projected by tickets + technician_performance + reports + technicians in ${(loadMs / 1000).toFixed(1)} s (${Math.round((events / loadMs) * 1000).toLocaleString('en-US')} events/s)\n`);

  const time = async (label: string, iterations: number, fn: () => Promise<unknown>) => {
    await fn();
    const samples: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const s = process.hrtime.bigint();
      await fn();
      samples.push(Number(process.hrtime.bigint() - s) / 1e6);
    }
    samples.sort((a, b) => a - b);
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
    const p99 = samples[Math.min(samples.length - 1, Math.floor(samples.length * 0.99))]!;
    out(`${label.padEnd(70)} mean ${mean.toFixed(2).padStart(8)} ms   p99 ${p99.toFixed(2).padStart(8)} ms   (${iterations} runs)`);
  };
  const sink = () => new Writable({ write: (_c, _e, cb) => cb() });

  await time('dashboard (30-day trend, top 10 technicians)', 200, () => dashboard(store, { now: NOW, days: 30, topTechnicians: 10 }));
  await time('dashboard (365-day trend)', 100, () => dashboard(store, { now: NOW, days: 365, topTechnicians: 10 }));
  await time('tickets report, one technician (~450 rows + summary)', 50, () =>
    ticketReport(store, { technicianId: uuid('7e000000', 7) }, NOW, 10_000),
  );
  await time('tickets report, one month by created_at (~8,300 rows + summary)', 10, () =>
    ticketReport(store, { createdFrom: '2025-06-01T00:00:00.000Z', createdTo: '2025-07-01T00:00:00.000Z' }, NOW, 10_000),
  );
  await time('tickets report, no filter (10,000-row cap + summary of all)', 10, () => ticketReport(store, {}, NOW, 10_000));
  const big = await ticketReport(store, {}, NOW, 10_000);
  await time('  CSV of 10,000 rows (streamed to a null sink)', 5, () => writeTicketsCsv(big.rows, sink()));
  await time('  PDF of 10,000 rows (streamed to a null sink)', 3, () =>
    writeTicketsPdf(big.rows, { title: 'Tickets report', generatedAt: NOW.toISOString(), filters: {}, summary: big.summary }, sink()),
  );
  await time('performance report, monthly, last 12 months, all technicians', 20, () =>
    performanceReport(store, { period: 'monthly', from: '2025-02-01', to: '2026-01-15' }),
  );
  await time('performance report, daily, last 30 days, all technicians', 50, () =>
    performanceReport(store, { period: 'daily', from: '2025-12-17', to: '2026-01-15' }),
  );
  await time('performance report, weekly, 12 weeks, one technician', 100, () =>
    performanceReport(store, { period: 'weekly', from: '2025-10-27', to: '2026-01-15', technicianId: uuid('7e000000', 7) }),
  );
  out(`\nresident memory ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB`);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
