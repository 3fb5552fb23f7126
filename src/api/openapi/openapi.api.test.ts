import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHttpApp } from '../http-app';
import { auth, startTestApp, customerWithLogin, type TestApp, type TestUser } from '../../../test/support/test-app';
import request from 'supertest';
import { RouterOsStandIn } from '../../../test/support/routeros-standin';
import { provisionablePelanggan } from '../../../test/support/mikrotik';
import { registeredRoutes, toOpenApiPath } from './routes';
import express, { Router } from 'express';
import { declareRoutes, route } from '../http/route';
import { buildOpenApiDocument } from './document';
import { device, employee, inventoryWorld } from '../../../test/support/inventory';
import { portalCustomer } from '../../../test/support/portal';
import { createInvoice as createBillingInvoice } from '../../../test/support/billing';
import { adminCustomer, recordPayment } from '../../../test/support/dotmac-admin';
import { HTTP_METHODS, type OpenApiDocument, type OperationObject, type ParameterObject, type ResponseObject, type SchemaObject } from './types';

/**
 * Keeps the OpenAPI document honest: every route the Express app registers is documented and
 * every documented operation is registered (the routes are read from the app's own routers);
 * the document is structurally valid OpenAPI 3.1; real answers of a walk through the API match
 * the documented response schemas; and /docs serves Swagger UI from this server.
 */

type Json = unknown;
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);

/** Resolves a local JSON pointer (#/components/schemas/X) in the document. */
function resolvePointer(doc: Json, pointer: string): Json {
  if (!pointer.startsWith('#/')) return undefined;
  let node: Json = doc;
  for (const raw of pointer.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in (node as Record<string, Json>))) return undefined;
    node = (node as Record<string, Json>)[key];
  }
  return node;
}

/** Every `$ref` in the document, with where it sits. */
function refsIn(node: Json, at: string, out: Array<{ at: string; ref: string }>): void {
  if (Array.isArray(node)) node.forEach((n, i) => refsIn(n, `${at}/${i}`, out));
  else if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push({ at, ref: v });
      else refsIn(v, `${at}/${k}`, out);
    }
  }
}

function operations(doc: OpenApiDocument): Array<{ method: string; path: string; op: OperationObject }> {
  const out: Array<{ method: string; path: string; op: OperationObject }> = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (op) out.push({ method: method.toUpperCase(), path, op });
    }
  }
  return out;
}

const deref = <T,>(doc: OpenApiDocument, node: T | { $ref: string }): T =>
  node && typeof node === 'object' && '$ref' in node ? (resolvePointer(doc, node.$ref) as T) : (node as T);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A strict reading of the JSON Schema keywords the document uses: type, const, enum,
 * properties/required (a property the schema does not name is reported: the document must list
 * what the presenters write), additionalProperties, items, anyOf/oneOf/allOf, $ref, formats
 * uuid, date-time and date.
 */
