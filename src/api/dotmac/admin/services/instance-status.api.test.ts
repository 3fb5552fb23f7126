import { adminCustomer, auth } from '../../../../../test/support/dotmac-admin';
import { startTestApp, type TestApp, type TestUser } from '../../../../../test/support/test-app';
import type { Role } from '../../../../domain/user';
import { announcementsOf } from '../../../../reactors/webhooks/catalogue';
import { getPortalAccountOfCustomer } from '../../../../projections/portal-accounts/queries';
import { allows } from '../permissions';

/**
 * Document 004 `PUT /api/v1/services/instances/{id}/status`: activate, suspend, terminate with
 * reason, notes and effective date, each change an event that announces the documented webhook
 * event (service.activated, service.suspended).
 */
describe('PUT /api/v1/services/instances/{id}/status (document 004)', () => {
  let t: TestApp;
  let admin: TestUser;
  let cs: TestUser;
  let serviceId: string;

  beforeAll(async () => {
    t = await startTestApp({ BILLING_CURRENCY: 'USD', BILLING_TIME_ZONE: 'UTC' });
    admin = await t.user('manager');
    cs = await t.user('customer_service');
    serviceId = (await t.http.post('/api/v1/services/catalog').set(auth(admin)).send({ name: 'Fiber 100', monthly_price: 59.99, features: { download_speed: 100 } })).body.data.service.id;
  });
  afterAll(async () => {
    await t.stop();
  });

  const instance = async (installationDate = '2026-02-01') => {
    const customerId = await adminCustomer(t, cs);
    const res = await t.http.post('/api/v1/services/instances').set(auth(cs)).send({ customer_id: customerId, service_id: serviceId, installation_date: installationDate });
    return { id: res.body.data.instance.id as string, customerId };
  };
  const change = (id: string, body: Record<string, unknown>, as: { token: string } = cs) => t.http.put(`/api/v1/services/instances/${id}/status`).set(auth(as)).send(body);
  /** The webhook events the instance's stream announces, in order. */
  const announced = async (id: string) => {
    const out: string[] = [];
    for (const e of await t.eventStore.readStream(`subscription-${id}`)) {
      const projected = { id: e.id, type: e.type, streamName: e.streamName, revision: e.revision, position: e.position, data: e.data, metadata: e.metadata };
      for (const a of await announcementsOf(projected, { readStore: t.app.deps.readStore, portalIdOf: async (c) => (await getPortalAccountOfCustomer(t.app.deps.readStore, c))?.portal_id ?? null })) out.push(a.event);
    }
    return out;
  };

  it('activates a pending instance, suspends it and activates it again, recording reason, notes and effective date', async () => {
    const { id, customerId } = await instance();
    const activated = await change(id, { status: 'active', reason: 'Installed', notes: 'Technician on site' });
    expect(activated.status).toBe(200);
    expect(activated.body).toMatchObject({ message: 'Service active', data: { instance: { id, status: 'active', status_reason: 'Installed', status_effective_date: '2026-01-15T12:00:00Z' } } });
    const suspended = await change(id, { status: 'suspended', reason: 'Non-payment', notes: 'Account 30 days overdue', effective_date: '2026-01-15T00:00:00Z' });
    expect(suspended.body.data.instance).toMatchObject({ status: 'suspended', status_reason: 'Non-payment', status_effective_date: '2026-01-15T00:00:00Z' });
    const customers = await t.http.get('/api/v1/identity/customers?status=suspended').set(auth(cs));
    expect(customers.body.data.customers.map((c: { id: string }) => c.id)).toContain(customerId);
    expect((await change(id, { status: 'activate', reason: 'Paid' })).body.data.instance.status).toBe('active');
    expect(await announced(id)).toEqual(['service.activated', 'service.suspended', 'service.activated']);
    const events = await t.eventStore.readStream(`subscription-${id}`);
    expect(events[2]!.data).toMatchObject({ reason: 'manual', note: 'Non-payment', notes: 'Account 30 days overdue', effectiveDate: '2026-01-15T00:00:00.000Z' });
  });

  it('terminates for good; what the status does not allow is 409; the same status changes nothing', async () => {
    const { id } = await instance('2026-01-15');
    expect((await change(id, { status: 'active', reason: 'Again' })).status).toBe(200);
    expect((await t.eventStore.readStream(`subscription-${id}`)).map((e) => e.type)).toEqual(['SubscriptionCreated']);
    const terminated = await change(id, { status: 'terminated', reason: 'Moved away' });
    expect(terminated.body.data.instance).toMatchObject({ status: 'terminated', status_reason: 'Moved away' });
    const refused = await change(id, { status: 'active', reason: 'Back' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'INVALID_STATE_TRANSITION', details: { current: 'terminated' } });
    const pending = await instance();
    const suspendPending = await change(pending.id, { status: 'suspended', reason: 'x' });
    expect(suspendPending.status).toBe(409);
    expect(suspendPending.body.error.details).toMatchObject({ current: 'pending' });
  });

  it('refuses an effective date in the future, a missing reason, an unknown status and an unknown instance', async () => {
    const { id } = await instance('2026-01-15');
    const future = await change(id, { status: 'suspended', reason: 'Later', effective_date: '2026-02-01T00:00:00Z' });
    expect(future.status).toBe(422);
    expect(future.body.error.details.field).toBe('effective_date');
    expect((await change(id, { status: 'suspended' })).body.error.details.field).toBe('reason');
    expect((await change(id, { status: 'paused', reason: 'x' })).body.error.details.field).toBe('status');
    expect((await change('987654', { status: 'suspended', reason: 'x' })).status).toBe(404);
  });

  it('follows the role matrix', async () => {
    for (const role of ['super_admin', 'manager', 'supervisor', 'customer_service', 'technician', 'customer', 'auditor'] as Role[]) {
      const { id } = await instance('2026-01-15');
      const u = await t.user(role);
      expect({ role, status: (await change(id, { status: 'suspended', reason: 'Non-payment' }, u)).status }).toEqual({ role, status: allows('instances.status', role) ? 200 : 403 });
    }
  });
});
