import express, { type Request } from 'express';
import request from 'supertest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteReadStore, type SqliteReadStore } from '../../adapters/read-store/sqlite/sqlite-read-store';
import { createMemoryReadStore } from '../../adapters/read-store/memory/memory-read-store';
import type { ReadStore } from '../../ports/read-store';
import type { AuthContext } from './context';
import { answerOnce, KeptAnswers, keptWhile, stampedAnswer } from './kept-answers';
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
  let day = 'monday';

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
          const stamp = (r: Request) => `"stamp":"${r.ctx.requestId}"`;
          if (req.query.stamped) stampedAnswer(req, req.query.stamped === 'missing' ? '"stamp":"elsewhere"' : stamp(req), stamp);
          if (req.query.daily) {
            const madeOn = day;
            keptWhile(req, () => day === madeOn);
          }
          const stamped = req.query.stamped ? `,${stamp(req)}` : '';
          sendJsonText(res, 200, JSON.stringify({ items, for: (req as Request).auth?.userId ?? null, ...requestId }).replace(/}$/, `${stamped}}`));
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
    day = 'monday';
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Asks `path` `times` times (as `user` when given); the last answer. */
  const ask = async (app: express.Express, path: string, times: number, user?: string) => {
    let res!: request.Response;
    for (let i = 0; i < times; i++) res = user ? await request(app).get(path).set('x-user', user) : await request(app).get(path);
    return res;
  };

  it('keeps an answer from its second asking on: a URL asked once is only made', async () => {
    const app = appOver(store);
    await ask(app, '/items', 1, 'ana');
    expect(made).toBe(1);
    await ask(app, '/items', 1, 'ana');
    expect(made).toBe(2);
    await ask(app, '/items', 3, 'ana');
    expect(made).toBe(2);
  });

  it('sends a kept answer again, with the headers its handler set and the middleware headers of the request', async () => {
    const app = appOver(store);
    const first = await request(app).get('/items').set('x-user', 'ana').set('x-n', '1');
    await ask(app, '/items', 1, 'ana');
    const again = await request(app).get('/items').set('x-user', 'ana').set('x-n', '3');
    expect(made).toBe(2);
    expect(again.text).toBe(first.text);
    expect(again.headers['x-total']).toBe('1');
    expect(again.headers.etag).toBe('"1"');
    expect(again.headers['x-before']).toBe('3');
    expect(again.headers['content-type']).toBe(first.headers['content-type']);
  });

  it('makes it again after a write to what it read, not after a write to another collection', async () => {
    const app = appOver(store);
    await ask(app, '/items', 2, 'ana');
    await store.collection('other').insertOne({ _id: 'x' });
    await ask(app, '/items', 1, 'ana');
    expect(made).toBe(2);
    await store.collection('items').insertOne({ _id: 'b' });
    const after = await ask(app, '/items', 2, 'ana');
    expect(made).toBe(3);
    expect(after.body.items).toEqual([{ _id: 'a' }, { _id: 'b' }]);
  });

  it('keeps answers by URL and caller, and for the very user document they were made for', async () => {
    const app = appOver(store);
    expect((await ask(app, '/items', 2, 'ana')).body.for).toBe('ana');
    expect((await ask(app, '/items', 2, 'budi')).body.for).toBe('budi');
    expect((await ask(app, '/items?page=2', 2, 'ana')).body.for).toBe('ana');
    expect((await ask(app, '/items', 2)).body.for).toBe(null);
    expect(made).toBe(8);
    expect((await ask(app, '/items', 1, 'budi')).body.for).toBe('budi');
    expect((await ask(app, '/items', 1)).body.for).toBe(null);
    expect(made).toBe(8);
    users.set('ana', Object.freeze({ _id: 'ana', role: 'changed' }));
    await ask(app, '/items', 2, 'ana');
    expect(made).toBe(9);
    users.set('ana', { _id: 'ana' });
    await ask(app, '/items', 2, 'ana');
    expect(made).toBe(11);
  });

  it('keeps no answer made for the moment: a signed link, or the id of its request', async () => {
    const app = appOver(store);
    await ask(app, '/items?signed=1', 3);
    expect(made).toBe(3);
    const first = await ask(app, '/items?named=1', 2);
    const again = await ask(app, '/items?named=1', 1);
    expect(made).toBe(6);
    expect(again.body.request_id).not.toBe(first.body.request_id);
  });

  it('sends a stamped answer again with the stamp of the request it answers; keeps none whose stamp is not in it or that names its request elsewhere', async () => {
    const app = appOver(store);
    await ask(app, '/items?stamped=1', 2, 'ana');
    const again = await ask(app, '/items?stamped=1', 1, 'ana');
    expect(made).toBe(2);
    expect(again.body).toEqual({ items: [{ _id: 'a' }], for: 'ana', stamp: expect.stringMatching(/^req-\d+$/) });
    const next = await ask(app, '/items?stamped=1', 1, 'ana');
    expect(made).toBe(2);
    expect(next.body.stamp).not.toBe(again.body.stamp);
    expect(next.text.replace(next.body.stamp, '')).toBe(again.text.replace(again.body.stamp, ''));
    await ask(app, '/items?stamped=missing', 3, 'ana');
    expect(made).toBe(5);
    await ask(app, '/items?stamped=1&named=1', 3, 'ana');
    expect(made).toBe(8);
  });

  it('sends an answer kept while its condition holds, and makes it again once it no longer does', async () => {
    const app = appOver(store);
    await ask(app, '/items?daily=1', 3, 'ana');
    expect(made).toBe(2);
    day = 'tuesday';
    await ask(app, '/items?daily=1', 3, 'ana');
    expect(made).toBe(3);
  });

  it('keeps only 200 answers', async () => {
    const app = appOver(store);
    expect((await ask(app, '/items?fail=1', 3)).status).toBe(404);
    expect(made).toBe(3);
  });

  it('keeps at most maxBytes of answers with their URLs, the oldest going first, and none with 0', async () => {
    // An answer here takes about 340 bytes (its 35-byte body, its key, 256 for the rest): nine fit.
    const app = appOver(store, new KeptAnswers(store, 3_100));
    await ask(app, '/items?page=1', 3);
    expect(made).toBe(2);
    for (let page = 2; page <= 11; page++) await ask(app, `/items?page=${page}`, 2);
    expect(made).toBe(22);
    // Ten more kept: the first is gone, made again (and kept: it was asked before).
    await ask(app, '/items?page=1', 2);
    expect(made).toBe(23);
    // A long URL counts: past an eighth of the bound, its answer is not kept.
    await ask(app, `/items?junk=${'x'.repeat(2_000)}`, 3);
    expect(made).toBe(26);

    made = 0;
    await ask(appOver(store, new KeptAnswers(store, 0)), '/items', 3);
    expect(made).toBe(3);
  });

  it('keeps nothing over a store that cannot tell changes', async () => {
    await ask(appOver(createMemoryReadStore()), '/items', 3);
    expect(made).toBe(3);
  });
});
