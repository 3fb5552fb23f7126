import { auth, openTicketScene, startTestApp, type TestApp, type TestUser } from '../../../../test/support/test-app';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

interface Detail {
  title: string;
  status: string;
  customer: { full_name: string };
  technician: { full_name: string } | null;
  attachments: Array<{ url: string }>;
  comments: Array<{ comment: string; user: { full_name: string } }>;
  history: Array<{ action: string; user: { full_name: string } }>;
}

/**
 * Use case: a dispatcher and the ticket's customer keep a ticket open and reload it while others
 * work on it. A detail already shown is not made again while its ticket and the people it names
 * are unchanged (detail-answers.ts), so each reload must still show the latest ticket, customer,
 * technician and history, in the caller's own view, and sign uploaded photos anew.
 */
describe('a ticket detail reloaded after what it shows changed (document 000)', () => {
  let t: TestApp;
  let manager: TestUser;
  let technician: TestUser;
  let customer: { userId: string; token: string };
  let customerId: string;
  let ticketId: string;

  beforeAll(async () => {
    t = await startTestApp();
    ({ manager, technician, customer, customerId, ticketId } = await openTicketScene(t));
  });
  afterAll(() => t.stop());

  const detail = async (by: { token: string }): Promise<Detail> => {
    const res = await t.http.get(`/api/tickets/${ticketId}`).set(auth(by));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.body.success).toBe(true);
    return res.body.data.ticket as Detail;
  };
  /** Shown twice in a row (the second from what the first kept): both the same. */
  const reloaded = async (by: { token: string }): Promise<Detail> => {
    const first = await detail(by);
    expect(await detail(by)).toEqual(first);
    return first;
  };
  const staffSees = () => reloaded(manager);
  const customerSees = () => reloaded(customer);

  it('shows every change at the next reload, in each caller’s view', async () => {
    expect(await staffSees()).toMatchObject({ title: 'Slow line', status: 'new', technician: null });

    expect((await t.http.post(`/api/tickets/${ticketId}/assign`).set(auth(manager)).send({ technician_id: technician.userId })).status).toBe(200);
    expect(await staffSees()).toMatchObject({ status: 'assigned', technician: { full_name: 'Teknisi Awal' } });
    expect((await staffSees()).history.map((h) => h.action)).toEqual(['created', 'assigned', 'status_changed']);

    // One version, two views: the internal note only for staff, whichever is shown first.
    const note = await t.http.post(`/api/tickets/${ticketId}/comments`).set(auth(manager)).send({ comment: 'Cek ODP dulu', is_internal: true });
    expect(note.status).toBe(201);
    expect((await customerSees()).comments).toEqual([]);
    expect((await staffSees()).comments.map((c) => c.comment)).toEqual(['Cek ODP dulu']);
    expect((await customerSees()).history.map((h) => h.action)).toEqual(['created', 'assigned', 'status_changed']);

    const started = await t.http.put(`/api/tickets/${ticketId}/status`).set(auth(technician)).send({ status: 'in_progress' });
    expect(started.status).toBe(200);
    expect((await staffSees()).history.at(-1)).toMatchObject({ action: 'status_changed', user: { full_name: 'Teknisi Awal' } });

    // A rename changes the names shown, not the ticket's version.
    expect((await t.http.put(`/api/customers/${customerId}`).set(auth(manager)).send({ full_name: 'Pelanggan Berganti Nama' })).status).toBe(200);
    expect(await customerSees()).toMatchObject({ customer: { full_name: 'Pelanggan Berganti Nama' } });
    expect(await staffSees()).toMatchObject({ customer: { full_name: 'Pelanggan Berganti Nama' } });
    expect((await t.http.put(`/api/users/${technician.userId}`).set(auth(manager)).send({ profile: { full_name: 'Teknisi Baru' } })).status).toBe(200);
    const renamed = await staffSees();
    expect(renamed.technician).toMatchObject({ full_name: 'Teknisi Baru' });
    expect(renamed.history.at(-1)).toMatchObject({ user: { full_name: 'Teknisi Baru' } });
  });

  it('signs an uploaded photo’s link anew an hour later', async () => {
    const uploaded = await t.http.post('/api/mobile/upload').set(auth(technician)).field('type', 'photo').field('ticket_id', ticketId).attach('file', PNG, 'after.png');
    expect(uploaded.status).toBe(201);
    const link = async (by: { token: string }) => new URL((await detail(by)).attachments[0]!.url);
    const first = await link(manager);
    // Links expire on the hour after the next: an hour later the detail signs another one. (Seen
    // by someone the ticket does not name: a login of the manager, its creator, would change
    // what the detail shows.)
    t.clock.advance(3_600_000);
    const later = await link(await t.user('customer_service'));
    expect(later.searchParams.get('expires')).not.toBe(first.searchParams.get('expires'));
    expect((await t.http.get(later.pathname + later.search)).status).toBe(200);
  });
});
