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
import { openSqliteReadStore } from '../../src/adapters/read-store/sqlite/sqlite-read-store';
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
  /** With `listen: true`: where the app listens (http://localhost:<port>), for socket.io clients. */
  url: string | null;
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
export async function startTestApp(
  env: Record<string, string> = {},
  options: { eventStore?: EventStore; /** Start the app as main does (HTTP server on a free port, socket.io attached). */ listen?: boolean } = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'isp-api-'));
  // A listening app would start the scheduled jobs; tests run jobs themselves unless they ask.
  const jobs = options.listen ? { JOBS_ENABLED: 'false' } : {};
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, JWT_SECRET: 'x'.repeat(40), PORT: '0', ...jobs, ...env });
  const clock = new ManualClock();
  const mail: MailMessage[] = [];
  const mailer: Mailer = { send: async (m) => void mail.push(m) };
  const eventStore = options.eventStore ?? createMemoryEventStore();
  const app = await createApp(config, {
    clock,
    eventStore,
    readStore: process.env.TEST_READ_STORE === 'memory' ? createMemoryReadStore() : openSqliteReadStore({ filename: join(dataDir, 'read-models.db'), cacheMb: 8, docCacheMb: 4 }),
    mailer,
    passwords: createScryptPasswordHasher({ cost: 2 ** 10 }),
    skipBootstrap: true,
  });
  // app.start() starts the projections itself and listens; otherwise only the projections run
  // and supertest drives the Express app directly.
  const url = options.listen ? (await app.start()).url : (await app.runner.start(), null);
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
    url,
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

/** The Authorization header of a signed-in user (every staff API test's requests). */
export const auth = (u: { token: string }) => ({ Authorization: `Bearer ${u.token}` });
/** A repair ticket opened through POST /api/tickets by `by` for `customerId`; its id. */
export async function openRepairTicket(t: TestApp, by: { token: string }, customerId: string): Promise<string> {
  const res = await t.http
    .post('/api/tickets')
    .set(auth(by))
    .send({ customer_id: customerId, type: 'repair', priority: 'normal', title: 'Slow line', description: 'Slow since Monday', location: { lat: -6.2, lng: 106.8 } });
  if (res.status !== 201) throw new Error(`ticket fixture: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data.ticket.id as string;
}

let customerCounter = 0;

/**
 * A customer registered through POST /api/customers (with its login account) by `by`, and that
 * account signed in: its password is set through the forgot/reset-password flow, as a customer
 * would. Returns the customer id and the signed-in user.
 */
export async function customerWithLogin(
  t: TestApp,
  by: { token: string },
): Promise<{ customerId: string; user: { userId: string; email: string; password: string; token: string } }> {
  customerCounter++;
  const email = `pelanggan.${customerCounter}@example.com`;
  const res = await t.http
    .post('/api/customers')
    .set(auth(by))
    .send({
      full_name: `Pelanggan ${customerCounter}`,
      phone: `0813${String(customerCounter).padStart(8, '0')}`,
      email,
      address: `Jl. Contoh No. ${customerCounter}`,
      coordinates: { lat: -6.2, lng: 106.8 },
      service_area: 'Jakarta Pusat',
    });
  if (res.status !== 201) throw new Error(`customer fixture: ${res.status} ${JSON.stringify(res.body)}`);
  const customer = res.body.data.customer as { id: string; user_id: string };
  await t.http.post('/api/auth/forgot-password').send({ email });
  const mail = [...t.mail].reverse().find((m) => m.to === email);
  const resetToken = /Reset token: (\S+)/.exec(mail?.text ?? '')?.[1];
  if (!resetToken) throw new Error('customer fixture: no reset mail');
  const password = 'customer-password-1';
  const reset = await t.http.post('/api/auth/reset-password').send({ token: resetToken, password, password_confirmation: password });
  if (reset.status !== 200) throw new Error(`customer fixture reset: ${reset.status}`);
  // Sessions must start after the password change.
  t.clock.advance(1);
  const logged = await t.login(email, password);
  if (logged.status !== 200) throw new Error(`customer fixture login: ${logged.status}`);
  return { customerId: customer.id, user: { userId: customer.user_id, email, password, token: logged.body.token as string } };
}

/**
 * One ticket and the people it shows: a manager who opened it for a customer with a login, and a
 * technician (`Teknisi Awal`) not yet assigned. For use cases that change them and read again.
 */
export async function openTicketScene(t: TestApp): Promise<{
  manager: TestUser;
  technician: TestUser;
  customerId: string;
  customer: { userId: string; token: string };
  ticketId: string;
}> {
  const manager = await t.user('manager');
  const technician = await t.user('technician', { full_name: 'Teknisi Awal' });
  const { customerId, user: customer } = await customerWithLogin(t, manager);
  const ticketId = await openRepairTicket(t, manager, customerId);
  return { manager, technician, customerId, customer, ticketId };
}
