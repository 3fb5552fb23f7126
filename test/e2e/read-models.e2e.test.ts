import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preload } from '../../bench/preload';
import { allProjectors } from '../../src/projections';
import { startServer, waitUntilHealthy, type ServerProcess } from '../support/server-process';

/**
 * The embedded read store is durable: a start resumes from each projector's checkpoint instead
 * of replaying the log, and a crash while projectors catch up leaves every read model exactly as
 * of its checkpoint (documents and checkpoints commit together), so the restart applies only the
 * events after the checkpoints and ends equal to a fresh rebuild from the log.
 */

interface ProjectorStatus {
  name: string;
  checkpoint: number;
  appliedSinceStart: number;
}

const ADMIN = { email: 'root@example.com', password: 'root-password-123' };

describe('server process: durable read models', () => {
  const servers: ServerProcess[] = [];
  const dirs: string[] = [];
  const env = (dataDir: string, extra: Record<string, string> = {}) => ({
    NODE_ENV: 'production',
    DATA_DIR: dataDir,
    JWT_SECRET: 'read-models-secret-'.padEnd(48, 'x'),
    SECRETS_KEY: 'read-models-secrets-key-'.padEnd(48, 'k'),
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    JOBS_ENABLED: 'false',
    ...extra,
  });
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'isp-e2e-rm-'));
    dirs.push(d);
    return d;
  };
  const start = async (dataDir: string, extra: Record<string, string> = {}) => {
    const s = await startServer(env(dataDir, extra));
    servers.push(s);
    return s;
  };
  const token = async (url: string) => {
    const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    expect(res.status).toBe(200);
    return ((await res.json()) as { token: string }).token;
  };
  const get = async <T,>(url: string, path: string, auth: string): Promise<T> => {
    const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${auth}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };
  const projectors = async (url: string, auth: string) =>
    (await get<{ data: { projectors: ProjectorStatus[] } }>(url, '/ops/projections', auth)).data.projectors;

  /** Every read model of a read-models.db, by collection and _id (bookkeeping collections left out). */
  const readModels = (dataDir: string): Map<string, Map<string, unknown>> => {
    const db = new Database(join(dataDir, 'read-models.db'), { readonly: true });
    try {
      const out = new Map<string, Map<string, unknown>>();
      const collections = db.prepare('SELECT name, tbl FROM _rs_collections').all() as Array<{ name: string; tbl: string }>;
      for (const { name, tbl } of collections) {
        if (name.startsWith('_')) continue;
        const docs = new Map<string, unknown>();
        for (const row of db.prepare(`SELECT id, doc FROM ${tbl}`).all() as Array<{ id: string; doc: string }>) docs.set(row.id, JSON.parse(row.doc));
        if (docs.size) out.set(name, docs);
      }
      return out;
    } finally {
      db.close();
    }
  };

  /**
   * Per collection, its declared indexes and the SQLite indexes of its table (a first build
   * creates the non-unique ones when it is over; a build stopped before that gets them at the
   * next open).
   */
  const indexesOf = (dataDir: string): Map<string, { declared: string[]; inFile: string[] }> => {
    const db = new Database(join(dataDir, 'read-models.db'), { readonly: true });
    try {
      const out = new Map<string, { declared: string[]; inFile: string[] }>();
      for (const { name, tbl, indexes } of db.prepare('SELECT name, tbl, indexes FROM _rs_collections').all() as Array<{ name: string; tbl: string; indexes: string }>) {
        // SQLite indexes, and the tables of indexes led by an array field (`<tbl>:<index>:e`).
        const inFile = db.prepare(`SELECT name FROM sqlite_master WHERE type IN ('index', 'table') AND name LIKE ?`).pluck().all(`${tbl}:%`) as string[];
        out.set(name, {
          declared: (JSON.parse(indexes) as Array<{ name: string }>).map((ix) => ix.name).sort(),
          inFile: [...new Set(inFile.map((n) => n.slice(tbl.length + 1).replace(/:[qe]$/, '')))].sort(),
        });
      }
      return out;
    } finally {
      db.close();
    }
  };

  const storedCheckpoints = (dataDir: string): Map<string, number> => {
    const db = new Database(join(dataDir, 'read-models.db'), { readonly: true });
    try {
      const row = db.prepare(`SELECT tbl FROM _rs_collections WHERE name = '_projection_checkpoints'`).get() as { tbl: string } | undefined;
      if (!row) return new Map();
      const docs = (db.prepare(`SELECT doc FROM ${row.tbl}`).all() as Array<{ doc: string }>).map((r) => JSON.parse(r.doc) as { _id: string; position: number });
      return new Map(docs.map((d) => [d._id, d.position]));
    } finally {
      db.close();
    }
  };

  /** Events after `checkpoint` of the types a projector handles, counted in the log itself. */
  const eventsAfter = (dataDir: string, types: readonly string[], checkpoint: number): number => {
    const db = new Database(join(dataDir, 'events.db'), { readonly: true });
    try {
      if (types.length === 0) return 0;
      const row = db
        .prepare(`SELECT count(*) AS n FROM events WHERE position > ? AND type IN (${types.map(() => '?').join(', ')})`)
        .get(checkpoint, ...types) as { n: number };
      return row.n;
    } finally {
      db.close();
    }
  };

  afterEach(async () => {
    for (const s of servers.splice(0)) await s.stop('SIGKILL');
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('after SIGKILL during a catch-up, the restart applies only the events after the checkpoints and equals a fresh rebuild', async () => {
    const dataDir = tempDir();
    // First start creates the admin; then a backlog is written while the server is down.
    const first = await start(dataDir);
    await waitUntilHealthy(first.url);
    await first.stop('SIGTERM');
    rmSync(join(dataDir, 'read-models.db'));
    rmSync(join(dataDir, 'read-models.db-wal'), { force: true });
    rmSync(join(dataDir, 'read-models.db-shm'), { force: true });
    await preload(dataDir, { serviceRequests: 300, technicians: 10, customers: 50, tickets: 1500 }, () => undefined);

    // Small batches, so the kill falls between committed batches of the catch-up.
    const catchingUp = await start(dataDir, { PROJECTION_BATCH_SIZE: '300' });
    let killedAt: { position: number; head: number } | null = null;
    while (killedAt === null) {
      const res = await fetch(`${catchingUp.url}/health`).catch(() => null);
      if (res) {
        const body = (await res.json()) as { stores: { eventStore: { head: number } }; projections: { position: number; caughtUp: boolean } };
        if (body.projections.caughtUp) throw new Error('caught up before the kill: make the backlog larger');
        if (body.projections.position > 0) killedAt = { position: body.projections.position, head: body.stores.eventStore.head };
      }
    }
    await catchingUp.stop('SIGKILL');
    expect(killedAt.position).toBeLessThan(killedAt.head);

    // What the crash left: each projector's committed checkpoint, and the events after it.
    const checkpoints = storedCheckpoints(dataDir);
    const expected = new Map(allProjectors.map((p) => [p.name, eventsAfter(dataDir, p.handles, checkpoints.get(p.name) ?? 0)]));
    expect([...checkpoints.values()].some((c) => c > 0)).toBe(true);
    const total = eventsAfter(dataDir, allProjectors.flatMap((p) => p.handles), 0);
    expect([...expected.values()].reduce((a, b) => a + b, 0)).toBeLessThan(allProjectors.reduce((n, p) => n + eventsAfter(dataDir, p.handles, 0), 0));
    expect(total).toBeGreaterThan(10_000);

    const restarted = await start(dataDir);
    await waitUntilHealthy(restarted.url, 60_000);
    // The catch-up's own count, logged when it ended (before anything new was written).
    const caughtUp = restarted.logs.find((l) => String(l.msg).startsWith('projections caught up'));
    expect(caughtUp?.applied).toEqual(Object.fromEntries(expected));
    // /ops/projections says the same (plus what logging in appended since).
    const statuses = await projectors(restarted.url, await token(restarted.url));
    for (const p of statuses) expect(p.appliedSinceStart).toBeGreaterThanOrEqual(expected.get(p.name) ?? 0);
    await restarted.stop('SIGTERM');

    // A fresh rebuild: the same log, no read models.
    const fresh = tempDir();
    for (const f of ['events.db', 'events.db-wal', 'events.db-shm', '.jwt-secret', '.secrets-key']) {
      if (existsSync(join(dataDir, f))) copyFileSync(join(dataDir, f), join(fresh, f));
    }
    const rebuilt = await start(fresh);
    await waitUntilHealthy(rebuilt.url, 60_000);
    await rebuilt.stop('SIGTERM');

    // Every declared index exists in both files, the resumed one's made at its restart.
    for (const indexes of [indexesOf(fresh), indexesOf(dataDir)]) {
      expect(indexes.get('tickets')?.declared.length).toBeGreaterThan(3);
      for (const [name, { declared, inFile }] of indexes) expect({ name, inFile }).toEqual({ name, inFile: declared });
    }

    const resumed = readModels(dataDir);
    const fromScratch = readModels(fresh);
    expect([...resumed.keys()].sort()).toEqual([...fromScratch.keys()].sort());
    for (const [name, docs] of fromScratch) {
      const other = resumed.get(name)!;
      expect({ name, size: other.size }).toEqual({ name, size: docs.size });
      for (const [id, doc] of docs) expect({ name, id, doc: other.get(id) }).toEqual({ name, id, doc });
    }
  }, 180_000);

  it('a restart after a clean stop applies no event and answers the same lists', async () => {
    const dataDir = tempDir();
    const first = await start(dataDir);
    await waitUntilHealthy(first.url);
    const auth = await token(first.url);
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${first.url}/api/services`, {
        method: 'POST',
        headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' },
        body: JSON.stringify({ device_type: 'Laptop', serial_number: `RM-${i}`, service_type: 'Hardware', description: `Request ${i}` }),
      });
      expect(res.status).toBe(201);
    }
    const lists = ['/api/services?per_page=100', '/api/users?limit=100', '/api/notifications'];
    const before = await Promise.all(lists.map((p) => get(first.url, p, auth)));
    await first.stop('SIGTERM');

    const second = await start(dataDir);
    await waitUntilHealthy(second.url);
    const caughtUp = second.logs.find((l) => String(l.msg).startsWith('projections caught up'));
    expect(Object.values(caughtUp?.applied as Record<string, number>).every((n) => n === 0)).toBe(true);
    const after = await Promise.all(lists.map((p) => get(second.url, p, auth)));
    expect(after).toEqual(before);
    expect((await projectors(second.url, auth)).every((p) => p.appliedSinceStart === 0)).toBe(true);
  }, 60_000);
});
