import express, { type Request } from 'express';
import request from 'supertest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteReadStore, type SqliteReadStore } from '../../adapters/read-store/sqlite/sqlite-read-store';
import { createMemoryReadStore } from '../../adapters/read-store/memory/memory-read-store';
import type { ReadStore } from '../../ports/read-store';
import type { AuthContext } from './context';
import { answerOnce, KeptAnswers } from './kept-answers';
import { sendJsonText } from './json-text';

/**
 * KeptAnswers over the SQLite store: a small app whose caller comes from a header, and whose one
 * list reads the `items` collection; `made` counts the answers actually made.
 */
describe('KeptAnswers', () => {
  let dir: string;
  let store: SqliteReadStore;
  let made: number;
  let requests = 0;
  const users = new Map<string, object>();

  const appOver = (readStore: ReadStore, kept = new KeptAnswers(readStore)) => {
    const app = express();
    app.set('etag', false); // as http-app.ts: an ETag is a route's own
    app.use((req, res, next) => {
      req.ctx = { requestId: `req-${++requests}`, correlationId: 'c', startedAt: 0n };
      res.setHeader('X-Before', `${req.get('x-n') ?? '-'}`);
      const id = req.get('x-user');
      if (id) req.auth = { userId: id, role: 'admin', sessionId: 's', audience: 'staff', user: users.get(id) } as unknown as AuthContext;
      next();
    });
    app.get('/items', (req, res, next) => {
      kept
        .answer(req, res, async () => {
          made++;
          const items = await readStore.collection('items').find({}, { sort: { _id: 1 } });
          if (req.query.fail) {
            res.status(404).json({ error: 'none' });
            return;
          }
          if (req.query.signed) answerOnce(req);
          res.setHeader('X-Total', String(items.length));
          res.setHeader('ETag', `"${items.length}"`);
          const requestId = req.query.named ? { request_id: req.ctx.requestId } : {};
          sendJsonText(res, 200, JSON.stringify({ items, for: (req as Request).auth?.userId ?? null, ...requestId }));
        })
        .catch(next);
    });
    return app;
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'isp-kept-'));
    store = openSqliteReadStore({ filename: join(dir, 'read-models.db') });
    await store.collection('items').insertOne({ _id: 'a' });
    users.set('ana', Object.freeze({ _id: 'ana' }));
    users.set('budi', Object.freeze({ _id: 'budi' }));
    made = 0;
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends a kept answer again, with the headers its handler set and the middleware headers of the request', async () => {
    const app = appOver(store);
    const first = await request(app).get('/items').set('x-user', 'ana').set('x-n', '1');
    const again = await request(app).get('/items').set('x-user', 'ana').set('x-n', '2');
    expect(made).toBe(1);
    expect(again.text).toBe(first.text);
    expect(again.headers['x-total']).toBe('1');
    expect(again.headers.etag).toBe('"1"');
    expect(again.headers['x-before']).toBe('2');
    expect(again.headers['content-type']).toBe(first.headers['content-type']);
  });

  it('makes it again after a write to what it read, not after a write to another collection', async () => {
    const app = appOver(store);
    await request(app).get('/items').set('x-user', 'ana');
    await store.collection('other').insertOne({ _id: 'x' });
    await request(app).get('/items').set('x-user', 'ana');
    expect(made).toBe(1);
    await store.collection('items').insertOne({ _id: 'b' });
    const after = await request(app).get('/items').set('x-user', 'ana');
    expect(made).toBe(2);
    expect(after.body.items).toEqual([{ _id: 'a' }, { _id: 'b' }]);
  });

  it('keeps answers by URL and caller, and for the very user document they were made for', async () => {
    const app = appOver(store);
    expect((await request(app).get('/items').set('x-user', 'ana')).body.for).toBe('ana');
    expect((await request(app).get('/items').set('x-user', 'budi')).body.for).toBe('budi');
    expect((await request(app).get('/items?page=2').set('x-user', 'ana')).body.for).toBe('ana');
    expect((await request(app).get('/items')).body.for).toBe(null);
    expect(made).toBe(4);
    users.set('ana', Object.freeze({ _id: 'ana', role: 'changed' }));
    await request(app).get('/items').set('x-user', 'ana');
    expect(made).toBe(5);
    users.set('ana', { _id: 'ana' });
    await request(app).get('/items').set('x-user', 'ana');
    await request(app).get('/items').set('x-user', 'ana');
    expect(made).toBe(7);
  });

  it('keeps no answer made for the moment: a signed link, or the id of its request', async () => {
    const app = appOver(store);
    await request(app).get('/items?signed=1');
    await request(app).get('/items?signed=1');
    expect(made).toBe(2);
    const first = await request(app).get('/items?named=1');
    const again = await request(app).get('/items?named=1');
    expect(made).toBe(4);
    expect(again.body.request_id).not.toBe(first.body.request_id);
  });

  it('keeps only 200 answers', async () => {
    const app = appOver(store);
    expect((await request(app).get('/items?fail=1')).status).toBe(404);
    expect((await request(app).get('/items?fail=1')).status).toBe(404);
    expect(made).toBe(2);
  });

  it('keeps at most maxBytes of answers with their URLs, the oldest going first, and none with 0', async () => {
    // An answer here takes about 340 bytes (its 35-byte body, its key, 256 for the rest): nine fit.
    const app = appOver(store, new KeptAnswers(store, 3_100));
    for (const page of [1, 2, 1]) await request(app).get(`/items?page=${page}`);
    expect(made).toBe(2);
    for (let page = 3; page <= 12; page++) await request(app).get(`/items?page=${page}`);
    await request(app).get('/items?page=1');
    expect(made).toBe(13);
    // A long URL counts: past an eighth of the bound, its answer is not kept.
    const junk = `/items?junk=${'x'.repeat(2_000)}`;
    await request(app).get(junk);
    await request(app).get(junk);
    expect(made).toBe(15);

    made = 0;
    const none = appOver(store, new KeptAnswers(store, 0));
    await request(none).get('/items');
    await request(none).get('/items');
    expect(made).toBe(2);
  });

  it('keeps nothing over a store that cannot tell changes', async () => {
    const memory = createMemoryReadStore();
    const app = appOver(memory);
    await request(app).get('/items');
    await request(app).get('/items');
    expect(made).toBe(2);
  });
});
