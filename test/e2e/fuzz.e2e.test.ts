import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { createMemoryEventStore } from '../../src/adapters/event-store/memory';
import { createMemoryReadStore } from '../../src/adapters/read-store/memory/memory-read-store';
import { registeredRoutes, type RegisteredRoute } from '../../src/api/openapi/routes';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { ROLES } from '../../src/domain/user';
import { describePlan, FUZZ_UPLOAD_MAX_BYTES, requestPlan, toWire, type FuzzVocabulary, type RequestPlan } from '../support/fuzz/arbitraries';
import { createIdentities, createRecords, vocabularyOf, type Identity } from '../support/fuzz/fixtures';
import { FuzzHttpClient } from '../support/fuzz/http-client';
import { verdict } from '../support/fuzz/verdict';
import { startServer, waitUntilHealthy, type ServerProcess } from '../support/server-process';

/**
 * The fuzz suite (issue 11): every route of the application's own route table (`listRoutes()` of
 * the Express app that `createApp` builds, so a document's routes are fuzzed the day they are
 * mounted), as every role, with no token and with forged tokens, against the real server
 * process. Property-based (fast-check): malformed and almost-valid path parameters, queries,
 * headers, JSON, form and multipart bodies. Every answer must be below 500, an error in JSON, and
 * free of stack frames, exception names and source paths; afterwards the process still answers
 * /health. The seed is printed: `FUZZ_SEED=<seed>` replays a run, `FUZZ_ROUTE='POST /api/services'`
 * narrows it to one route, `FUZZ_REQUESTS` sets the size (default 3000 requests), `FUZZ_REPORT=<file>`
 * writes every failure (not only the first 15) as JSON.
 */

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const TARGET_REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 3000);
const ONLY_ROUTE = process.env.FUZZ_ROUTE;
const MAX_HEADER_BYTES = 16_384;
const ADMIN = { email: 'fuzz.admin@example.com', password: 'fuzz-admin-password-1' };

/** The same seed for the same route and caller whatever else the table holds (FNV-1a over the name). */
function seedFor(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return (h ^ SEED) | 0;
}

