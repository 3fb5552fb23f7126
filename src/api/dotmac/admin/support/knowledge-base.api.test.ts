import { auth } from '../../../../../test/support/dotmac-admin';
import { startTestApp, type TestApp, type TestUser } from '../../../../../test/support/test-app';
import type { Role } from '../../../../domain/user';
import { allows } from '../permissions';

/** Document 004 knowledge base: list and create as documented; get, update and publish as such systems have. */
describe('/api/v1/support/knowledge-base (document 004)', () => {
  let t: TestApp;
  let supervisor: TestUser;
  let tech: TestUser;
  const article = { title: 'Resetting your ONT', content: 'Unplug the ONT for ten seconds, then plug it back in.', category: 'Technical', tags: ['ONT', 'reset'] };

  beforeAll(async () => {
    t = await startTestApp();
    supervisor = await t.user('supervisor');
    tech = await t.user('technician');
  });
  afterAll(async () => {
    await t.stop();
  });

  it('creates a draft, changes it, publishes it, and lists and searches articles', async () => {
    const created = await t.http.post('/api/v1/support/knowledge-base').set(auth(supervisor)).send(article);
    expect(created.status).toBe(201);
    const a = created.body.data.article;
    expect(a).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      title: 'Resetting your ONT',
      content: 'Unplug the ONT for ten seconds, then plug it back in.',
      category: 'technical',
      tags: ['ont', 'reset'],
      status: 'draft',
      author_id: supervisor.userId,
      published_at: null,
      created_at: '2026-01-15T12:00:00Z',
      updated_at: '2026-01-15T12:00:00Z',
    });
    t.clock.advance(60_000);
    const updated = await t.http.put(`/api/v1/support/knowledge-base/${a.id}`).set(auth(supervisor)).send({ content: 'Unplug the ONT for thirty seconds.', tags: ['ont', 'reset', 'fiber'] });
    expect(updated.body.data.article).toMatchObject({ content: 'Unplug the ONT for thirty seconds.', tags: ['fiber', 'ont', 'reset'], status: 'draft', updated_at: '2026-01-15T12:01:00Z' });
    const published = await t.http.post(`/api/v1/support/knowledge-base/${a.id}/publish`).set(auth(supervisor));
    expect(published.body.data.article).toMatchObject({ status: 'published', published_at: '2026-01-15T12:01:00Z' });
    const other = (await t.http.post('/api/v1/support/knowledge-base').set(auth(supervisor)).send({ title: 'Paying by card', content: 'Use the portal.', category: 'billing', published: true })).body.data.article;
    expect(other.status).toBe('published');

    const list = await t.http.get('/api/v1/support/knowledge-base').set(auth(tech));
    expect(list.status).toBe(200);
    expect(list.body.data.articles.map((x: { id: string }) => x.id)).toEqual([other.id, a.id]);
    expect(list.body.pagination).toMatchObject({ total: 2 });
    const q = async (query: string) => (await t.http.get(`/api/v1/support/knowledge-base${query}`).set(auth(tech))).body.data.articles.map((x: { id: string }) => x.id);
    expect(await q('?category=technical')).toEqual([a.id]);
    expect(await q('?tag=fiber')).toEqual([a.id]);
    expect(await q('?search=resett')).toEqual([a.id]);
    expect(await q('?search=card')).toEqual([other.id]);
    expect(await q('?status=draft')).toEqual([]);
    const one = await t.http.get(`/api/v1/support/knowledge-base/${a.id}`).set(auth(tech));
    expect(one.body.data.article.id).toBe(a.id);
  });

  it('answers validation errors, unknown articles and the role matrix', async () => {
    expect((await t.http.post('/api/v1/support/knowledge-base').set(auth(supervisor)).send({ ...article, title: '' })).body.error.details.field).toBe('title');
    expect((await t.http.post('/api/v1/support/knowledge-base').set(auth(supervisor)).send({ ...article, tags: Array.from({ length: 21 }, (_, i) => `t${i}`) })).status).toBe(422);
    expect((await t.http.get('/api/v1/support/knowledge-base/7d0c3c53-0000-4000-8000-000000000000').set(auth(tech))).status).toBe(404);
    expect((await t.http.post('/api/v1/support/knowledge-base/7d0c3c53-0000-4000-8000-000000000000/publish').set(auth(supervisor))).status).toBe(404);
    expect((await t.http.put('/api/v1/support/knowledge-base/7d0c3c53-0000-4000-8000-000000000000').set(auth(supervisor)).send({})).status).toBe(422);
    for (const role of ['super_admin', 'manager', 'supervisor', 'customer_service', 'technician', 'customer', 'auditor'] as Role[]) {
      const u = await t.user(role);
      expect({
        role,
        list: (await t.http.get('/api/v1/support/knowledge-base').set(auth(u))).status,
        create: (await t.http.post('/api/v1/support/knowledge-base').set(auth(u)).send(article)).status,
      }).toEqual({ role, list: allows('kb.list', role) ? 200 : 403, create: allows('kb.write', role) ? 201 : 403 });
    }
  });
});
