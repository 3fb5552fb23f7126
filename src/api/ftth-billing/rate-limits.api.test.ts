import { auth, catalog, startBillingApp } from '../../../test/support/billing';
import type { TestApp } from '../../../test/support/test-app';

/** Document 002 "Rate Limiting": general per user, export and import per user, each configurable. */
describe('Rate limits (document 002)', () => {
  let t: TestApp;
  afterEach(async () => {
    await t.stop();
  });

  it('general: 100 per minute per user by default; another user is not affected; 429 with retry_after', async () => {
    t = await startBillingApp();
    const a = await t.user('manager');
    const b = await t.user('manager');
    for (let i = 0; i < 100; i++) expect((await t.http.get('/api/brands/').set(auth(a))).status).toBe(200);
    const limited = await t.http.get('/api/pelanggan/').set(auth(a));
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ detail: 'Rate limit exceeded', status: 'error', error_code: 'RATE_LIMIT_EXCEEDED', retry_after: expect.any(Number) });
    expect(limited.headers['retry-after']).toBe(String(limited.body.retry_after));
    expect((await t.http.get('/api/brands/').set(auth(b))).status).toBe(200);
    // Document 000's routes are not counted by document 002's limit.
    expect((await t.http.get('/api/customers').set(auth(a))).status).toBe(200);
    t.clock.advance(2 * 60_000);
    expect((await t.http.get('/api/brands/').set(auth(a))).status).toBe(200);
  });

  it('export: 10 per hour per user (BILLING_RATE_LIMIT_EXPORT), on top of the general limit', async () => {
    t = await startBillingApp({ BILLING_RATE_LIMIT_EXPORT: '3' });
    const m = await t.user('manager');
    for (let i = 0; i < 3; i++) expect((await t.http.get('/api/pelanggan/export/csv').set(auth(m))).status).toBe(200);
    const limited = await t.http.get('/api/pelanggan/export/csv').set(auth(m));
    expect(limited.status).toBe(429);
    expect(limited.body.detail).toBe('Rate limit exceeded');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(60);
    // The list is not an export.
    expect((await t.http.get('/api/pelanggan/').set(auth(m))).status).toBe(200);
  });

  it('import: 5 per hour per user (BILLING_RATE_LIMIT_IMPORT)', async () => {
    t = await startBillingApp({ BILLING_RATE_LIMIT_IMPORT: '2' });
    const admin = await t.user('super_admin');
    await catalog(t, admin);
    const csv = (n: number) => Buffer.from(`Nama,No KTP,Email,No Telepon,Layanan,Alamat,Tanggal Instalasi (YYYY-MM-DD),ID Brand\r\nA ${n},317100000000000${n},a${n}@example.com,0812000000${n},,Jl. A,,JAKINET\r\n`);
    for (let i = 1; i <= 2; i++) expect((await t.http.post('/api/pelanggan/import').set(auth(admin)).attach('file', csv(i), 'p.csv')).status).toBe(200);
    const limited = await t.http.post('/api/pelanggan/import').set(auth(admin)).attach('file', csv(3), 'p.csv');
    expect(limited.status).toBe(429);
    expect(limited.body.error_code).toBe('RATE_LIMIT_EXCEEDED');
  });

  it('a limit of 0 switches it off', async () => {
    t = await startBillingApp({ BILLING_RATE_LIMIT_GENERAL: '0' });
    const m = await t.user('manager');
    for (let i = 0; i < 120; i++) expect((await t.http.get('/api/brands/').set(auth(m))).status).toBe(200);
  });
});
