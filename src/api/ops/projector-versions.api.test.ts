import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApp, type App } from '../../app';
import { loadConfig } from '../../config';
import { openSqliteEventStore } from '../../adapters/event-store/sqlite';
import { createScryptPasswordHasher } from '../../adapters/crypto/scrypt-password-hasher';
import { openSqliteReadStore } from '../../adapters/read-store/sqlite/sqlite-read-store';
import { registerUser } from '../../commands/users';
import { systemMeta } from '../../commands/context';
import { CHECKPOINTS } from '../../projections/engine/runner';
import { ManualClock } from '../../../test/support/clock';

/**
 * A projector whose stored documents were built by another version than the code declares is
 * rebuilt beside the version that serves, then swapped in; /health lists the rebuild while it
 * runs and /ops/projections reports both versions. The stored version is set back by hand here,
 * as a deployment of a projector with a raised `version` would leave it.
 */
describe('projector versions', () => {
  let dataDir: string;
  const apps: App[] = [];

  const start = async () => {
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, JWT_SECRET: 'x'.repeat(40), PORT: '0', JOBS_ENABLED: 'false', HOST: '127.0.0.1' });
    const app = await createApp(config, {
      clock: new ManualClock(),
      // Both starts read the same log and the same read-model file, as restarts do.
      eventStore: openSqliteEventStore({ filename: join(dataDir, 'events.db') }),
      readStore: openSqliteReadStore({ filename: join(dataDir, 'read-models.db') }),
      mailer: { send: async () => undefined },
      passwords: createScryptPasswordHasher({ cost: 2 ** 10 }),
      skipBootstrap: true,
    });
    apps.push(app);
    await app.start();
    await app.ready();
    return app;
  };

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'isp-versions-'));
  });
  afterAll(async () => {
    for (const app of apps.splice(0)) await app.stop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('rebuilds a projector whose stored version differs, beside the serving one, and swaps it in', async () => {
    const first = await start();
    const admin = await registerUser(
      first.deps.commands,
      { email: 'root@example.com', password: 'root-password-1', role: 'super_admin', profile: { full_name: 'Root', department: 'IT' } },
      systemMeta(first.deps.commands.ids, 'test'),
    );
    for (let i = 0; i < 30; i++) {
      await registerUser(
        first.deps.commands,
        { email: `u${i}@example.com`, password: 'user-password-1', role: 'technician', profile: { full_name: `User ${i}`, department: 'Field' } },
        systemMeta(first.deps.commands.ids, 'test'),
      );
    }
    expect(await first.runner.waitFor(await first.deps.commands.eventStore.headPosition(), 5000)).toBe(true);
    await first.stop();
    // As a deployment with `usersProjector.version` raised would find it: documents of version 0.
    const file = openSqliteReadStore({ filename: join(dataDir, 'read-models.db') });
    await file.collection(CHECKPOINTS).updateOne({ _id: 'users' }, { $set: { version: 0 } });
    await file.close();

    const second = await start();
    const http = request(second.http);
    const token = (await http.post('/api/auth/login').send({ email: 'root@example.com', password: 'root-password-1' })).body.token as string;
    const auth = { Authorization: `Bearer ${token}` };
    // The version that serves answers meanwhile (/health stays 200); while the rebuild runs,
    // /health lists it. It is swapped in when it has caught up.
    for (;;) {
      const health = await http.get('/health');
      expect(health.status).toBe(200);
      expect(Array.isArray(health.body.rebuilds)).toBe(true);
      const users = (health.body.projections.projectors as Array<{ name: string; version: number; codeVersion: number }>).find((p) => p.name === 'users')!;
      expect(users.codeVersion).toBe(1);
      if (users.version === 1 && !(health.body.rebuilds as Array<{ projector: string }>).some((r) => r.projector === 'users')) break;
      expect(users.version).toBe(0);
      await new Promise((r) => setTimeout(r, 10));
    }
    const ops = await http.get('/api/v1/ops/projections').set(auth);
    expect(ops.status).toBe(200);
    expect(ops.body.data.rebuilds).toEqual([expect.objectContaining({ projector: 'users', state: 'done' })]);
    const list = await http.get('/api/users?limit=100').set(auth);
    expect(list.status).toBe(200);
    expect(list.body.data.pagination.total).toBe(31);
    expect((await second.deps.readStore.collection(CHECKPOINTS).findOne({ _id: 'users' }))?.version).toBe(1);
    expect(admin.userId).toBeTruthy();
  });
});
