import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApp } from '../../app';
import { loadConfig } from '../../config';
import { createMemoryEventStore } from '../../adapters/event-store/memory';
import { createMemoryReadStore } from '../../adapters/read-store/memory/memory-read-store';
import { startTestApp, type TestApp, type TestUser } from '../../../test/support/test-app';

describe('/health and the operations API', () => {
  describe('before the read models have caught up', () => {
    it('answers 503 on /health and on every other route', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'isp-health-'));
      const app = await createApp(loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, JWT_SECRET: 'y'.repeat(40) }), {
        eventStore: createMemoryEventStore(),
        readStore: createMemoryReadStore(),
        skipBootstrap: true,
      });
      try {
        // The runner has not been started, so nothing has been caught up.
        const health = await request(app.http).get('/health');
        expect(health.status).toBe(503);
        expect(health.body.status).toBe('starting');
        const other = await request(app.http).post('/api/auth/login').send({ email: 'a@b.c', password: 'x' });
        expect(other.status).toBe(503);
        expect(other.headers['retry-after']).toBe('1');
        await app.runner.start();
        await app.ready();
        expect((await request(app.http).get('/health')).status).toBe(200);
      } finally {
        await app.stop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });

  describe('when ready', () => {
    let t: TestApp;
    let admin: TestUser;
    let manager: TestUser;
    beforeEach(async () => {
      t = await startTestApp();
      admin = await t.user('super_admin');
      manager = await t.user('manager', { full_name: 'Mia' });
    });
    afterEach(async () => {
      await t.stop();
    });
    const as = (u: TestUser) => ({ Authorization: `Bearer ${u.token}` });

    it('reports the stores and every projector on /health', async () => {
      const res = await t.http.get('/health');
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('ok');
      expect(res.body.stores.eventStore.head).toBeGreaterThan(0);
      expect(res.body.projections.caughtUp).toBe(true);
      expect(res.body.projections.projectors.map((p: { name: string }) => p.name)).toEqual(
        expect.arrayContaining(['users', 'auth_sessions', 'service_requests']),
      );
    });

    it('lets only a super admin use /ops', async () => {
      expect((await t.http.get('/ops/projections').set(as(manager))).status).toBe(403);
      expect((await t.http.get('/ops/projections')).status).toBe(401);
      const res = await t.http.get('/ops/projections').set(as(admin));
      expect(res.status).toBe(200);
      expect(res.body.data.position).toBe(res.body.data.head);
    });

    it('shows a stream with metadata, as of a revision, and verifies its hash chain', async () => {
      const created = await t.http.post('/api/services').set(as(manager)).send({
        device_type: 'Laptop',
        serial_number: 'S1',
        service_type: 'Hardware',
        description: 'Broken',
      });
      await t.http.post(`/api/services/${created.body.data.id}/approve`).set(as(manager)).send({});
      const stream = `service_request-${created.body.data.id}`;
      const full = await t.http.get(`/ops/streams/${stream}`).set(as(admin));
      expect(full.status).toBe(200);
      expect(full.body.data.events).toHaveLength(2);
      expect(full.body.data.events[1].metadata).toMatchObject({
        actor: { userId: manager.userId, role: 'manager' },
        schemaVersion: 1,
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
        prevHash: full.body.data.events[0].metadata.hash,
      });
      expect(full.body.data.events[1].metadata.requestId).toEqual(expect.any(String));
      const asOf = await t.http.get(`/ops/streams/${stream}?as_of_revision=0`).set(as(admin));
      expect(asOf.body.data.events.map((e: { type: string }) => e.type)).toEqual(['ServiceRequestSubmitted']);
      const verify = await t.http.get(`/ops/streams/${stream}/verify`).set(as(admin));
      expect(verify.body.data.verification).toMatchObject({ valid: true, eventCount: 2 });
      expect((await t.http.get('/ops/streams/nope-1').set(as(admin))).status).toBe(404);
    });

    it('rebuilds a projection on request and reports its progress', async () => {
      for (let i = 0; i < 5; i++) {
        await t.http.post('/api/services').set(as(manager)).send({
          device_type: 'Laptop',
          serial_number: `S${i}`,
          service_type: 'Hardware',
          description: 'Broken',
        });
      }
      const before = await t.http.get('/api/services?per_page=100').set(as(manager));
      const started = await t.http.post('/ops/projections/service_requests/rebuild').set(as(admin));
      expect(started.status).toBe(202);
      expect(started.body.data.rebuild.projector).toBe('service_requests');
      await t.app.deps.rebuilds.waitAll();
      const status = await t.http.get('/ops/projections/service_requests/rebuild').set(as(admin));
      expect(status.body.data.rebuild).toMatchObject({ state: 'done', processed: 5 });
      const after = await t.http.get('/api/services?per_page=100').set(as(manager));
      expect(after.body).toEqual(before.body);
      expect((await t.http.post('/ops/projections/nope/rebuild').set(as(admin))).status).toBe(404);
    });
  });
});