function check(doc: OpenApiDocument, schema: SchemaObject, value: Json, at: string, problems: string[]): void {
  if (typeof schema.$ref === 'string') return check(doc, resolvePointer(doc, schema.$ref) as SchemaObject, value, at, problems);
  const fits = (s: SchemaObject) => {
    const p: string[] = [];
    check(doc, s, value, at, p);
    return p;
  };
  if (Array.isArray(schema.anyOf) || Array.isArray(schema.oneOf)) {
    const options = ((schema.anyOf ?? schema.oneOf) as SchemaObject[]).map(fits);
    const matching = options.filter((p) => p.length === 0).length;
    if (matching === 0) problems.push(`${at}: matches none of the alternatives (${options.map((p) => p[0]).join(' | ')})`);
    if (Array.isArray(schema.oneOf) && matching > 1) problems.push(`${at}: matches ${matching} oneOf alternatives`);
  }
  if (Array.isArray(schema.allOf)) for (const s of schema.allOf as SchemaObject[]) check(doc, s, value, at, problems);
  if ('const' in schema && value !== schema.const) problems.push(`${at}: ${JSON.stringify(value)} is not ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) problems.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    const actual =
      value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'number' ? (Number.isInteger(value) ? 'integer' : 'number') : typeof value;
    const ok = types.includes(actual) || (actual === 'integer' && types.includes('number'));
    if (!ok) {
      problems.push(`${at}: ${actual} where ${types.join(' or ')} is documented`);
      return;
    }
  }
  if (typeof value === 'string') {
    if (schema.format === 'uuid' && !UUID.test(value)) problems.push(`${at}: ${value} is not a uuid`);
    if (schema.format === 'date-time' && (!/T/.test(value) || Number.isNaN(Date.parse(value)))) problems.push(`${at}: ${value} is not a date-time`);
    if (schema.format === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(value)) problems.push(`${at}: ${value} is not a date`);
  }
  if (Array.isArray(value) && schema.items) value.forEach((v, i) => check(doc, schema.items as SchemaObject, v, `${at}[${i}]`, problems));
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const object = value as Record<string, Json>;
    const properties = (schema.properties ?? {}) as Record<string, SchemaObject>;
    for (const name of (schema.required ?? []) as string[]) if (!(name in object)) problems.push(`${at}.${name}: documented as required, missing`);
    for (const [name, v] of Object.entries(object)) {
      if (properties[name]) check(doc, properties[name], v, `${at}.${name}`, problems);
      else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        check(doc, schema.additionalProperties as SchemaObject, v, `${at}.${name}`, problems);
      } else if (schema.properties || schema.additionalProperties === false) problems.push(`${at}.${name}: not documented`);
    }
  }
}

describe('OpenAPI document', () => {
  let t: TestApp;
  let doc: OpenApiDocument;

  beforeAll(async () => {
    t = await startTestApp();
    const res = await t.http.get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    doc = res.body as OpenApiDocument;
  });
  afterAll(async () => {
    await t.stop();
  });

  describe('coverage: the document and the Express routes are the same set', () => {
    it('finds the routes of nested routers with their full mount paths', () => {
      const routes = registeredRoutes(t.app.http).map((r) => `${r.method} ${r.path}`);
      // Mounted at /api → /technicians → /:id/tickets; at / → /files/:id; at /api/services → /.
      expect(routes).toEqual(
        expect.arrayContaining([
          'GET /api/technicians/{id}/tickets',
          'GET /files/{id}',
          'GET /api/services',
          'POST /api/auth/login',
          'GET /health',
          'GET /openapi.json',
          'GET /docs',
        ]),
      );
      expect(new Set(routes).size).toBeGreaterThanOrEqual(50);
    });

    // Document 000 is also served under /v1/api (its base URL ends in /v1): src/api/http-app.ts
    // mounts the same router instances a second time, and every route is declared on its router,
    // so the alias is documented too (operationIds with a _v1_api suffix). The two sets are
    // compared whole; the alias is checked to add nothing of its own, and
    // src/api/v1-alias.api.test.ts proves it answers as /api does.
    const ALIAS = '/v1/api/';
    const outsideAlias = (route: string) => !route.split(' ')[1]!.startsWith(ALIAS);

    it('documents every registered method and path, and registers every documented one', () => {
      const registered = new Set(registeredRoutes(t.app.http).map((r) => `${r.method} ${r.path}`));
      const documented = new Set(operations(doc).map((o) => `${o.method} ${o.path}`));
      expect([...registered].filter((r) => !documented.has(r)).sort()).toEqual([]);
      expect([...documented].filter((d) => !registered.has(d)).sort()).toEqual([]);
    });

    it('serves under /v1/api exactly the routes of /api that belong to document 000, nothing else', () => {
      const registered = registeredRoutes(t.app.http).map((r) => `${r.method} ${r.path}`);
      const alias = registered.filter((r) => !outsideAlias(r));
      expect(alias.length).toBeGreaterThan(40);
      const primary = new Set(registered);
      expect(alias.filter((r) => !primary.has(r.replace(ALIAS, '/api/')))).toEqual([]);
      // Every route of 000 (and the login it shares with 001) has its alias; no other document's does.
      for (const r of ['GET /api/tickets', 'POST /api/auth/login', 'GET /api/inventory/items', 'PUT /api/notifications/{id}/read']) expect(alias).toContain(r.replace('/api/', ALIAS));
      expect(alias.some((r) => /\/v1\/api\/(services|v1|mikrotik_servers)/.test(r))).toBe(false);
      const documentedAlias = operations(doc).filter((o) => o.path.startsWith(ALIAS));
      for (const o of documentedAlias) expect(o.op.operationId).toMatch(/_v1_api/);
    });

    it('gives every operation a success answer with a schema (or a 204 without a body)', () => {
      const missing: string[] = [];
      for (const { method, path, op } of operations(doc)) {
        const successes = Object.entries(op.responses).filter(([status]) => /^2\d\d$/.test(status));
        const described = successes.some(([status, r]) => status === '204' || Object.keys(deref<ResponseObject>(doc, r).content ?? {}).length > 0);
        if (!described) missing.push(`${method} ${path}`);
      }
      expect(missing).toEqual([]);
    });

    it('refuses to build the document when a declared route has no success schema', () => {
      const declare = (success: Parameters<typeof route>[0]['doc']['success'], extra = {}) => {
        const app = express();
        app.use(
          '/x',
          declareRoutes(Router(), [
            route({
              method: 'get',
              path: '/',
              doc: { tag: 'T', operationId: 'x', summary: 'x', auth: false, errors: 'tms', envelope: 'tms', success, ...extra },
              handle: (_req, res) => void res.json({}),
            }),
          ]),
        );
        return () => buildOpenApiDocument({ app });
      };
      expect(declare([{ status: 200, description: 'Something.' }])).toThrow('GET /x: success 200 is declared without a success schema');
      expect(declare([])).toThrow('GET /x: declared without a success schema (nor a 204 answer)');
      expect(declare([], { extraResponses: { '204': { description: 'Done.' } } })).not.toThrow();
      expect(declare([{ status: 200, description: 'Something.', schema: { type: 'object' } }])).not.toThrow();
    });

    it('translates Express paths to OpenAPI paths', () => {
      expect(toOpenApiPath('//api/tickets//:id/assign')).toBe('/api/tickets/{id}/assign');
      expect(toOpenApiPath('/api/services/')).toBe('/api/services');
      expect(toOpenApiPath('/')).toBe('/');
      expect(() => toOpenApiPath('/files/*rest')).toThrow(/does not translate/);
    });
  });

  describe('structure', () => {
    it('is OpenAPI 3.1 with info, tags and the bearer scheme', () => {
      expect(doc.openapi).toBe('3.1.0');
      expect(typeof doc.info.title).toBe('string');
      expect(typeof doc.info.version).toBe('string');
      expect(doc.components.securitySchemes.bearerAuth).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
      const tagNames = doc.tags.map((tag) => tag.name);
      expect(new Set(tagNames).size).toBe(tagNames.length);
      for (const { op } of operations(doc)) for (const tag of op.tags) expect(tagNames).toContain(tag);
    });

    it('resolves every $ref', () => {
      const refs: Array<{ at: string; ref: string }> = [];
      refsIn(doc, '#', refs);
      expect(refs.length).toBeGreaterThan(100);
      expect(refs.filter((r) => resolvePointer(doc, r.ref) === undefined)).toEqual([]);
    });

    it('gives every operation a unique id, responses with descriptions, a success, and known security', () => {
      const ids = new Set<string>();
      for (const { method, path, op } of operations(doc)) {
        const where = `${method} ${path}`;
        expect([where, typeof op.operationId]).toEqual([where, 'string']);
        expect([where, ids.has(op.operationId)]).toEqual([where, false]);
        ids.add(op.operationId);
        const statuses = Object.keys(op.responses);
        expect([where, statuses.some((s) => /^2\d\d$/.test(s))]).toEqual([where, true]);
        for (const s of statuses) {
          expect([where, s, /^[1-5]\d\d$|^default$/.test(s)]).toEqual([where, s, true]);
          const response = deref<ResponseObject>(doc, op.responses[s]!);
          expect([where, s, typeof response?.description]).toEqual([where, s, 'string']);
        }
        for (const requirement of op.security) for (const scheme of Object.keys(requirement)) expect(doc.components.securitySchemes[scheme]).toBeDefined();
      }
    });

    it('declares every path parameter, and only those, as required path parameters', () => {
      for (const { method, path, op } of operations(doc)) {
        const params = (op.parameters ?? []).map((p) => deref<ParameterObject>(doc, p));
        const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!).sort();
        const declared = params.filter((p) => p.in === 'path');
        expect([method, path, declared.map((p) => p.name).sort()]).toEqual([method, path, inPath]);
        for (const p of declared) expect([method, path, p.name, p.required]).toEqual([method, path, p.name, true]);
        const keys = params.map((p) => `${p.in}:${p.name}`);
        expect([method, path, new Set(keys).size]).toEqual([method, path, keys.length]);
        for (const p of params) expect([method, path, p.name, typeof p.schema]).toEqual([method, path, p.name, 'object']);
      }
    });

    it('marks the concurrency and idempotency headers where the routers honour them', () => {
      const headerParams = (method: string, path: string) =>
        (doc.paths[path]![method as 'get']!.parameters ?? []).map((p) => deref<ParameterObject>(doc, p)).filter((p) => p.in === 'header').map((p) => p.name);
      expect(headerParams('post', '/api/tickets')).toEqual(['Idempotency-Key']);
      expect(headerParams('post', '/api/services')).toEqual(['Idempotency-Key']);
      expect(headerParams('post', '/api/mobile/upload')).toEqual(['Idempotency-Key']);
      expect(headerParams('put', '/api/tickets/{id}/status')).toEqual(['If-Match']);
      expect(headerParams('post', '/api/services/{id}/approve')).toEqual(['If-Match']);
      expect(headerParams('put', '/api/customers/{id}')).toEqual(['If-Match']);
      const get = deref<ResponseObject>(doc, doc.paths['/api/tickets/{id}']!.get!.responses['200']!);
      expect(Object.keys(get.headers ?? {})).toEqual(['ETag', 'X-Event-Stream']);
      expect(doc.paths['/api/tickets/{id}/status']!.put!.responses['412']).toBeDefined();
    });

    it('takes request schemas from the routers’ zod schemas, multipart where files are uploaded', () => {
      const create = doc.paths['/api/tickets']!.post!.requestBody!.content['application/json']!.schema;
      expect(create.required).toEqual(['customer_id', 'type', 'priority', 'title', 'description', 'location']);
      expect((create.properties as Record<string, SchemaObject>).priority!.enum).toEqual(['low', 'normal', 'high', 'critical', 'emergency']);
      const upload = doc.paths['/api/mobile/upload']!.post!.requestBody!.content;
      expect(Object.keys(upload)).toEqual(['multipart/form-data']);
      expect(upload['multipart/form-data']!.schema.required).toEqual(['type', 'file']);
      const service = doc.paths['/api/services']!.post!.requestBody!.content;
      expect(Object.keys(service).sort()).toEqual(['application/json', 'multipart/form-data']);
      expect((service['multipart/form-data']!.schema.properties as Record<string, SchemaObject>).photo).toEqual(expect.objectContaining({ format: 'binary' }));
      const list = doc.paths['/api/tickets']!.get!.parameters!.map((p) => deref<ParameterObject>(doc, p));
      expect(list.find((p) => p.name === 'limit')).toEqual(expect.objectContaining({ in: 'query', required: false, schema: expect.objectContaining({ default: 20, maximum: 100 }) }));
    });

    it('describes document 000’s socket.io events, the ones the gateway emits', () => {
      const source = readFileSync(join(__dirname, '..', 'realtime', 'socket-gateway.ts'), 'utf8');
      const emitted = [...new Set([...source.matchAll(/'((?:ticket|technician|notification):[a-z_]+)'/g)].map((m) => m[1]!))].sort();
      expect(emitted.length).toBe(6);
      expect(doc['x-socket-io'].events.map((e) => e.name).sort()).toEqual(emitted);
      for (const e of doc['x-socket-io'].events) expect(doc.info.description).toContain(`\`${e.name}\``);
    });
  });

  describe('request schemas come from the schemas the routers validate with', () => {
    it.each(['/api/auth/login', '/api/auth/refresh', '/api/auth/forgot-password', '/api/auth/reset-password'])(
      '%s refuses an empty body naming exactly the fields its documented body requires',
      async (path) => {
        const res = await t.http.post(path).send({});
        expect(res.status).toBe(422);
        const schema = doc.paths[path]!.post!.requestBody!.content['application/json']!.schema;
        const required = ((schema.required ?? []) as string[]).sort();
        expect(required.length).toBeGreaterThan(0);
        expect(Object.keys(res.body.errors).sort()).toEqual(required);
      },
    );
  });

  describe('real answers match the documented schemas', () => {
    let admin: TestUser;
    let manager: TestUser;
    let tech: TestUser;
    let customerId: string;
    let ticketId: string;

    /** Checks a response against the documented schema of its operation and status. */
    const conforms = (method: string, path: string, res: request.Response) => {
      const op = doc.paths[path]?.[method as 'get'];
      if (!op) return [`${method} ${path} is not documented`];
      const documented = op.responses[String(res.status)];
      if (!documented) return [`${method} ${path} answered ${res.status}, which is not documented`];
      const schema = deref<ResponseObject>(doc, documented).content?.['application/json']?.schema;
      if (!schema) return [`${method} ${path} ${res.status} documents no JSON body`];
      const found: string[] = [];
      check(doc, schema, res.body, `${method} ${path} ${res.status} body`, found);
      return found;
    };
    const expectConforms = (method: string, path: string, res: request.Response) => {
      expect(conforms(method, path, res)).toEqual([]);
    };

    beforeAll(async () => {
      admin = await t.user('super_admin', { full_name: 'Ana Admin' });
      manager = await t.user('manager', { full_name: 'Mia Manager' });
      tech = await t.user('technician', { full_name: 'Tono Teknisi' });
      customerId = (await customerWithLogin(t, manager)).customerId;
    });

    it('auth', async () => {
      expectConforms('post', '/api/auth/login', await t.login(admin.email, admin.password));
      expectConforms('post', '/api/auth/login', await t.login(admin.email, 'wrong password'));
      expectConforms('post', '/api/auth/refresh', await t.http.post('/api/auth/refresh').send({ refresh_token: admin.refreshToken }));
      expectConforms('post', '/api/auth/forgot-password', await t.http.post('/api/auth/forgot-password').send({ email: 'nobody@example.com' }));
    });

    it('users and customers', async () => {
      expectConforms('get', '/api/users', await t.http.get('/api/users').set(auth(manager)));
      const created = await t.http
        .post('/api/users')
        .set(auth(admin))
        .send({ email: 'new.user@example.com', password: 'a-long-password', role: 'supervisor', profile: { full_name: 'Sari Supervisor', phone: '0812 3456 7890' } });
      expect(created.status).toBe(201);
      expectConforms('post', '/api/users', created);
      expectConforms('get', '/api/users/{id}', await t.http.get(`/api/users/${tech.userId}`).set(auth(manager)));
      expectConforms('get', '/api/users', await t.http.get('/api/users').set(auth(tech)));
      expectConforms('get', '/api/users', await t.http.get('/api/users?limit=1000').set(auth(manager)));
      expectConforms('get', '/api/users', await t.http.get('/api/users'));
      expectConforms('get', '/api/customers', await t.http.get('/api/customers').set(auth(manager)));
      expectConforms('get', '/api/customers/{id}', await t.http.get(`/api/customers/${customerId}`).set(auth(manager)));
    });

    it('tickets, technicians, notifications and mobile', async () => {
      const created = await t.http
        .post('/api/tickets')
        .set(auth(manager))
        .send({ customer_id: customerId, type: 'repair', priority: 'high', title: 'No signal', description: 'ONT red light', location: { lat: -6.2, lng: 106.8 } });
      expect(created.status).toBe(201);
      expectConforms('post', '/api/tickets', created);
      ticketId = created.body.data.ticket.id;
      expectConforms('post', '/api/tickets/{id}/assign', await t.http.post(`/api/tickets/${ticketId}/assign`).set(auth(manager)).send({ technician_id: tech.userId }));
      expectConforms('post', '/api/tickets/{id}/comments', await t.http.post(`/api/tickets/${ticketId}/comments`).set(auth(tech)).send({ comment: 'On my way' }));
      expectConforms('put', '/api/tickets/{id}/status', await t.http.put(`/api/tickets/${ticketId}/status`).set(auth(tech)).send({ status: 'in_progress' }));
      expectConforms('put', '/api/tickets/{id}/status', await t.http.put(`/api/tickets/${ticketId}/status`).set(auth(tech)).send({ status: 'new' }));
      expectConforms('get', '/api/tickets/{id}', await t.http.get(`/api/tickets/${ticketId}`).set(auth(manager)));
      expectConforms('get', '/api/tickets', await t.http.get('/api/tickets').set(auth(manager)));
      expectConforms('get', '/api/customers/{id}/tickets', await t.http.get(`/api/customers/${customerId}/tickets`).set(auth(manager)));
      expectConforms('get', '/api/technicians/{id}/tickets', await t.http.get(`/api/technicians/${tech.userId}/tickets`).set(auth(tech)));
      expectConforms('put', '/api/technicians/{id}/location', await t.http.put(`/api/technicians/${tech.userId}/location`).set(auth(tech)).send({ lat: -6.2, lng: 106.8 }));
      expectConforms('put', '/api/technicians/{id}/availability', await t.http.put(`/api/technicians/${tech.userId}/availability`).set(auth(tech)).send({ is_available: false, reason: 'Lunch' }));
      expectConforms('get', '/api/technicians', await t.http.get('/api/technicians').set(auth(manager)));
      expectConforms('get', '/api/technicians/{id}/performance', await t.http.get(`/api/technicians/${tech.userId}/performance`).set(auth(manager)));
      expectConforms('get', '/api/notifications', await t.http.get('/api/notifications').set(auth(tech)));
      expectConforms('put', '/api/notifications/mark-all-read', await t.http.put('/api/notifications/mark-all-read').set(auth(tech)));
      const sync = await t.http.post('/api/mobile/sync').set(auth(tech)).send({ device_info: { platform: 'android', version: '1.0', device_id: 'd1' } });
      expect(sync.body.data.tickets).toHaveLength(1);
      expectConforms('post', '/api/mobile/sync', sync);
      const upload = await t.http.post('/api/mobile/upload').set(auth(tech)).field('type', 'photo').field('ticket_id', ticketId).attach('file', PNG, 'after.png');
      expect(upload.status).toBe(201);
      expectConforms('post', '/api/mobile/upload', upload);
    });

    it('reports', async () => {
      expectConforms('get', '/api/reports/dashboard', await t.http.get('/api/reports/dashboard').set(auth(manager)));
      expectConforms('get', '/api/reports/tickets', await t.http.get('/api/reports/tickets').set(auth(manager)));
      expectConforms('get', '/api/reports/performance', await t.http.get('/api/reports/performance').set(auth(tech)));
      expectConforms('get', '/api/reports/inventory', await t.http.get('/api/reports/inventory').set(auth(manager)));
      expectConforms('get', '/api/reports/inventory', await t.http.get('/api/reports/inventory').set(auth(tech)));
    });

    it('service requests (document 001)', async () => {
      const created = await t.http
        .post('/api/services')
        .set(auth(tech))
        .field('device', 'Laptop')
        .field('brand', 'Lenovo')
        .field('sn', 'SN123')
        .field('service_type', 'Hardware')
        .field('description', 'Keyboard rusak')
        .attach('photo', PNG, 'keyboard.png');
      expect(created.status).toBe(201);
      expectConforms('post', '/api/services', created);
      const id = created.body.data.id as number;
      expectConforms('post', '/api/services/{id}/approve', await t.http.post(`/api/services/${id}/approve`).set(auth(manager)).send({ note: 'ok' }));
      expectConforms('post', '/api/services/{id}/approve', await t.http.post(`/api/services/${id}/approve`).set(auth(manager)).send({}));
      expectConforms('get', '/api/services/{id}', await t.http.get(`/api/services/${id}`).set(auth(tech)));
      expectConforms('get', '/api/services/{id}/timeline', await t.http.get(`/api/services/${id}/timeline`).set(auth(tech)));
      expectConforms('get', '/api/services', await t.http.get('/api/services').set(auth(tech)));
      expectConforms('post', '/api/services', await t.http.post('/api/services').set(auth(tech)).send({}));
      expectConforms('get', '/api/services/{id}', await t.http.get('/api/services/999999').set(auth(tech)));
      expectConforms('get', '/api/services', await t.http.get('/api/services'));
    });

    it('Mikrotik servers (document 002), against a RouterOS stand-in', async () => {
      const router = await RouterOsStandIn.start();
      try {
        const created = await t.http
          .post('/api/mikrotik_servers/')
          .set(auth(admin))
          .send({ name: 'POP OpenAPI', host_ip: router.host, port: router.port, username: router.username, password: router.password });
        expect(created.status).toBe(201);
        expectConforms('post', '/api/mikrotik_servers', created);
        const id = created.body.id as number;
        expectConforms('post', '/api/mikrotik_servers', await t.http.post('/api/mikrotik_servers/').set(auth(admin)).send({ name: '' }));
        expectConforms('post', '/api/mikrotik_servers', await t.http.post('/api/mikrotik_servers/').set(auth(tech)).send({}));
        expectConforms('get', '/api/mikrotik_servers', await t.http.get('/api/mikrotik_servers/').set(auth(tech)));
        expectConforms('get', '/api/mikrotik_servers/{server_id}', await t.http.get(`/api/mikrotik_servers/${id}`).set(auth(tech)));
        expectConforms('get', '/api/mikrotik_servers/{server_id}', await t.http.get('/api/mikrotik_servers/999999').set(auth(tech)));
        expectConforms('post', '/api/mikrotik_servers/{server_id}/test', await t.http.post(`/api/mikrotik_servers/${id}/test`).set(auth(admin)));
        expectConforms('get', '/api/mikrotik_servers/health', await t.http.get('/api/mikrotik_servers/health').set(auth(manager)));
        expectConforms('patch', '/api/mikrotik_servers/{server_id}', await t.http.patch(`/api/mikrotik_servers/${id}`).set(auth(admin)).send({ ros_version: '7.19' }));
        expectConforms('patch', '/api/mikrotik_servers/{server_id}', await t.http.patch(`/api/mikrotik_servers/${id}`).set(auth(admin)).set('If-Match', '"0"').send({ port: 1 }));
        const p = await provisionablePelanggan(t, { serverId: id });
        const syncPath = '/api/mikrotik_servers/{server_id}/sync/{pelanggan_id}';
        expectConforms('post', syncPath, await t.http.post(`/api/mikrotik_servers/${id}/sync/${p.pelangganId}`).set(auth(admin)));
        router.failNext('/ppp/profile/print', { kind: 'trap', message: 'not enough permissions (9)' });
        expectConforms('post', syncPath, await t.http.post(`/api/mikrotik_servers/${id}/sync/${p.pelangganId}`).set(auth(admin)));
        const noPlan = await provisionablePelanggan(t, { serverId: id, subscription: 'none' });
        expectConforms('post', syncPath, await t.http.post(`/api/mikrotik_servers/${id}/sync/${noPlan.pelangganId}`).set(auth(admin)));
        expectConforms('post', syncPath, await t.http.post(`/api/mikrotik_servers/${id}/sync/999999`).set(auth(admin)));
        await router.stop();
        expectConforms('post', '/api/mikrotik_servers/{server_id}/test', await t.http.post(`/api/mikrotik_servers/${id}/test`).set(auth(admin)));
        expectConforms('get', '/api/mikrotik_servers', await t.http.get('/api/mikrotik_servers/'));
      } finally {
        await router.stop();
      }
    });

    it('inventory (document 000 and document 003)', async () => {
      const world = await inventoryWorld(t, admin);
      const d = await device(t, admin, { serial_number: 'OA-1', asset_code: 'OA/1' });
      const holder = await employee(t, admin, { name: 'Openapi Holder', branch_id: world.branches.jakarta, department_id: world.departmentId });
      const v = (method: string, path: string, res: request.Response) => expectConforms(method, `/api/v1/admin${path}`, res);
      const get = (path: string) => t.http.get(`/api/v1/admin${path}`).set(auth(admin));
      v('get', '/devices', await get('/devices?search=dell'));
      v('get', '/devices', await get('/devices?condition=Bagus'));
      v('post', '/devices', await t.http.post('/api/v1/admin/devices').set(auth(admin)).send({ brand: 'HP', brand_name: 'X', serial_number: 'OA-1', asset_code: 'OA/2', bribox_id: '01', condition: 'Baik' }));
      v('put', '/devices/{id}', await t.http.put(`/api/v1/admin/devices/${d.deviceId}`).set(auth(admin)).send({ spec1: 'i7' }));
      const a = await t.http.post('/api/v1/admin/device-assignments').set(auth(admin)).send({ device_id: d.deviceId, user_id: holder.number, assigned_date: '2026-01-15' });
      v('post', '/device-assignments', a);
      v('post', '/device-assignments', await t.http.post('/api/v1/admin/device-assignments').set(auth(admin)).send({ device_id: d.deviceId, user_id: holder.number, assigned_date: '2026-01-15' }));
      v('get', '/devices/{id}', await get(`/devices/${d.deviceId}`));
      v('delete', '/devices/{id}', await t.http.delete(`/api/v1/admin/devices/${d.deviceId}`).set(auth(admin)));
      v('get', '/device-assignments', await get('/device-assignments?activeOnly=true'));
      v('put', '/device-assignments/{id}', await t.http.put(`/api/v1/admin/device-assignments/${a.body.data.assignmentId}`).set(auth(admin)).send({ notes: 'x' }));
      v('post', '/device-assignments/{id}/return', await t.http.post(`/api/v1/admin/device-assignments/${a.body.data.assignmentId}/return`).set(auth(admin)));
      v('post', '/device-assignments/{id}/return', await t.http.post(`/api/v1/admin/device-assignments/${a.body.data.assignmentId}/return`).set(auth(admin)));
      v('get', '/devices/{id}', await get(`/devices/${d.deviceId}`));
      v('get', '/devices/{id}', await get('/devices/999999'));
      v('get', '/users', await get('/users'));
      v('get', '/branches', await get('/branches'));
      v('get', '/categories', await get('/categories'));
      v('get', '/main-branches', await get('/main-branches'));
      v('get', '/departments', await get('/departments'));
      v('get', '/parent-categories', await get('/parent-categories'));
      v('put', '/categories/{briboxId}', await t.http.put('/api/v1/admin/categories/01').set(auth(admin)).send({ description: 'x' }));
      v('put', '/branches/{id}', await t.http.put(`/api/v1/admin/branches/${world.branches.jakarta}`).set(auth(admin)).send({ address: 'Jl. X' }));
      v('get', '/dashboard/kpis', await get('/dashboard/kpis'));
      v('get', '/dashboard/charts', await get('/dashboard/charts'));
      v('get', '/dashboard/kpis', await t.http.get('/api/v1/admin/dashboard/kpis').set(auth(tech)));
      v('get', '/dashboard/kpis', await t.http.get('/api/v1/admin/dashboard/kpis'));

      const item = await t.http.post('/api/inventory/items').set(auth(admin)).send({ name: 'ONT', category: 'ONT', sku: 'OA-ONT', unit_price: 1, stock_quantity: 3, min_stock_level: 1 });
      expectConforms('post', '/api/inventory/items', item);
      expectConforms('post', '/api/inventory/items', await t.http.post('/api/inventory/items').set(auth(admin)).send({ name: 'ONT', category: 'ONT', sku: 'OA-ONT', unit_price: 1, stock_quantity: 3, min_stock_level: 1 }));
      const itemId = item.body.data.item.id;
      expectConforms('get', '/api/inventory/items', await t.http.get('/api/inventory/items?low_stock=false').set(auth(tech)));
      expectConforms('get', '/api/inventory/items/{id}', await t.http.get(`/api/inventory/items/${itemId}`).set(auth(tech)));
      expectConforms('put', '/api/inventory/items/{id}', await t.http.put(`/api/inventory/items/${itemId}`).set(auth(admin)).send({ stock_quantity: 5 }));
      expectConforms('post', '/api/inventory/items/{id}/movements', await t.http.post(`/api/inventory/items/${itemId}/movements`).set(auth(admin)).send({ type: 'received', quantity: 1, reason: 'PO' }));
      const given = await t.http.post('/api/inventory/assignments').set(auth(admin)).send({ item_id: itemId, technician_id: tech.userId, ticket_id: ticketId, quantity: 2 });
      expectConforms('post', '/api/inventory/assignments', given);
      expectConforms('post', '/api/inventory/assignments', await t.http.post('/api/inventory/assignments').set(auth(admin)).send({ item_id: itemId, technician_id: tech.userId, ticket_id: ticketId, quantity: 99 }));
      expectConforms('get', '/api/inventory/assignments', await t.http.get('/api/inventory/assignments').set(auth(tech)));
      expectConforms('put', '/api/inventory/assignments/{id}/return', await t.http.put(`/api/inventory/assignments/${given.body.data.assignment.id}/return`).set(auth(tech)).send({ quantity_returned: 2 }));
      expectConforms('put', '/api/inventory/assignments/{id}/return', await t.http.put(`/api/inventory/assignments/${given.body.data.assignment.id}/return`).set(auth(tech)).send({ quantity_returned: 2 }));
      expectConforms('get', '/api/reports/inventory', await t.http.get('/api/reports/inventory').set(auth(manager)));
      expectConforms('get', '/api/users/{id}', await t.http.get(`/api/users/${holder.userId}`).set(auth(admin)));
      expectConforms('get', '/v1/api/inventory/items', await t.http.get('/v1/api/inventory/items').set(auth(tech)));
    });

    it('FTTH billing (document 002)', async () => {
      const cb = { 'x-callback-token': 'openapi-callback-token' };
      t.app.deps.settings.billing.xenditCallbackToken = 'openapi-callback-token';
      const token = await t.http.post('/api/users/token').type('form').send({ username: manager.email, password: manager.password });
      expectConforms('post', '/api/users/token', token);
      expectConforms('post', '/api/users/token', await t.http.post('/api/users/token').send({ username: manager.email, password: 'wrong' }));
      expectConforms('post', '/api/users/token', await t.http.post('/api/users/token').send({}));
      const refreshed = await t.http.post('/api/users/refresh').send({ refresh_token: token.body.refresh_token });
      expectConforms('post', '/api/users/refresh', refreshed);
      expectConforms('post', '/api/users/logout', await t.http.post('/api/users/logout').send({ refresh_token: refreshed.body.refresh_token }));
      expectConforms('post', '/api/brands', await t.http.post('/api/brands/').set(auth(admin)).send({ id_brand: 'OAPI', nama_brand: 'OpenAPI', payment_gateway: { provider: 'simulated' } }));
      expectConforms('post', '/api/brands', await t.http.post('/api/brands/').set(auth(admin)).send({ id_brand: 'OAPI', nama_brand: 'Again' }));
      expectConforms('get', '/api/brands', await t.http.get('/api/brands/').set(auth(admin)));
      expectConforms('get', '/api/brands/{id_brand}', await t.http.get('/api/brands/OAPI').set(auth(admin)));
      expectConforms('patch', '/api/brands/{id_brand}', await t.http.patch('/api/brands/OAPI').set(auth(admin)).send({ nama_brand: 'Open API' }));
      const paket = await t.http.post('/api/paket_layanan/').set(auth(admin)).send({ id_brand: 'OAPI', nama_paket: 'Paket 20', kecepatan: 20, harga: 150000 });
      expectConforms('post', '/api/paket_layanan', paket);
      expectConforms('get', '/api/paket_layanan', await t.http.get('/api/paket_layanan/').set(auth(admin)));
      expectConforms('get', '/api/paket_layanan/{id}', await t.http.get(`/api/paket_layanan/${paket.body.id}`).set(auth(admin)));
      expectConforms('patch', '/api/paket_layanan/{id}', await t.http.patch(`/api/paket_layanan/${paket.body.id}`).set(auth(admin)).send({ harga: 175000 }));
      const body = { nama: 'Open Api', email: 'open.api@example.com', no_telp: '081212121212', no_ktp: '3171121212121212', alamat: 'Jl. Spesifikasi 3', id_brand: 'OAPI' };
      const p = await t.http.post('/api/pelanggan/').set(auth(admin)).send(body);
      expectConforms('post', '/api/pelanggan', p);
      expectConforms('post', '/api/pelanggan', await t.http.post('/api/pelanggan/').set(auth(admin)).send(body));
      expectConforms('post', '/api/pelanggan', await t.http.post('/api/pelanggan/').set(auth(admin)).send({ ...body, email: 'x' }));
      expectConforms('get', '/api/pelanggan', await t.http.get('/api/pelanggan/').set(auth(admin)));
      expectConforms('get', '/api/pelanggan', await t.http.get('/api/pelanggan/?fields=id,nama').set(auth(admin)));
      const sub = await t.http.post('/api/langganan/').set(auth(admin)).send({ pelanggan_id: p.body.id, paket_layanan_id: paket.body.id, tgl_jatuh_tempo: '2026-01-10' });
      expectConforms('post', '/api/langganan', sub);
      expectConforms('get', '/api/langganan', await t.http.get('/api/langganan/').set(auth(admin)));
      expectConforms('get', '/api/langganan/{id}', await t.http.get(`/api/langganan/${sub.body.id}`).set(auth(admin)));
      expectConforms('patch', '/api/langganan/{id}', await t.http.patch(`/api/langganan/${sub.body.id}`).set(auth(admin)).send({ metode_pembayaran: 'Otomatis' }));
      const teknis = await t.http.post('/api/data_teknis/').set(auth(admin)).send({ pelanggan_id: p.body.id, ip_pelanggan: '10.9.9.9', vlan: 99, password_pppoe: 'x' });
      expectConforms('post', '/api/data_teknis', teknis);
      expectConforms('get', '/api/data_teknis/pelanggan/{pelanggan_id}', await t.http.get(`/api/data_teknis/pelanggan/${p.body.id}`).set(auth(admin)));
      expectConforms('patch', '/api/data_teknis/{data_teknis_id}', await t.http.patch(`/api/data_teknis/${teknis.body.id}`).set(auth(admin)).send({ vlan: 100 }));
      expectConforms('get', '/api/pelanggan/{pelanggan_id}', await t.http.get(`/api/pelanggan/${p.body.id}`).set(auth(admin)));
      expectConforms('patch', '/api/pelanggan/{pelanggan_id}', await t.http.patch(`/api/pelanggan/${p.body.id}`).set(auth(admin)).send({ nama: 'Open API' }));
      const inv = await t.http.post('/api/invoices/').set(auth(manager)).send({ pelanggan_id: p.body.id, periode: '2026-01', tanggal_jatuh_tempo: '2026-01-31', items: [{ deskripsi: 'Paket 20', jumlah: 1, harga: 175000 }] });
      expectConforms('post', '/api/invoices', inv);
      expectConforms('get', '/api/invoices', await t.http.get('/api/invoices/').set(auth(manager)));
      expectConforms('get', '/api/invoices/{invoice_id}', await t.http.get(`/api/invoices/${inv.body.id}`).set(auth(manager)));
      expectConforms('patch', '/api/invoices/{invoice_id}/status', await t.http.patch(`/api/invoices/${inv.body.id}/status`).set(auth(manager)).send({ status_invoice: 'Lunas', paid_amount: 1000 }));
      expectConforms('patch', '/api/invoices/{invoice_id}/status', await t.http.patch(`/api/invoices/${inv.body.id}/status`).set(auth(manager)).send({ status_invoice: 'Jatuh Tempo' }));
      const callback = { id: 'oapi-cb', external_id: inv.body.xendit_external_id, status: 'PAID', paid_amount: 174000, paid_at: '2026-01-15T12:00:00Z' };
      expectConforms('post', '/api/invoices/xendit-callback', await t.http.post('/api/invoices/xendit-callback').set(cb).send(callback));
      expectConforms('post', '/api/invoices/xendit-callback', await t.http.post('/api/invoices/xendit-callback').send(callback));
      expectConforms('get', '/api/dashboard', await t.http.get('/api/dashboard/').set(auth(manager)));
      expectConforms('get', '/api/dashboard/loyalitas-users-by-segment', await t.http.get('/api/dashboard/loyalitas-users-by-segment?segmen=setia').set(auth(manager)));
      expectConforms('get', '/api/reports/revenue', await t.http.get('/api/reports/revenue?group_by=brand').set(auth(manager)));
      expectConforms('get', '/api/reports/customers', await t.http.get('/api/reports/customers').set(auth(manager)));
      const notifications = await t.http.get('/api/notifications').set(auth(admin));
      expectConforms('get', '/api/notifications', notifications);
      const [n] = notifications.body.data.notifications;
      expectConforms('patch', '/api/notifications/{notification_id}/read', await t.http.patch(`/api/notifications/${n.id}/read`).set(auth(admin)));
      expectConforms('get', '/api/activity-logs', await t.http.get('/api/activity-logs/').set(auth(admin)));
      expectConforms('get', '/api/activity-logs/pelanggan/{pelanggan_id}', await t.http.get(`/api/activity-logs/pelanggan/${p.body.id}`).set(auth(admin)));
      expectConforms('get', '/api/activity-logs/pelanggan/{pelanggan_id}', await t.http.get('/api/activity-logs/pelanggan/99999').set(auth(admin)));
      const csv = 'Nama,No KTP,Email,No Telepon,Layanan,Alamat,Tanggal Instalasi (YYYY-MM-DD),ID Brand\nImpor,3171343434343434,impor@example.com,0812343434,,Jl. Impor,,OAPI\nSalah,1,x,1,,x,,OAPI\n';
      expectConforms('post', '/api/pelanggan/import', await t.http.post('/api/pelanggan/import').set(auth(admin)).attach('file', Buffer.from(csv), 'p.csv'));
      expect((await t.http.delete(`/api/pelanggan/${p.body.id}`).set(auth(admin))).status).toBe(204);
      expectConforms('delete', '/api/pelanggan/{pelanggan_id}', await t.http.delete(`/api/pelanggan/${p.body.id}`).set(auth(admin)));
      expectConforms('get', '/api/pelanggan', await t.http.get('/api/pelanggan/'));
    });

    it('customer portal and usage ingestion (document 004)', async () => {
      const portal = (token: string) => ({ Authorization: `Bearer ${token}` });
      const c = await portalCustomer(t, admin);
      const other = await portalCustomer(t, admin);
      const login = (body: object) => t.http.post('/api/portal/v1/auth/login').send(body);
      // Authentication (10 per minute per IP: the clock moves on between the groups).
      t.clock.advance(120_000);
      const signedIn = await login({ portal_id: c.portalId, password: c.password, remember_me: true });
      expectConforms('post', '/api/portal/v1/auth/login', signedIn);
      expectConforms('post', '/api/portal/v1/auth/login', await login({ portal_id: c.portalId, password: 'wrong-password-0' }));
      expectConforms('post', '/api/portal/v1/auth/login', await login({ portal_id: c.portalId }));
      const refreshed = await t.http.post('/api/portal/v1/auth/refresh').send({ refresh_token: signedIn.body.data.refresh_token });
      expectConforms('post', '/api/portal/v1/auth/refresh', refreshed);
      expectConforms('post', '/api/portal/v1/auth/refresh', await t.http.post('/api/portal/v1/auth/refresh').send({ refresh_token: 'nope' }));
      expectConforms('post', '/api/portal/v1/auth/logout', await t.http.post('/api/portal/v1/auth/logout').set(portal(refreshed.body.data.access_token)));
      const token = c.token;
      // Account.
      expectConforms('get', '/api/portal/v1/account/profile', await t.http.get('/api/portal/v1/account/profile').set(portal(token)));
      expectConforms('get', '/api/portal/v1/account/profile', await t.http.get('/api/portal/v1/account/profile'));
      expectConforms('put', '/api/portal/v1/account/profile', await t.http.put('/api/portal/v1/account/profile').set(portal(token)).send({ phone: '+62 812 0000 1111', theme_preference: 'dark' }));
      expectConforms('put', '/api/portal/v1/account/profile', await t.http.put('/api/portal/v1/account/profile').set(portal(token)).send({ email: 'x' }));
      expectConforms('put', '/api/portal/v1/account/profile', await t.http.put('/api/portal/v1/account/profile').set(portal(token)).send({ email: other.email }));
      expectConforms('post', '/api/portal/v1/account/change-password', await t.http.post('/api/portal/v1/account/change-password').set(portal(token)).send({ current_password: c.password, new_password: 'short', confirm_password: 'short' }));
      const setup = await t.http.post('/api/portal/v1/account/two-factor/setup').set(portal(token));
      expectConforms('post', '/api/portal/v1/account/two-factor/setup', setup);
      expectConforms('post', '/api/portal/v1/account/two-factor/enable', await t.http.post('/api/portal/v1/account/two-factor/enable').set(portal(token)).send({ code: 'abc' }));
      const code = await t.app.deps.commands.totp.codeAt(setup.body.data.secret, t.clock.now());
      expectConforms('post', '/api/portal/v1/account/two-factor/enable', await t.http.post('/api/portal/v1/account/two-factor/enable').set(portal(token)).send({ code }));
      expectConforms('post', '/api/portal/v1/account/two-factor/setup', await t.http.post('/api/portal/v1/account/two-factor/setup').set(portal(token)));
      expectConforms('post', '/api/portal/v1/auth/login', await login({ portal_id: c.portalId, password: c.password }));
      expectConforms('post', '/api/portal/v1/account/two-factor/disable', await t.http.post('/api/portal/v1/account/two-factor/disable').set(portal(token)).send({ password: c.password }));
      expectConforms('post', '/api/portal/v1/account/two-factor/disable', await t.http.post('/api/portal/v1/account/two-factor/disable').set(portal(token)).send({ password: c.password }));
      expectConforms('post', '/api/portal/v1/account/change-password', await t.http.post('/api/portal/v1/account/change-password').set(portal(token)).send({ current_password: c.password, new_password: 'a-new-long-pass-9', confirm_password: 'a-new-long-pass-9' }));
      // Lockout, then the per-IP limit.
      t.clock.advance(120_000);
      for (let i = 0; i < 4; i++) await login({ portal_id: other.portalId, password: `wrong-password-${i}` });
      expectConforms('post', '/api/portal/v1/auth/login', await login({ portal_id: other.portalId, password: 'wrong-password-4' }));
      let limited = await login({ portal_id: other.portalId, password: other.password });
      while (limited.status !== 429) limited = await login({ portal_id: other.portalId, password: other.password });
      expectConforms('post', '/api/portal/v1/auth/login', limited);
      // Services and usage.
      const usage = (records: object[], by: { token: string } = admin) => t.http.post('/api/v1/services/usage').set(auth(by)).send({ records });
      expectConforms('post', '/api/v1/services/usage', await usage([{ service_id: String(c.subscriptionId), date: '2026-01-02', download_gb: 12.5, upload_gb: 1.25 }]));
      expectConforms('post', '/api/v1/services/usage', await usage([{ service_id: '999999', date: '2026-01-02', download_gb: 1, upload_gb: 1 }]));
      expectConforms('post', '/api/v1/services/usage', await usage([{ service_id: String(c.subscriptionId), date: '2026-01-02', download_gb: 1, upload_gb: 1 }], tech));
      expectConforms('get', '/api/portal/v1/services', await t.http.get('/api/portal/v1/services').set(portal(token)));
      expectConforms('get', '/api/portal/v1/services/{service_id}/usage', await t.http.get(`/api/portal/v1/services/${c.subscriptionId}/usage?period=weekly`).set(portal(token)));
      expectConforms('get', '/api/portal/v1/services/{service_id}/usage', await t.http.get(`/api/portal/v1/services/${other.subscriptionId}/usage`).set(portal(token)));
      expectConforms('get', '/api/portal/v1/services/{service_id}/usage', await t.http.get(`/api/portal/v1/services/${c.subscriptionId}/usage?period=yearly`).set(portal(token)));
      // Billing.
      const invoice = await createBillingInvoice(t, admin, c.pelangganId, '2026-01');
      const othersInvoice = await createBillingInvoice(t, admin, other.pelangganId, '2026-01');
      expectConforms('get', '/api/portal/v1/billing/invoices', await t.http.get('/api/portal/v1/billing/invoices?limit=5').set(portal(token)));
      expectConforms('get', '/api/portal/v1/billing/invoices', await t.http.get('/api/portal/v1/billing/invoices?status=unknown').set(portal(token)));
      expectConforms('get', '/api/portal/v1/billing/invoices/{invoice_id}/pdf', await t.http.get(`/api/portal/v1/billing/invoices/${othersInvoice.id}/pdf`).set(portal(token)));
      const pdf = await t.http.get(`/api/portal/v1/billing/invoices/${invoice.id}/pdf`).set(portal(token));
      expect(pdf.status).toBe(200);
      expect(Object.keys(deref<ResponseObject>(doc, doc.paths['/api/portal/v1/billing/invoices/{invoice_id}/pdf']!.get!.responses['200']!).content ?? {})).toEqual(['application/pdf']);
      const pay = (body: object) => t.http.post('/api/portal/v1/billing/payments').set(portal(token)).send(body);
      expectConforms('post', '/api/portal/v1/billing/payments', await pay({ invoice_id: invoice.id, amount: 1, payment_method_id: 'pm_card_visa' }));
      expectConforms('post', '/api/portal/v1/billing/payments', await pay({ invoice_id: invoice.id, amount: 300_000, payment_method_id: 'pm_card_chargeDeclined' }));
      expectConforms('post', '/api/portal/v1/billing/payments', await pay({ invoice_id: othersInvoice.id, amount: 300_000, payment_method_id: 'pm_card_visa' }));
      expectConforms('post', '/api/portal/v1/billing/payments', await pay({ invoice_id: invoice.id, amount: 300_000, payment_method_id: 'pm_card_visa', save_payment_method: true }));
      expectConforms('post', '/api/portal/v1/billing/payments', await pay({ invoice_id: invoice.id, amount: 300_000, payment_method_id: 'pm_card_visa' }));
      expectConforms('get', '/api/portal/v1/billing/payments', await t.http.get('/api/portal/v1/billing/payments').set(portal(token)));
      // Support.
      const ticket = await t.http.post('/api/portal/v1/support/tickets').set(portal(token)).send({ subject: 'Slow', category: 'technical', description: 'Slow line', service_id: String(c.subscriptionId) });
      expectConforms('post', '/api/portal/v1/support/tickets', ticket);
      expectConforms('post', '/api/portal/v1/support/tickets', await t.http.post('/api/portal/v1/support/tickets').set(portal(token)).send({}));
      expectConforms('post', '/api/portal/v1/support/tickets/{ticket_id}/comments', await t.http.post(`/api/portal/v1/support/tickets/${ticket.body.data.ticket.id}/comments`).set(portal(token)).send({ message: 'Still slow' }));
      expectConforms('get', '/api/portal/v1/support/tickets/{ticket_id}', await t.http.get(`/api/portal/v1/support/tickets/${ticket.body.data.ticket.id}`).set(portal(token)));
      expectConforms('get', '/api/portal/v1/support/tickets/{ticket_id}', await t.http.get(`/api/portal/v1/support/tickets/${ticket.body.data.ticket.id}`).set(portal(other.token)));
      expectConforms('get', '/api/portal/v1/support/tickets', await t.http.get('/api/portal/v1/support/tickets?status=open&priority=medium').set(portal(token)));
    });

    it('admin modules and webhooks (document 004)', async () => {
      const get = async (path: string, url: string, as: { token: string } = admin) => expectConforms('get', path, await t.http.get(url).set(auth(as)));
      const send = async (method: 'post' | 'put' | 'delete', path: string, url: string, body: object = {}, as: { token: string } = admin) => {
        const res = await t.http[method](url).set(auth(as)).send(body);
        expectConforms(method, path, res);
        return res;
      };
      // Identity.
      await get('/api/v1/identity/users', '/api/v1/identity/users?role=tenant_admin&limit=2');
      await get('/api/v1/identity/users', '/api/v1/identity/users?role=janitor');
      await get('/api/v1/identity/users', '/api/v1/identity/users', tech);
      await send('post', '/api/v1/identity/users', '/api/v1/identity/users', { username: 'oa_user', email: 'oa.user@isp.com', password: 'secure_password', first_name: 'Open', last_name: 'Api', roles: ['support'] });
      await send('post', '/api/v1/identity/users', '/api/v1/identity/users', { username: 'oa_user', email: 'oa.user2@isp.com', password: 'secure_password', first_name: 'Open', last_name: 'Api', roles: ['support'] });
      await send('post', '/api/v1/identity/users', '/api/v1/identity/users', { email: 'bad' });
      const created = await send('post', '/api/v1/identity/customers', '/api/v1/identity/customers', {
        customer_type: 'business',
        first_name: 'Open',
        last_name: 'Customer',
        email: 'open.customer@example.com',
        phone: '+1-555-0100',
        address: { street: '1 Spec Street', city: 'Anytown' },
        create_portal_account: true,
      });
      const dotmacCustomer = created.body.data.customer.id as string;
      await send('post', '/api/v1/identity/customers', '/api/v1/identity/customers', { customer_type: 'business', first_name: 'x', last_name: 'y', email: 'open.customer@example.com', phone: '+1-555-0100', address: { street: 'x' } });
      await get('/api/v1/identity/customers', '/api/v1/identity/customers?customer_type=business&status=pending');
      // Services.
      const catalog = await send('post', '/api/v1/services/catalog', '/api/v1/services/catalog', { name: 'Spec Fiber', monthly_price: 300000, features: { download_speed: 50, upload_speed: 10 } });
      await send('post', '/api/v1/services/catalog', '/api/v1/services/catalog', { name: '' });
      await get('/api/v1/services/catalog', '/api/v1/services/catalog');
      const instance = await send('post', '/api/v1/services/instances', '/api/v1/services/instances', { customer_id: dotmacCustomer, service_id: catalog.body.data.service.id, installation_date: '2026-01-15', configuration: { static_ip: true } });
      await send('post', '/api/v1/services/instances', '/api/v1/services/instances', { customer_id: dotmacCustomer, service_id: catalog.body.data.service.id, installation_date: '2026-01-15' });
      await get('/api/v1/services/instances', '/api/v1/services/instances?status=active');
      await send('put', '/api/v1/services/instances/{instance_id}/status', `/api/v1/services/instances/${instance.body.data.instance.id}/status`, { status: 'suspended', reason: 'Non-payment' });
      await send('put', '/api/v1/services/instances/{instance_id}/status', `/api/v1/services/instances/${instance.body.data.instance.id}/status`, { status: 'suspended', reason: 'x', effective_date: '2030-01-01T00:00:00Z' });
      await send('put', '/api/v1/services/instances/{instance_id}/status', '/api/v1/services/instances/999999/status', { status: 'active', reason: 'x' });
      // Billing.
      const invoice = await send('post', '/api/v1/billing/invoices', '/api/v1/billing/invoices', { customer_id: dotmacCustomer, due_date: '2026-02-01', line_items: [{ description: 'Spec Fiber', quantity: 1, unit_price: 300000, tax_rate: 0.11 }], notes: 'Monthly' });
      await send('post', '/api/v1/billing/invoices', '/api/v1/billing/invoices', { customer_id: dotmacCustomer, due_date: 'soon', line_items: [] });
      await get('/api/v1/billing/invoices', `/api/v1/billing/invoices?customer_id=${dotmacCustomer}&amount_min=1`);
      await send('post', '/api/v1/billing/invoices/{invoice_id}/send', `/api/v1/billing/invoices/${invoice.body.data.invoice.id}/send`);
      const paymentId = await recordPayment(t, invoice.body.data.invoice.id);
      await get('/api/v1/billing/payments', '/api/v1/billing/payments');
      await send('post', '/api/v1/billing/payments/{payment_id}/refund', `/api/v1/billing/payments/${paymentId}/refund`, { amount: 1000, reason: 'Credit' });
      await send('post', '/api/v1/billing/payments/{payment_id}/refund', `/api/v1/billing/payments/${paymentId}/refund`, { amount: 999999999 });
      await send('post', '/api/v1/billing/invoices/{invoice_id}/void', `/api/v1/billing/invoices/${invoice.body.data.invoice.id}/void`);
      const unpaid = await send('post', '/api/v1/billing/invoices', '/api/v1/billing/invoices', { customer_id: dotmacCustomer, due_date: '2026-02-01', line_items: [{ description: 'x', quantity: 1, unit_price: 1000 }] });
      await send('post', '/api/v1/billing/invoices/{invoice_id}/void', `/api/v1/billing/invoices/${unpaid.body.data.invoice.id}/void`, { reason: 'Error' });
      await send('post', '/api/v1/billing/invoices/{invoice_id}/void', `/api/v1/billing/invoices/${unpaid.body.data.invoice.id}/void`, {}, tech);
      // Support.
      const ticket = await send('post', '/api/v1/support/tickets', '/api/v1/support/tickets', { customer_id: dotmacCustomer, subject: 'Spec', description: 'Spec ticket', category: 'billing' });
      await send('post', '/api/v1/support/tickets', '/api/v1/support/tickets', { customer_id: dotmacCustomer });
      await get('/api/v1/support/tickets', '/api/v1/support/tickets?status=open&sla_breach=false');
      await get('/api/v1/support/tickets/{ticket_id}', `/api/v1/support/tickets/${ticket.body.data.ticket.id}`);
      await send('put', '/api/v1/support/tickets/{ticket_id}/assign', `/api/v1/support/tickets/${ticket.body.data.ticket.id}/assign`, { assigned_to: tech.userId, priority: 'high', sla_hours: 24 });
      await send('put', '/api/v1/support/tickets/{ticket_id}/assign', `/api/v1/support/tickets/${ticket.body.data.ticket.id}/assign`, { assigned_to: manager.userId });
      await send('post', '/api/v1/support/tickets/{ticket_id}/close', `/api/v1/support/tickets/${ticket.body.data.ticket.id}/close`, { resolution: 'Done', customer_satisfaction: 4 });
      await send('post', '/api/v1/support/tickets/{ticket_id}/close', `/api/v1/support/tickets/${ticket.body.data.ticket.id}/close`, { resolution: 'Again' });
      const article = await send('post', '/api/v1/support/knowledge-base', '/api/v1/support/knowledge-base', { title: 'Spec', content: 'Spec article', category: 'general', tags: ['spec'] });
      await get('/api/v1/support/knowledge-base', '/api/v1/support/knowledge-base?search=spec');
      await get('/api/v1/support/knowledge-base/{article_id}', `/api/v1/support/knowledge-base/${article.body.data.article.id}`);
      await send('put', '/api/v1/support/knowledge-base/{article_id}', `/api/v1/support/knowledge-base/${article.body.data.article.id}`, { tags: ['spec', 'openapi'] });
      await send('post', '/api/v1/support/knowledge-base/{article_id}/publish', `/api/v1/support/knowledge-base/${article.body.data.article.id}/publish`);
      // Analytics.
      await get('/api/v1/analytics/dashboards/overview', '/api/v1/analytics/dashboards/overview');
      await get('/api/v1/analytics/reports/custom', '/api/v1/analytics/reports/custom?report_type=revenue&group_by=month');
      await get('/api/v1/analytics/reports/custom', '/api/v1/analytics/reports/custom?report_type=nope');
      // Staff token refresh.
      expectConforms('post', '/api/v1/auth/refresh', await t.http.post('/api/v1/auth/refresh').send({ refresh_token: manager.refreshToken }));
      expectConforms('post', '/api/v1/auth/refresh', await t.http.post('/api/v1/auth/refresh').send({ refresh_token: 'garbage' }));
      // Webhooks.
      const hook = await send('post', '/api/v1/webhooks', '/api/v1/webhooks', { url: 'https://hooks.example.com/spec', events: ['customer.created'], secret: 'spec_secret_value_16' });
      await send('post', '/api/v1/webhooks', '/api/v1/webhooks', { url: 'http://10.0.0.1/x', events: ['customer.created'] });
      const hookId = hook.body.data.webhook.id as string;
      await get('/api/v1/webhooks', '/api/v1/webhooks');
      await get('/api/v1/webhooks/{webhook_id}', `/api/v1/webhooks/${hookId}`);
      await send('put', '/api/v1/webhooks/{webhook_id}', `/api/v1/webhooks/${hookId}`, { events: ['customer.created', 'invoice.paid'] });
      await adminCustomer(t, admin);
      const delivery = t.app.reactors.webhooks!;
      await delivery.reactor.start();
      await delivery.reactor.reached(await t.eventStore.headPosition());
      await t.app.deps.sync.waitFor(await t.eventStore.headPosition(), 5000);
      const log = await t.http.get(`/api/v1/webhooks/${hookId}/deliveries`).set(auth(admin));
      expectConforms('get', '/api/v1/webhooks/{webhook_id}/deliveries', log);
      const deliveryId = log.body.data.deliveries[0].id as string;
      await get('/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}', `/api/v1/webhooks/${hookId}/deliveries/${deliveryId}`);
      await send('post', '/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver', `/api/v1/webhooks/${hookId}/deliveries/${deliveryId}/redeliver`);
      await send('delete', '/api/v1/webhooks/{webhook_id}', `/api/v1/webhooks/${hookId}`);
      await get('/api/v1/webhooks/{webhook_id}', `/api/v1/webhooks/${hookId}`);
    });

    it('operations and health', async () => {
      expectConforms('get', '/ops/projections', await t.http.get('/ops/projections').set(auth(admin)));
      expectConforms('get', '/ops/projections', await t.http.get('/ops/projections').set(auth(manager)));
      expectConforms('get', '/ops/streams/{stream}', await t.http.get(`/ops/streams/ticket-${ticketId}`).set(auth(admin)));
      expectConforms('get', '/ops/streams/{stream}/verify', await t.http.get(`/ops/streams/ticket-${ticketId}/verify`).set(auth(admin)));
      expectConforms('get', '/ops/read-models/{collection}/{id}', await t.http.get(`/ops/read-models/tickets/${ticketId}`).set(auth(admin)));
      expectConforms('get', '/health', await t.http.get('/health'));
    });
  });

  describe('/docs', () => {
    it('answers HTML that loads Swagger UI from this server, and every asset it names is served', async () => {
      const res = await t.http.get('/docs');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      const urls = [...res.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
      expect(urls).toEqual(expect.arrayContaining(['/docs/swagger-ui.css', '/docs/swagger-ui-bundle.js']));
      for (const url of urls) {
        expect(url).toMatch(/^\/docs\/[\w.-]+$/);
        const asset = await t.http.get(url);
        expect([url, asset.status]).toEqual([url, 200]);
      }
      const init = await t.http.get(urls.find((u) => u.endsWith('docs-init.js'))!);
      expect(init.headers['content-type']).toMatch(/javascript/);
      expect(init.text).toContain('"url":"/openapi.json"');
      expect(init.text).toContain('"validatorUrl":null');
      expect((await t.http.get('/docs/swagger-ui-bundle.js')).headers['content-type']).toMatch(/javascript/);
    });

    it('serves only the listed files of the package', async () => {
      expect((await t.http.get('/docs/index.html')).status).toBe(404);
      expect((await t.http.get('/docs/swagger-initializer.js')).status).toBe(404);
      expect((await t.http.get('/docs/../package.json')).status).toBe(404);
    });

    it('is readable without a token while the service starts; the API is not', async () => {
      const starting = request(createHttpApp({ ...t.app.deps, sync: { ...t.app.deps.sync, ready: () => false } }));
      expect((await starting.get('/api/tickets')).status).toBe(503);
      expect((await starting.get('/docs')).status).toBe(200);
      expect((await starting.get('/docs/swagger-ui.css')).status).toBe(200);
      const document = await starting.get('/openapi.json');
      expect(document.status).toBe(200);
      expect(document.body.openapi).toBe('3.1.0');
    });
  });
});