/** The route table of the application as the composition root builds it (in-memory stores: only the routers are read). */
async function routeTable(): Promise<RegisteredRoute[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'isp-fuzz-table-'));
  const app = await createApp(loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, JWT_SECRET: 'f'.repeat(40), PORT: '0' }), {
    eventStore: createMemoryEventStore(),
    readStore: createMemoryReadStore(),
    skipBootstrap: true,
  });
  try {
    return registeredRoutes(app.http);
  } finally {
    await app.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

interface Failure {
  route: string;
  identity: string;
  problem: string;
  request: string;
  replay: string;
}

describe('fuzz: every route of the route table, as every role and none, on the real server', () => {
  let server: ServerProcess;
  let dataDir: string;
  let client: FuzzHttpClient;
  let routes: RegisteredRoute[];
  let identities: Identity[];
  let records: string[];
  let vocabulary: ReturnType<typeof vocabularyOf>;

  beforeAll(async () => {
    console.log(`fuzz seed ${SEED} (replay: FUZZ_SEED=${SEED} npx jest test/e2e/fuzz.e2e.test.ts)`);
    routes = (await routeTable()).filter((r) => !ONLY_ROUTE || `${r.method} ${r.path}` === ONLY_ROUTE);
    dataDir = mkdtempSync(join(tmpdir(), 'isp-fuzz-'));
    server = await startServer({
      DATA_DIR: dataDir,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      // The suite logs in through the API; a limit would only turn its own later logins into 429s.
      LOGIN_RATE_LIMIT_PER_EMAIL: '0',
      LOGIN_RATE_LIMIT_PER_IP: '0',
      JOBS_ENABLED: 'false',
      UPLOAD_MAX_BYTES: String(FUZZ_UPLOAD_MAX_BYTES),
      HTTP_MAX_HEADER_BYTES: String(MAX_HEADER_BYTES),
    });
    await waitUntilHealthy(server.url);
    client = new FuzzHttpClient(server.url);
    identities = await createIdentities(server.url, ADMIN, ROLES, join(dataDir, 'outbox'));
    records = await createRecords(server.url, identities[0]!.authorization()!.slice('Bearer '.length));
    vocabulary = vocabularyOf((await (await fetch(`${server.url}/openapi.json`)).json()) as Record<string, any>);
  }, 60_000);

  afterAll(async () => {
    client?.close();
    await server?.stop('SIGKILL');
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves every route of the table (none falls through to "no route")', async () => {
    expect(routes.length).toBeGreaterThan(0);
    const unserved: string[] = [];
    for (const route of routes) {
      const target = route.path.replace(/\{\w+\}/g, 'x1');
      const res = await client.send({ method: route.method, target, headers: { authorization: identities[0]!.authorization()! } });
      if (res.kind === 'answer' && res.status === 404 && res.body.toString().includes('No route for')) unserved.push(`${route.method} ${route.path}`);
    }
    expect(unserved).toEqual([]);
  });

  it('answers every fuzzed request below 500, in JSON, without internals, and keeps running', async () => {
    const started = Date.now();
    // At least one request per route and caller; about FUZZ_REQUESTS in all (more when the table outgrows it).
    const runs = Math.max(1, Math.ceil(TARGET_REQUESTS / Math.max(1, routes.length * identities.length)));
    let requests = 0;
    const statuses = new Map<string, number>();
    const failures: Failure[] = [];
    for (const route of routes) {
      const vocab: FuzzVocabulary = {
        fixtureIds: records,
        fieldNames: vocabulary.fieldNames,
        enumValues: vocabulary.enumValues,
        queryNames: vocabulary.queryNames(route.method, route.path),
      };
      for (const identity of identities) {
        const name = `${route.method} ${route.path} as ${identity.name}`;
        const property = fc.asyncProperty(requestPlan(route, vocab), async (plan: RequestPlan) => {
          const wire = toWire(plan, identity.authorization());
          const res = await client.send(wire);
          requests++;
          const status = res.kind === 'answer' ? String(res.status) : 'reset';
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          // The suite logged this caller out itself: sign in again so the rest still gets past authentication.
          if (res.kind === 'answer' && res.status < 300 && /logout/.test(plan.path)) await identity.refresh();
          const problem = verdict(wire, res, MAX_HEADER_BYTES);
          if (problem) throw new Error(problem);
        });
        const details = await fc.check(property, { seed: seedFor(name), numRuns: runs, endOnFailure: true });
        if (details.failed) {
          const plan = details.counterexample?.[0] as RequestPlan | undefined;
          failures.push({
            route: `${route.method} ${route.path}`,
            identity: identity.name,
            problem: details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance),
            request: plan ? describePlan(plan) : '(no counterexample)',
            replay: `FUZZ_SEED=${SEED} FUZZ_ROUTE='${route.method} ${route.path}' npx jest test/e2e/fuzz.e2e.test.ts`,
          });
        }
      }
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `fuzz seed ${SEED}: ${routes.length} routes x ${identities.length} callers (${identities.map((i) => i.name).join(', ')}), ` +
        `${requests} requests in ${seconds} s, ${records.length} fixture ids, ${vocabulary.fieldNames.length} field names; ` +
        `answers ${[...statuses].sort().map(([k, v]) => `${k}: ${v}`).join(', ')}; ` +
        `${failures.length} failing route/caller pairs. Replay: FUZZ_SEED=${SEED} npx jest test/e2e/fuzz.e2e.test.ts`,
    );
    if (process.env.FUZZ_REPORT) require('node:fs').writeFileSync(process.env.FUZZ_REPORT, JSON.stringify(failures, null, 2));
    expect(failures.slice(0, 15)).toEqual([]);
    expect(requests).toBeGreaterThanOrEqual(routes.length * identities.length);

    // The process is still there and healthy, and logged no unhandled error on the way.
    expect(server.proc.exitCode).toBeNull();
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    expect(server.logs.filter((l) => l.msg === 'unhandled error' || l.msg === 'unhandled rejection')).toEqual([]);
    expect(server.stderr()).not.toMatch(/Error|Unhandled|\n\s+at /);
  }, 120_000);
});
