import { inflateSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import type { Response } from 'supertest';
import { runSlaJob } from '../../../jobs/sla';
import { TICKET_REPORT_COLUMNS } from '../../../projections/reports/queries';
import { auth, startTestApp, type TestApp, type TestUser } from '../../../../test/support/test-app';
import { ALL_ROLES } from '../permissions';
import { csvCell } from './csv';
import { PDF_LAYOUT, ticketsPdfPageCount } from './pdf';

/** Collects a binary body (PDF) into a Buffer (supertest's parser for Node responses). */
function binary(res: NodeJS.ReadableStream, done: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}
const asBuffer = binary as unknown as Parameters<ReturnType<TestApp['http']['get']>['parse']>[0];

/** The pages of a PDF: its `/Type /Page` objects (not `/Pages`). */
const pageCount = (pdf: Buffer): number => (pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;

/** Every text string drawn in a PDF (each table cell is one), from its deflated content streams. */
function pdfStrings(pdf: Buffer): string[] {
  const raw = pdf.toString('latin1');
  const out: string[] = [];
  const re = /stream\r?\n/g;
  for (let m = re.exec(raw); m; m = re.exec(raw)) {
    const start = m.index + m[0].length;
    const end = raw.indexOf('endstream', start);
    let content: string;
    try {
      content = inflateSync(pdf.subarray(start, end)).toString('latin1');
    } catch {
      continue; // not a deflated content stream (fonts, metadata)
    }
    for (const tj of content.matchAll(/\[([^\]]*)\] TJ/g)) {
      const hex = [...tj[1]!.matchAll(/<([0-9a-f]*)>/gi)].map((h) => h[1]).join('');
      out.push(Buffer.from(hex, 'hex').toString('latin1'));
    }
  }
  return out;
}

interface Row {
  [column: string]: string | number | boolean | null;
}

/**
 * Reports are checked against a known set of tickets made through the API on a manual clock
 * (all times UTC):
 *
 * | # | created | customer | type / priority | technician | story | at the end (2026-01-15 12:00) |
 * | T1 | 01-10 08:00 | c1 | repair / high (SLA 01-11 08:00) | A from 09:00 | in progress 10:00, resolved 13:00 rated 5, closed 14:00 | closed |
 * | T2 | 01-12 08:00 | c1 | maintenance / normal (01-14 08:00) | A from 08:00 | in progress, pending, in progress, resolved 01-14 18:00 rated 3 (late) | resolved |
 * | T3 | 01-13 10:00 | c2 | repair / emergency (01-13 14:00) | A from 11:00 | in progress; the SLA job at 15:00 records the breach | in progress, overdue |
 * | T4 | 01-14 09:00 | c2 | repair / normal (01-16 09:00) | B from 09:30 | in progress, resolved 11:00 rated 2, reopened 12:00 | in progress |
 * | T5 | 01-15 06:00 | c2 | new_installation / emergency (01-15 10:00) | — | not assigned; deadline passed, not yet swept | new, overdue |
 * | T6 | 01-15 07:00 | c2 | repair / critical (01-15 15:00) | B from 07:30 | in progress 08:00, resolved 09:00 rated 4 | resolved today |
 * | T7 | 01-15 09:30 | c1 | upgrade / low (01-18 09:30) | B from 10:00 | — | assigned |
 *
 * Technician C is deactivated. Customer c1 is `Budi "Bos", Santoso`, c2 `Zoë Ñandú 日本`.
 */
describe('Reports API (document 000)', () => {
  let t: TestApp;
  let admin: TestUser;
  let manager: TestUser;
  let supervisor: TestUser;
  let cs: TestUser;
  let techA: TestUser;
  let techB: TestUser;
  let techC: TestUser;
  let customerUser: TestUser;
  let everyone: TestUser[];
  let c1: string;
  let c2: string;
  const ids: Record<string, string> = {};

  const at = async (iso: string) => {
    t.clock.set(iso);
    // Access tokens live at most a day; sign everyone in again at each step of the story.
    for (const u of everyone) u.token = (await t.login(u.email, u.password)).body.token;
  };
  const ok = (res: Response, status = 200) => {
    if (res.status !== status) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
    return res;
  };
  const createTicket = async (name: string, customerId: string, type: string, priority: string, title = `Ticket ${name}`) => {
    const res = ok(
      await t.http
        .post('/api/tickets')
        .set(auth(cs))
        .send({ customer_id: customerId, type, priority, title, description: 'Gangguan', location: { lat: -6.2, lng: 106.8 } }),
      201,
    );
    ids[name] = res.body.data.ticket.id;
  };
  const assign = async (name: string, tech: TestUser) =>
    ok(await t.http.post(`/api/tickets/${ids[name]}/assign`).set(auth(manager)).send({ technician_id: tech.userId }));
  const status = async (name: string, to: string, rating?: number) =>
    ok(await t.http.put(`/api/tickets/${ids[name]}/status`).set(auth(manager)).send(rating === undefined ? { status: to } : { status: to, rating }));
  const customer = async (full_name: string, n: number) =>
    ok(
      await t.http.post('/api/customers').set(auth(admin)).send({
        full_name,
        phone: `0812000000${n}`,
        email: `c${n}@example.com`,
        address: `Jl. Contoh ${n}`,
        coordinates: { lat: -6.2, lng: 106.8 },
        service_area: 'Jakarta Pusat',
      }),
      201,
    ).body.data.customer.id as string;

  beforeAll(async () => {
    t = await startTestApp({ ACCESS_TOKEN_TTL_SECONDS: '86400' });
    t.clock.set('2026-01-10T00:00:00.000Z');
    admin = await t.user('super_admin', { full_name: 'Ada Admin' });
    manager = await t.user('manager', { full_name: 'Mia Manager' });
    supervisor = await t.user('supervisor', { full_name: 'Sri Supervisor' });
    cs = await t.user('customer_service', { full_name: 'Citra CS' });
    techA = await t.user('technician', { full_name: 'Tono Teknisi' });
    techB = await t.user('technician', { full_name: 'Tari Teknisi' });
    techC = await t.user('technician', { full_name: 'Cahyo Cadangan' });
    customerUser = await t.user('customer', { full_name: 'Pak Pelanggan' });
    everyone = [admin, manager, supervisor, cs, techA, techB, customerUser];
    c1 = await customer('Budi "Bos", Santoso', 1);
    c2 = await customer('Zoë Ñandú 日本', 2);
    ok(await t.http.delete(`/api/users/${techC.userId}`).set(auth(admin)));

    await at('2026-01-10T08:00:00.000Z');
    await createTicket('T1', c1, 'repair', 'high', 'Internet mati, "LOS" merah\nsejak pagi');
    await at('2026-01-10T09:00:00.000Z');
    await assign('T1', techA);
    await at('2026-01-10T10:00:00.000Z');
    await status('T1', 'in_progress');
    await at('2026-01-10T13:00:00.000Z');
    await status('T1', 'resolved', 5);
    await at('2026-01-10T14:00:00.000Z');
    await status('T1', 'closed');

    await at('2026-01-12T08:00:00.000Z');
    await createTicket('T2', c1, 'maintenance', 'normal');
    await assign('T2', techA);
    await at('2026-01-12T09:00:00.000Z');
    await status('T2', 'in_progress');
    await at('2026-01-12T10:00:00.000Z');
    await status('T2', 'pending');
    await at('2026-01-12T15:00:00.000Z');
    await status('T2', 'in_progress');

    await at('2026-01-13T10:00:00.000Z');
    await createTicket('T3', c2, 'repair', 'emergency');
    await at('2026-01-13T11:00:00.000Z');
    await assign('T3', techA);
    await at('2026-01-13T11:30:00.000Z');
    await status('T3', 'in_progress');
    await at('2026-01-13T15:00:00.000Z');
    const sla = await runSlaJob({ commands: t.app.deps.commands, readStore: t.app.deps.readStore, logger: t.app.deps.logger }, t.clock.now());
    expect(sla.breached).toEqual([ids.T3]);
    await t.app.runner.waitFor(sla.position!, 5000);

    await at('2026-01-14T09:00:00.000Z');
    await createTicket('T4', c2, 'repair', 'normal');
    await at('2026-01-14T09:30:00.000Z');
    await assign('T4', techB);
    await at('2026-01-14T10:00:00.000Z');
    await status('T4', 'in_progress');
    await at('2026-01-14T11:00:00.000Z');
    await status('T4', 'resolved', 2);
    await at('2026-01-14T12:00:00.000Z');
    await status('T4', 'in_progress');
    await at('2026-01-14T18:00:00.000Z');
    await status('T2', 'resolved', 3);

    await at('2026-01-15T06:00:00.000Z');
    await createTicket('T5', c2, 'new_installation', 'emergency');
    await at('2026-01-15T07:00:00.000Z');
    await createTicket('T6', c2, 'repair', 'critical');
    await at('2026-01-15T07:30:00.000Z');
    await assign('T6', techB);
    await at('2026-01-15T08:00:00.000Z');
    await status('T6', 'in_progress');
    await at('2026-01-15T09:00:00.000Z');
    await status('T6', 'resolved', 4);
    await at('2026-01-15T09:30:00.000Z');
    await createTicket('T7', c1, 'upgrade', 'low');
    await at('2026-01-15T10:00:00.000Z');
    await assign('T7', techB);

    await at('2026-01-15T12:00:00.000Z');
  });
  afterAll(async () => {
    await t.stop();
  });

  const get = (path: string, by: { token: string } = manager) => t.http.get(path).set(auth(by));

  describe('GET /api/reports/dashboard', () => {
    it('answers the documented summary and charts for the known tickets', async () => {
      const res = await get('/api/reports/dashboard');
      expect(res.status).toBe(200);
      expect(res.body.success).toBe(true);
      const { summary, charts } = res.body.data;
      expect(summary).toEqual({
        total_tickets: 7,
        pending_tickets: 4, // T3, T4, T5, T7: not resolved or closed
        completed_today: 1, // T6, resolved 2026-01-15 09:00
        overdue_tickets: 2, // T3 (breach recorded by the SLA job) and T5 (deadline 10:00 passed, not yet swept)
        active_technicians: 2, // A and B; C is deactivated
        customer_satisfaction: 4, // (5 + 3 + 4) / 3; T4's 2 was cleared by its reopen
        available_technicians: 2,
        completed_tickets: 3,
        rated_tickets: 3,
      });
      expect(charts.tickets_by_status).toEqual([
        { status: 'new', label: 'New', count: 1 },
        { status: 'assigned', label: 'Assigned', count: 1 },
        { status: 'in_progress', label: 'In progress', count: 2 },
        { status: 'pending', label: 'Pending', count: 0 },
        { status: 'resolved', label: 'Resolved', count: 2 },
        { status: 'closed', label: 'Closed', count: 1 },
      ]);
      expect(charts.tickets_by_priority).toEqual([
        { priority: 'low', label: 'Low', count: 1 },
        { priority: 'normal', label: 'Normal', count: 2 },
        { priority: 'high', label: 'High', count: 1 },
        { priority: 'critical', label: 'Critical', count: 1 },
        { priority: 'emergency', label: 'Emergency', count: 2 },
      ]);
      expect(charts.completion_trend).toHaveLength(30);
      expect(charts.completion_trend[0]).toEqual({ date: '2025-12-17', completed: 0, created: 0 });
      expect(charts.completion_trend.slice(-6)).toEqual([
        { date: '2026-01-10', completed: 1, created: 1 },
        { date: '2026-01-11', completed: 0, created: 0 },
        { date: '2026-01-12', completed: 0, created: 1 },
        { date: '2026-01-13', completed: 0, created: 1 },
        { date: '2026-01-14', completed: 1, created: 1 }, // T2; T4's resolution was undone by its reopen
        { date: '2026-01-15', completed: 1, created: 3 },
      ]);
      expect(charts.technician_performance).toEqual([
        {
          technician_id: techA.userId,
          full_name: 'Tono Teknisi',
          employee_id: expect.stringMatching(/^EMP-\d{4}$/),
          completed_tickets: 2,
          total_tickets: 3,
          completion_rate: 66.67,
          average_rating: 4,
          average_completion_time: 31, // (4 h + 58 h) / 2
          on_time_rate: 50,
        },
        {
          technician_id: techB.userId,
          full_name: 'Tari Teknisi',
          employee_id: expect.stringMatching(/^EMP-\d{4}$/),
          completed_tickets: 1,
          total_tickets: 3,
          completion_rate: 33.33,
          average_rating: 4,
          average_completion_time: 1.5,
          on_time_rate: 100,
        },
      ]);
      expect(res.body.data.generated_at).toBe('2026-01-15T12:00:00.000Z');
      expect(res.body.data.timezone).toBe('UTC');
    });

    it('agrees with the technicians API on each technician', async () => {
      const res = await get('/api/reports/dashboard');
      for (const entry of res.body.data.charts.technician_performance) {
        const perf = (await get(`/api/technicians/${entry.technician_id}/performance`)).body.data.performance;
        expect(entry).toMatchObject({
          completed_tickets: perf.completed_tickets,
          total_tickets: perf.total_tickets,
          completion_rate: perf.completion_rate,
          average_rating: perf.average_rating,
          average_completion_time: perf.average_completion_time,
          on_time_rate: perf.on_time_rate,
        });
      }
    });

    it('takes the trend length from days, ending today (UTC, the server clock)', async () => {
      const res = await get('/api/reports/dashboard?days=3');
      expect(res.status).toBe(200);
      expect(res.body.data.charts.completion_trend).toEqual([
        { date: '2026-01-13', completed: 0, created: 1 },
        { date: '2026-01-14', completed: 1, created: 1 },
        { date: '2026-01-15', completed: 1, created: 3 },
      ]);
    });

    it.each([
      ['days=0', 'The days must be at least 1.'],
      ['days=366', 'The days may not be greater than 365.'],
      ['days=abc', 'The days must be a number.'],
      ['days=2.5', 'The days must be a whole number.'],
    ])('answers 422 for %s', async (query, message) => {
      const res = await get(`/api/reports/dashboard?${query}`);
      expect(res.status).toBe(422);
      expect(res.body).toEqual({ success: false, error: { code: 'VALIDATION_ERROR', message: 'Validation failed', details: { days: [message] } } });
    });
  });

  describe('GET /api/reports/tickets', () => {
    const numbers = (res: Response) => (res.body.data.tickets as Row[]).map((r) => r.ticket_number);

    it('answers every ticket as a row, oldest first, with the summary and the filters', async () => {
      const res = await get('/api/reports/tickets');
      expect(res.status).toBe(200);
      const { tickets, summary, filters } = res.body.data;
      expect(tickets.map((r: Row) => r.id)).toEqual(['T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7'].map((n) => ids[n]));
      expect(tickets[0]).toEqual({
        id: ids.T1,
        ticket_number: 'TKT-000001',
        status: 'closed',
        priority: 'high',
        type: 'repair',
        title: 'Internet mati, "LOS" merah\nsejak pagi',
        customer_id: c1,
        customer: 'Budi "Bos", Santoso',
        technician_id: techA.userId,
        technician: 'Tono Teknisi',
        created_at: '2026-01-10T08:00:00.000Z',
        scheduled_at: null,
        completed_at: '2026-01-10T13:00:00.000Z',
        closed_at: '2026-01-10T14:00:00.000Z',
        sla_deadline: '2026-01-11T08:00:00.000Z',
        overdue: false,
        rating: 5,
      });
      expect(Object.keys(tickets[0])).toEqual([...TICKET_REPORT_COLUMNS]);
      expect(tickets[4]).toMatchObject({ ticket_number: 'TKT-000005', status: 'new', technician_id: null, technician: null, overdue: true, rating: null });
      expect(tickets[2]).toMatchObject({ status: 'in_progress', overdue: true, customer: 'Zoë Ñandú 日本' });
      expect(tickets[3]).toMatchObject({ status: 'in_progress', completed_at: null, rating: null, overdue: false });
      expect(summary).toEqual({
        total: 7,
        returned: 7,
        truncated: false,
        row_limit: 10000,
        by_status: { new: 1, assigned: 1, in_progress: 2, pending: 0, resolved: 2, closed: 1 },
        by_priority: { low: 1, normal: 2, high: 1, critical: 1, emergency: 2 },
        by_type: { new_installation: 1, repair: 4, maintenance: 1, upgrade: 1, disconnection: 0 },
        open: 4,
        completed: 3,
        overdue: 2,
      });
      expect(filters).toEqual({
        date_from: null,
        date_to: null,
        technician_id: null,
        customer_id: null,
        status: null,
        type: null,
        priority: null,
        format: 'json',
        limit: 10000,
      });
      expect(res.body.data.generated_at).toBe('2026-01-15T12:00:00.000Z');
    });

    it.each([
      ['status=in_progress', ['TKT-000003', 'TKT-000004']],
      ['type=repair', ['TKT-000001', 'TKT-000003', 'TKT-000004', 'TKT-000006']],
      ['priority=emergency', ['TKT-000003', 'TKT-000005']],
      ['date_from=2026-01-13&date_to=2026-01-14', ['TKT-000003', 'TKT-000004']],
      ['date_from=2026-01-15T07:00:00Z', ['TKT-000006', 'TKT-000007']],
      ['date_to=2026-01-15T07:00:00%2B00:00', ['TKT-000001', 'TKT-000002', 'TKT-000003', 'TKT-000004', 'TKT-000005', 'TKT-000006']],
      ['date_from=2026-01-15T14:00:00%2B07:00', ['TKT-000006', 'TKT-000007']],
      ['date_from=2026-01-16', []],
    ])('filters by %s', async (query, expected) => {
      const res = await get(`/api/reports/tickets?${query}`);
      expect(res.status).toBe(200);
      expect(numbers(res)).toEqual(expected);
      expect(res.body.data.summary.total).toBe(expected.length);
    });

    it('filters by technician and customer, alone and together with the others', async () => {
      expect(numbers(await get(`/api/reports/tickets?technician_id=${techB.userId}`))).toEqual(['TKT-000004', 'TKT-000006', 'TKT-000007']);
      expect(numbers(await get(`/api/reports/tickets?customer_id=${c1}`))).toEqual(['TKT-000001', 'TKT-000002', 'TKT-000007']);
      const both = await get(`/api/reports/tickets?customer_id=${c2}&status=in_progress&technician_id=${techA.userId}&type=repair`);
      expect(numbers(both)).toEqual(['TKT-000003']);
      expect(both.body.data.summary).toMatchObject({
        total: 1,
        by_status: { new: 0, assigned: 0, in_progress: 1, pending: 0, resolved: 0, closed: 0 },
        by_type: { new_installation: 0, repair: 1, maintenance: 0, upgrade: 0, disconnection: 0 },
        by_priority: { low: 0, normal: 0, high: 0, critical: 0, emergency: 1 },
        open: 1,
        completed: 0,
        overdue: 1,
      });
      expect(both.body.data.filters).toMatchObject({ customer_id: c2, status: 'in_progress', technician_id: techA.userId, type: 'repair' });
      expect(numbers(await get(`/api/reports/tickets?technician_id=${techC.userId}`))).toEqual([]);
    });

    it('caps the rows at limit and says so in the summary', async () => {
      const res = await get('/api/reports/tickets?limit=2');
      expect(numbers(res)).toEqual(['TKT-000001', 'TKT-000002']);
      expect(res.body.data.summary).toMatchObject({ total: 7, returned: 2, truncated: true, row_limit: 2 });
    });

    it('answers CSV that parses back to exactly the JSON rows (quotes, commas, line breaks, non-ASCII)', async () => {
      for (const query of ['', `&customer_id=${c2}`, '&status=in_progress', '&date_from=2026-01-14']) {
        const [json, csv] = await Promise.all([get(`/api/reports/tickets?format=json${query}`), get(`/api/reports/tickets?format=csv${query}`)]);
        expect(csv.status).toBe(200);
        expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
        expect(csv.headers['content-disposition']).toBe('attachment; filename="tickets-report-2026-01-15.csv"');
        const records = parse(csv.text, { columns: true }) as Record<string, string>[];
        const expected = (json.body.data.tickets as Row[]).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, csvCell(v)])));
        expect(records).toEqual(expected);
        expect(csv.headers['x-report-total']).toBe(String(json.body.data.summary.total));
        expect(csv.headers['x-report-rows']).toBe(String(expected.length));
        expect(csv.headers['x-report-truncated']).toBe('false');
      }
      const all = await get('/api/reports/tickets?format=csv');
      const header = all.text.split('\n')[0];
      expect(header).toBe(TICKET_REPORT_COLUMNS.join(','));
      // The awkward values are quoted as RFC 4180 has it.
      expect(all.text).toContain('"Internet mati, ""LOS"" merah\nsejak pagi"');
      expect(all.text).toContain('"Budi ""Bos"", Santoso"');
      expect(all.text).toContain('Zoë Ñandú 日本');
    });

    it('answers a CSV with only the header row when nothing matches, and flags a capped CSV', async () => {
      const none = await get('/api/reports/tickets?format=csv&date_from=2030-01-01');
      expect(none.status).toBe(200);
      expect(parse(none.text, { columns: true })).toEqual([]);
      expect(none.text.trim()).toBe(TICKET_REPORT_COLUMNS.join(','));
      const capped = await get('/api/reports/tickets?format=csv&limit=3');
      expect((parse(capped.text, { columns: true }) as unknown[]).length).toBe(3);
      expect(capped.headers['x-report-truncated']).toBe('true');
      expect(capped.headers['x-report-total']).toBe('7');
      expect(capped.headers['x-report-row-limit']).toBe('3');
    });

    it('answers a PDF table: title, filters, a header row, every row once', async () => {
      const res = await get(`/api/reports/tickets?format=pdf&customer_id=${c2}`).buffer(true).parse(asBuffer);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['content-disposition']).toBe('attachment; filename="tickets-report-2026-01-15.pdf"');
      const pdf = res.body as Buffer;
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pageCount(pdf)).toBe(1);
      const text = pdfStrings(pdf);
      expect(text[0]).toBe('Tickets report');
      expect(text).toContain(`Filters: customer_id = ${c2}`);
      expect(text.filter((s) => s === 'Ticket')).toHaveLength(1);
      for (const n of ['TKT-000003', 'TKT-000004', 'TKT-000005', 'TKT-000006']) expect(text.filter((s) => s === n)).toHaveLength(1);
      expect(text.filter((s) => /^TKT-/.test(s))).toHaveLength(4);
      // Helvetica prints Windows-1252: the accents survive, the CJK characters become '?'.
      expect(text).toContain('Zoë Ñandú ??');
      expect(text).toContain('Page 1 of 1');
    });

    it('answers a one-page PDF saying that nothing matched', async () => {
      const res = await get('/api/reports/tickets?format=pdf&status=pending').buffer(true).parse(asBuffer);
      expect(res.status).toBe(200);
      expect(pageCount(res.body as Buffer)).toBe(1);
      expect(pdfStrings(res.body as Buffer)).toContain('No tickets match these filters.');
    });

    it('answers 422 naming each bad parameter', async () => {
      const res = await get(
        '/api/reports/tickets?status=done&type=rewiring&priority=urgent&format=xml&technician_id=nope&customer_id=42&date_from=2026-02-30&date_to=yesterday&limit=0',
      );
      expect(res.status).toBe(422);
      expect(res.body.success).toBe(false);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
      expect(Object.keys(res.body.error.details).sort()).toEqual(
        ['customer_id', 'date_from', 'date_to', 'format', 'limit', 'priority', 'status', 'technician_id', 'type'].sort(),
      );
      expect(res.body.error.details.format).toEqual(['The selected format is invalid (one of: json, csv, pdf).']);
      expect(res.body.error.details.technician_id).toEqual(['The technician id must be a valid UUID.']);
      const big = await get('/api/reports/tickets?limit=10001');
      expect(big.body.error.details).toEqual({ limit: ['The limit may not be greater than 10000.'] });
    });

    it('answers 422 when date_to is before date_from', async () => {
      const res = await get('/api/reports/tickets?date_from=2026-01-15&date_to=2026-01-14');
      expect(res.status).toBe(422);
      expect(res.body.error.details).toEqual({ date_to: ['The date to must be on or after the date from.'] });
      expect((await get('/api/reports/tickets?date_from=2026-01-15&date_to=2026-01-15')).status).toBe(200);
    });
  });

  describe('GET /api/reports/performance', () => {
    const byTech = (entries: Array<{ technician: { id: string } }>) => Object.fromEntries(entries.map((e) => [e.technician.id, e]));

    it('answers monthly buckets for the last 12 months by default, per technician', async () => {
      const res = await get('/api/reports/performance');
      expect(res.status).toBe(200);
      const data = res.body.data;
      expect(data.period).toBe('monthly');
      expect(data.filters).toEqual({ technician_id: null, date_from: '2025-02-01', date_to: '2026-01-15' });
      expect(data.periods.map((p: { period: string }) => p.period)).toEqual([
        '2025-02', '2025-03', '2025-04', '2025-05', '2025-06', '2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12', '2026-01',
      ]);
      expect(data.periods[0]).toEqual({
        period: '2025-02',
        start: '2025-02-01',
        end: '2025-02-28',
        totals: { tickets_completed: 0, average_completion_time: 0, on_time_rate: 0, average_rating: 0, first_call_resolution: 0, rated_tickets: 0 },
        technicians: [],
      });
      const january = data.periods[11];
      expect(january).toMatchObject({ start: '2026-01-01', end: '2026-01-15' });
      expect(january.totals).toEqual({
        tickets_completed: 3,
        average_completion_time: round2((4 + 58 + 1.5) / 3),
        on_time_rate: 66.67,
        average_rating: 4,
        first_call_resolution: 66.67,
        rated_tickets: 3,
      });
      expect(january.technicians).toEqual([
        {
          technician: { id: techA.userId, full_name: 'Tono Teknisi', employee_id: expect.stringMatching(/^EMP-/) },
          tickets_completed: 2,
          average_completion_time: 31,
          on_time_rate: 50, // T2 was resolved after its deadline
          average_rating: 4,
          first_call_resolution: 50, // T2 went pending
          rated_tickets: 2,
        },
        {
          technician: { id: techB.userId, full_name: 'Tari Teknisi', employee_id: expect.stringMatching(/^EMP-/) },
          tickets_completed: 1,
          average_completion_time: 1.5,
          on_time_rate: 100,
          average_rating: 4,
          first_call_resolution: 100,
          rated_tickets: 1,
        },
      ]);
      expect(data.technicians).toEqual(january.technicians);
      expect(data.summary).toEqual(january.totals);
    });

    it('uses the technician-performance definitions (same figures as GET /api/technicians/:id/performance over all time)', async () => {
      const res = await get('/api/reports/performance?period=yearly');
      const techs = byTech(res.body.data.technicians);
      for (const tech of [techA, techB]) {
        const perf = (await get(`/api/technicians/${tech.userId}/performance`)).body.data.performance;
        expect(techs[tech.userId]).toMatchObject({
          tickets_completed: perf.completed_tickets,
          average_completion_time: perf.average_completion_time,
          on_time_rate: perf.on_time_rate,
          average_rating: perf.average_rating,
          first_call_resolution: perf.first_call_resolution,
        });
      }
      expect(res.body.data.periods.map((p: { period: string }) => p.period)).toEqual(['2022', '2023', '2024', '2025', '2026']);
    });

    it('buckets by day and by ISO week, clipped to the range', async () => {
      const daily = await get('/api/reports/performance?period=daily&date_from=2026-01-10&date_to=2026-01-15');
      expect(daily.body.data.periods.map((p: { period: string; totals: { tickets_completed: number } }) => [p.period, p.totals.tickets_completed])).toEqual([
        ['2026-01-10', 1],
        ['2026-01-11', 0],
        ['2026-01-12', 0],
        ['2026-01-13', 0],
        ['2026-01-14', 1],
        ['2026-01-15', 1],
      ]);
      const weekly = await get('/api/reports/performance?period=weekly&date_from=2026-01-10&date_to=2026-01-15');
      expect(weekly.body.data.periods.map((p: { period: string; start: string; end: string; totals: { tickets_completed: number } }) => [p.period, p.start, p.end, p.totals.tickets_completed])).toEqual([
        ['2026-W02', '2026-01-10', '2026-01-11', 1],
        ['2026-W03', '2026-01-12', '2026-01-15', 2],
      ]);
      const defaultWeekly = await get('/api/reports/performance?period=weekly');
      expect(defaultWeekly.body.data.filters).toEqual({ technician_id: null, date_from: '2025-10-27', date_to: '2026-01-15' });
      expect(defaultWeekly.body.data.periods).toHaveLength(12);
      const defaultDaily = await get('/api/reports/performance?period=daily');
      expect(defaultDaily.body.data.filters).toMatchObject({ date_from: '2025-12-17', date_to: '2026-01-15' });
    });

    it('narrows to one technician', async () => {
      const res = await get(`/api/reports/performance?technician_id=${techB.userId}&date_from=2026-01-01&date_to=2026-01-31`);
      expect(res.status).toBe(200);
      expect(res.body.data.filters).toEqual({ technician_id: techB.userId, date_from: '2026-01-01', date_to: '2026-01-31' });
      expect(res.body.data.technicians.map((e: { technician: { id: string } }) => e.technician.id)).toEqual([techB.userId]);
      expect(res.body.data.summary.tickets_completed).toBe(1);
      const idle = await get(`/api/reports/performance?technician_id=${techC.userId}`);
      expect(idle.body.data.technicians).toEqual([
        expect.objectContaining({ technician: expect.objectContaining({ id: techC.userId, full_name: 'Cahyo Cadangan' }), tickets_completed: 0 }),
      ]);
    });

    it("gives a technician their own report only: technician_id is forced to them, another's is 403", async () => {
      const own = await get('/api/reports/performance', techA);
      expect(own.status).toBe(200);
      expect(own.body.data.filters.technician_id).toBe(techA.userId);
      expect(own.body.data.technicians.map((e: { technician: { id: string } }) => e.technician.id)).toEqual([techA.userId]);
      expect(own.body.data.summary.tickets_completed).toBe(2);
      expect((await get(`/api/reports/performance?technician_id=${techA.userId}`, techA)).status).toBe(200);
      const other = await get(`/api/reports/performance?technician_id=${techB.userId}`, techA);
      expect(other.status).toBe(403);
      expect(other.body.error.code).toBe('INSUFFICIENT_PERMISSIONS');
    });

    it.each([
      ['period=hourly', { period: ['The selected period is invalid (one of: daily, weekly, monthly, yearly).'] }],
      ['date_from=2026-01-15T00:00:00Z', { date_from: ['The date from must be a date (YYYY-MM-DD) between 1900-01-01 and 2999-12-31.'] }],
      ['date_to=2026-13-01', { date_to: ['The date to must be a date (YYYY-MM-DD) between 1900-01-01 and 2999-12-31.'] }],
      ['technician_id=x', { technician_id: ['The technician id must be a valid UUID.'] }],
      ['date_from=2026-01-10&date_to=2026-01-09', { date_to: ['The date to must be on or after the date from.'] }],
      ['period=daily&date_from=2025-01-01&date_to=2026-01-15', { date_from: ['The range holds 380 daily periods; at most 366 are allowed.'] }],
    ])('answers 422 for %s', async (query, details) => {
      const res = await get(`/api/reports/performance?${query}`);
      expect(res.status).toBe(422);
      expect(res.body.error).toEqual({ code: 'VALIDATION_ERROR', message: 'Validation failed', details });
    });
  });

  describe('GET /api/reports/inventory', () => {
    it('answers a well-formed report when there is no stock yet (the filled report: inventory-report.api.test.ts)', async () => {
      const res = await get('/api/reports/inventory');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        success: true,
        data: {
          items: [],
          low_stock_items: [],
          summary: { total_items: 0, low_stock_items: 0, total_units: 0, total_value: 0, currency: null, returned: 0, truncated: false, row_limit: 10000 },
          by_category: [],
          movements: { summary: expect.any(Array), net_change: 0, total: 0, truncated: false, items: [] },
          filters: { category: null, low_stock_only: false, date_from: null, date_to: null },
          generated_at: '2026-01-15T12:00:00.000Z',
        },
      });
    });

    it('validates and echoes the documented filters', async () => {
      const res = await get('/api/reports/inventory?category=Router&low_stock_only=true&date_from=2026-01-01&date_to=2026-01-31');
      expect(res.status).toBe(200);
      expect(res.body.data.filters).toEqual({ category: 'Router', low_stock_only: true, date_from: '2026-01-01', date_to: '2026-01-31' });
      expect(res.body.data.items).toEqual([]);
      const bad = await get('/api/reports/inventory?low_stock_only=maybe&date_from=soon&category=');
      expect(bad.status).toBe(422);
      expect(Object.keys(bad.body.error.details).sort()).toEqual(['category', 'date_from', 'low_stock_only']);
      const reversed = await get('/api/reports/inventory?date_from=2026-02-01&date_to=2026-01-01');
      expect(reversed.body.error.details).toEqual({ date_to: ['The date to must be on or after the date from.'] });
    });
  });

  describe('permissions', () => {
    const ENDPOINTS = ['dashboard', 'tickets', 'performance', 'inventory'] as const;
    const TABLE: Record<(typeof ALL_ROLES)[number], Record<(typeof ENDPOINTS)[number], number>> = {
      super_admin: { dashboard: 200, tickets: 200, performance: 200, inventory: 200 },
      manager: { dashboard: 200, tickets: 200, performance: 200, inventory: 200 },
      supervisor: { dashboard: 200, tickets: 200, performance: 200, inventory: 200 },
      customer_service: { dashboard: 200, tickets: 200, performance: 200, inventory: 200 },
      technician: { dashboard: 403, tickets: 403, performance: 200, inventory: 403 },
      customer: { dashboard: 403, tickets: 403, performance: 403, inventory: 403 },
      auditor: { dashboard: 403, tickets: 403, performance: 403, inventory: 403 },
    };
    // Signed up here, after the figures above were checked: an auditor only reads the audit API.
    let auditor: TestUser;
    beforeAll(async () => {
      auditor = await t.user('auditor');
    });
    const userOf = (role: (typeof ALL_ROLES)[number]): TestUser =>
      ({ super_admin: admin, manager, supervisor, customer_service: cs, technician: techA, customer: customerUser, auditor })[role];

    it('covers every role', () => {
      expect(Object.keys(TABLE).sort()).toEqual([...ALL_ROLES].sort());
    });

    describe.each(ALL_ROLES.map((role) => [role]))('%s', (role) => {
      it.each(ENDPOINTS.map((e) => [e]))('GET /api/reports/%s', async (endpoint) => {
        const res = await get(`/api/reports/${endpoint}`, userOf(role));
        expect(res.status).toBe(TABLE[role][endpoint]);
        if (res.status === 403) expect(res.body).toMatchObject({ success: false, error: { code: 'INSUFFICIENT_PERMISSIONS' } });
        else expect(res.body.success).toBe(true);
      });
    });

    it.each(ENDPOINTS.map((e) => [e]))('GET /api/reports/%s answers 401 without a token', async (endpoint) => {
      const res = await t.http.get(`/api/reports/${endpoint}`);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ success: false, error: { code: 'UNAUTHORIZED' } });
    });

    it("leaves other documents' /api/reports paths alone (document 002's revenue report)", async () => {
      const res = await t.http.get('/api/reports/revenue');
      expect(res.body).not.toMatchObject({ success: false, error: { code: 'UNAUTHORIZED' } });
    });
  });
});

