import { auth, catalog, createPelanggan, startBillingApp, subscribe } from '../../test/support/billing';
import type { TestApp, TestUser } from '../../test/support/test-app';
import { payInvoice } from '../commands/billing/invoices';
import { systemMeta } from '../commands/context';
import type { PaymentGateway } from '../ports/payment-gateway';
import { JOB_WINDOW, runMonthlyInvoices, runOverdueMarking, runReactivations, runSuspensions, type BillingJobDeps, type BillingJobResult } from './billing';

/**
 * The billing jobs as commands on the whole product: monthly invoices (idempotent), overdue
 * marking, suspension after the grace period (BILLING_SUSPEND_AFTER_DAYS), reactivation on payment.
 */
describe('Billing jobs', () => {
  let t: TestApp;
  let admin: TestUser;
  let deps: BillingJobDeps;
  const settled = async (r: BillingJobResult) => {
    if (r.position !== null) await t.app.runner.waitFor(r.position, 5000);
    return r;
  };
  const invoicesOf = async (pelangganId: number) => (await t.http.get(`/api/invoices/?pelanggan_id=${pelangganId}`).set(auth(admin))).body.data as Array<Record<string, unknown>>;
  /** The clock jumped days ahead: the access token expired with it. */
  const at = async (iso: string) => {
    t.clock.set(iso);
    admin = { ...admin, token: (await t.login(admin.email, admin.password)).body.token };
  };
  const langganan = async (id: number) => (await t.http.get(`/api/langganan/${id}`).set(auth(admin))).body as { status: string; alasan_status: string | null };

  beforeEach(async () => {
    t = await startBillingApp({ BILLING_SUSPEND_AFTER_DAYS: '7', BILLING_RATE_LIMIT_GENERAL: '0' });
    admin = await t.user('super_admin');
    deps = { commands: t.app.deps.commands, readStore: t.app.deps.readStore, logger: t.app.deps.logger };
  });
  afterEach(async () => {
    await t.stop();
  });

  it('makes one invoice per active subscription for the month, and none more when run again or twice at once', async () => {
    const { paketId } = await catalog(t, admin);
    const a = await createPelanggan(t, admin);
    const b = await createPelanggan(t, admin);
    const c = await createPelanggan(t, admin);
    await subscribe(t, admin, a.id, paketId, '2025-12-10');
    await subscribe(t, admin, b.id, paketId, '2025-11-30');
    const ended = await subscribe(t, admin, c.id, paketId, '2025-12-05');
    await t.http.delete(`/api/langganan/${ended}`).set(auth(admin));

    const now = t.clock.now(); // 2026-01-15T12:00Z, 19:00 in Jakarta
    const first = await settled(await runMonthlyInvoices(deps, now));
    expect(first.done).toHaveLength(2);
    const [invA] = await invoicesOf(a.id);
    expect(invA).toMatchObject({ periode: '2026-01', tanggal_jatuh_tempo: '2026-01-10', total_harga: 300000, status_invoice: 'Menunggu Pembayaran', langganan_id: expect.any(Number), payment_link: expect.any(String) });
    expect((invA!.items as unknown[])[0]).toEqual({ deskripsi: 'Internet 50Mbps (2026-01)', jumlah: 1, harga: 300000, subtotal: 300000 });
    expect((await invoicesOf(b.id))[0]).toMatchObject({ tanggal_jatuh_tempo: '2026-01-30' });
    expect(await invoicesOf(c.id)).toEqual([]);

    const head = await t.eventStore.headPosition();
    const again = await runMonthlyInvoices(deps, now);
    expect(again).toMatchObject({ done: [], failed: 0 });
    expect(await t.eventStore.headPosition()).toBe(head);
    // Two at once, for the next month: still one each.
    await at('2026-02-01T01:00:00.000Z');
    const twice = await Promise.all([runMonthlyInvoices(deps, t.clock.now()), runMonthlyInvoices(deps, t.clock.now())]);
    expect(twice[0].done.length + twice[1].done.length).toBe(2);
    await settled(twice[0].position !== null && twice[0].position > (twice[1].position ?? 0) ? twice[0] : twice[1]);
    expect((await invoicesOf(a.id)).map((i) => i.periode)).toEqual(['2026-02', '2026-01']);
  });

  it('asks the payment gateway for several invoices at a time, and reports them in the subscriptions\' order', async () => {
    const { paketId } = await catalog(t, admin);
    const pelanggan: number[] = [];
    const subscriptions: number[] = [];
    for (let i = 0; i < 2 * JOB_WINDOW + 3; i++) {
      pelanggan.push((await createPelanggan(t, admin)).id);
      subscriptions.push(await subscribe(t, admin, pelanggan[i]!, paketId, '2025-12-10'));
    }
    // The gateway answers a turn of the event loop later, counting the links asked and not yet answered.
    const asking = { now: 0, most: 0 };
    const slow = (gateway: PaymentGateway): PaymentGateway => ({
      name: gateway.name,
      createPaymentLink: async (input) => {
        asking.most = Math.max(asking.most, ++asking.now);
        await new Promise((resolve) => setImmediate(resolve));
        asking.now--;
        return gateway.createPaymentLink(input);
      },
    });
    const commands = deps.commands;
    const run = await settled(await runMonthlyInvoices({ ...deps, commands: { ...commands, paymentGateway: (p) => slow(commands.paymentGateway(p)) } }, t.clock.now()));
    // In the order the job reads the subscriptions (newest first), whichever link came back first.
    expect(run).toMatchObject({ done: [...subscriptions].reverse(), skipped: 0, failed: 0 });
    expect(asking.most).toBeGreaterThan(1);
    expect(asking.most).toBeLessThanOrEqual(JOB_WINDOW);
    for (const id of pelanggan) expect(await invoicesOf(id)).toEqual([expect.objectContaining({ periode: '2026-01', payment_link: expect.any(String) })]);
  });

  it('marks overdue after the due date, suspends after the grace period, reactivates on payment', async () => {
    const { paketId } = await catalog(t, admin);
    const late = await createPelanggan(t, admin);
    const onTime = await createPelanggan(t, admin);
    const lateSub = await subscribe(t, admin, late.id, paketId, '2025-12-10');
    const onTimeSub = await subscribe(t, admin, onTime.id, paketId, '2025-12-25');
    await settled(await runMonthlyInvoices(deps, t.clock.now()));

    // 2026-01-15: the one due on the 10th is overdue, the one due on the 25th is not.
    const marked = await settled(await runOverdueMarking(deps, t.clock.now()));
    expect(marked.done).toHaveLength(1);
    const [lateInvoice] = await invoicesOf(late.id);
    expect(lateInvoice!.status_invoice).toBe('Jatuh Tempo');
    expect((await invoicesOf(onTime.id))[0]!.status_invoice).toBe('Menunggu Pembayaran');
    expect((await runOverdueMarking(deps, t.clock.now())).done).toEqual([]);

    // Within the grace period (due the 10th + 7 days): no suspension yet.
    expect((await runSuspensions(deps, t.clock.now())).done).toEqual([]);
    await at('2026-01-18T01:00:00.000Z');
    const suspended = await settled(await runSuspensions(deps, t.clock.now()));
    expect(suspended.done).toEqual([lateSub]);
    expect(await langganan(lateSub)).toMatchObject({ status: 'Suspended', alasan_status: 'overdue' });
    expect(await langganan(onTimeSub)).toMatchObject({ status: 'Aktif' });
    expect((await runSuspensions(deps, t.clock.now())).done).toEqual([]);
    const [event] = await t.eventStore.readAll({ eventTypes: ['SubscriptionSuspended'] });
    expect(event!.data).toMatchObject({ subscriptionId: lateSub, pelangganId: late.id, reason: 'overdue', invoiceId: lateInvoice!.id });
    expect(event!.metadata.actor).toEqual({ userId: 'system', role: 'system' });

    // Paid through the API: reactivated before the answer.
    const pay = await t.http.patch(`/api/invoices/${lateInvoice!.id}/status`).set(auth(admin)).send({ status_invoice: 'Lunas' });
    expect(pay.status).toBe(200);
    expect(await langganan(lateSub)).toMatchObject({ status: 'Aktif', alasan_status: 'payment' });
    const [reactivated] = await t.eventStore.readAll({ eventTypes: ['SubscriptionReactivated'] });
    expect(reactivated!.data).toMatchObject({ subscriptionId: lateSub, reason: 'payment', invoiceId: lateInvoice!.id });
  });

  it('the reactivation job catches up a payment recorded without it, and leaves manual suspensions alone', async () => {
    const { paketId } = await catalog(t, admin);
    const p = await createPelanggan(t, admin);
    const manual = await createPelanggan(t, admin);
    const sub = await subscribe(t, admin, p.id, paketId, '2025-12-10');
    const manualSub = await subscribe(t, admin, manual.id, paketId, '2025-12-25');
    await t.http.patch(`/api/langganan/${manualSub}`).set(auth(admin)).send({ status: 'Suspended' });
    await settled(await runMonthlyInvoices(deps, t.clock.now()));
    await settled(await runOverdueMarking(deps, t.clock.now()));
    await at('2026-01-25T01:00:00.000Z');
    await settled(await runSuspensions(deps, t.clock.now()));
    expect((await langganan(sub)).status).toBe('Suspended');
    const [inv] = await invoicesOf(p.id);
    const paid = await payInvoice(deps.commands, inv!.id as number, { amount: null, paidAt: null, method: 'Manual' }, systemMeta(deps.commands.ids, 'test'));
    await t.app.runner.waitFor(paid.position!, 5000);
    expect((await langganan(sub)).status).toBe('Suspended');
    const swept = await settled(await runReactivations(deps, t.clock.now()));
    expect(swept.done).toEqual([sub]);
    expect((await langganan(sub)).status).toBe('Aktif');
    expect((await langganan(manualSub)).status).toBe('Suspended');
  });

  it('is scheduled under its names with the configured expressions', () => {
    expect(t.app.jobs.names).toEqual(expect.arrayContaining(['billing-invoices', 'billing-overdue', 'billing-suspension', 'billing-reactivation']));
  });
});
