import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, waitUntilHealthy, type ServerProcess } from '../support/server-process';

/**
 * A start of the embedded default loads only what it uses: the EventStoreDB client, the MongoDB
 * driver, the in-memory read store's mingo and pdfkit are required when a configuration or a
 * request needs them. They took about half of a restart (issue 10's goal: /health within 1 s).
 * A --require hook in the real server process lists the packages it has loaded on SIGUSR2.
 */

const ADMIN = { email: 'root@example.com', password: 'root-password-123' };
const NOT_AT_START = ['@eventstore/db-client', 'mongodb', 'mingo', 'pdfkit'];

describe('server process: what a start loads', () => {
  let dir: string;
  let server: ServerProcess | undefined;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'isp-e2e-loads-'));
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves the unused adapters and pdfkit unloaded until a request needs pdfkit', async () => {
    const out = join(dir, 'loaded.jsonl');
    const hook = join(dir, 'list-packages.cjs');
    writeFileSync(
      hook,
      `process.on('SIGUSR2', () => {
        const names = new Set();
        for (const file of Object.keys(require.cache)) {
          const m = /node_modules[\\\\/]((?:@[^\\\\/]+[\\\\/])?[^\\\\/]+)/.exec(file);
          if (m) names.add(m[1].replace('\\\\', '/'));
        }
        require('node:fs').appendFileSync(${JSON.stringify(out)}, JSON.stringify([...names]) + '\\n');
      });`,
    );
    const loaded = async (): Promise<string[]> => {
      const before = readLines(out).length;
      server!.proc.kill('SIGUSR2');
      for (let i = 0; i < 200 && readLines(out).length === before; i++) await new Promise((r) => setTimeout(r, 25));
      return JSON.parse(readLines(out)[before]!) as string[];
    };
    server = await startServer(
      {
        NODE_ENV: 'production',
        DATA_DIR: join(dir, 'data'),
        JWT_SECRET: 'start-loads-secret-'.padEnd(48, 'x'),
        SECRETS_KEY: 'start-loads-secrets-key-'.padEnd(48, 'k'),
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        JOBS_ENABLED: 'false',
      },
      20_000,
      ['--require', hook],
    );
    await waitUntilHealthy(server.url);

    const atStart = await loaded();
    expect(atStart).toEqual(expect.arrayContaining(['express', 'better-sqlite3']));
    for (const name of NOT_AT_START) expect(atStart).not.toContain(name);

    // The tickets report as a PDF: pdfkit is required then, in the built server.
    const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    const { token } = (await login.json()) as { token: string };
    const pdf = await fetch(`${server.url}/api/reports/tickets?format=pdf`, { headers: { authorization: `Bearer ${token}` } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
    expect(await loaded()).toContain('pdfkit');
  });
});

function readLines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}
