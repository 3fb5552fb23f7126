import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preload } from '../../bench/preload';
import { allProjectors } from '../../src/projections';
import { startServer, waitUntilHealthy, type ServerProcess } from '../support/server-process';

/**
 * The analysts' and auditors' command line (`npm run cli -- <verb>`, dist/src/cli/cli.js) run as
 * a process, as an operator runs it: against a data directory a server is using (reads of the
 * log on the files, everything else through the server with --url; the read models refused on
 * the files), then with the server stopped (on the files), interrupted with SIGINT and resumed,
 * and after an event was altered in the SQLite file.
 */

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'cli.js');
const VERIFIER = join(ROOT, 'scripts', 'verify-export.mjs');
const ADMIN = { email: 'analyst-admin@example.com', password: 'analyst-admin-password-1' };

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

describe('npm run cli -- <verb>', () => {
  let dataDir: string;
  let server: ServerProcess | null = null;
  let ticketStream: string;
  let customerId: string;
  let totalEvents: number;
  const env = () => ({
    NODE_ENV: 'production',
    DATA_DIR: dataDir,
    JWT_SECRET: 'cli-e2e-secret-'.padEnd(48, 'x'),
    SECRETS_KEY: 'cli-e2e-secrets-key-'.padEnd(48, 'k'),
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    JOBS_ENABLED: 'false',
  });
  const cli = (...args: string[]): Run => {
    const run = spawnSync(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env() }, encoding: 'utf8', timeout: 60_000 });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
  };
  const remote = () => ['--url', server!.url, '--email', ADMIN.email, '--password', ADMIN.password];
  /** Runs the command and sends SIGINT once its output shows `when`; resolves with how it ended. */
  const interrupted = (when: RegExp, ...args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      const proc = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env() } });
      let stdout = '';
      let stderr = '';
      let sent = false;
      const check = () => {
        if (!sent && when.test(stdout + stderr)) {
          sent = true;
          proc.kill('SIGINT');
        }
      };
      proc.stdout.on('data', (c: Buffer) => ((stdout += c.toString()), check()));
      proc.stderr.on('data', (c: Buffer) => ((stderr += c.toString()), check()));
      proc.once('close', (status) => resolve({ status, stdout, stderr }));
    });
  /** Events in the log now (sign-ins through --url add session events). */
  const eventsInLog = () => {
    const db = new Database(join(dataDir, 'events.db'), { readonly: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };
  const verifyOutside = (file: string) => spawnSync(process.execPath, [VERIFIER, file], { encoding: 'utf8' });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'isp-e2e-cli-'));
    totalEvents = (await preload(dataDir, { serviceRequests: 20, technicians: 4, customers: 8, tickets: 40 }, () => undefined)).events;
    server = await startServer(env());
    await waitUntilHealthy(server.url);
    const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    const token = ((await login.json()) as { token: string }).token;
    const list = (await (await fetch(`${server.url}/api/tickets?limit=1`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      data: { tickets: Array<{ id: string; customer: { id: string } }> };
    };
    const ticket = list.data.tickets[0]!;
    const detail = await fetch(`${server.url}/api/tickets/${ticket.id}`, { headers: { authorization: `Bearer ${token}` } });
    ticketStream = detail.headers.get('x-event-stream')!;
    customerId = ticket.customer.id;
    // The server's own first events (its admin, sequences) come after the preloaded ones.
    totalEvents = (await (await fetch(`${server.url}/health`)).json() as { stores: { eventStore: { head: number } } }).stores.eventStore.head;
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('while a server runs on the data directory', () => {
    it('refuses to touch the read models on the files, and names --url', () => {
      for (const verb of ['projections', 'rebuild', 'compare']) {
        const run = cli(verb);
        expect([verb, run.status]).toEqual([verb, 3]);
        expect(run.stderr).toMatch(/held by the server \(pid \d+/);
        expect(run.stderr).toContain('--url');
      }
    });

    it('reads the log on the files: verify, replay, export (checked outside the product)', () => {
      const verified = cli('verify');
      expect([verified.status, verified.stdout]).toEqual([0, expect.stringContaining('OK: every hash chain holds')]);
      expect(verified.stdout).toContain(`${eventsInLog()} events in`);
      expect(eventsInLog()).toBeGreaterThanOrEqual(totalEvents);

      const replayed = cli('replay', ticketStream, '--revision', '0');
      expect(replayed.status).toBe(0);
      expect(replayed.stdout).toMatch(/^\s+0 {2}\S+ {2}TicketCreated/m);
      expect(replayed.stdout).toContain(`ticket ${ticketStream} at revision 0 of`);
      expect(replayed.stdout).toMatch(/"status": "new"/);

      const file = join(dataDir, 'ticket.jsonl');
      const exported = cli('export', ticketStream, '--out', file);
      expect(exported.status).toBe(0);
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      expect(JSON.parse(lines[0]!)).toMatchObject({ streamName: ticketStream, revision: 0, metadata: { prevHash: '', hash: expect.stringMatching(/^[0-9a-f]{64}$/) } });
      const outside = verifyOutside(file);
      expect([outside.status, outside.stdout]).toEqual([0, expect.stringContaining('OK: every chain holds')]);

      const customer = cli('export', `customer:${customerId}`);
      expect(customer.status).toBe(0);
      const streams = new Set(customer.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { streamName: string }).streamName));
      expect(streams).toContain(`customer-${customerId}`);
      expect(streams).toContain(ticketStream);
    });

    it('goes through the server with --url: projections, rebuild, compare, verify, replay, export', () => {
      const table = cli('projections', ...remote());
      expect(table.status).toBe(0);
      const header = table.stdout.split('\n')[0]!;
      expect(header).toMatch(/^projector\s+version\s+checkpoint\s+lag \(events\)\s+lag \(s\)\s+state$/);
      for (const p of allProjectors) expect(table.stdout).toMatch(new RegExp(`^${p.name}\\s+v\\d+\\s+\\d+\\s+0\\s+0\\.0\\s+ok`, 'm'));

      const rebuilt = cli('rebuild', 'tickets', ...remote());
      expect([rebuilt.status, rebuilt.stdout]).toEqual([0, expect.stringMatching(/^tickets: done, \d+ events/m)]);
      // Without a terminal, progress comes as plain lines on stderr.
      expect(rebuilt.stderr).toMatch(/rebuild tickets: .*positions/);

      const compared = cli('compare', 'tickets', ...remote());
      expect([compared.status, compared.stdout]).toEqual([0, expect.stringMatching(/^tickets: EQUAL \(ticket_comments \d+ live \/ \d+ rebuilt, tickets \d+ live \/ \d+ rebuilt\)/m)]);

      expect(cli('verify', ticketStream, ...remote()).stdout).toContain('OK: every hash chain holds');
      expect(cli('replay', ticketStream, ...remote()).stdout).toContain(`ticket ${ticketStream} at revision`);
      const exported = cli('export', `customer:${customerId}`, ...remote());
      expect(exported.stdout.trim().split('\n').length).toBe(cli('export', `customer:${customerId}`).stdout.trim().split('\n').length);
    });

    it('answers a usage error with exit 2', () => {
      expect(cli('replay').status).toBe(2);
      expect(cli('nonsense').status).toBe(2);
      expect(cli('rebuild', 'no-such-projector', ...remote()).status).toBe(2);
    });
  });

  describe('with the server stopped', () => {
    beforeAll(async () => {
      expect(await server!.stop()).toBe(0);
      server = null;
      expect(existsSync(join(dataDir, '.lock'))).toBe(false);
    });

    it('lists the projectors and compares every rebuild with the live read models on the files', () => {
      const table = cli('projections');
      expect(table.status).toBe(0);
      expect(table.stderr).toContain('no server running');
      const compared = cli('compare');
      expect(compared.stdout.trim().split('\n').filter((l) => /^\S+: /.test(l))).toEqual(allProjectors.map((p) => expect.stringMatching(new RegExp(`^${p.name}: EQUAL`))));
      expect(compared.status).toBe(0);
    });

    it('rebuilds every projector, interrupted by SIGINT and resumed by running the same command', async () => {
      const first = await interrupted(/^\S+: done/m, 'rebuild', '--page-size', '5', '--progress-every-ms', '0');
      expect(first.status).toBe(130);
      expect(first.stderr).toContain('run the same command to resume');
      const done = [...first.stdout.matchAll(/^(\S+): done/gm)].map((m) => m[1]!);
      expect(done.length).toBeGreaterThan(0);
      expect(done.length).toBeLessThan(allProjectors.length);

      const second = cli('rebuild', '--page-size', '500');
      expect(second.status).toBe(0);
      expect(second.stderr).toContain(`resuming: ${done.join(', ')} already rebuilt`);
      const rest = [...second.stdout.matchAll(/^(\S+): done/gm)].map((m) => m[1]!);
      expect([...done, ...rest].sort()).toEqual(allProjectors.map((p) => p.name).sort());
      expect(cli('compare', 'tickets').status).toBe(0);
    });

    it('verifies the whole store, interrupted by SIGINT and resumed where it stopped', async () => {
      const first = await interrupted(/^verify: .*positions/m, 'verify', '--page-size', '1', '--progress-every-ms', '0');
      expect(first.status).toBe(130);
      expect(first.stderr).toMatch(/verify: \d+(\.\d)?% · [\d,]+\/[\d,]+ positions · [\d,]+ positions\/s · .* (left|elapsed)/);
      expect(first.stderr).toContain('run the same command to resume');
      const second = cli('verify');
      expect(second.status).toBe(0);
      expect(second.stderr).toMatch(/resuming the verification at log position [1-9]/);
      expect(second.stdout).toContain(`${eventsInLog()} events in`);
    });

    it('finds the first broken link after an event was altered in the SQLite file (exit 1)', () => {
      const raw = new Database(join(dataDir, 'events.db'));
      try {
        expect(raw.prepare("UPDATE events SET data = json_set(data, '$.title', 'Altered') WHERE stream = ? AND revision = 0").run(ticketStream).changes).toBe(1);
      } finally {
        raw.close();
      }
      const position = (new Database(join(dataDir, 'events.db'), { readonly: true }).prepare('SELECT position FROM events WHERE stream = ? AND revision = 0').get(ticketStream) as { position: number }).position;
      const whole = cli('verify', '--restart');
      expect(whole.status).toBe(1);
      expect(whole.stdout).toContain(`BROKEN: first broken link at ${ticketStream} revision 0 (log position ${position}): the hash does not match`);
      const one = cli('verify', ticketStream);
      expect([one.status, one.stdout]).toEqual([1, expect.stringContaining(`BROKEN: first broken link at ${ticketStream} revision 0`)]);
      const file = join(dataDir, 'altered.jsonl');
      expect(cli('export', ticketStream, '--out', file).status).toBe(0);
      expect(verifyOutside(file).status).toBe(1);
    });
  });
});