const round2 = (n: number) => Math.round(n * 100) / 100;

describe('Reports API: PDF pages', () => {
  let t: TestApp;
  let manager: TestUser;
  const ROWS = 67;

  beforeAll(async () => {
    t = await startTestApp({ ACCESS_TOKEN_TTL_SECONDS: '86400' });
    manager = await t.user('manager');
    const c = await t.http.post('/api/customers').set(auth(manager)).send({
      full_name: 'Pelanggan Banyak',
      phone: '081200000099',
      email: 'banyak@example.com',
      address: 'Jl. Panjang 1',
      coordinates: { lat: -6.2, lng: 106.8 },
      service_area: 'Bandung',
    });
    for (let i = 0; i < ROWS; i++) {
      t.clock.advance(1000);
      const res = await t.http
        .post('/api/tickets')
        .set(auth(manager))
        .send({ customer_id: c.body.data.customer.id, type: 'repair', priority: 'normal', title: `Gangguan ${i + 1}`, description: 'x', location: { lat: 0, lng: 0 } });
      expect(res.status).toBe(201);
    }
  });
  afterAll(async () => {
    await t.stop();
  });

  const pdf = async (limit: number) => {
    const res = await t.http.get(`/api/reports/tickets?format=pdf&limit=${limit}`).set(auth(manager)).buffer(true).parse(asBuffer);
    expect(res.status).toBe(200);
    return res.body as Buffer;
  };

  it('lays out 31 rows on the first page and 35 on each further page', () => {
    expect(PDF_LAYOUT).toEqual({ firstPageRows: 31, pageRows: 35 });
    expect([1, 31, 32, 66, 67, 10_000].map(ticketsPdfPageCount)).toEqual([1, 1, 2, 2, 3, 286]);
  });

  it.each([
    [31, 1],
    [32, 2],
    [66, 2],
    [67, 3],
  ])('puts %i rows on %i pages, each row exactly once, the header row on every page', async (rows, pages) => {
    const body = await pdf(rows);
    expect(body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pageCount(body)).toBe(pages);
    const text = pdfStrings(body);
    const numbers = text.filter((s) => /^TKT-\d{6}$/.test(s));
    expect(numbers).toEqual(Array.from({ length: rows }, (_, i) => `TKT-${String(i + 1).padStart(6, '0')}`));
    expect(text.filter((s) => s === 'Ticket')).toHaveLength(pages);
    expect(text.filter((s) => /^Page \d+ of \d+$/.test(s))).toEqual(Array.from({ length: pages }, (_, i) => `Page ${i + 1} of ${pages}`));
    if (rows < ROWS) expect(text.some((s) => s.includes(`${ROWS} matching tickets, ${rows} rows (truncated: at most ${rows} rows)`))).toBe(true);
  });
});
