import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventStore } from '../../../adapters/event-store/sqlite';
import { runOverdueMarking, runSuspensions } from '../../../jobs/billing';
import { auth, catalog, createInvoice, createPelanggan, startBillingApp, subscribe, xenditCallback } from '../../../../test/support/billing';
import type { TestApp, TestUser } from '../../../../test/support/test-app';

/**
 * A customer's billing history for auditors (GET /api/activity-logs/pelanggan/{id}): every
 * invoice, payment, gateway callback, suspension and reactivation, in order, read from the event
 * log; the same after a restart (a new process on the same SQLite log, read models rebuilt).
 */
describe('Billing history from the event log (document 002)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'billing-history-'));
  const file = join(dir, 'events.db');
  let t: TestApp;
  let admin: TestUser;

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the billing events of one customer in log order, equal before and after a restart', async () => {
    t = await startBillingApp({ BILLING_RATE_LIMIT_GENERAL: '0' }, { eventStore: openSqliteEventStore({ filename: file }) });
    admin = await t.user('super_admin');
    const { paketId } = await catalog(t, admin);
    const p = await createPelanggan(t, admin);
    const other = await createPelanggan(t, admin);
    const sub = await subscribe(t, admin, p.id, paketId, '2025-12-10');
    const dec = await createInvoice(t, admin, p.id, '2025-12', { tanggal_jatuh_tempo: '2025-12-10' });
    await createInvoice(t, admin, other.id, '2025-12');
    const deps = { commands: t.app.deps.commands, readStore: t.app.deps.readStore, logger: t.app.deps.logger };
    await t.app.runner.waitFor((await runOverdueMarking(deps, t.clock.now())).position!, 5000);
    await t.app.runner.waitFor((await runSuspensions(deps, t.clock.now())).position!, 5000);
    const cb = { id: 'cb-history-1', external_id: dec.xendit_external_id, status: 'PAID', paid_amount: 300000, paid_at: '2026-01-15T10:00:00Z' };
    await xenditCallback(t, cb);
    await xenditCallback(t, cb);

    const before = await t.http.get(`/api/activity-logs/pelanggan/${p.id}`).set(auth(admin));
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ pelanggan_id: p.id, closed: false });
    const entries = before.body.data as Array<{ position: number; type: string; stream: string; data: Record<string, unknown>; actor: unknown }>;
    expect(entries.map((e) => e.type)).toEqual([
      'CustomerRegistered',
      'SubscriptionCreated',
      'InvoiceCreated',
      'InvoiceIssued',
      'InvoicePaymentLinkCreated',
      'InvoiceMarkedOverdue',
      'SubscriptionSuspended',
      'InvoiceGatewayCallbackReceived',
      'InvoicePaymentRecorded',
      'InvoicePaid',
      'PaymentReceived',
      'SubscriptionReactivated',
    ]);
    expect(entries.map((e) => e.position)).toEqual([...entries.map((e) => e.position)].sort((a, b) => a - b));
    expect(entries.find((e) => e.type === 'InvoiceGatewayCallbackReceived')!.data).toMatchObject({ callbackId: 'cb-history-1', status: 'PAID', outcome: 'applied' });
    expect(entries.find((e) => e.type === 'SubscriptionSuspended')).toMatchObject({ stream: `subscription-${sub}`, actor: { user_id: 'system', role: 'system' } });
    // The duplicated callback is not there twice; the other customer's invoice is not there at all.
    expect(entries.filter((e) => e.type === 'InvoiceGatewayCallbackReceived')).toHaveLength(1);
    for (const e of entries) expect([e.type, e.data.pelangganId ?? e.data.number]).toEqual([e.type, p.id]);
    // Personal fields are not part of the history.
    expect(JSON.stringify(entries)).not.toContain(p.nama);
    await t.stop();

    // A new process on the same log: the read models are rebuilt, the history is the same.
    t = await startBillingApp({}, { eventStore: openSqliteEventStore({ filename: file }) });
    const token = (await t.login(admin.email, admin.password)).body.token as string;
    const after = await t.http.get(`/api/activity-logs/pelanggan/${p.id}`).set(auth({ token }));
    expect(after.body).toEqual(before.body);
    expect((await t.http.get('/api/activity-logs/pelanggan/99999').set(auth({ token }))).status).toBe(404);
    await t.stop();
  });
});
