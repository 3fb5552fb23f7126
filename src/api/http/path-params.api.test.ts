import { startTestApp, type TestApp, type TestUser } from '../../../test/support/test-app';
import { registeredRoutes } from '../openapi/routes';

/**
 * A path parameter that is not valid percent-encoding (Express's router throws a URIError when
 * it decodes it) answers 400 in the format of the document that owns the route, on every route
 * of the application's own route table, not a 500. Issue 11.
 */

const MALFORMED = ['%ED%A0%80', '%00%ff', '%E0%A4%A', '%', '%zz', '%C0%AF%'];

/** How each document served today writes an error; routes of documents still to come get the generic checks. */
type Format = (body: Record<string, any>) => void;
const tms: Format = (b) => {
  expect(b.success).toBe(false);
  expect(b.error).toEqual({ code: 'BAD_REQUEST', message: expect.any(String), details: {} });
};
const serviceRequests: Format = (b) => {
  expect(Object.keys(b)).toEqual(['message']);
  expect(typeof b.message).toBe('string');
};
const sharedAuth: Format = (b) => {
  expect(b.success).toBe(false);
  expect(typeof b.message).toBe('string');
  expect(b.error.code).toBe('BAD_REQUEST');
};
const FORMATS: Array<[prefix: string, format: Format]> = [
  ['/api/services', serviceRequests],
  ['/api/auth', sharedAuth],
  ...['users', 'customers', 'tickets', 'technicians', 'notifications', 'mobile', 'reports'].map(
    (area): [string, Format] => [`/api/${area}`, tms],
  ),
  ['/ops', tms],
  ['/files', sharedAuth],
];
const formatOf = (path: string) => FORMATS.find(([prefix]) => path === prefix || path.startsWith(`${prefix}/`))?.[1];

describe('path parameters that cannot be decoded', () => {
  let t: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.user('super_admin');
  });
  afterAll(() => t.stop());

  it('answer 400 in the owning document\'s error format on every route with a path parameter', async () => {
    const routes = registeredRoutes(t.app.http).filter((r) => /\{\w+\}/.test(r.path));
    expect(routes.length).toBeGreaterThan(20);
    const seen: string[] = [];
    for (const route of routes) {
      const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      for (const target of params) {
        for (const bad of MALFORMED) {
          const path = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => (name === target ? bad : 'x1'));
          const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
          const res = await t.http[method](path).set('Authorization', `Bearer ${admin.token}`).send({});
          seen.push(`${route.method} ${path} ${res.status}`);
          expect({ route: `${route.method} ${path}`, status: res.status }).toEqual({ route: `${route.method} ${path}`, status: 400 });
          expect(res.headers['content-type']).toMatch(/^application\/json/);
          expect(JSON.stringify(res.body)).not.toMatch(/URIError|decodeURIComponent|at \w|\/src\//);
          formatOf(route.path)?.(res.body);
        }
      }
    }
    expect(seen.length).toBeGreaterThanOrEqual(routes.length * MALFORMED.length);
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
