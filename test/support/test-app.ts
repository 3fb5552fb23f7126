import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { registerUser } from '../../src/commands/users';
import { systemMeta } from '../../src/commands/context';
import { createMemoryEventStore } from '../../src/adapters/event-store/memory';
import { createMemoryReadStore } from '../../src/adapters/read-store/memory/memory-read-store';
import { createScryptPasswordHasher } from '../../src/adapters/crypto/scrypt-password-hasher';
import type { Role } from '../../src/domain/user';
import type { MailMessage, Mailer } from '../../src/ports/mailer';
import type { EventStore } from '../../src/ports/event-store';
import { ManualClock } from './clock';

export interface TestUser {
  userId: string;
  number: number;
  email: string;
  password: string;
  role: Role;
  token: string;
  refreshToken: string;
}

export interface TestApp {
  app: App;
  http: ReturnType<typeof request>;
  clock: ManualClock;
  mail: MailMessage[];
  eventStore: EventStore;
  dataDir: string;
  /** Registers a user through the commands (fixture set-up) and logs in through HTTP. */
  user(role: Role, profile?: { full_name?: string; department?: string | null }): Promise<TestUser>;
  login(email: string, password: string): Promise<request.Response>;
  stop(): Promise<void>;
}

let counter = 0;

/**
 * The whole product on in-memory adapters with a manual clock, driven through HTTP with
 * supertest. Files go to a temporary directory that stop() removes.
 */
export async function startTestApp(env: Record<string, string> = {}, options: { eventStore?: EventStore } = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'isp-api-'));
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, JWT_SECRET: 'x'.repeat(40), PORT: '0', ...env });
  const clock = new ManualClock();
  const mail: MailMessage[] = [];
  const mailer: Mailer = { send: async (m) => void mail.push(m) };
  const eventStore = options.eventStore ?? createMemoryEventStore();
  const app = await createApp(config, {
    clock,
    eventStore,
    readStore: createMemoryReadStore(),
    mailer,
    passwords: createScryptPasswordHasher({ cost: 2 ** 10 }),
    skipBootstrap: true,
  });
  await app.runner.start();
  await app.ready();
  const http = request(app.http);

  const login = (email: string, password: string) => http.post('/api/auth/login').send({ email, password });
  return {
    app,
    http,
    clock,
    mail,
    eventStore,
    dataDir,
    login,
    async user(role, profile = {}) {
      counter++;
      const email = `${role}.${counter}@example.com`;
      const password = `pw-${role}-${counter}-secret`;
      const { userId, number, position } = await registerUser(
        app.deps.commands,
        {
          email,
          password,
          role,
          profile: { full_name: profile.full_name ?? `${role} ${counter}`, department: profile.department ?? 'IT' },
        },
        systemMeta(app.deps.commands.ids, 'test'),
      );
      await app.runner.waitFor(position, 5000);
      const res = await login(email, password);
      if (res.status !== 200) throw new Error(`login failed for fixture user: ${res.status} ${JSON.stringify(res.body)}`);
      return { userId, number, email, password, role, token: res.body.token, refreshToken: res.body.data.tokens.refresh_token };
    },
    async stop() {
      await app.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
