import { startTestApp, type TestApp, type TestUser } from '../../../test/support/test-app';
import { portalCustomer, portalLogin, type PortalCustomer } from '../../../test/support/portal';
import { registeredRoutes } from '../openapi/routes';

/**
 * A path parameter that is not valid percent-encoding (Express's router would throw a URIError
 * when it decodes it) is answered by the route that owns the method and path, in its document's
 * format, as a value that names nothing (404; 400 where a route refuses it as malformed), on
 * every route of the application's own route table, never 500. Issue 11.
 */

const MALFORMED = ['%ED%A0%80', '%00%ff', '%E0%A4%A', '%', '%zz', '%C0%AF%'];

/**
 * The owning document's error format, learnt from the route itself: the same method and path
 * without a token is refused (401) by that document's own error handler, so the 400 must have
 * the same shape (its top-level fields, and those of a nested error object; a per-field `errors`
 * list aside). No table of documents to keep: a document mounted tomorrow is checked the same way.
 */
function shape(body: unknown): string[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return [typeof body];
  return Object.entries(body as Record<string, unknown>)
    .filter(([key]) => key !== 'errors')
    .flatMap(([key, value]) =>
      value !== null && typeof value === 'object' && !Array.isArray(value) && key !== 'details' && key !== 'data'
        ? [key, ...Object.keys(value).map((k) => `${key}.${k}`)]
        : [key],
    )
    .sort();
}

describe('path parameters that cannot be decoded', () => {
  let t: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.user('super_admin');
  });
  afterAll(() => t.stop());

  /**
   * As the admin. This test sends several hundred requests as one user: when a document's own
   * rate limit refuses one (429), the manual clock moves past its window and the request is sent
   * again, with a fresh token once the old one has expired on that clock.
   */
  // Document 004's customer portal takes only portal tokens: its routes are sent as a portal customer.
  let customer: PortalCustomer | null = null;
  let portalToken = '';
  const signInPortal = async () => {
    customer ??= await portalCustomer(t, admin);
    portalToken = (await portalLogin(t, customer.portalId, customer.password)).body.data.access_token as string;
  };
  const send = async (method: 'get' | 'post' | 'put' | 'patch' | 'delete', path: string) => {
    const portal = path.startsWith('/api/portal/v1/');
    if (portal && !portalToken) await signInPortal();
    for (let attempt = 0; ; attempt++) {
      const res = await t.http[method](path).set('Authorization', `Bearer ${portal ? portalToken : admin.token}`).send({});
      if (res.status === 401 && attempt < 3) {
        admin = { ...admin, token: (await t.login(admin.email, admin.password)).body.token as string };
        if (portal) await signInPortal();
        continue;
      }
      if (res.status !== 429 || attempt >= 3) return res;
      t.clock.advance(61 * 60 * 1000);
    }
  };

  it('answer 404 (or 400) in the owning document\'s error format on every route with a path parameter', async () => {
    const routes = registeredRoutes(t.app.http).filter((r) => /\{\w+\}/.test(r.path));
    expect(routes.length).toBeGreaterThan(20);
    const seen: string[] = [];
    let checkedFormats = 0;
    for (const route of routes) {
      const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      for (const target of params) {
        for (const bad of MALFORMED) {
          const path = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => (name === target ? bad : 'x1'));
          const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
          const res = await send(method, path);
          seen.push(`${route.method} ${path} ${res.status}`);
          if (![400, 404].includes(res.status)) throw new Error(`${route.method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
          expect(res.headers['content-type']).toMatch(/^application\/json/);
          expect(JSON.stringify(res.body)).not.toMatch(/URIError|decodeURIComponent|at \w|\/src\//);
          const refused = await t.http[method](route.path.replace(/\{(\w+)\}/g, 'x1')).send({});
          if (refused.status === 401) {
            if (shape(res.body).join() !== shape(refused.body).join()) {
              throw new Error(`${route.method} ${path}: ${res.status} ${JSON.stringify(res.body)} is not in the format of its 401 ${JSON.stringify(refused.body)}`);
            }
            checkedFormats++;
          }
        }
      }
    }
    expect(seen.length).toBeGreaterThanOrEqual(routes.length * MALFORMED.length);
    // All but the few public routes (signed file links, ...) were checked against their document's format.
    expect(checkedFormats).toBeGreaterThan(seen.length * 0.8);
  });

  it('answer 401 before anything else to a caller without a token', async () => {
    const res = await t.http.get('/api/customers/%ED%A0%80');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHORIZED');
  });

  it('still decode a valid percent-encoded parameter', async () => {
    const res = await t.http.get('/api/customers/%61%62%63').set('Authorization', `Bearer ${admin.token}`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('RESOURCE_NOT_FOUND');
  });
});
