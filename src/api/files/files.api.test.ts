import { startTestApp, type TestApp, type TestUser } from '../../../test/support/test-app';
import { auth } from '../../../test/support/audit';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100, 7)]);

/** A signed, expiring link to an uploaded file answers the file; any other link is 404 `{ message }`. */
describe('GET /files/{id}', () => {
  let t: TestApp;
  let tech: TestUser;
  let url: URL;

  beforeAll(async () => {
    t = await startTestApp();
    tech = await t.user('technician');
    const res = await t.http.post('/api/mobile/upload').set(auth(tech)).field('type', 'photo').attach('file', PNG, 'modem.png');
    expect(res.status).toBe(201);
    url = new URL(res.body.data.file.url);
  });
  afterAll(async () => {
    await t.stop();
  });

  it('answers the file by its signed link, without a token', async () => {
    const res = await t.http.get(`${url.pathname}${url.search}`).buffer(true);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(Buffer.compare(res.body as Buffer, PNG)).toBe(0);
  });

  it('answers 404 { message } for a wrong, missing or malformed signature or expiry, and an unknown file', async () => {
    const expires = url.searchParams.get('expires')!;
    const signature = url.searchParams.get('signature')!;
    for (const query of [
      `?expires=${expires}&signature=${signature.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a'))}`,
      `?expires=${Number(expires) + 1}&signature=${signature}`,
      `?signature=${signature}`,
      `?expires=${expires}`,
      `?expires=${expires}&expires=${expires}&signature=${signature}`,
      `?expires=soon&signature=${signature}`,
      '',
    ]) {
      const res = await t.http.get(`${url.pathname}${query}`);
      expect([query, res.status, res.body]).toEqual([query, 404, { message: 'File not found' }]);
    }
    const other = await t.http.get(`/files/00000000-0000-4000-8000-000000000000?expires=${expires}&signature=${signature}`);
    expect([other.status, other.body]).toEqual([404, { message: 'File not found' }]);
  });
});
